"""The verdict lines for the results of a real official run are the lines it printed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml

from scs_iaas.standards import scope

DATA = Path(__file__).resolve().parents[2] / "data" / "official"


def official_results() -> dict[str, int]:
    report = yaml.safe_load((DATA / "box-report.yaml").read_text(encoding="utf-8"))
    results: dict[str, int] = {}
    for invocation in report["run"]["invocations"].values():
        results.update(invocation["results"])
    return results


def test_the_recorded_report_has_what_the_monitor_reads() -> None:
    text = (DATA / "box-report.yaml").read_text(encoding="utf-8")
    assert text.startswith("---\n")
    report = yaml.safe_load(text)
    assert list(report) == ["spec", "checked_at", "reference_date", "subject", "run"]
    assert report["spec"]["uuid"] == scope.default_scope().uuid


def test_lines_equal_the_official_output_for_every_version_it_printed() -> None:
    sc = scope.default_scope()
    report = yaml.safe_load((DATA / "box-report.yaml").read_text(encoding="utf-8"))
    day = report["reference_date"]
    assert isinstance(day, date)
    results = official_results()
    ours: list[str] = []
    for version in sc.valid_on(day):
        ours += scope.verdict(version.name, results, subject=report["subject"], scope=sc).lines
    assert "\n".join(ours) + "\n" == (DATA / "box-stdout.txt").read_text(encoding="utf-8")


def test_lines_for_a_forced_version() -> None:
    results = official_results()
    stdout = (DATA / "box-stdout.txt").read_text(encoding="utf-8").splitlines()
    start = stdout.index("box SCS-compatible IaaS v5.1:")
    assert scope.verdict("v5.1", results, subject="box").lines == tuple(stdout[start:])
