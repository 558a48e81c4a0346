"""A fleet: subjects from --os-cloud and --subjects, bounded concurrency, worst exit code."""

from __future__ import annotations

import io
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import pytest
import yaml

from scs_iaas.app import fleet
from scs_iaas.errors import CloudError, InputError
from scs_iaas.report import fleet as fleet_report
from scs_iaas.report.meta import Meta
from scs_iaas.standards import scope


@dataclass
class Ev:
    """What the fleet reads of an evaluation (the real one needs a cloud)."""

    judged: list[Any]
    meta: Meta = field(default_factory=Meta)
    findings: list[Any] = field(default_factory=list)

    @property
    def main_failed(self) -> bool:
        return any(v.main_failed for v in self.judged)


def evaluation(subject: str, passed: bool) -> Ev:
    sc = scope.default_scope()
    ids = sc.version("v5.1").ids()
    results = dict.fromkeys(ids, 1 if passed else -1)
    judged = [
        scope.verdict(v.name, results, subject=subject) for v in sc.valid_on(sc.timeline[0][0])
    ]
    meta = Meta(
        subject=subject,
        cloud="c",
        checked_at="2026-12-01T12:00:00+00:00",
        reference_date="2026-12-01",
        scope={"uuid": sc.uuid, "name": sc.name, "url": sc.url},
        official_results=results,
        api_requests=7,
        argv=["scs-iaas", "check"],
    )
    return Ev(judged, meta)


def test_subjects_from_clouds_and_file() -> None:
    got = fleet.subjects_from(["a", "b"], [("prod", "c")], None)
    assert [(s.name, s.cloud) for s in got] == [("a", "a"), ("b", "b"), ("prod", "c")]
    assert fleet.subjects_from(["a"], [], "nice")[0].name == "nice"
    with pytest.raises(InputError, match="--subject names one cloud"):
        fleet.subjects_from(["a", "b"], [], "nice")
    with pytest.raises(InputError, match="'a' given twice"):
        fleet.subjects_from(["a"], [("a", "x")], None)


def test_parse_subjects_names_the_line() -> None:
    assert fleet.parse_subjects({"s1": "c1"}, "f.yaml") == [("s1", "c1")]
    with pytest.raises(InputError, match=r"^f\.yaml:3: subject s2: the clouds.yaml entry"):
        fleet.parse_subjects({"s1": "c", "s2": 5}, "f.yaml", {"s1": 2, "s2": 3})
    with pytest.raises(InputError, match="expected a mapping"):
        fleet.parse_subjects(["a"], "f.yaml")


def test_run_fleet_is_bounded_ordered_and_survives_a_dead_cloud() -> None:
    lock = threading.Lock()
    running, peak = 0, 0

    def evaluate(s: fleet.Subject) -> Ev:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        try:
            time.sleep(0.05)
            if s.cloud == "dead":
                raise CloudError("cloud 'dead': cannot reach Keystone at http://x")
            if s.cloud == "bug":
                raise KeyError("boom")
            return evaluation(s.name, passed=s.cloud == "good")
        finally:
            with lock:
                running -= 1

    subjects = [fleet.Subject(f"s{i}", c) for i, c in enumerate(["good", "bad", "dead", "bug"] * 3)]
    seen: list[str] = []
    runs = fleet.run_fleet(
        subjects, evaluate, workers=3, progress=lambda n, t, r: seen.append(r.subject.name)
    )
    assert peak <= 3
    assert [r.subject.name for r in runs] == [s.name for s in subjects]
    assert sorted(seen) == sorted(s.name for s in subjects)
    assert [r.exit_code for r in runs[:4]] == [0, 1, 2, 2]
    assert runs[2].error == "cloud 'dead': cannot reach Keystone at http://x"
    assert runs[3].error == "internal: 'boom'"
    assert fleet.exit_code(runs) == 2
    assert fleet.exit_code(runs[:2]) == 1
    assert fleet.exit_code([]) == 0
    with pytest.raises(InputError):
        fleet.run_fleet(subjects, evaluate, workers=0)


def test_fleet_table_progress_and_multi_document_report() -> None:
    runs = [
        fleet.SubjectRun(fleet.Subject("a", "c"), evaluation("a", True), None, 1.0),
        fleet.SubjectRun(fleet.Subject("b", "c"), evaluation("b", False), None, 1.0),
        fleet.SubjectRun(fleet.Subject("z", "dead"), None, "cannot reach Keystone", 0.1),
    ]
    line = fleet_report.progress_line(1, 3, runs[1])
    assert line.startswith("[1/3] b (c): next FAIL, v5.1 FAIL · 7 requests")
    assert "could not be checked: cannot reach Keystone" in fleet_report.progress_line(
        3, 3, runs[2]
    )
    buf = io.StringIO()
    fleet_report.render_fleet_text(runs, buf)
    text = buf.getvalue()
    assert "PASS (54 passed)" in text and "FAIL (0 passed, 54 failed)" in text
    assert "could not be checked: cannot reach Keystone" in text
    assert "3 subjects: 1 without a failing main target, 1 failing, 1 not checked (exit 2)" in text
    docs = list(yaml.safe_load_all(fleet_report.render_fleet_scs_yaml(runs)))
    assert [d["subject"] for d in docs] == ["a", "b"]
    assert len({d["run"]["uuid"] for d in docs}) == 2
