"""Every report format renders the same findings faithfully and parses back."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml

from scs_iaas.errors import InputError
from scs_iaas.model.findings import Finding, Status, exit_code, worst
from scs_iaas.report import emit
from scs_iaas.report.meta import Meta

DATA = Path(__file__).resolve().parents[2] / "data"
FINDINGS = [
    Finding("scs-0103-flavor-2v-4-20s", "scs-0103", "v1", Status.FAIL, "ram 2048 MiB, expected 4096",
            "flavor SCS-2V-4-20s", "scs-iaas manage flavors --apply"),
    Finding("scs-0103-flavor-1v-4", "scs-0103", "v1", Status.PASS, "ok", "flavor SCS-1V-4"),
    Finding("scs-0114-syntax-check", "scs-0114", "v1", Status.WARN, "<script>x</script>", "type a"),
    Finding("scs-0117-test-backup", "scs-0117", "v1", Status.SKIP, "needs --with-resources"),
    Finding("scs-0115-default-rules", "scs-0115", "v1", Status.ABORT, "HTTP 403"),
]  # fmt: skip
META = Meta(
    subject="box",
    cloud="box-member",
    checked_at="2026-11-24T12:00:00+00:00",
    versions={"v5.1": {"main": "FAIL", "line": "- main: FAIL (1 passed, 1 failed)"}},
    results={"scs-0103-flavor-2v-4-20s": "FAIL", "scs-0103-flavor-1v-4": "PASS",
             "scs-0115-default-rules": "ABORT", "scs-0117-test-backup": "SKIP",
             "scs-iaas-flavor-semantics": "PASS"},
    official_results={"scs-0103-flavor-2v-4-20s": -1, "scs-0103-flavor-1v-4": 1,
                      "scs-0115-default-rules": 0},
    reference_date="2026-11-24",
    scope={"uuid": "50393e6f-2ae1-4c5c-a62c-3b75f2abef3f", "name": "SCS-compatible IaaS",
           "url": "https://raw.githubusercontent.com/SovereignCloudStack/standards/main/Tests/scs-compatible-iaas.yaml"},
)  # fmt: skip


def render(fmt: str) -> str:
    buf = io.StringIO()
    emit(FINDINGS, fmt, title="SCS conformance of box", meta=META, out=buf)
    return buf.getvalue()


def test_json_has_versions_and_all_findings():
    doc = json.loads(render("json"))
    assert doc["versions"]["v5.1"]["main"] == "FAIL"
    assert len(doc["findings"]) == len(FINDINGS)
    first = doc["findings"][0]
    assert {"id", "standard", "status", "resource", "reason", "fix"} <= set(first)
    assert doc["summary"] == {"ABORT": 1, "FAIL": 1, "PASS": 1, "SKIP": 1, "WARN": 1}


def test_junit_counts_per_suite():
    root = ET.fromstring(render("junit").split("\n", 1)[1])
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert suites["scs-0103"].get("tests") == "2"
    assert suites["scs-0103"].get("failures") == "1"
    assert suites["scs-0115"].get("errors") == "1"
    assert suites["scs-0117"].get("skipped") == "1"


def test_html_is_self_contained_and_escapes():
    html = render("html")
    assert html.startswith("<!DOCTYPE html>")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "main: FAIL" in html
    assert "http://" not in html.replace("https://", "")  # no external assets


def test_scs_yaml_has_official_fields():
    text = render("scs-yaml")
    assert text.startswith("---\n")
    doc = yaml.safe_load(text)
    assert doc["spec"]["name"] == "SCS-compatible IaaS"
    assert doc["spec"]["uuid"] == "50393e6f-2ae1-4c5c-a62c-3b75f2abef3f"
    assert doc["subject"] == "box"
    assert "versions" not in doc  # the monitor fails on our old `versions:` block
    [inv] = doc["run"]["invocations"].values()
    # only the judged ids: our own scs-iaas-… and draft ids stay out
    assert inv["results"] == {
        "scs-0103-flavor-2v-4-20s": -1,
        "scs-0103-flavor-1v-4": 1,
        "scs-0115-default-rules": 0,
    }
    assert "scs-0103-flavor-2v-4-20s: FAIL" in inv["stdout"]
    assert (inv["error"], inv["critical"]) == (1, 1)


def test_scs_yaml_has_the_shape_of_the_official_report():
    official = yaml.safe_load((DATA / "official" / "box-report.yaml").read_text("utf-8"))
    ours = yaml.safe_load(render("scs-yaml"))
    assert list(ours) == list(official)
    assert list(ours["run"]) == list(official["run"])
    [inv_official] = official["run"]["invocations"].values()
    [inv] = ours["run"]["invocations"].values()
    assert list(inv) == list(inv_official)
    # timestamps, not strings, as the official tool writes them
    assert isinstance(ours["checked_at"], datetime) and ours["checked_at"].tzinfo is None
    assert isinstance(ours["reference_date"], date)
    assert ours["run"]["uuid"] != yaml.safe_load(render("scs-yaml"))["run"]["uuid"]


def test_scs_yaml_fleet_is_one_document_per_subject():
    from scs_iaas.report.scs_yaml import dump_documents

    text = dump_documents([{"subject": "a", "run": {}}, {"subject": "b", "run": {}}])
    assert text.startswith("---\n") and text.count("\n---\n") == 1
    assert [d["subject"] for d in yaml.safe_load_all(text)] == ["a", "b"]


def test_text_lists_what_needs_attention_and_counts_the_rest():
    text = render("text")
    for f in FINDINGS:
        if f.status != Status.PASS:
            assert f.id in text
            assert f.reason.replace("<", "") in text.replace("<", "")
    assert "scs-0103-flavor-1v-4" not in text
    assert "1 passing findings not shown" in text
    assert "1 pass, 1 fail, 1 warn, 1 skip, 1 abort" in text


def test_text_verbose_lists_every_finding():
    buf = io.StringIO()
    emit(FINDINGS, "text", title="t", meta=replace(META, verbose=True), out=buf)
    for f in FINDINGS:
        assert f.id in buf.getvalue()


def test_unknown_format_is_input_error():
    with pytest.raises(InputError, match="unknown output format 'pdf'"):
        emit(FINDINGS, "pdf", out=io.StringIO())


def test_worst_and_exit_code():
    assert worst(FINDINGS) == Status.ABORT
    assert exit_code(FINDINGS) == 1
    assert exit_code(FINDINGS[1:2]) == 0
    assert worst([]) == Status.SKIP


def test_text_does_not_eat_square_brackets():
    f = Finding("scs-0114-replicated-type", "scs-0114", "v1", Status.WARN,
                "no type claims [scs:replicated]", "types", "start with '[scs:replicated]'")  # fmt: skip
    buf = io.StringIO()
    emit([f], "text", title="t", meta=Meta(verdict_lines=["- main: PASS [x]"]), out=buf)
    assert buf.getvalue().count("[scs:replicated]") == 2
    assert "- main: PASS [x]" in buf.getvalue()


def test_text_sums_up_long_runs_of_one_test():
    many = [
        Finding("scs-0102-prop-architecture", "scs-0102", "v1", Status.FAIL, "unset", f"image {i}")
        for i in range(25)
    ]
    buf = io.StringIO()
    emit(many, "text", title="t", out=buf)
    text = buf.getvalue()
    assert sum(f"image {i} " in text for i in range(25)) == 10
    assert "… 15 more" in text
    buf = io.StringIO()
    emit(many, "text", title="t", meta=Meta(verbose=True), out=buf)
    assert "image 24" in buf.getvalue()
