"""Open the HTML report in a real browser (headless Chromium) and keep the screenshot as a
test artifact (test-artifacts/report.png) for a person to look at."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from scs_iaas.model.findings import Finding, Status
from scs_iaas.report import emit
from scs_iaas.report.meta import Meta

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def test_html_report_renders_in_chromium(tmp_path):
    browser = _chromium()
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail(
                "chromium is not installed (make test installs it: apt-get install chromium)"
            )
        pytest.skip("chromium not installed (apt-get install chromium)")
    findings = [
        Finding("scs-0103-flavor-2v-4-20s", "scs-0103", "v1", Status.FAIL,
                "ram 2048 MiB, expected 4096", "flavor SCS-2V-4-20s", "scs-iaas manage flavors --apply"),
        Finding("scs-0103-flavor-1v-4", "scs-0103", "v1", Status.PASS, "sizes as standardised",
                "flavor SCS-1V-4"),
        Finding("scs-0123-service-load-balancer", "scs-0123", "v1", Status.FAIL,
                "no load-balancer service in the catalog", "catalog", "deploy Octavia"),
    ]  # fmt: skip
    meta = Meta(
        checked_at="2026-11-24T12:00:00+00:00",
        versions={"v5.1": {"main": "FAIL", "recommended": "PASS",
                           "line": "- main: FAIL (1 passed, 2 failed)"}},
    )  # fmt: skip
    buf = io.StringIO()
    emit(findings, "html", title="SCS conformance of example", meta=meta, out=buf)
    page = tmp_path / "report.html"
    page.write_text(buf.getvalue())
    shot = tmp_path / "report.png"
    proc = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         f"--screenshot={shot}", "--window-size=1280,900", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert shot.exists(), proc.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 10_000  # a rendered page, not a blank canvas
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(shot, ARTIFACTS / "report.png")
    shutil.copy(page, ARTIFACTS / "report.html")
