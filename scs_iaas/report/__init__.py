"""Render findings. Nothing else in scs-iaas formats results.

``emit(findings, fmt)`` writes one of: text (rich table), json, junit, html, scs-yaml.
``meta`` (``report.meta.Meta``) is what a report says besides its findings, typed.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from typing import TextIO

from scs_iaas.model.findings import Finding
from scs_iaas.report.meta import Meta

FORMATS = ("text", "json", "junit", "html", "scs-yaml")
_MODULES = {"json": "json", "junit": "junit", "html": "html", "scs-yaml": "scs_yaml"}


def emit(
    findings: Sequence[Finding],
    fmt: str = "text",
    *,
    title: str = "scs-iaas",
    meta: Meta | None = None,
    out: TextIO | None = None,
) -> None:
    out = out or sys.stdout
    meta = meta or Meta()
    if fmt == "text":
        from scs_iaas.report.table import render_text

        render_text(findings, title=title, meta=meta, out=out)
        return
    if fmt not in FORMATS:
        from scs_iaas.errors import InputError

        raise InputError(f"unknown output format {fmt!r}; choose one of {', '.join(FORMATS)}")
    module = importlib.import_module(f"scs_iaas.report.{_MODULES[fmt]}")
    render = getattr(module, f"render_{_MODULES[fmt]}")
    out.write(render(findings, title=title, meta=meta))


def emit_to(
    path: str | None,
    findings: Sequence[Finding],
    fmt: str = "text",
    *,
    title: str = "scs-iaas",
    meta: Meta | None = None,
) -> None:
    """``emit`` to stdout, or to the file ``path`` (``-o``): rendered first, so a failure
    never leaves a half-written report behind."""
    if not path:
        emit(findings, fmt, title=title, meta=meta)
        return
    import io

    buf = io.StringIO()
    emit(findings, fmt, title=title, meta=meta, out=buf)
    write_to(path, buf.getvalue())


def write_to(path: str | None, text: str) -> None:
    """Write a rendered report to ``path`` (stdout without one) in one go."""
    from scs_iaas.errors import InputError

    if not path:
        sys.stdout.write(text)
        return
    try:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        raise InputError(f"--output {path}: {exc.strerror}") from None
