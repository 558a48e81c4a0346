"""Measure the fleet run of the host checks, and the judge alone.

    .venv/bin/python bench/host_fleet.py ansible [--hosts 50] [--forks 10]
    .venv/bin/python bench/host_fleet.py judge [--trees 1000]

``ansible``: Debian's sshd on a loopback port (as in the integration test), an inventory of
N aliases of 127.0.0.1, and the real ``ansible-playbook ansible/playbooks/host_check.yml``
with ``forks``: every alias collects this machine's live ``/`` (commands run, files read,
secrets redacted) — or with ``--trees`` the recorded trees, cycled (no command runs) — the
archives are fetched and judged in one report. Prints wall time, the
per-node cost (wall / N, and CPU seconds of everything the run started / N), and the judge
step alone on the fetched archives.

``judge``: ``host check`` over the recorded trees of tests/data/hosts, cycled to N, in one
process pinned to one core; once from directories and once from their archives (unpacking
included).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
HOSTS = REPO / "tests" / "data" / "hosts"
sys.path.insert(0, str(REPO / "tests" / "integration"))


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def bench_ansible(hosts: int, forks: int, trees: bool, pipelining: bool) -> None:
    from helpers_sshd import inventory, sshd, unavailable

    why = unavailable()
    if why:
        sys.exit(f"cannot run: {why}")
    with tempfile.TemporaryDirectory(prefix="scs-bench-fleet-") as tmp:
        base = Path(tmp)
        with sshd(base / "sshd") as server:
            recorded = sorted(p for p in HOSTS.iterdir() if (p / "proc" / "cpuinfo").is_file())
            inv = inventory(
                base / "inventory.ini",
                server,
                {
                    f"node-{i:03d}": {"scs_root": str(recorded[i % len(recorded)])} if trees else {}
                    for i in range(hosts)
                },
            )
            report = base / "report.json"
            env = {
                **os.environ,
                "ANSIBLE_HOST_KEY_CHECKING": "False",
                "ANSIBLE_FORKS": str(forks),
                "ANSIBLE_NOCOLOR": "1",
                "PATH": f"{BIN}:{os.environ.get('PATH', '')}",
            }
            load0 = os.getloadavg()
            cpu0, t0 = _children_cpu(), time.perf_counter()
            proc = subprocess.run(
                [
                    str(BIN / "ansible-playbook"),
                    "-i",
                    str(inv),
                    str(REPO / "ansible" / "playbooks" / "host_check.yml"),
                    "-e",
                    f"scs_report={report}",
                    "-e",
                    "scs_keep_workdir=true",
                    "-e",
                    f"ansible_pipelining={str(pipelining).lower()}",
                ],
                capture_output=True,
                text=True,
                env=env,
                check=False,
            )
            wall, cpu_controller = time.perf_counter() - t0, _children_cpu() - cpu0
            if proc.returncode != 0:
                sys.exit(proc.stdout[-2000:] + proc.stderr[-2000:])
            doc = json.loads(report.read_text())
            workdir = next(
                line.split("archives kept in ", 1)[1].strip("\"', ]")
                for line in proc.stdout.splitlines()
                if "archives kept in " in line
            )
            sizes = [
                len(node.get("archive_b64", "")) * 3 // 4
                for node in json.loads((Path(workdir) / "fleet.json").read_text())
            ]
            t1, judge_cpu0 = time.perf_counter(), _children_cpu()
            judge = subprocess.run(
                [str(BIN / "scs-iaas"), "host", "judge", workdir, "-o", str(base / "j.json")],
                capture_output=True,
                text=True,
                check=False,
            )
            judge_s, judge_cpu = time.perf_counter() - t1, _children_cpu() - judge_cpu0
            subprocess.run(["rm", "-rf", workdir], check=False)
        # sshd is reaped now, and with it the sessions it reaped: the node side's CPU (sshd
        # sessions, the collectors' Python) counts only from here on
        cpu = _children_cpu() - cpu0 - judge_cpu
        source = "recorded trees (scs_root)" if trees else "live / of this machine"
        print(
            f"hosts={hosts} forks={forks} pipelining={pipelining} cores={os.cpu_count()} "
            f"collecting {source}"
        )
        print(f"load average before/after: {load0} / {os.getloadavg()}")
        print(f"nodes in report: {len(doc['nodes'])}, findings: {len(doc['findings'])}")
        print(f"summary: {doc['summary']}")
        print(f"wall: {wall:.1f} s, per node: {wall / hosts * 1000:.0f} ms")
        print(
            f"CPU, controller (ansible-playbook, ssh, local tasks, judge): {cpu_controller:.1f} s"
        )
        print(
            f"CPU, all (controller + sshd sessions + collectors on the nodes): {cpu:.1f} s, "
            f"per node: {cpu / hosts * 1000:.0f} ms"
        )
        print(f"archive size: median {sorted(sizes)[len(sizes) // 2] / 1024:.1f} KiB")
        print(
            f"judge alone ({judge.returncode}): {judge_s:.2f} s wall, {judge_cpu:.2f} s CPU "
            f"for {hosts} archives, {judge_cpu / hosts * 1000:.0f} ms CPU per node"
        )


def bench_judge(n: int) -> None:
    from scs_iaas.app.host import AREAS, host_check
    from scs_iaas.host.archive import unpacked
    from scs_iaas.host.collect import collect

    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    trees = sorted(p for p in HOSTS.iterdir() if (p / "proc" / "cpuinfo").is_file())
    findings = 0
    t0 = time.process_time()
    w0 = time.perf_counter()
    for i in range(n):
        f, _ = host_check(str(trees[i % len(trees)]), AREAS)
        findings += len(f)
    cpu, wall = time.process_time() - t0, time.perf_counter() - w0
    print(f"one core, {n} recorded trees ({len(trees)} distinct), {findings} findings")
    print(f"directories: {wall:.2f} s wall, {cpu:.2f} s CPU, {cpu / n * 1000:.2f} ms per tree")
    with tempfile.TemporaryDirectory() as tmp:
        archives = []
        for t in trees:
            out = Path(tmp) / f"{t.name}.tar.gz"
            collect(str(out), str(t))
            archives.append(out)
        t0, w0 = time.process_time(), time.perf_counter()
        for i in range(n):
            with unpacked(str(archives[i % len(archives)])) as tree:
                host_check(str(tree), AREAS)
        cpu, wall = time.process_time() - t0, time.perf_counter() - w0
    print(
        f"archives (unpack + judge): {wall:.2f} s wall, {cpu:.2f} s CPU, "
        f"{cpu / n * 1000:.2f} ms per tree"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    a = sub.add_parser("ansible")
    a.add_argument("--hosts", type=int, default=50)
    a.add_argument("--forks", type=int, default=10)
    a.add_argument(
        "--trees",
        action="store_true",
        help="collect the recorded trees (scs_root) instead of this machine's live /",
    )
    a.add_argument(
        "--no-pipelining",
        dest="pipelining",
        action="store_false",
        help="-e ansible_pipelining=false (the playbook turns it on)",
    )
    j = sub.add_parser("judge")
    j.add_argument("--trees", type=int, default=1000)
    args = parser.parse_args()
    if args.what == "ansible":
        bench_ansible(args.hosts, args.forks, args.trees, args.pipelining)
    else:
        bench_judge(args.trees)


if __name__ == "__main__":
    main()
