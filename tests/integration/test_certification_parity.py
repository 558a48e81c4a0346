"""Certification parity, side by side with the real official tooling on the local cloud.

SLOW, and it runs the official suite FOR REAL: ``scs-compliance-check.py`` from
``../shared/peers/scs-standards`` against ``box-member``, at the same moment as ``scs-iaas
check`` (other helpers change the shared cloud, so both read it together). To keep CI time in
bounds, both get the same test selection with the suite's own ``-t`` (our ``--tests``): every
automated id of v5.1 and next but those of scs-0101 (they boot a VM and wait, 2+ minutes) and
scs-0117 (a backup that waits too). That run takes ~20 s instead of 3-4 minutes; a whole-suite
run is recorded in ``tests/data/official`` and compared line by line in the unit tests.

Then the real compliance monitor (``compliance-monitor/monitor.py`` with PostgreSQL 15 from
Debian on loopback) receives both reports through ``scs-iaas report upload`` and must show the
same verdict per version in ``/status`` for both subjects.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers_cli import run_cli
from helpers_peers import Monitor, SuiteRun, free_port, monitor, official_suite

from tests.peers import SKIP_REASON, standards_dir

pytestmark = [pytest.mark.integration, pytest.mark.slow]

# anchored, so that re.match (official) and re.search (ours) select the same ids
TESTS = r"^scs-01(0[0234]|1[456])-|^scs-0123-"
SUBJECTS = ["box-official", "box-scs-iaas", "fleet-a", "fleet-b", "fleet-c"]


@pytest.fixture(scope="module")
def standards() -> Path:
    path = standards_dir()
    if path is None:
        pytest.skip(SKIP_REASON)
    return path


def _pair(box: Any, standards: Path, tmp: Path) -> dict[str, Any]:
    env = dict(os.environ, OS_CLIENT_CONFIG_FILE=str(box.clouds_yaml))
    env.pop("OS_CLOUD", None)
    cmd = [
        sys.executable, "-m", "scs_iaas", "check", "--os-cloud", box.member_cloud,
        "--subject", "box-scs-iaas", "--tests", TESTS, "--with-resources",
        "--report", str(tmp / "ours.yaml"),
    ]  # fmt: skip
    # ours runs while the official suite runs (it reads the cloud in its first seconds, too),
    # printing its verdicts and writing its report in one run, as the official tool does
    ours = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    official: SuiteRun = official_suite(
        standards,
        box.clouds_yaml,
        box.member_cloud,
        "box-official",
        tmp / "official.yaml",
        extra=["-t", TESTS],
        timeout=600,
    )
    out, err = ours.communicate(timeout=300)
    return {
        "official": official,
        "ours_rc": ours.returncode,
        "ours_stderr": err.decode(),
        "ours_report": tmp / "ours.yaml",
        "text": out.decode(),
    }


@pytest.fixture(scope="module")
def side_by_side(box: Any, standards: Path, tmp_path_factory: Any) -> dict[str, Any]:
    """The official suite and scs-iaas on the same cloud at the same time, same selection.

    Other helpers' tests create and delete images and flavors on the shared box all the time;
    when the two reads saw different clouds (the verdict lines differ), the pair runs once more
    and the tests judge that second pair: a real difference shows in both."""
    pair = _pair(box, standards, tmp_path_factory.mktemp("parity"))
    if _blocks(pair["official"].stdout) != _blocks(pair["text"]):
        pair = _pair(box, standards, tmp_path_factory.mktemp("parity-again"))
    return pair


def _blocks(stdout: str) -> dict[str, list[str]]:
    """The verdict block per version, as the official tool prints them."""
    blocks: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in stdout.splitlines():
        if " SCS-compatible IaaS " in line and line.endswith(":"):
            current = blocks.setdefault(line.rsplit(" ", 1)[1].rstrip(":"), [])
        elif current is not None and (line.startswith("- ") or line.startswith("  ")):
            current.append(line)
        else:
            current = None
    return blocks


def test_verdict_lines_and_exit_code_equal_the_official_ones(side_by_side: dict[str, Any]):
    official: SuiteRun = side_by_side["official"]
    assert official.report.exists(), official.stderr[-2000:]
    assert side_by_side["ours_rc"] in (0, 1), side_by_side["ours_stderr"]
    theirs = _blocks(official.stdout)
    ours = _blocks(side_by_side["text"])
    assert set(theirs) == {"next", "v5.1"}
    for version in ("next", "v5.1"):
        assert ours[version] == theirs[version], (version, side_by_side["text"])
    # the title carries the same test filter
    assert f"box-scs-iaas SCS-compatible IaaS [tests: '{TESTS}'] v5.1:" in side_by_side["text"]
    # the official exit code counts failures and error lines; ours is 0 or 1: same sign
    assert (official.rc == 0) == (side_by_side["ours_rc"] == 0), (official.rc, official.stdout)
    assert "outside the certificate" in side_by_side["text"]


def _results(report: Path) -> dict[str, int]:
    docs = list(yaml.safe_load_all(report.read_text()))
    assert len(docs) == 1
    out: dict[str, int] = {}
    for inv in docs[0]["run"]["invocations"].values():
        out.update(inv["results"])
    return out


def test_our_report_holds_the_official_results(side_by_side: dict[str, Any]):
    assert side_by_side["ours_rc"] in (0, 1), side_by_side["ours_stderr"]
    ours = _results(side_by_side["ours_report"])
    theirs = _results(side_by_side["official"].report)
    assert ours == theirs
    assert not any(i.startswith("scs-iaas-") for i in ours)


@pytest.fixture(scope="module")
def mon(standards: Path) -> Iterator[Monitor]:
    with monitor(standards, SUBJECTS) as m:
        yield m


def upload(
    box: Any, mon: Monitor, *reports: Path, key: Path | None = None, auth: Path | None = None
):
    return run_cli(
        box, "report", "upload", *map(str, reports), "--monitor", mon.url,
        "--key", str(key or mon.key), "--auth-file", str(auth or mon.auth_file), timeout=120,
    )  # fmt: skip


def _versions(mon: Monitor, subject: str) -> dict[str, int]:
    status = mon.status(subject)
    [scope] = status[subject].values()
    return {v: r["result"] for v, r in scope["versions"].items()}


def test_the_monitor_accepts_our_report_and_shows_the_official_verdict(
    box: Any, mon: Monitor, side_by_side: dict[str, Any]
):
    ours = upload(box, mon, side_by_side["ours_report"])
    assert ours.returncode == 0, ours.stderr
    assert ours.stdout.startswith("uploaded 1 report (box-scs-iaas) to ")
    assert "HTTP 200" in ours.stdout
    theirs = upload(box, mon, side_by_side["official"].report)
    assert theirs.returncode == 0, theirs.stderr
    ours_v = _versions(mon, "box-scs-iaas")
    theirs_v = _versions(mon, "box-official")
    assert set(ours_v) == {"next", "v5.1"}
    assert ours_v == theirs_v
    assert mon.password not in ours.stdout + ours.stderr


def test_upload_errors_are_one_line_exit_2(
    box: Any, mon: Monitor, side_by_side: dict[str, Any], tmp_path: Path
):
    report = side_by_side["ours_report"]
    cases = {}
    cases["duplicate"] = upload(box, mon, report)  # uploaded above: same run.uuid
    wrong = tmp_path / "wrong"
    wrong.write_text("uploader:not-the-password\n")
    cases["password"] = upload(box, mon, report, auth=wrong)
    cases["unknown key"] = upload(box, mon, report, key=mon.other_key)
    bad = tmp_path / "bad_key"
    bad.write_text("not a key\n")
    bad.chmod(0o600)
    cases["bad key"] = upload(box, mon, report, key=bad)
    closed = replace(mon, url=f"http://127.0.0.1:{free_port()}")
    cases["unreachable"] = upload(box, closed, report)
    expect = {
        "duplicate": "report already present",
        "password": "Incorrect username or password",
        "unknown key": "signature refused",
        "bad key": "ssh-keygen cannot sign with it",
        "unreachable": "unreachable",
    }
    for name, proc in cases.items():
        assert proc.returncode == 2, (name, proc.stdout, proc.stderr)
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and expect[name] in lines[0], (name, proc.stderr)
        assert "Traceback" not in proc.stderr and mon.password not in proc.stderr


def test_check_upload_sends_the_report_after_the_run(box: Any, mon: Monitor):
    proc = run_cli(
        box, "check", "--subject", "fleet-a", "--tests", "^scs-0123-", "--upload",
        "--monitor", mon.url, "--key", str(mon.key), "--auth-file", str(mon.auth_file),
        cloud=box.member_cloud,
    )  # fmt: skip
    assert proc.returncode in (0, 1), proc.stderr
    assert "uploaded 1 report (fleet-a) to " in proc.stdout
    assert set(_versions(mon, "fleet-a")) == {"next", "v5.1"}


def test_a_fleet_report_is_accepted_and_a_dead_cloud_is_one_row(
    box: Any, mon: Monitor, tmp_path: Path
):
    clouds = yaml.safe_load(Path(box.clouds_yaml).read_text())
    dead = dict(clouds["clouds"][box.member_cloud])
    dead["auth"] = {**dead["auth"], "auth_url": f"http://127.0.0.1:{free_port()}/v3"}
    clouds["clouds"]["s12-nowhere"] = dead
    config = tmp_path / "clouds.yaml"
    config.write_text(yaml.safe_dump(clouds))
    subjects = tmp_path / "subjects.yaml"
    # fleet-a has a report of `check --upload` already: this fleet's subjects are fresh ones
    subjects.write_text(f"fleet-b: {box.member_cloud}\nfleet-c: {box.member_cloud}\n")
    env = dict(os.environ, OS_CLIENT_CONFIG_FILE=str(config))
    env.pop("OS_CLOUD", None)
    report = tmp_path / "fleet.yaml"
    proc = subprocess.run(
        [
            sys.executable, "-m", "scs_iaas", "check", "--subjects", str(subjects),
            "--os-cloud", "s12-nowhere", "--tests", "^scs-01(0[0234]|1[45])-|^scs-0123-",
            "--report", str(report),
        ],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr  # the worst: one cloud could not be checked
    progress = [ln for ln in proc.stderr.splitlines() if ln.startswith("[")]
    assert len(progress) == 3, proc.stderr
    assert any("s12-nowhere" in ln and "could not be checked" in ln for ln in progress)
    assert "Traceback" not in proc.stderr
    rows = [ln.split("│")[1].strip() for ln in proc.stdout.splitlines() if ln.startswith("│")]
    assert [r for r in rows if r] == ["s12-nowhere", "fleet-b", "fleet-c"]
    docs = list(yaml.safe_load_all(report.read_text()))
    assert [d["subject"] for d in docs] == ["fleet-b", "fleet-c"]
    up = upload(box, mon, report)
    assert up.returncode == 0, up.stderr
    assert "uploaded 2 reports (fleet-b, fleet-c)" in up.stdout
    assert _versions(mon, "fleet-c") == _versions(mon, "fleet-b")
