"""``scs-iaas flavor-name``: parse, describe, convert SCS flavor names and list their specs.

For people: ``scs-iaas flavor-name parse|describe|convert|specs NAME…`` (a table, or
``-f json``).  For machines: ``scs-iaas flavor-name parse --jsonl FILE`` reads JSON Lines
objects with a ``name`` field (``-`` = stdin) and writes one JSON object per line with the
fields of the differential-test corpus (``name``, ``v3``, ``v1``, ``check``).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from scs_iaas.errors import InputError

ACTIONS = ("parse", "describe", "convert", "specs")


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "flavor-name",
        help="parse, describe and convert SCS flavor names (scs-0100)",
        description="Parse, describe and convert SCS flavor names (scs-0100 v1/v2/v3) and "
        "list the extra specs a flavor of that name must carry (scs-0103).",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-f",
        "--format",
        choices=("text", "json"),
        default="text",
        help="output for people (text) or programs (json)",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    helps = {
        "parse": "check and parse names (v3; v1 is tolerated)",
        "describe": "say in English what a name promises",
        "convert": "rewrite names in another syntax",
        "specs": "list cpus, ram, disk and the scs:* extra specs a flavor must carry",
    }
    for action in ACTIONS:
        sub = actions.add_parser(action, parents=[common], help=helps[action])
        sub.add_argument("names", nargs="*" if action == "parse" else "+", metavar="NAME")
        if action == "convert":
            sub.add_argument(
                "--to",
                choices=("v1", "v2", "v3"),
                default="v2",
                help="target syntax (v2 and v3 share one syntax; default v2)",
            )
        if action == "parse":
            sub.add_argument(
                "--jsonl",
                metavar="FILE",
                help="read JSON Lines objects with a 'name' field ('-' = stdin) and write one "
                "result object per line (the fields of the differential-test corpus)",
            )
        sub.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if getattr(args, "jsonl", None) is not None:
        if args.names:
            raise InputError("flavor-name parse: give either NAMEs or --jsonl FILE, not both")
        return _run_jsonl(args.jsonl, sys.stdout)
    if not args.names:
        raise InputError(f"flavor-name {args.action}: give at least one NAME (or --jsonl FILE)")
    from scs_iaas.app.flavor_name import answer

    to = getattr(args, "to", "v2")
    rows = [answer(args.action, name, to) for name in args.names]
    if args.format == "json":
        json.dump(rows, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        _print_table(args.action, rows)
    return 0


def _print_table(action: str, rows: list[dict[str, Any]]) -> None:
    """describe/convert: one line per name; parse/specs: a field/value table per name."""
    from rich.console import Console
    from rich.table import Table

    console = Console(soft_wrap=True)
    if action in ("describe", "convert"):
        key = "description" if action == "describe" else "converted"
        table = Table("name", key)
        for row in rows:
            table.add_row(row["name"], row[key])
        console.print(table)
        return
    for row in rows:
        table = Table("field", "value", title=row["name"], title_justify="left")
        items = row["specs"].items() if action == "specs" else row.items()
        for field, value in items:
            if field != "name":
                table.add_row(field, str(value))
        console.print(table)


def _run_jsonl(path: str, out: TextIO) -> int:
    """Machine mode: same order, one result per input object; blank lines are skipped."""
    from scs_iaas.app.flavor_name import corpus_record

    for name in _read_jsonl(path):
        out.write(json.dumps(corpus_record(name), ensure_ascii=False))
        out.write("\n")
    return 0


def _read_jsonl(path: str) -> list[str]:
    """All names first, so that a bad line stops the run before any output.

    Lines end at '\n' only: U+2028 and friends may stand unescaped inside JSON strings.
    """
    where = "stdin" if path == "-" else path
    try:
        if path == "-":
            lines = sys.stdin.read().split("\n")
        else:
            with open(path, encoding="utf-8", newline="") as handle:
                lines = handle.read().split("\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{where}: cannot read: {exc}") from None
    names = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: line {number}: not JSON: {exc.msg}") from None
        if not isinstance(obj, dict) or not isinstance(obj.get("name"), str):
            raise InputError(f"{where}: line {number}: expected an object with a string 'name'")
        names.append(obj["name"])
    return names
