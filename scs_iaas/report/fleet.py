"""A fleet's results: a progress line per finished cloud, one table subject × version, and
the fleet as JSON or as the official multi-document report."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TextIO

# app.fleet.SubjectRun: subject (name, cloud), evaluation or error, seconds, exit_code (report/
# imports nothing from the layers above it)
SubjectRun = Any


_STYLE = {"PASS": "bold green", "FAIL": "bold red", "TENTATIVE": "yellow"}


def _verdicts(run: SubjectRun) -> list[tuple[str, str, str]]:
    """(version, verdict, summary) per judged version."""
    ev = run.evaluation
    if ev is None:
        return []
    return [(v.version, v.main, v.main_target.summary) for v in ev.judged]


def progress_line(n: int, total: int, run: SubjectRun) -> str:
    head = f"[{n}/{total}] {run.subject.name} ({run.subject.cloud})"
    if run.evaluation is None:
        return f"{head}: could not be checked: {run.error} ({run.seconds:.1f} s)"
    verdicts = ", ".join(f"{v} {verdict}" for v, verdict, _ in _verdicts(run))
    requests = run.evaluation.meta.api_requests
    return f"{head}: {verdicts} · {requests} requests · {run.seconds:.1f} s"


def versions_of(runs: Sequence[SubjectRun]) -> list[str]:
    names: list[str] = []
    for run in runs:
        for version, _, _ in _verdicts(run):
            if version not in names:
                names.append(version)
    return names


def render_fleet_text(runs: Sequence[SubjectRun], out: TextIO, *, verbose: bool = False) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(file=out, highlight=False, width=None if out.isatty() else 160)
    versions = versions_of(runs) or ["verdicts"]
    table = Table(title="SCS-compatible IaaS: verdicts of the fleet", title_justify="left")
    table.add_column("subject", no_wrap=True)
    table.add_column("cloud", no_wrap=True)
    for v in versions:
        table.add_column(v)
    table.add_column("requests", justify="right")
    table.add_column("s", justify="right")
    for run in runs:
        cells = [escape(run.subject.name), escape(run.subject.cloud)]
        if run.evaluation is None:
            cells.append(f"[bold magenta]could not be checked:[/] {escape(run.error or '')}")
            cells += ["-"] * (len(versions) - 1) + ["-", f"{run.seconds:.1f}"]
        else:
            by = {v: (verdict, summary) for v, verdict, summary in _verdicts(run)}
            for v in versions:
                verdict, summary = by.get(v, ("", "-"))
                style = _STYLE.get(verdict, "")
                cells.append(f"[{style}]{escape(summary)}[/]" if style else escape(summary))
            cells += [str(run.evaluation.meta.api_requests), f"{run.seconds:.1f}"]
        table.add_row(*cells)
    console.print(table)
    if verbose:
        for run in runs:
            if run.evaluation is not None:
                for line in run.evaluation.meta.verdict_lines:
                    console.print(escape(line), soft_wrap=True)
    worst = max((r.exit_code for r in runs), default=0)
    failed = sum(r.exit_code == 1 for r in runs)
    unchecked = sum(r.exit_code == 2 for r in runs)
    console.print(
        f"{len(runs)} subjects: {len(runs) - failed - unchecked} without a failing main target, "
        f"{failed} failing, {unchecked} not checked (exit {worst})"
    )


def render_fleet_json(runs: Sequence[SubjectRun]) -> str:
    doc: list[dict[str, Any]] = []
    for run in runs:
        entry: dict[str, Any] = {"subject": run.subject.name, "cloud": run.subject.cloud}
        if run.evaluation is None:
            entry["error"] = run.error
        else:
            meta = run.evaluation.meta
            entry.update(
                versions=meta.versions,
                results=meta.results,
                api_requests=meta.api_requests,
                findings=[f.to_dict() for f in run.evaluation.findings],
            )
        entry["seconds"] = round(run.seconds, 3)
        entry["exit_code"] = run.exit_code
        doc.append(entry)
    return json.dumps(doc, indent=2) + "\n"


def render_fleet_scs_yaml(runs: Sequence[SubjectRun]) -> str:
    """One official report document per subject that could be checked."""
    from scs_iaas.report.scs_yaml import document, dump_documents

    docs = [
        document(r.evaluation.findings, r.evaluation.meta) for r in runs if r.evaluation is not None
    ]
    return dump_documents(docs)
