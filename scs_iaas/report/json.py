"""JSON report: ``{"title", ...meta, "summary", "findings": [...]}``."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from scs_iaas.model.findings import Finding
from scs_iaas.report.meta import Meta


def to_document(findings: Sequence[Finding], *, title: str, meta: Meta) -> dict[str, Any]:
    counts = Counter(str(f.status) for f in findings)
    doc: dict[str, Any] = {"title": title}
    doc.update(meta.to_dict())
    doc["summary"] = dict(sorted(counts.items()))
    doc["findings"] = [f.to_dict() for f in findings]
    return doc


def render_json(findings: Sequence[Finding], *, title: str, meta: Meta) -> str:
    doc = to_document(findings, title=title, meta=meta)
    # indent only small documents: with indent json falls back to its pure-Python encoder,
    # which is ten times slower on a report of thousands of findings
    indent = 2 if len(findings) <= 500 else None
    return json.dumps(doc, indent=indent, default=str) + "\n"
