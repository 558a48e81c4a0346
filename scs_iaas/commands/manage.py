"""``scs-iaas manage flavors|images|volume-types``: plan, print, and (with --apply) apply.

Exit codes: 0 in sync or applied; 1 the plan has unresolved conflicts, or (with --apply) a
unit of the plan failed; 2 bad input or an API error (one line); 3 with --check: changes are
pending (drift) and nothing is in conflict.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import TYPE_CHECKING, Any

from scs_iaas.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from scs_iaas.app.manage import Managed
    from scs_iaas.cloud.connection import Cloud


DRIFT = 3  # --check: changes are pending, nothing in conflict


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--os-cloud", metavar="NAME", help="clouds.yaml entry (default: $OS_CLOUD)")
    p.add_argument("-f", "--format", default="text", choices=["text", "json"], help="plan format")
    p.add_argument(
        "-y", "--apply", action="store_true", help="apply the plan (default: only print it)"
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="without --apply: exit 3 when anything would change (drift detection in CI; "
        "conflicts exit 1)",
    )


def register(sub: Any) -> None:
    m = sub.add_parser(
        "manage",
        help="bring flavors, images or volume types in line (plan first, --apply to do it)",
        description="Compare the cloud with the SCS standards and your definitions, print a "
        "plan, and apply it with --apply. Exit 0: in sync or applied; 1: unresolved conflicts or "
        "a failed unit; 2: bad input or API error; 3: --check found drift.",
    )
    what = m.add_subparsers(dest="what", metavar="WHAT", required=True)

    f = what.add_parser("flavors", help="SCS standard flavors (scs-0103/0110) and your own")
    _common(f)
    f.add_argument(
        "--set",
        dest="flavor_set",
        default="all",
        choices=["mandatory", "recommended", "all", "none"],
        help="which standard flavors (default: all = mandatory + recommended)",
    )
    f.add_argument("--definitions", metavar="FILE", help="YAML of extra flavors")
    f.add_argument(
        "--spec",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an extra spec every managed flavor carries, e.g. hw_rng:allowed=True (repeatable)",
    )
    f.add_argument(
        "--replace",
        action="store_true",
        help="recreate flavors whose vCPUs/RAM/disk drifted (only if no server uses them)",
    )
    f.set_defaults(func=run_flavors)

    i = what.add_parser("images", help="images with SCS metadata (scs-0102), rotation")
    _common(i)
    i.add_argument("--definitions", metavar="FILE", required=True, help="YAML of images")
    i.add_argument(
        "--delete",
        action="store_true",
        help="delete old versions past their uuid_validity (never one a server uses)",
    )
    i.add_argument("--today", metavar="YYYY-MM-DD", help="judge uuid_validity dates as of")
    i.add_argument(
        "--wait",
        type=_seconds,
        default=600.0,
        metavar="SECONDS",
        help="with --apply: how long to wait for another run that is changing the images of "
        "the project (it holds the cloud-side image lock); default 600, 0 = do not wait",
    )
    i.add_argument(
        "--min-rate",
        type=_rate,
        default=None,
        metavar="RATE",
        help="slowest acceptable source, e.g. 64K or 1M (bytes/s; default 64K, 0 = no floor): "
        "an upload whose source delivers less over a --stall-timeout window is stopped",
    )
    i.add_argument(
        "--stall-timeout",
        type=_seconds,
        default=None,
        metavar="SECONDS",
        help="longest wait for data from a source, and the window --min-rate is averaged "
        "over (default 30)",
    )
    i.set_defaults(func=run_images)

    v = what.add_parser("volume-types", help="encrypted/replicated volume types (scs-0114)")
    _common(v)
    v.add_argument("--definitions", metavar="FILE", help="YAML of volume types")
    v.add_argument(
        "--encrypted-name",
        default="LUKS",
        metavar="NAME",
        help="name of the encrypted type when no definitions are given (default: LUKS)",
    )
    v.add_argument(
        "--replicated",
        action="append",
        default=[],
        metavar="NAME",
        help="declare an existing type replicated: its description gets [scs:replicated]",
    )
    v.set_defaults(func=run_volume_types)


def run_flavors(args: argparse.Namespace) -> int:
    return _manage(
        args,
        "flavors",
        flavor_set=args.flavor_set,
        definitions=args.definitions,
        specs=args.spec,
        replace_drifted=args.replace,
    )


def run_images(args: argparse.Namespace) -> int:
    return _manage(
        args,
        "images",
        definitions=args.definitions,
        delete=args.delete,
        today=_today(args.today),
        min_rate=args.min_rate,
        stall_timeout=args.stall_timeout,
        wait=args.wait,
    )


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 <= value <= 86400:
        raise argparse.ArgumentTypeError(f"{text!r}: between 0 and 86400 seconds")
    return value


def _rate(text: str) -> float:
    """Bytes per second: 65536, 64K, 1M (powers of 1024)."""
    units = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3}
    t = text.strip().upper().removesuffix("/S").removesuffix("B").removesuffix("I")
    unit = t[-1:] if t[-1:] in ("K", "M", "G") else ""
    try:
        value = float(t[: len(t) - len(unit)]) * units[unit]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: a rate like 65536, 64K or 1M") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: must not be negative")
    return value


def _today(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"--today {text!r}: not a date (YYYY-MM-DD)") from None


def run_volume_types(args: argparse.Namespace) -> int:
    return _manage(
        args,
        "volume-types",
        definitions=args.definitions,
        encrypted_name=args.encrypted_name,
        replicated=args.replicated,
    )


def _manage(args: argparse.Namespace, area: str, **options: Any) -> int:
    """``app.manage.manage`` (plan, print, apply if asked), then the JSON plan and the exit
    code: 1 for unresolved conflicts or a failed unit, 3 with --check for pending changes."""
    from scs_iaas.app.manage import manage, require_admin
    from scs_iaas.report.plan import render_json, render_text

    out = sys.stdout
    text = args.format == "text"
    seen: list[Managed] = []

    def show(managed: Managed) -> None:
        seen.append(managed)
        plan = managed.plan
        if text:
            render_text(plan, out, title=f"plan: {plan.kind} on {managed.cloud.name}")
        if args.apply:
            require_admin(managed)  # refused before the "applying" line, nothing changed
            if text and plan.changes:
                print(f"applying {len(plan.changes)} change(s) …", file=out, flush=True)

    try:
        managed = manage(
            area,
            args.os_cloud,
            do_apply=args.apply,
            show=show,
            log=out if text else None,
            **options,
        )
    finally:
        if seen:
            _debug(args, seen[0].cloud)
    cloud, plan = managed.cloud, managed.plan
    if args.format == "json":
        render_json(
            plan,
            out,
            cloud=cloud.name,
            applied=managed.applied.to_dict() if managed.applied else None,
            api_requests=cloud.counter.count,
            api_writes=cloud.counter.writes,
        )
    applied = managed.applied
    if applied is not None and applied.failed:
        for action, error in applied.failed:
            print(f"scs-iaas: failed: {action.unit}: {error}", file=sys.stderr)
        if text:
            print(
                f"{len(applied.failed)} of {len({a.unit for a in plan.changes})} unit(s) failed "
                f"({len(applied.not_tried)} later change(s) of them not tried); the others "
                "were applied",
                file=out,
            )
        return 1
    if plan.conflicts:
        if text:
            print(f"{len(plan.conflicts)} conflict(s) need a decision (see above)", file=out)
        return 1
    if args.check and not args.apply and plan.changes:
        return DRIFT
    if text and plan.changes and not args.apply:
        print("dry run: nothing changed; rerun with --apply to do it", file=out)
    return 0


def _debug(args: argparse.Namespace, cloud: Cloud) -> None:
    if getattr(args, "debug", False):
        print(f"scs-iaas: {cloud.counter.summary()}", file=sys.stderr)
