"""``scs-iaas upgrade check`` end to end on recorded inputs (no cloud: --skip-openstack)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scs_iaas.cli import main

DATA = Path(__file__).resolve().parents[2] / "data" / "upgrade"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    rc = main(["upgrade", "check", *argv])
    out, err = capsys.readouterr()
    return rc, out, err


def test_safe_step_exits_0_with_plan_and_evidence_in_json(
    capsys: pytest.CaptureFixture[str],
) -> None:
    rc, out, _ = run(
        capsys,
        "--to",
        "Zed",
        "--from",
        "yoga",
        "--root",
        str(DATA / "host" / "ubuntu-20.04"),
        "--ceph-dir",
        str(DATA / "ceph" / "pacific-ok-real"),
        "-f",
        "json",
    )
    doc = json.loads(out)
    assert rc == 0
    assert doc["plan"] == ["Yoga", "Zed"]
    assert doc["evidence"][0]["evidence"] == "--from Yoga (not detected)"
    assert doc["ceph"]["running"] == "pacific" and doc["ceph"]["target"] == "quincy"
    assert doc["summary"] == {"PASS": 7}
    assert {f["id"] for f in doc["findings"]} == {
        "scs-iaas-upgrade-path",
        "scs-iaas-upgrade-ceph-versions",
        "scs-iaas-upgrade-ceph-path",
        "scs-iaas-upgrade-ceph-require-osd-release",
        "scs-iaas-upgrade-ceph-health",
        "scs-iaas-upgrade-ceph-blockers",
        "scs-iaas-upgrade-host-os",
    }


def test_blocked_step_exits_1_and_prints_the_plan(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(
        capsys,
        "--to",
        "2024.1",
        "--from",
        "Yoga",
        "--skip-ceph",
        "--root",
        str(DATA / "host" / "ubuntu-22.04"),
    )
    assert rc == 1
    assert "plan: Yoga → Zed → 2023.1 → 2024.1" in out
    assert "scs-iaas-upgrade-path" in out


def test_ceph_and_images_block(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    images = tmp_path / "images.json"
    images.write_text(
        json.dumps([{"name": "Ubuntu 20.04", "os_distro": "ubuntu", "os_version": "20.04"}])
    )
    rc, out, _ = run(
        capsys,
        "--to",
        "2023.1",
        "--skip-openstack",
        "--skip-host",
        "--images",
        str(images),
        "--ceph-dir",
        str(DATA / "ceph" / "mixed-pacific-quincy"),
        "-f",
        "json",
    )
    doc = json.loads(out)
    assert rc == 1
    failed = {f["id"] for f in doc["findings"] if f["status"] == "FAIL"}
    assert failed == {"scs-iaas-upgrade-image-os", "scs-iaas-upgrade-ceph-versions"}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--to", "2024.9", "--skip-openstack"], "unknown OpenStack release '2024.9'"),
        (["--to", "zed", "--skip-openstack", "--ceph-to", "mimic"], "unknown Ceph release"),
        (["--to", "zed", "--skip-openstack", "--ceph-dir", "/nonexistent"], "not a directory"),
        (
            ["--to", "zed", "--skip-openstack", "--skip-ceph", "--root", "/nonexistent"],
            "no etc/os-release",
        ),
        (
            ["--to", "zed", "--skip-openstack", "--skip-ceph", "--images", "/nonexistent.json"],
            "--images",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    rc, _out, err = run(capsys, *argv)
    assert rc == 2
    assert err.startswith("scs-iaas: error: ") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_junit_output(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(
        capsys,
        "--to",
        "reef",
        "--skip-openstack",
        "--skip-host",
        "--ceph-dir",
        str(DATA / "ceph" / "quincy-ok"),
        "--ceph-to",
        "reef",
        "-f",
        "junit",
    )
    # --to names an OpenStack release; "reef" is none of them
    assert rc == 2
    rc, out, _ = run(
        capsys,
        "--to",
        "2025.1",
        "--skip-openstack",
        "--skip-host",
        "--ceph-dir",
        str(DATA / "ceph" / "quincy-ok"),
        "--ceph-to",
        "reef",
        "-f",
        "junit",
    )
    assert rc == 0
    assert "<testsuite" in out and "scs-iaas-upgrade-ceph-blockers" in out


@pytest.mark.parametrize(
    ("case", "to", "rc", "detected"),
    [
        ("yoga", "zed", 0, "Yoga"),
        ("yoga", "2023.1", 1, "Yoga"),
        ("zed", "2023.1", 0, "Zed"),
        ("2023.1", "2024.1", 0, "2023.1 Antelope … 2023.2 Bobcat"),
        ("2026.2-live", "2026.2", 0, "≥ 2026.2 Hibiscus"),
        ("mixed-zed-nova-yoga-cinder", "zed", 1, None),
    ],
)
def test_recorded_documents_end_to_end(
    capsys: pytest.CaptureFixture[str], case: str, to: str, rc: int, detected: str | None
) -> None:
    got, out, _ = run(
        capsys,
        "--to",
        to,
        "--openstack-dir",
        str(DATA / "openstack" / case),
        "--skip-ceph",
        "--skip-host",
        "-f",
        "json",
    )
    doc = json.loads(out)
    assert got == rc
    assert doc["detected"] == detected
    assert doc["evidence"] and all(e["evidence"] for e in doc["evidence"])


def test_openstack_dir_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rc, _, err = run(capsys, "--to", "zed", "--openstack-dir", str(tmp_path), "--skip-ceph")
    assert rc == 2 and "none of identity.json" in err
    (tmp_path / "compute.json").write_text("[1, 2]")
    rc, _, err = run(capsys, "--to", "zed", "--openstack-dir", str(tmp_path), "--skip-ceph")
    assert rc == 2 and "compute.json: expected a JSON object" in err


def test_target_in_development_is_accepted_and_said_to_be_unreleased(
    capsys: pytest.CaptureFixture[str],
) -> None:
    rc, out, _ = run(
        capsys,
        "--to",
        "2027.1",
        "--from",
        "2026.1",
        "--root",
        str(DATA / "host" / "ubuntu-24.04"),
        "--ceph-dir",
        str(DATA / "ceph" / "tentacle-ok"),
        "-f",
        "json",
    )
    doc = json.loads(out)
    by = {f["id"]: f for f in doc["findings"]}
    target = by["scs-iaas-upgrade-target-released"]
    assert target["status"] == "WARN"
    assert (
        target["reason"]
        == "2027.1 Indri is not released yet (in development, planned for 2027-03-24)"
    )
    assert "newest released: 2026.2 Hibiscus" in target["fix"]
    # the SLURP step 2026.1 → 2027.1 is allowed; the host is kept for that upgrade only
    assert by["scs-iaas-upgrade-path"]["status"] == "PASS"
    assert doc["plan"] == ["2026.1", "2027.1"]
    assert by["scs-iaas-upgrade-host-os"]["status"] == "WARN"
    # a Tentacle cluster is judged against Umbrella by default
    assert doc["ceph"]["running"] == "tentacle" and doc["ceph"]["target"] == "umbrella"
    assert by["scs-iaas-upgrade-ceph-path"]["status"] == "PASS"
    assert rc == 0


def test_released_target_has_no_release_finding_and_text_names_the_date(
    capsys: pytest.CaptureFixture[str],
) -> None:
    rc, out, _ = run(capsys, "--to", "2026.2", "--from", "2026.1", "--skip-ceph", "--skip-host")
    assert rc == 0 and "not released yet" not in out
    rc, out, _ = run(capsys, "--to", "indri", "--from", "2026.2", "--skip-ceph", "--skip-host")
    assert rc == 0
    assert "2027.1 Indri is not released yet (in development, planned for 2027-03-24)" in out


def test_live_documents_towards_indri_plan_one_step(capsys: pytest.CaptureFixture[str]) -> None:
    """The real 2026.2 documents: ≥ 2026.2 stays 2026.2 (Indri is no candidate), one step on;
    without --to, Indri is the next release, and said to be unreleased."""
    for to in (["--to", "2027.1"], []):
        rc, out, _ = run(
            capsys,
            *to,
            "--openstack-dir",
            str(DATA / "openstack" / "2026.2-live"),
            "--skip-ceph",
            "--skip-host",
            "-f",
            "json",
        )
        doc = json.loads(out)
        assert rc == 0
        assert doc["target"] == "2027.1 Indri"
        assert doc["detected"] == "≥ 2026.2 Hibiscus" and doc["plan"] == ["2026.2", "2027.1"]
        by = {f["id"]: f for f in doc["findings"]}
        assert by["scs-iaas-upgrade-path"]["reason"].endswith("is one allowed step")
        assert by["scs-iaas-upgrade-target-released"]["status"] == "WARN"


def test_without_to_the_target_is_the_release_after_the_given_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    rc, out, _ = run(capsys, "--from", "yoga", "--skip-ceph", "--skip-host", "-f", "json")
    doc = json.loads(out)
    assert rc == 0
    assert doc["target"] == "Zed" and doc["plan"] == ["Yoga", "Zed"]
    assert "target: Zed (the release after Yoga; --to to choose)" in doc["verdict_lines"]


@pytest.mark.parametrize(
    ("case", "target", "after"),
    [
        # the recorded 2023.1 cloud may also be 2023.2: the release after the newest candidate
        ("2023.1", "2024.1 Caracal", "2023.1 Antelope … 2023.2 Bobcat"),
        # nova 2.96 says 2024.1 … 2024.2, glance 2.16 says ≤ 2024.1: it is 2024.1
        ("2024.1", "2024.2 Dalmatian", "2024.1 Caracal"),
    ],
)
def test_without_to_the_target_is_the_release_after_the_detected_one(
    capsys: pytest.CaptureFixture[str], case: str, target: str, after: str
) -> None:
    rc, out, _ = run(
        capsys,
        "--openstack-dir",
        str(DATA / "openstack" / case),
        "--skip-ceph",
        "--skip-host",
        "-f",
        "json",
    )
    doc = json.loads(out)
    assert doc["target"] == target, doc["verdict_lines"]
    assert f"target: {target} (the release after {after}; --to to choose)" in doc["verdict_lines"]
    assert rc == 0


def test_without_to_nothing_detected_or_newest_is_a_one_line_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    rc, _, err = run(capsys, "--skip-openstack", "--skip-ceph", "--skip-host")
    assert rc == 2 and "--to RELEASE is needed" in err and err.count("\n") == 1
    rc, _, err = run(capsys, "--from", "2027.1", "--skip-ceph", "--skip-host")
    assert rc == 2 and "the newest release scs-iaas knows" in err
