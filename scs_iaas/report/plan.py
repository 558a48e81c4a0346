"""A plan printed: a rich table of its actions for people, JSON for machines."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TextIO

from scs_iaas.model.plan import Op, Plan, jsonable

# -- printing ------------------------------------------------------------------------------

STYLE = {
    Op.CREATE: "green",
    Op.UPDATE: "yellow",
    Op.REPLACE: "bold yellow",
    Op.HIDE: "cyan",
    Op.DELETE: "bold red",
    Op.CONFLICT: "bold magenta",
}


def summary_line(plan: Plan) -> str:
    if plan.is_noop:
        return f"{plan.kind}: in sync ({len(plan.in_sync)} resources checked), nothing to do"
    parts = ", ".join(f"{n} {op}" for op, n in plan.counts().items())
    return f"{plan.kind}: {parts}; {len(plan.in_sync)} in sync"


def render_text(plan: Plan, out: TextIO, *, title: str | None = None) -> None:
    """A rich table of the actions, then notes and a one-line summary."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(file=out, highlight=False, soft_wrap=False)
    if plan.actions:
        table = Table(title=title or f"plan: {plan.kind}", expand=False)
        table.add_column("#", justify="right", no_wrap=True)
        table.add_column("action", no_wrap=True)
        table.add_column(plan.kind)
        table.add_column("reason")
        for i, a in enumerate(plan.actions, 1):
            table.add_row(str(i), f"[{STYLE[a.op]}]{a.op}[/]", escape(a.name), escape(a.reason))
        console.print(table)
    for note in plan.notes:
        console.print(f"note: {escape(note)}")
    console.print(summary_line(plan))


def render_json(
    plan: Plan,
    out: TextIO,
    *,
    cloud: str | None = None,
    applied: Mapping[str, Any] | None = None,
    api_requests: int | None = None,
    api_writes: int | None = None,
) -> None:
    """The plan as one JSON document, with what was applied and what it cost (None: left
    out, except ``applied``, which is null when nothing was applied)."""
    doc = plan.to_dict()
    if cloud is not None:
        doc["cloud"] = cloud
        doc["applied"] = jsonable(dict(applied)) if applied is not None else None
    for key, value in (("api_requests", api_requests), ("api_writes", api_writes)):
        if value is not None:
            doc[key] = value
    out.write(json.dumps(doc, indent=2, sort_keys=False) + "\n")
