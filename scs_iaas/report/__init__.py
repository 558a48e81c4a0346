"""Render findings. Nothing else in scs-iaas formats results.

``emit(findings, fmt)`` writes one of: text (rich table), json, junit, html, scs-yaml.
``extra`` carries format-specific payload (e.g. ``versions`` verdicts, host ``facts``).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any, TextIO

from scs_iaas.findings import Finding

FORMATS = ("text", "json", "junit", "html", "scs-yaml")


def emit(
    findings: Sequence[Finding],
    fmt: str = "text",
    *,
    title: str = "scs-iaas",
    extra: dict[str, Any] | None = None,
    out: TextIO | None = None,
) -> None:
    out = out or sys.stdout
    extra = extra or {}
    if fmt == "text":
        from scs_iaas.report.table import render_text

        render_text(findings, title=title, extra=extra, out=out)
        return
    if fmt == "json":
        from scs_iaas.report.json import render_json as render
    elif fmt == "junit":
        from scs_iaas.report.junit import render_junit as render
    elif fmt == "html":
        from scs_iaas.report.html import render_html as render
    elif fmt == "scs-yaml":
        from scs_iaas.report.scs_yaml import render_scs_yaml as render
    else:
        from scs_iaas.errors import InputError

        raise InputError(f"unknown output format {fmt!r}; choose one of {', '.join(FORMATS)}")
    out.write(render(findings, title=title, extra=extra))
