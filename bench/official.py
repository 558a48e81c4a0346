"""scs-iaas check against the official SCS suite on the same cloud, same run; and a fleet.

    .venv/bin/python bench/official.py [--images 2000] [--flavors 300] [--runs 3] [--fleet 20]

On the Cloud-in-a-Box (running), with the official suite from ../shared/peers/scs-standards in
bench/venv/scs-suite (`make peers-venvs`):

1. the cloud as it is: requests and wall time of both;
2. loaded with N public images (metadata only, every scs-0102 property set, so that other
   helpers' checks on the shared box keep their verdicts) and M public flavors (non-SCS names),
   created as admin by this script and removed afterwards (also on Ctrl-C; leftovers of a
   killed run, named scs-iaas-bench-s12-…, are swept at the start);
3. a fleet: K clouds.yaml entries for the same cloud, checked by one `scs-iaas check
   --subjects` process, against one subject: wall time and peak RSS.

Both tools are run twice per cloud: the whole certificate (what an operator runs; the
official suite boots a VM for scs-0101 and waits for a volume backup for scs-0117) and the
API-level selection (`-t`/`--tests` without scs-0101 and scs-0117). HTTP requests are counted
in every process of the official suite through a sitecustomize shim on PYTHONPATH that counts
`requests.Session.send`; scs-iaas counts its own.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.peers import standards_dir  # noqa: E402

PY = sys.executable
SUITE_PY = ROOT / "bench" / "venv" / "scs-suite" / "bin" / "python"
PREFIX = "scs-iaas-bench-s12-"
API_LEVEL = r"^scs-01(0[0234]|1[456])-|^scs-0123-"
SHIM = """
import os
if os.environ.get("S12_COUNT_DIR"):
    import atexit
    import requests

    _n = [0]
    _send = requests.Session.send

    def _counting(self, request, **kw):
        _n[0] += 1
        return _send(self, request, **kw)

    requests.Session.send = _counting
    atexit.register(
        lambda: open(os.path.join(os.environ["S12_COUNT_DIR"], str(os.getpid())), "w").write(
            str(_n[0])
        )
    )
"""

GOOD = {
    "architecture": "x86_64",
    "os_distro": "ubuntu",
    "os_version": "24.04",
    "os_purpose": "custom",
    "hw_disk_bus": "virtio",
    "hypervisor_type": "qemu",
    "hw_rng_model": "virtio",
    "image_original_user": "ubuntu",
    "image_source": "https://example.org/bench.img",
    "image_description": "https://example.org/bench",
    "replace_frequency": "never",
    "provided_until": "none",
    "uuid_validity": "none",
    "hotfix_hours": "0",
}


def box_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault(
        "OS_CLIENT_CONFIG_FILE", str(Path.home() / ".local/share/scs-iaas/box/clouds.yaml")
    )
    env.pop("OS_CLOUD", None)
    return env


def admin() -> Any:
    import openstack

    return openstack.connect(cloud="box-admin")


def _retried(fn: Any, *args: Any) -> Any:
    """The shared box restarts services now and then (other helpers' work): try a few times."""
    for attempt in range(8):
        try:
            return fn(*args)
        except Exception:
            if attempt == 7:
                raise
            time.sleep(5 * (attempt + 1))
    return None


def _delete_image(conn: Any, image: Any) -> None:
    import openstack.exceptions as exc

    try:
        conn.image.delete_image(image, ignore_missing=True)
    except exc.BadRequestException as e:  # deleted meanwhile: "from deleted to deleted"
        if "deleted" not in str(e):
            raise


def sweep(conn: Any) -> int:
    images = _retried(
        lambda: [
            i
            for i in conn.image.images(visibility="all", limit=1000)
            if (i.name or "").startswith(PREFIX)
        ]
    )
    flavors = _retried(
        lambda: [f for f in conn.compute.flavors(is_public=None) if f.name.startswith(PREFIX)]
    )
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda i: _retried(lambda: _delete_image(conn, i)), images))
        list(
            pool.map(
                lambda f: _retried(lambda: conn.compute.delete_flavor(f, ignore_missing=True)),
                flavors,
            )
        )
    return len(images) + len(flavors)


def load(conn: Any, images: int, flavors: int) -> float:
    started = time.perf_counter()
    today = time.strftime("%Y-%m-%d")

    def image(i: int) -> None:
        conn.image.create_image(
            name=f"{PREFIX}{i:05d}", disk_format="raw", container_format="bare",
            visibility="public", min_disk=1, min_ram=512, image_build_date=today, **GOOD,
        )  # fmt: skip

    def flavor(i: int) -> None:
        conn.compute.create_flavor(
            name=f"{PREFIX}f{i:04d}", vcpus=1 + i % 8, ram=512 * (1 + i % 16), disk=0,
            is_public=True,
        )  # fmt: skip

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda i: _retried(flavor, i), range(flavors)))
        list(pool.map(lambda i: _retried(image, i), range(images)))
    return time.perf_counter() - started


