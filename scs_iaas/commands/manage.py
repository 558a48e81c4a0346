"""``scs-iaas manage flavors|images|volume-types``: plan, print, and (with --apply) apply.

Exit codes: 0 in sync or applied; 1 the plan has unresolved conflicts, or (with --apply) a
unit of the plan failed; 2 bad input or an API error (one line); 3 with --check: changes are
pending (drift) and nothing is in conflict.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from scs_iaas.errors import CloudError, InputError

if TYPE_CHECKING:  # pragma: no cover
    from scs_iaas.cloud.connection import Cloud
    from scs_iaas.cloud.snapshot import Snapshot
    from scs_iaas.managers.plan import Plan


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


# -- flavors -------------------------------------------------------------------------------------


def run_flavors(args: argparse.Namespace) -> int:
    from scs_iaas.managers import flavors as fm

    extra = fm.load_definitions(args.definitions) if args.definitions else ()
    standard = fm.standard_set(args.flavor_set) if args.flavor_set != "none" else ()
    desired = fm.with_specs(fm.combine(standard, extra), fm.parse_spec_args(args.spec))
    if not desired:
        raise InputError("nothing to manage: --set none and no --definitions")
    cloud = _connect(args)
    snap = _read(cloud, {"flavors"})
    if fm.needs_servers(desired, snap, replace=args.replace):
        snap = _add_servers(cloud, snap)
    plan = fm.plan_flavors(desired, snap, replace=args.replace)
    return _finish(args, cloud, plan, admin_for="creating or changing flavors")


# -- images --------------------------------------------------------------------------------------


def run_images(args: argparse.Namespace) -> int:
    from scs_iaas.cloud.apply import MIN_RATE, WINDOW
    from scs_iaas.cloud.imagelock import ImageLock
    from scs_iaas.managers import images as im

    desired = im.with_local_checksums(im.load_definitions(args.definitions))
    today = _today(args.today)
    cloud = _connect(args)

    def plan_now(locked: bool) -> tuple[Plan, Snapshot]:
        snap = _read(cloud, {"images"})
        if im.needs_servers(desired, snap, delete=args.delete, today=today):
            snap = _add_servers(cloud, snap)
        plan = im.plan_images(desired, snap, delete=args.delete, today=today, locked=locked)
        return plan, snap

    plan, snap = plan_now(locked=False)
    public = any(d.visibility == "public" for d in desired)
    admin_for = "public images" if public else None
    opts = {
        "min_rate": MIN_RATE if args.min_rate is None else args.min_rate,
        "window": WINDOW if args.stall_timeout is None else args.stall_timeout,
    }
    if not args.apply or not (plan.changes or im.lock_records(snap)):
        return _finish(args, cloud, plan, admin_for=admin_for)
    _need_admin(cloud, plan, admin_for)
    if not cloud.project_id:  # pragma: no cover - keystone always scopes a token here
        raise CloudError(f"cloud {cloud.name!r}: the token has no project: cannot own images")
    # the cloud-side lock: one run per project changes images; the plan is made again under it
    lock = ImageLock(
        cloud.conn.image,
        cloud.project_id,
        say=lambda text: print(f"scs-iaas: {text}", file=sys.stderr, flush=True),
    )
    lock.acquire(args.wait)
    try:
        plan, snap = plan_now(locked=True)
        return _finish(args, cloud, plan, admin_for=admin_for, guard=lock.check, **opts)
    finally:
        with contextlib.suppress(CloudError):  # a record left behind expires with its lease
            lock.release()


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


def _today(text: str | None) -> date:
    if not text:
        return datetime.now(UTC).date()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"--today {text!r}: not a date (YYYY-MM-DD)") from None


# -- volume types -------------------------------------------------------------------------------


def run_volume_types(args: argparse.Namespace) -> int:
    from scs_iaas.managers import volume_types as vm

    if args.definitions:
        base = vm.load_definitions(args.definitions)
    else:
        base = vm.default_types(encrypted_name=args.encrypted_name)
    desired = vm.declare_replicated(base, args.replicated)
    cloud = _connect(args)
    snap = _read(cloud, {"volume_types", "volume_encryption"})
    ids = vm.needs_usage(desired, snap)
    in_use = _volume_usage(cloud, ids) if ids else {}
    plan = vm.plan_volume_types(desired, snap, in_use=in_use)
    return _finish(args, cloud, plan, admin_for="creating or changing volume types")


def _volume_usage(cloud: Cloud, type_ids: list[str]) -> dict[str, int]:
    """How many volumes (all projects, as admin) use each type: one list call per type.

    Cinder filters by ``volume_type_id``; it silently ignores ``volume_type`` for ids (the
    SDK's name), so the raw query is used. Counted up to 1000: any use blocks the change.
    """
    from scs_iaas.cloud.connection import api_error

    out: dict[str, int] = {}
    everyone = "&all_tenants=1" if "admin" in cloud.roles else ""
    for tid in type_ids:
        try:
            resp = cloud.conn.block_storage.get(
                f"/volumes?volume_type_id={tid}&limit=1000{everyone}", raise_exc=True
            )
            out[tid] = len(resp.json().get("volumes", []))
        except Exception as exc:
            raise api_error(f"listing volumes of type {tid}", exc) from None
    return out


# -- shared ---------------------------------------------------------------------------------


def _connect(args: argparse.Namespace) -> Cloud:
    from scs_iaas.cloud.connection import connect

    return connect(args.os_cloud)


def _read(cloud: Cloud, kinds: set[str]) -> Snapshot:
    from scs_iaas.cloud.snapshot import read_snapshot

    snap = read_snapshot(cloud, kinds)
    for kind in sorted(kinds):
        if kind in snap.errors:
            raise CloudError(f"cloud {cloud.name!r}: {snap.errors[kind]}")
    return snap


def _add_servers(cloud: Cloud, snap: Snapshot) -> Snapshot:
    """Servers are read only when the plan needs "in use" (a replacement or a deletion)."""
    from scs_iaas.cloud.snapshot import read_snapshot

    extra = read_snapshot(cloud, {"servers"})
    return replace(
        snap,
        servers=extra.servers,
        fetched=snap.fetched | (extra.fetched & {"servers"}),
        errors={**snap.errors, **extra.errors},
    )


def _need_admin(cloud: Cloud, plan: Plan, admin_for: str | None) -> None:
    if plan.changes and admin_for and "admin" not in cloud.roles:
        # refuse up front rather than stop half-way at the first 403
        raise CloudError(
            f"cloud {cloud.name!r}: {admin_for} needs the admin role (roles: "
            f"{', '.join(cloud.roles) or 'none'}); nothing was changed"
        )


def _finish(
    args: argparse.Namespace,
    cloud: Cloud,
    plan: Plan,
    *,
    admin_for: str | None = None,
    **apply_opts: Any,
) -> int:
    from scs_iaas.managers.plan import render_json, render_text

    out = sys.stdout
    applied = None
    if args.format == "text":
        render_text(plan, out, title=f"plan: {plan.kind} on {cloud.name}")
    if args.apply:
        _need_admin(cloud, plan, admin_for)
    if args.apply and plan.changes:
        from scs_iaas.cloud.apply import apply_plan

        if args.format == "text":
            print(f"applying {len(plan.changes)} change(s) …", file=out, flush=True)
        try:
            applied = apply_plan(
                cloud, plan, log=out if args.format == "text" else None, **apply_opts
            )
        finally:
            _debug(args, cloud)
    else:
        _debug(args, cloud)
    if args.format == "json":
        extra: dict[str, Any] = {
            "cloud": cloud.name,
            "applied": applied.to_dict() if applied else None,
            "api_requests": cloud.counter.count,
            "api_writes": cloud.counter.writes,
        }
        render_json(plan, out, extra=extra)
    if applied is not None and applied.failed:
        for action, error in applied.failed:
            print(f"scs-iaas: failed: {action.unit}: {error}", file=sys.stderr)
        if args.format == "text":
            print(
                f"{len(applied.failed)} of {len({a.unit for a in plan.changes})} unit(s) failed "
                f"({len(applied.not_tried)} later change(s) of them not tried); the others "
                "were applied",
                file=out,
            )
        return 1
    if plan.conflicts:
        if args.format == "text":
            print(f"{len(plan.conflicts)} conflict(s) need a decision (see above)", file=out)
        return 1
    if args.check and not args.apply and plan.changes:
        return DRIFT
    if args.format == "text" and plan.changes and not args.apply:
        print("dry run: nothing changed; rerun with --apply to do it", file=out)
    return 0


def _debug(args: argparse.Namespace, cloud: Cloud) -> None:
    if getattr(args, "debug", False):
        print(f"scs-iaas: {cloud.counter.summary()}", file=sys.stderr)
