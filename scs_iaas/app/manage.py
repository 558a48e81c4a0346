"""Bring a cloud in line: read what the plan needs, plan, and (asked to) apply.

``plan_flavors``/``plan_images``/``plan_volume_types`` read the cloud and return a ``Managed``
(the plan and the cloud it is for); the caller prints the plan, then ``apply`` carries it out.
``manage`` does both for one area, the way the CLI and the demo use it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
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
    """A plan for one cloud; ``admin_for`` says why applying it needs the admin role."""

    cloud: Cloud
    plan: Plan
    admin_for: str | None = None
    applied: Applied | None = None


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
) -> Managed:
    from scs_iaas.managers import images as im

    desired = im.load_definitions(definitions)
    today = today or datetime.now(UTC).date()
    cloud = _connect(os_cloud, clouds_yaml)
    snap = _read(cloud, {"images"})
    if im.needs_servers(desired, snap, delete=delete, today=today):
        snap = _add_servers(cloud, snap)
    plan = im.plan_images(desired, snap, delete=delete, today=today)
    public = any(d.visibility == "public" for d in desired)
    return Managed(cloud, plan, admin_for="public images" if public else None)


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
    """Carry out the plan's changes in order (conflicts are skipped)."""
    from scs_iaas.cloud.apply import apply_plan

    require_admin(managed)
    managed.applied = apply_plan(managed.cloud, managed.plan, log=log)
    return managed.applied


def manage(
    area: str,
    os_cloud: str | None,
    *,
    show: Callable[[Managed], None],
    do_apply: bool = False,
    log: TextIO | None = None,
    **options: Any,
) -> Managed:
    """Plan one area (``flavors``, ``images``, ``volume-types``), hand the plan to ``show``
    (print it: the cloud is never changed without a printed plan; it may refuse by raising),
    then apply it if asked."""
    managed = PLANNERS[area](os_cloud, **options)
    show(managed)
    if do_apply and managed.plan.changes:
        apply(managed, log=log)
    return managed


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
