"""host judge: the working directory the Ansible role leaves, every node a row."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from scs_iaas.app.host import host_check
from scs_iaas.app.host_fleet import judge_fleet
from scs_iaas.cli import main
from scs_iaas.errors import InputError
from scs_iaas.host.collect import collect

HOSTS = Path(__file__).parents[2] / "data" / "hosts"


def _status(d: Path, node: str, **fields: object) -> None:
    (d / f"{node}.status.json").write_text(json.dumps({"node": node, **fields}))


def test_every_node_is_a_row(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    collect(str(tmp_path / "a.tar.gz"), str(HOSTS / "kolla-compute-bad"))
    b64 = base64.b64encode((tmp_path / "a.tar.gz").read_bytes()).decode()
    _status(work, "cmp-1", archive_b64=b64)
    collect(str(work / "cmp-2.tar.gz"), str(HOSTS / "packaged-compute-good"))
    _status(work, "cmp-2")  # the archive beside the status file
    _status(work, "down", unreachable=True, msg="Failed to connect to the host via ssh: refused")
    _status(work, "broken", failed=True, msg="collect: --root /x: not a directory")
    _status(work, "garbled", archive_b64="!!not base64!!")
    _status(work, "lost")
    findings, targets = judge_fleet(str(work), lambda tree: host_check(tree))
    by_node: dict[str, list[str]] = {}
    for f in findings:
        by_node.setdefault(f.node, []).append(f"{f.status} {f.id}")
    assert sorted(by_node) == ["broken", "cmp-1", "cmp-2", "down", "garbled", "lost"]
    assert by_node["down"] == ["ABORT scs-iaas-host-node"]
    assert by_node["broken"] == ["ABORT scs-iaas-host-node"]
    assert by_node["garbled"] == ["ABORT scs-iaas-host-node"]
    assert by_node["lost"] == ["ABORT scs-iaas-host-node"]
    assert "FAIL scs-iaas-host-entropy-cpu" in by_node["cmp-1"]
    assert "PASS scs-iaas-host-collect" in by_node["cmp-2"]
    reasons = {f.node: f.reason for f in findings if f.id == "scs-iaas-host-node"}
    assert reasons["down"] == "unreachable: Failed to connect to the host via ssh: refused"
    assert reasons["lost"] == "no archive came back from the node"
    # TLS endpoints named by the nodes, each with the nodes that name it
    assert any(who[0].startswith("cmp-2: nova-compute") for who in targets.values())


def test_cli_judge_json_with_node_and_bad_workdir(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    _status(work, "n1", unreachable=True, msg="timeout")
    report = tmp_path / "r.json"
    assert main(["host", "judge", str(work), "-o", str(report)]) == 1
    doc = json.loads(report.read_text())
    assert doc["nodes"] == ["n1"] and doc["findings"][0]["node"] == "n1"
    assert "wrote" in capsys.readouterr().out
    assert main(["host", "judge", str(tmp_path / "empty")]) == 2
    assert "not a directory" in capsys.readouterr().err
    with pytest.raises(InputError, match=r"no fleet\.json or <node>\.status\.json"):
        judge_fleet(str(tmp_path), lambda tree: host_check(tree))


@pytest.mark.parametrize(
    ("suffix", "marker"), [(".xml", "n1: n1"), (".html", "n1: n1"), (".txt", "n1: n1")]
)
def test_report_format_by_extension_names_the_node(
    tmp_path: Path, suffix: str, marker: str, capsys: pytest.CaptureFixture[str]
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    _status(work, "n1", unreachable=True, msg="timeout")
    report = tmp_path / f"r{suffix}"
    assert main(["host", "judge", str(work), "-o", str(report)]) == 1
    text = report.read_text()
    assert marker in text and "unreachable: timeout" in text
    if suffix == ".xml":
        assert text.lstrip().startswith("<?xml")
