"""The plan: what a manager wants to do to a cloud, printable before anything happens.

A manager computes a ``Plan`` purely from a desired state and a snapshot; ``cloud/apply.py``
executes its actions in order. Every action carries the reason it exists, so the printed plan
explains itself ("extra spec scs:cpu-type is 'dedicated-core', want 'shared-core'").
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any, TextIO


class Op(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    REPLACE = "replace"  # delete + create (Nova flavors are immutable)
    HIDE = "hide"
    DELETE = "delete"
    CONFLICT = "conflict"  # cannot be done safely: a person must decide


WRITES = frozenset({Op.CREATE, Op.UPDATE, Op.REPLACE, Op.HIDE, Op.DELETE})


def frozen(d: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    return MappingProxyType(dict(d or {}))


@dataclass(frozen=True)
class Action:
    """One step. ``params`` is what apply needs (the shape depends on kind and op)."""

    op: Op
    kind: str  # "flavor" | "image" | "volume_type"
    name: str
    reason: str
    resource_id: str | None = None
    params: Mapping[str, Any] = field(default_factory=frozen)
    # actions of one unit (an image definition) succeed or fail together: after a failure,
    # apply skips the rest of the unit and goes on with the next one ("" = stop the run)
    unit: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "op": str(self.op),
            "kind": self.kind,
            "name": self.name,
            "id": self.resource_id,
            "reason": self.reason,
            "params": _jsonable(self.params),
        }


@dataclass(frozen=True)
class Plan:
    """Ordered actions plus the resources already in sync and notes worth a line."""

    kind: str
    actions: tuple[Action, ...] = ()
    in_sync: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def conflicts(self) -> tuple[Action, ...]:
        return tuple(a for a in self.actions if a.op is Op.CONFLICT)

    @property
    def changes(self) -> tuple[Action, ...]:
        return tuple(a for a in self.actions if a.op in WRITES)

    @property
    def is_noop(self) -> bool:
        return not self.actions

    def counts(self) -> dict[str, int]:
        c = Counter(str(a.op) for a in self.actions)
        return {str(op): c[str(op)] for op in Op if c[str(op)]}

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "actions": [a.to_dict() for a in self.actions],
            "in_sync": list(self.in_sync),
            "notes": list(self.notes),
            "counts": self.counts(),
        }


def merge(kind: str, plans: Sequence[Plan]) -> Plan:
    return Plan(
        kind=kind,
        actions=tuple(a for p in plans for a in p.actions),
        in_sync=tuple(n for p in plans for n in p.in_sync),
        notes=tuple(n for p in plans for n in p.notes),
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


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


def render_json(plan: Plan, out: TextIO, *, extra: Mapping[str, Any] | None = None) -> None:
    doc = plan.to_dict()
    doc.update(_jsonable(dict(extra or {})))
    out.write(json.dumps(doc, indent=2, sort_keys=False) + "\n")
