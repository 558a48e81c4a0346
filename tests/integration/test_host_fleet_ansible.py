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
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers_sshd import Sshd, free_port, inventory, sshd, unavailable

REPO = Path(__file__).parents[2]
HOSTS = REPO / "tests" / "data" / "hosts"
BIN = Path(sys.executable).parent

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sshd]:
    why = unavailable()
    if why:
        pytest.skip(why)
    with sshd(tmp_path_factory.mktemp("sshd")) as running:
        yield running


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
    server: Sshd, tmp_path: Path
) -> None:
    trees = _trees(tmp_path / "trees")
    no_dac = tmp_path / "python3-without-dac-override"
    no_dac.write_text(
        "#!/bin/sh\nexec setpriv --inh-caps=-dac_override,-dac_read_search "
        '--bounding-set=-dac_override,-dac_read_search /usr/bin/python3 "$@"\n'
    )
    no_dac.chmod(0o755)
    hosts = {name: {"scs_root": str(tree)} for name, tree in trees.items()}
    hosts["cmp-unreadable"]["ansible_python_interpreter"] = str(no_dac)
    hosts["node-down"] = {"ansible_port": str(free_port())}  # nothing listens there
    inv = inventory(tmp_path / "inventory.ini", server, hosts)
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
            str(inv),
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
    assert (root / "README.md").is_file()
