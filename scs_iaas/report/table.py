"""Text report for people: a rich table of findings, then a summary line."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any, TextIO

from scs_iaas.findings import Finding, Status

STYLE = {
    Status.PASS: "green",
    Status.FAIL: "bold red",
    Status.WARN: "yellow",
    Status.SKIP: "dim",
    Status.ABORT: "bold magenta",
}


def render_text(
    findings: Sequence[Finding], *, title: str, extra: dict[str, Any], out: TextIO
) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, highlight=False, soft_wrap=False)
    table = Table(title=title, show_lines=False, expand=False)
    table.add_column("status", no_wrap=True)
    table.add_column("test")
    table.add_column("resource")
    table.add_column("reason")
    table.add_column("fix")
    for f in findings:
        table.add_row(
            f"[{STYLE[f.status]}]{f.status}[/]",
            f.id,
            f.resource,
            f.reason,
            f.fix,
        )
    console.print(table)
    for line in extra.get("verdict_lines", []):
        console.print(line)
    counts = Counter(f.status for f in findings)
    summary = ", ".join(f"{counts[s]} {s.lower()}" for s in Status if counts[s])
    console.print(summary or "no findings")
