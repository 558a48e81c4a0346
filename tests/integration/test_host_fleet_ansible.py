"""The fleet run for real: ansible-playbook over SSH to several inventory hosts.

Debian's sshd runs on a free loopback port with a host key, a client key and an sshd_config
made here (root login by key only). The inventory names five aliases of 127.0.0.1, each
collecting from its own tree (``scs_root``): a Kolla controller, a Kolla compute node with
problems, a packaged compute node whose nova.conf root cannot read (its Python runs without
CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH, so mode 000 holds even for root), a packaged controller,
and one alias whose port has no sshd (unreachable). Every node must show up in the report.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).parents[2]
HOSTS = REPO / "tests" / "data" / "hosts"
BIN = Path(sys.executable).parent
SSHD = shutil.which("sshd") or "/usr/sbin/sshd"

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"sshd exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"sshd did not listen on 127.0.0.1:{port}")


@pytest.fixture(scope="module")
def sshd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    if not Path(SSHD).is_file():
        pytest.skip("openssh-server is not installed (make sys-deps installs it)")
    if os.geteuid() != 0:
        pytest.skip("sshd with root login by key needs root (CI runs as root)")
    d = tmp_path_factory.mktemp("sshd")
    os.chmod(d, 0o700)
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(d / "host_key")], check=True
    )
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(d / "client_key")], check=True
    )
    shutil.copy(d / "client_key.pub", d / "authorized_keys")
    port = _free_port()
    (d / "sshd_config").write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {d / 'host_key'}\n"
        f"PidFile {d / 'sshd.pid'}\nAuthorizedKeysFile {d / 'authorized_keys'}\n"
        "PermitRootLogin prohibit-password\nPasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\nMaxStartups 100:30:200\n"
        "MaxSessions 100\nSubsystem sftp /usr/lib/openssh/sftp-server\n"
    )
    Path("/run/sshd").mkdir(exist_ok=True)  # sshd's privilege separation directory
    proc = subprocess.Popen(
        [SSHD, "-D", "-e", "-f", str(d / "sshd_config")],
        stdout=subprocess.DEVNULL,
        stderr=open(d / "sshd.log", "wb"),  # noqa: SIM115
    )
    try:
        _wait_port(port, proc)
        yield {"port": port, "key": d / "client_key", "dir": d}
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _trees(base: Path) -> dict[str, Path]:
    trees = {}
    for name, tree in (
        ("ctl-kolla", "kolla-control-good"),
        ("cmp-kolla-bad", "kolla-compute-bad"),
        ("cmp-unreadable", "packaged-compute-good"),
        ("ctl-packaged", "packaged-control-bad"),
    ):
        trees[name] = base / name
        shutil.copytree(HOSTS / tree, trees[name], symlinks=True)
    os.chmod(trees["cmp-unreadable"] / "etc" / "nova" / "nova.conf", 0)
    return trees


def test_playbook_judges_every_node_with_a_row_for_the_unreachable_and_unreadable(
    sshd: dict[str, object], tmp_path: Path
) -> None:
    trees = _trees(tmp_path / "trees")
    down = _free_port()  # nothing listens there
    no_dac = tmp_path / "python3-without-dac-override"
    no_dac.write_text(
        "#!/bin/sh\nexec setpriv --inh-caps=-dac_override,-dac_read_search "
        '--bounding-set=-dac_override,-dac_read_search /usr/bin/python3 "$@"\n'
    )
    no_dac.chmod(0o755)
    lines = ["[nodes]"]
    for name, tree in trees.items():
        interpreter = no_dac if name == "cmp-unreadable" else Path("/usr/bin/python3")
        lines.append(
            f"{name} ansible_port={sshd['port']} scs_root={tree} "
            f"ansible_python_interpreter='{interpreter}'"
        )
    lines.append(f"node-down ansible_port={down} ansible_python_interpreter=/usr/bin/python3")
    lines += [
        "[nodes:vars]",
        "ansible_host=127.0.0.1",
        "ansible_user=root",
        f"ansible_ssh_private_key_file={sshd['key']}",
        "ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "
        "-o ConnectTimeout=5'",
    ]
    inventory = tmp_path / "inventory.ini"
    inventory.write_text("\n".join(lines) + "\n")
    report = tmp_path / "report.json"
    env = {
        **os.environ,
        "ANSIBLE_HOST_KEY_CHECKING": "False",
        "ANSIBLE_FORKS": "10",
        "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-local"),
        "ANSIBLE_NOCOLOR": "1",
        "PATH": f"{BIN}:{os.environ.get('PATH', '')}",
    }
    proc = subprocess.run(
        [
            str(BIN / "ansible-playbook"),
            "-i",
            str(inventory),
            str(REPO / "ansible" / "playbooks" / "host_check.yml"),
            "-e",
            f"scs_report={report}",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    doc = json.loads(report.read_text())
    findings = doc["findings"]
    assert doc["nodes"] == sorted([*trees, "node-down"])
    by_node: dict[str, list[dict[str, str]]] = {}
    for f in findings:
        by_node.setdefault(f["node"], []).append(f)
    # unreachable: one ABORT row with the reason, nothing else
    (row,) = by_node["node-down"]
    assert row["status"] == "ABORT" and row["id"] == "scs-iaas-host-node"
    assert row["reason"].startswith("unreachable: ")
    # the unreadable file: the collector's row and the checks that needed the file ABORT
    unreadable = {f["id"]: f for f in by_node["cmp-unreadable"]}
    assert "scs-iaas-host-collect" in unreadable, json.dumps(by_node["cmp-unreadable"])
    collect = unreadable["scs-iaas-host-collect"]
    assert collect["status"] == "ABORT"
    assert "/etc/nova/nova.conf (Permission denied)" in collect["reason"]
    guest = unreadable["scs-iaas-host-entropy-guest-cpu"]
    assert guest["status"] == "ABORT" and "Permission denied" in guest["reason"]
    assert unreadable["scs-iaas-host-libvirt-listen"]["status"] == "PASS"
    # the others: their own verdicts, as `host check --root TREE` gives them
    bad = {f["id"]: f["status"] for f in by_node["cmp-kolla-bad"]}
    assert bad["scs-iaas-host-entropy-cpu"] == "FAIL"
    assert bad["scs-iaas-host-libvirt-listen"] == "WARN"
    ctl = {f["id"]: f["status"] for f in by_node["ctl-packaged"]}
    assert ctl["scs-iaas-host-barbican-kek"] == "FAIL"
    config = ("scs-0116", "scs-0117", "scs-0121", "scs-0125", "scs-0127", "scs-0302")
    ok = [f for f in by_node["ctl-kolla"] if f["standard"] in config]
    assert len(ok) == 38 and {f["status"] for f in ok} == {"PASS"}
    # nothing secret travelled: the trees hold "<redacted>" only, and no URL password
    assert "hunter2" not in report.read_text()


def test_collection_installs_with_ansible_galaxy(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            str(BIN / "ansible-galaxy"),
            "collection",
            "install",
            str(REPO / "ansible"),
            "-p",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    root = tmp_path / "ansible_collections" / "scs" / "iaas"
    assert (root / "plugins" / "modules" / "host_collect.py").is_file()
    util = root / "plugins" / "module_utils" / "scs_iaas_collect.py"
    assert util.is_file() and not util.is_symlink()
    assert (root / "roles" / "host_check" / "tasks" / "main.yml").is_file()
    assert not (root / "playbooks" / "collections").exists()