def run_ours(env: dict[str, str], *extra: str) -> dict[str, Any]:
    t = time.perf_counter()
    proc = subprocess.run(
        [PY, "-m", "scs_iaas", "check", "--os-cloud", "box-member", "-f", "json", *extra],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    wall = time.perf_counter() - t
    if proc.returncode not in (0, 1):
        raise SystemExit(f"scs-iaas check failed: {proc.stderr[-400:]}")
    doc = json.loads(proc.stdout)
    lines = [ln for v in doc["versions"].values() for ln in v["lines"][:2]]
    return {"wall": wall, "requests": doc["api_requests"], "lines": lines}


def run_official(env: dict[str, str], standards: Path, *extra: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        shim = Path(tmp) / "shim"
        shim.mkdir()
        (shim / "sitecustomize.py").write_text(SHIM)
        counts = Path(tmp) / "counts"
        counts.mkdir()
        env = dict(env, PYTHONPATH=str(shim), S12_COUNT_DIR=str(counts))
        t = time.perf_counter()
        proc = subprocess.run(
            [str(SUITE_PY), "scs-compliance-check.py", "-s", "box", "-a", "os_cloud=box-member",
             "-o", str(Path(tmp) / "r.yaml"), *extra, "scs-compatible-iaas.yaml"],
            cwd=standards / "Tests", env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        wall = time.perf_counter() - t
        requests = sum(int(p.read_text() or 0) for p in counts.iterdir())
    lines = [ln for ln in proc.stdout.splitlines() if re.match(r"^(\S+ SCS-|- main)", ln)]
    return {"wall": wall, "requests": requests, "rc": proc.returncode, "lines": lines}


def compare(env: dict[str, str], standards: Path, runs: int, label: str) -> list[dict[str, Any]]:
    rows = []
    for name, ours_args, official_args in (
        ("whole certificate", ("--with-resources",), ()),
        ("API-level (-t without 0101, 0117)", ("--with-resources", "--tests", API_LEVEL),
         ("-t", API_LEVEL)),
    ):  # fmt: skip
        # the whole run waits ~60 s for a volume backup: once is enough to see it
        n = 1 if name == "whole certificate" else runs
        ours = [run_ours(env, *ours_args) for _ in range(n)]
        official = run_official(env, standards, *official_args)
        best = min(ours, key=lambda r: r["wall"])
        rows.append(
            {
                "cloud": label,
                "selection": name,
                "ours_s": round(best["wall"], 2),
                "ours_median_s": round(statistics.median(r["wall"] for r in ours), 2),
                "ours_requests": sorted({r["requests"] for r in ours}),
                "official_s": round(official["wall"], 2),
                "official_requests": official["requests"],
                "ratio": round(best["wall"] / official["wall"], 3),
                "ours_lines": best["lines"],
                "official_lines": official["lines"],
            }
        )
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    return rows


def peak_rss_run(cmd: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Wall time and peak RSS (KiB) of one command, measured in a fresh child of ours."""
    wrapper = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "w = time.perf_counter() - t\n"
        "print(w, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, p.returncode)\n"
        "sys.stderr.write(p.stderr)\n"
    )
    proc = subprocess.run([PY, "-c", wrapper, *cmd], env=env, capture_output=True, text=True)
    wall, rss, rc = proc.stdout.split()
    return float(wall), int(rss), rc


def fleet(env: dict[str, str], size: int, runs: int) -> dict[str, Any]:
    clouds = yaml.safe_load(Path(env["OS_CLIENT_CONFIG_FILE"]).read_text())
    member = clouds["clouds"]["box-member"]
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(size):
            clouds["clouds"][f"fleet-{i:02d}"] = member
        config = Path(tmp) / "clouds.yaml"
        config.write_text(yaml.safe_dump(clouds))
        subjects = Path(tmp) / "subjects.yaml"
        subjects.write_text("".join(f"subject-{i:02d}: fleet-{i:02d}\n" for i in range(size)))
        fenv = dict(env, OS_CLIENT_CONFIG_FILE=str(config))
        base = [PY, "-m", "scs_iaas", "check", "-f", "json"]
        one = [peak_rss_run([*base, "--os-cloud", "fleet-00"], fenv) for _ in range(runs)]
        many = [peak_rss_run([*base, "--subjects", str(subjects)], fenv) for _ in range(runs)]
    one_wall = min(w for w, _, _ in one)
    many_wall = min(w for w, _, _ in many)
    return {
        "subjects": size,
        "one_s": round(one_wall, 2),
        "fleet_s": round(many_wall, 2),
        "ratio": round(many_wall / one_wall, 2),
        "one_rss_mib": round(max(r for _, r, _ in one) / 1024, 1),
        "fleet_rss_mib": round(max(r for _, r, _ in many) / 1024, 1),
        "exit_codes": sorted({rc for _, _, rc in one + many}),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--images", type=int, default=2000)
    ap.add_argument("--flavors", type=int, default=300)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--fleet", type=int, default=20)
    ap.add_argument("--skip-compare", action="store_true", help="only the fleet")
    args = ap.parse_args()
    standards = standards_dir()
    if standards is None or not SUITE_PY.exists():
        raise SystemExit("needs ../shared/peers/scs-standards and `make peers-venvs`")
    env = box_env()
    os.environ.update(env)
    result: dict[str, Any] = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    result["load_average_before"] = os.getloadavg()
    conn = admin()
    swept = sweep(conn)
    if swept:
        print(f"swept {swept} leftovers of an earlier run", file=sys.stderr)
    if not args.skip_compare:
        result["compare"] = compare(env, standards, args.runs, "as it is")
        try:
            made_s = load(conn, args.images, args.flavors)
            result["load_seconds"] = round(made_s, 1)
            label = f"+{args.images} images, +{args.flavors} flavors"
            result["compare"] += compare(env, standards, args.runs, label)
        finally:
            t = time.perf_counter()
            result["removed"] = sweep(conn)
            result["remove_seconds"] = round(time.perf_counter() - t, 1)
    result["fleet"] = fleet(env, args.fleet, args.runs)
    result["load_average_after"] = os.getloadavg()
    result["self_max_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
