"""`scs-iaas host …` through the real CLI entry point, on recorded trees and temp dirs."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from scs_iaas.cli import main
from scs_iaas.commands.host import parse_size
from scs_iaas.errors import InputError

HOSTS = Path(__file__).parents[2] / "data" / "hosts"


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object]]:
    rc = main(list(argv))
    return rc, json.loads(capsys.readouterr().out)


def test_check_json_has_findings_and_facts(capsys: pytest.CaptureFixture[str]) -> None:
    rc, doc = run_json(capsys, "host", "check", "--root", str(HOSTS / "epyc-snp"), "-f", "json")
    assert rc == 0
    facts = doc["facts"]
    assert isinstance(facts, dict)
    assert facts["confidential_computing"]["kernel_log"]["sev_asids"] == 907
    assert facts["storage"]["targets"][0]["encryption"] == "LUKS2"
    assert facts["timesync"]["daemon"] == "chrony"
    ids = {f["id"] for f in doc["findings"]}  # type: ignore[attr-defined]
    assert {
        "scs-iaas-host-sev",
        "scs-iaas-host-sev-snp",
        "scs-iaas-host-sgx",
        "scs-iaas-host-tdx",
        "scs-iaas-host-luks",
        "scs-iaas-host-ssd",
        "scs-iaas-host-sensors",
        "scs-iaas-host-timesync",
    } <= ids


def test_check_exit_1_on_critical_sensor(capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["host", "check", "--root", str(HOSTS / "xeon-sgx-tdx")])
    out = capsys.readouterr().out
    assert rc == 1
    assert "Package id 0" in out


def test_check_warnings_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    rc, doc = run_json(capsys, "host", "check", "--root", str(HOSTS / "epyc-sev-off"), "-f", "json")
    assert rc == 0
    # cc, storage, sensors, time: 3 SKIP, 7 WARN; config: 3 PASS (entropy, libvirt), 2 WARN
    assert doc["summary"] == {"PASS": 3, "SKIP": 3, "WARN": 9}


def test_only_limits_areas_and_junit(capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["host", "check", "--root", str(HOSTS / "plain"), "--only", "cc,time", "-f", "junit"])
    root = ET.fromstring(capsys.readouterr().out.split("?>", 1)[1])
    assert rc == 0
    names = {case.get("name", "").split(" ")[0] for case in root.iter("testcase")}
    assert "scs-iaas-host-timesync" in names
    assert not any("luks" in n or "sensors" in n for n in names)


def test_bad_only_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["host", "check", "--only", "cc,gpu"]) == 2
    assert "--only 'cc,gpu'" in capsys.readouterr().err


def test_instances_path_flag(capsys: pytest.CaptureFixture[str]) -> None:
    rc, doc = run_json(
        capsys,
        "host", "check", "--root", str(HOSTS / "epyc-snp"), "--only", "storage",
        "--instances-path", "/var/lib/nova/../nova", "-f", "json",
    )  # fmt: skip
    assert rc == 0
    target = doc["facts"]["storage"]["targets"][0]  # type: ignore[index]
    assert (target["path"], target["device"]) == ("/var/lib/nova", "/dev/nvme0n1p2")
    assert target["encryption"] == ""


def test_live_check_does_not_crash(capsys: pytest.CaptureFixture[str]) -> None:
    rc, doc = run_json(capsys, "host", "check", "-f", "json")
    assert rc in (0, 1)
    assert doc["facts"]["root"] == "/"  # type: ignore[index]


def test_sensors_textfile_and_exit_code(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rc = main(
        ["host", "sensors", "--root", str(HOSTS / "xeon-sgx-tdx"), "--textfile", str(tmp_path)]
    )
    out = capsys.readouterr()
    assert rc == 1  # Package id 0 is at its crit limit
    assert "Package id 0" in out.out
    assert "node_hwmon_temp_celsius" in (tmp_path / "scs_iaas_hwmon.prom").read_text()
    rc, doc = run_json(capsys, "host", "sensors", "--root", str(HOSTS / "epyc-snp"), "-f", "json")
    assert rc == 0
    assert len(doc["facts"]["chips"]) == 3  # type: ignore[index]


def test_live_sensors(capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["host", "sensors"])
    out = capsys.readouterr().out
    assert rc in (0, 1)
    if not Path("/sys/class/hwmon").is_dir():
        assert "no hwmon" in out


def test_bench_disk_builtin_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rc, doc = run_json(
        capsys, "host", "bench-disk", str(tmp_path), "--count", "200", "--engine", "builtin",
        "-f", "json",
    )  # fmt: skip
    facts = doc["facts"]
    assert isinstance(facts, dict)
    assert facts["writes"] == 200 and facts["engine"].startswith("built-in")
    assert rc == (0 if facts["iops"] > 1000 and facts["p50_ms"] < 1 else 1)


def test_bench_disk_bad_target(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["host", "bench-disk", str(tmp_path / "missing")]) == 2
    assert "not a directory or block device" in capsys.readouterr().err
    assert main(["host", "bench-disk", str(tmp_path), "--count", "5", "--size", "8M"]) == 2


def test_parse_size() -> None:
    assert parse_size("8M") == 8 * 1024 * 1024
    assert parse_size("800k") == 800 * 1024
    assert parse_size("4096") == 4096
    assert parse_size("1GiB") == 1024**3
    with pytest.raises(InputError):
        parse_size("lots")


def test_bench_encryption_exit_2_or_runs(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from scs_iaas.host.bench_encryption import why_not

    reason = why_not(tmp_path)
    rc = main(["host", "bench-encryption", "--dir", str(tmp_path), "--count", "100"])
    captured = capsys.readouterr()
    if reason is not None:
        assert rc == 2
        assert (
            captured.err.strip() == f"scs-iaas: error: bench-encryption cannot run here: {reason}"
        )
    else:
        assert rc in (0, 1)
        assert "scs-iaas-host-luks-overhead" in captured.out


def test_bench_disk_refuses_a_device(capsys: pytest.CaptureFixture[str]) -> None:
    loop = Path("/dev/loop0")
    if not loop.is_block_device():
        pytest.skip("/dev/loop0 is not a block device here")
    assert main(["host", "bench-disk", str(loop), "--count", "10"]) == 2
    assert "destroys its data" in capsys.readouterr().err


def test_root_must_exist(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for command in ("check", "sensors"):
        assert main(["host", command, "--root", str(tmp_path / "typo")]) == 2
        assert f"--root '{tmp_path / 'typo'}': not a directory" in capsys.readouterr().err


def test_root_must_be_a_host_tree_and_named_paths_must_exist(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["host", "check", "--root", str(tmp_path)]) == 2
    assert "not a host tree (no proc/cpuinfo under it)" in capsys.readouterr().err
    root = Path(__file__).parents[2] / "data" / "hosts" / "plain"
    assert main(["host", "check", "--root", str(root), "--nova-conf", "/etc/nova/typo.conf"]) == 2
    assert "--nova-conf /etc/nova/typo.conf: no such file" in capsys.readouterr().err
    assert main(["host", "check", "--root", str(root), "--instances-path", "/srv/typo"]) == 2
    assert "--instances-path /srv/typo: does not exist" in capsys.readouterr().err


def test_host_checks_run_on_the_check_interface_like_the_cloud_checks() -> None:
    """`host check` runs the host_* modules' CHECKs through the runner, on the facts of the
    areas asked for; the result is what each module's own judge says of the same facts."""
    from scs_iaas.app.host import host_check, host_root
    from scs_iaas.checks import host_confidential_computing, host_timesync, runner
    from scs_iaas.host.facts import read_host

    tree = str(Path(__file__).resolve().parents[2] / "data" / "hosts" / "epyc-snp")
    assert {c.name for c in runner.host_checks()} == {
        "host confidential computing",
        "host storage (scs-0110)",
        "host sensors",
        "host time sync",
        "scs-0101 entropy on compute nodes",
        "scs-0116 Barbican master KEK",
        "scs-0117 backup storage",
        "scs-0121 cross-AZ attach",
        "scs-0125 secure connections (provider side)",
        "scs-0127 DNS (provider side)",
        "scs-0302 Keystone policy scope",
    }
    assert not {c.name for c in runner.host_checks()} & {c.name for c in runner.all_checks()}
    findings, facts = host_check(tree, ("cc", "time"))
    read = read_host(host_root(tree), ("cc", "time"))
    assert read.cc is not None and read.timesync is not None
    direct = host_confidential_computing.check(read.cc, read.nova) + host_timesync.check(
        read.timesync
    )
    assert findings == direct
    assert set(facts) == {"root", "nova", "confidential_computing", "timesync"}
