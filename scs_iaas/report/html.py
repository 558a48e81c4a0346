"""A self-contained HTML page a manager can read: verdict per certificate version first,
then findings grouped by standard, failures on top. No scripts, no external assets."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from html import escape

from scs_iaas.model.findings import Finding, Status, sort_key
from scs_iaas.report.meta import Meta

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#1d2330;max-width:76rem}
h1{font-size:1.6rem;margin-bottom:.2rem} .meta{color:#5b6478;margin-bottom:1.5rem}
.verdicts{display:flex;gap:1rem;flex-wrap:wrap;margin-bottom:2rem}
.card{border-radius:.6rem;padding:1rem 1.2rem;min-width:14rem;border:1px solid #d6dbe6}
.card h2{font-size:1.1rem;margin:0 0 .4rem 0} .big{font-size:1.5rem;font-weight:700}
.PASS{color:#17803d} .FAIL{color:#c0262d} .ABORT{color:#8e24aa} .WARN{color:#a15c00}
.SKIP,.TENTATIVE{color:#6b7280}
.card.PASS{background:#effaf2} .card.FAIL{background:#fdf0f0} .card.TENTATIVE{background:#f5f6f8}
details{border:1px solid #d6dbe6;border-radius:.5rem;margin:.6rem 0;padding:.3rem .8rem}
summary{cursor:pointer;font-weight:600;padding:.3rem 0}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.4rem 0 .8rem 0}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #eceef3;vertical-align:top}
th{background:#f5f6f8} code{font-size:.85rem}
.badge{font-weight:700;font-size:.8rem}
"""


def _badge(status: str) -> str:
    return f'<span class="badge {escape(status)}">{escape(status)}</span>'


def render_html(findings: Sequence[Finding], *, title: str, meta: Meta) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
    ]
    lines: list[str] = []
    if meta.checked_at:
        lines.append(f"checked {escape(meta.checked_at)}")
    if meta.api_requests is not None:
        seconds = "?" if meta.seconds is None else meta.seconds
        lines.append(f"{meta.api_requests} API requests in {seconds} s")
    counts = Counter(f.status for f in findings)
    lines.append(
        ", ".join(f"{counts[s]} {s.lower()}" for s in Status if counts[s]) or "no findings"
    )
    parts.append(f'<p class="meta">{" · ".join(lines)}</p>')

    versions = meta.versions
    if versions:
        parts.append('<div class="verdicts">')
        for name, v in versions.items():
            main = str(v.get("main", ""))
            status = str(v.get("status", ""))
            scope_name = str(meta.scope.get("name", "SCS-compatible IaaS"))
            parts.append(
                f'<div class="card {escape(main)}"><h2>{escape(scope_name)} {escape(name)}</h2>'
                f'<div class="big {escape(main)}">main: {escape(main)}</div>'
                f"<div>{escape(str(v.get('line', '')))}</div>"
                f"<div>{escape(status)}</div></div>"
            )
        parts.append("</div>")
    outside = meta.outside_lines
    if outside:
        parts.append('<pre class="outside">' + escape("\n".join(outside)) + "</pre>")

    by_standard: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_standard[f.standard].append(f)
    for standard in sorted(by_standard, key=lambda s: (s.startswith("scs-iaas"), s)):
        items = sorted(by_standard[standard], key=sort_key)
        c = Counter(f.status for f in items)
        bad = c[Status.FAIL] + c[Status.ABORT]
        head = ", ".join(f"{c[s]} {s.lower()}" for s in Status if c[s])
        opened = " open" if bad else ""
        parts.append(
            f"<details{opened}><summary>{escape(standard)} {escape(items[0].version)} — "
            f"{escape(head)}</summary>"
        )
        parts.append(
            "<table><tr><th>status</th><th>test</th><th>resource</th><th>reason</th>"
            "<th>fix</th></tr>"
        )
        for f in items:
            parts.append(
                f"<tr><td>{_badge(str(f.status))}</td><td><code>{escape(f.id)}</code></td>"
                f"<td>{escape(f'{f.node}: {f.resource}' if f.node else f.resource)}</td>"
                f"<td>{escape(f.reason)}</td>"
                f"<td>{escape(f.fix)}</td></tr>"
            )
        parts.append("</table></details>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
