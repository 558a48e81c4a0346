"""Bring a cloud in line: read what the plan needs, plan, and (asked to) apply.

``plan_flavors``/``plan_images``/``plan_volume_types`` read the cloud and return a ``Managed``
(the plan and the cloud it is for); the caller prints the plan, then ``apply`` carries it out.
``manage`` does both for one area, the way the CLI and the demo use it.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any, TextIO

from scs_iaas.cloud.apply import Applied
from scs_iaas.cloud.connection import Cloud
from scs_iaas.errors import CloudError, InputError
from scs_iaas.model.plan import Plan
from scs_iaas.model.snapshot import Snapshot

AREAS = ("flavors", "images", "volume-types")


@dataclass
class Managed:
    """A plan for one cloud; ``admin_for`` says why applying it needs the admin role.

    Images only: ``replan`` reads the cloud and plans again under the project's image lock
    (see ``exclusive``); ``busy``: another run's lock record was seen; ``guard`` runs before
    every write (the lock's check); ``apply_opts`` go to ``apply_plan`` (the source-rate floor).
    """

    cloud: Cloud
    plan: Plan
    admin_for: str | None = None
    applied: Applied | None = None
    replan: Callable[[], Managed] | None = None
    busy: bool = False
    guard: Callable[[], None] | None = None
    apply_opts: dict[str, Any] = field(default_factory=dict)


def plan_flavors(
    os_cloud: str | None,
    *,
    flavor_set: str = "all",
    definitions: str | None = None,
    specs: Sequence[str] = (),
    replace_drifted: bool = False,
    clouds_yaml: str | None = None,
) -> Managed:
    """Standard flavors of ``flavor_set`` (mandatory|recommended|all|none), the flavors of
    ``definitions``, each with the extra specs ``KEY=VALUE`` of ``specs``."""
    from scs_iaas.managers import flavors as fm

    extra = fm.load_definitions(definitions) if definitions else ()
    standard = fm.standard_set(flavor_set) if flavor_set != "none" else ()
    desired = fm.with_specs(fm.combine(standard, extra), fm.parse_spec_args(list(specs)))
    if not desired:
        raise InputError("nothing to manage: --set none and no --definitions")
    cloud = _connect(os_cloud, clouds_yaml)
    snap = _read(cloud, {"flavors"})
    if fm.needs_servers(desired, snap, replace=replace_drifted):
        snap = _add_servers(cloud, snap)
    plan = fm.plan_flavors(desired, snap, replace=replace_drifted)
    return Managed(cloud, plan, admin_for="creating or changing flavors")


def plan_images(
    os_cloud: str | None,
    *,
    definitions: str,
    delete: bool = False,
    today: date | None = None,
    clouds_yaml: str | None = None,
    min_rate: float | None = None,
    stall_timeout: float | None = None,
) -> Managed:
    """Image definitions -> plan. ``min_rate`` (bytes/s) and ``stall_timeout`` (s) bound
    uploads from slow sources (defaults: ``cloud.apply.MIN_RATE`` and ``WINDOW``)."""
    from scs_iaas.cloud.apply import MIN_RATE, WINDOW
    from scs_iaas.managers import images as im

    desired = im.with_local_checksums(im.load_definitions(definitions))
    day = today or datetime.now(UTC).date()
    cloud = _connect(os_cloud, clouds_yaml)
    public = any(d.visibility == "public" for d in desired)
    opts = {
        "min_rate": MIN_RATE if min_rate is None else min_rate,
        "window": WINDOW if stall_timeout is None else stall_timeout,
    }

    def plan_now(locked: bool) -> Managed:
        snap = _read(cloud, {"images"})
        if im.needs_servers(desired, snap, delete=delete, today=day):
            snap = _add_servers(cloud, snap)
        plan = im.plan_images(desired, snap, delete=delete, today=day, locked=locked)
        return Managed(
            cloud,
            plan,
            admin_for="public images" if public else None,
            replan=None if locked else lambda: plan_now(True),
            busy=not locked and bool(im.lock_records(snap)),
            apply_opts=opts,
        )

    return plan_now(False)


def plan_volume_types(
    os_cloud: str | None,
    *,
    definitions: str | None = None,
    encrypted_name: str = "LUKS",
    replicated: Sequence[str] = (),
    clouds_yaml: str | None = None,
) -> Managed:
    from scs_iaas.cloud.snapshot import volume_usage
    from scs_iaas.managers import volume_types as vm

    if definitions:
        base = vm.load_definitions(definitions)
    else:
        base = vm.default_types(encrypted_name=encrypted_name)
    desired = vm.declare_replicated(base, list(replicated))
    cloud = _connect(os_cloud, clouds_yaml)
    snap = _read(cloud, {"volume_types", "volume_encryption"})
    ids = vm.needs_usage(desired, snap)
    in_use = volume_usage(cloud, ids) if ids else {}
    plan = vm.plan_volume_types(desired, snap, in_use=in_use)
    return Managed(cloud, plan, admin_for="creating or changing volume types")


PLANNERS: dict[str, Callable[..., Managed]] = {
    "flavors": plan_flavors,
    "images": plan_images,
    "volume-types": plan_volume_types,
}


def require_admin(managed: Managed) -> None:
    """Refuse up front, rather than stop half-way at the first 403, when applying the plan
    needs the admin role and the credentials lack it."""
    cloud, plan = managed.cloud, managed.plan
    if plan.changes and managed.admin_for and "admin" not in cloud.roles:
        raise CloudError(
            f"cloud {cloud.name!r}: {managed.admin_for} needs the admin role (roles: "
            f"{', '.join(cloud.roles) or 'none'}); nothing was changed"
        )


def apply(managed: Managed, *, log: TextIO | None = None) -> Applied:
    """Carry out the plan's changes in order (conflicts are skipped; a failed unit ends only
    that unit: see ``Applied.failed``)."""
    from scs_iaas.cloud.apply import apply_plan

    require_admin(managed)
    managed.applied = apply_plan(
        managed.cloud, managed.plan, log=log, guard=managed.guard, **managed.apply_opts
    )
    return managed.applied


WAIT = 600.0  # seconds a run waits for another run's image lock by default


@contextlib.contextmanager
def exclusive(
    managed: Managed, *, wait: float = WAIT, say: Callable[[str], None] | None = None
) -> Iterator[Managed]:
    """The plan to apply, made under the project's image lock when the area needs one.

    Images: when the plan has changes (or another run's lock record is there), take the
    lock (``cloud.imagelock``: waiting at most ``wait`` seconds for another run, else
    ``LockBusy``), read the cloud and plan again under it, and yield that plan, whose writes
    are guarded by the lock; release it afterwards. Other areas, or nothing to do: as is."""
    if managed.replan is None or not (managed.plan.changes or managed.busy):
        yield managed
        return
    from scs_iaas.cloud.imagelock import ImageLock

    require_admin(managed)  # refuse before taking the lock
    cloud = managed.cloud
    if not cloud.project_id:  # pragma: no cover - keystone scopes the token to a project
        raise CloudError(f"cloud {cloud.name!r}: the token has no project: cannot own images")
    tell = say or (lambda text: print(f"scs-iaas: {text}", file=sys.stderr, flush=True))
    lock = ImageLock(cloud.conn.image, cloud.project_id, say=tell)
    lock.acquire(wait)
    try:
        locked = managed.replan()
        locked.guard = lock.check
        yield locked
    finally:
        with contextlib.suppress(CloudError):  # a record left behind expires with its lease
            lock.release()


def manage(
    area: str,
    os_cloud: str | None,
    *,
    show: Callable[[Managed], None],
    do_apply: bool = False,
    log: TextIO | None = None,
    wait: float = WAIT,
    **options: Any,
) -> Managed:
    """Plan one area (``flavors``, ``images``, ``volume-types``), hand the plan to ``show``
    (print it: the cloud is never changed without a printed plan; it may refuse by raising),
    then apply it if asked. ``wait``: how long to wait for another run's image lock."""
    managed = PLANNERS[area](os_cloud, **options)
    if not do_apply:
        show(managed)
        return managed
    # images: the plan that is shown and applied is made under the cloud-side image lock
    with exclusive(managed, wait=wait) as held:
        show(held)
        if held.plan.changes:
            apply(held, log=log)
    return held


# -- reading what a plan needs -------------------------------------------------------------


def _connect(os_cloud: str | None, clouds_yaml: str | None) -> Cloud:
    from scs_iaas.cloud.connection import connect

    return connect(os_cloud, config_file=clouds_yaml)


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
