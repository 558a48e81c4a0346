"""What ``scs-iaas flavor-name`` answers about one name: for people (a row per action) and
for machines (the fields of the differential-test corpus)."""

from __future__ import annotations

from typing import Any

from scs_iaas.standards import flavor_names as fn


def answer(action: str, name: str, to: str = "v2") -> dict[str, Any]:
    """One name's result for ``parse``/``describe``/``convert``/``specs``; a bad name raises
    FlavorNameError (an InputError: exit 2)."""
    f, syntax = fn.parse_tolerant(name)
    if action == "describe":
        return {"name": name, "description": fn.describe(f)}
    if action == "convert":
        return {"name": name, "to": to, "converted": fn.format_name(f, to)}
    if action == "specs":
        return {"name": name, "specs": fn.flavor_dict(f)}
    return {
        "name": name,
        "check": fn.check_name(name),
        "syntax": syntax,
        "canonical": fn.format_name(f),
        "short": fn.format_name(fn.shorten(f)),
        "description": fn.describe(f),
    }


def corpus_record(name: str) -> dict[str, Any]:
    """The machine answer: the name parsed as v3 and as v1 (each None when it is no SCS name,
    else ok with the canonical form or the error), and the syntax check's verdict."""
    return {
        "name": name,
        "v3": _attempt(name, "v3"),
        "v1": _attempt(name, "v1"),
        "check": fn.check_name(name),
    }


def _attempt(name: str, syntax: str) -> dict[str, Any] | None:
    if not fn.is_scs_name(name):
        return None
    try:
        f = fn.parse(name, syntax)
    except fn.FlavorNameError as exc:
        return {"ok": False, "error": str(exc)}
    return {
        "ok": True,
        "canonical": fn.format_name(f),
        "short": fn.format_name(fn.shorten(f)),
        "dict": fn.flavor_dict(f),
    }
