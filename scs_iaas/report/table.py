"""Text report for people: what needs attention first (a rich table of every finding that is
not PASS, or of all with ``verbose``), then one line per test result and the verdicts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TextIO

from scs_iaas.model.findings import Finding, Status, sort_key
from scs_iaas.report.meta import Meta

STYLE = {
    Status.PASS: "green",
    Status.FAIL: "bold red",
    Status.WARN: "yellow",
    Status.SKIP: "dim",
    Status.ABORT: "bold magenta",
}
PER_TEST = 10  # rows per (status, test) before the rest is summed up, unless verbose


def render_text(findings: Sequence[Finding], *, title: str, meta: Meta, out: TextIO) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(file=out, highlight=False, width=None if out.isatty() else 160)
    verbose = meta.verbose
    shown = [f for f in findings if verbose or f.status != Status.PASS]
    shown.sort(key=sort_key)
    if shown:
        table = Table(title=title, title_justify="left", expand=False)
        table.add_column("status", no_wrap=True)
        table.add_column("test", no_wrap=True)
        table.add_column("resource", overflow="fold", max_width=40)
        table.add_column("reason · [dim]fix[/]", overflow="fold")
        per_test: Counter[tuple[Status, str]] = Counter()
        for f in shown:
            key = (f.status, f.id)
            per_test[key] += 1
            if not verbose and per_test[key] > PER_TEST:
                continue
            text = escape(f.reason) + (f"\n[dim]fix: {escape(f.fix)}[/]" if f.fix else "")
            where = f"{f.node}: {f.resource}" if f.node else f.resource
            table.add_row(f"[{STYLE[f.status]}]{f.status}[/]", f.id, escape(where), text)
        for (status, test_id), n in per_test.items():
            if not verbose and n > PER_TEST:
                table.add_row(
                    f"[{STYLE[status]}]{status}[/]",
                    test_id,
                    f"… {n - PER_TEST} more",
                    "[dim]the same test on more resources (-v lists them all)[/]",
                )
        console.print(table)
    else:
        console.print(f"[bold]{title}[/]: every finding passed")
    passed = len(findings) - len(shown) if not verbose else 0
    if passed:
        console.print(f"[green]{passed} passing findings not shown (-v shows them)[/]")
    for line in meta.verdict_lines:
        style = ""
        if line.startswith("- "):
            style = "bold red" if ": FAIL" in line else "bold green" if "PASS" in line else ""
        console.print(f"[{style}]{escape(line)}[/]" if style else escape(line), soft_wrap=True)
    # apart, and labelled: what the certificate does not decide on
    for line in meta.outside_lines:
        console.print(f"[dim]{escape(line)}[/]", soft_wrap=True)
    counts = Counter(f.status for f in findings)
    summary = ", ".join(f"{counts[s]} {s.lower()}" for s in Status if counts[s])
    console.print(summary or "no findings")
