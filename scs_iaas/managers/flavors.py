"""Flavors: the SCS standard sets (scs-0103, incl. the scs-0110 SSD flavors) and an operator's
extra flavors -> a plan against the snapshot.

What is missing is created with every extra spec the standard requires; wrong or missing extra
specs are set, stale ``scs:*`` keys removed. Nova flavors are immutable in vCPUs, RAM and disk:
such drift is a conflict, which ``--replace`` turns into delete + create, but only when no
server uses the flavor. Flavors are never deleted otherwise, and flavor access is kept.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from scs_iaas.managers import definitions
from scs_iaas.model.plan import Action, FlavorChange, FlavorSpec, Op, Plan, frozen
from scs_iaas.model.snapshot import FlavorRec, Snapshot

KIND = "flavor"
MANAGED_PREFIX = "scs:"  # extra-spec keys we own: stale ones are removed


@dataclass(frozen=True)
class DesiredFlavor:
    name: str
    vcpus: int
    ram: int  # MiB
    disk: int  # GB
    extra_specs: Mapping[str, str] = field(default_factory=frozen)
    is_public: bool | None = None  # None: keep what the cloud has (new flavors are public)
    description: str | None = None  # None: keep what the cloud has
    source: str = "scs-0103"


def standard_set(which: str) -> tuple[DesiredFlavor, ...]:
    """The standard flavors of scs-0103 (which = mandatory | recommended | all)."""
    from scs_iaas.standards.flavors import standard_flavors

    return tuple(
        DesiredFlavor(
            name=f.name,
            vcpus=f.vcpus,
            ram=f.ram_mib,
            disk=f.disk_gb or 0,
            extra_specs=frozen({k: str(v) for k, v in f.extra_specs.items()}),
            source=f"scs-0103 {f.status}",
        )
        for f in standard_flavors(which)
    )


def load_definitions(path: str | Path) -> tuple[DesiredFlavor, ...]:
    """An operator's extra flavors. SCS names must parse; their computed scs:* specs are added."""
    from scs_iaas.standards.flavor_names import (
        FlavorNameError,
        extra_specs,
        is_scs_name,
        parse,
    )
    from scs_iaas.standards.flavors import scs_spec_problems

    doc = definitions.load(path, "flavors")
    out: list[DesiredFlavor] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(doc.data["flavors"]):
        where: list[str | int] = ["flavors", i]
        name = item["name"]
        if name in seen:
            raise doc.error([*where, "name"], f"duplicate flavor {name!r} (also item {seen[name]})")
        seen[name] = i
        specs = {k: _spec(v) for k, v in (item.get("extra_specs") or {}).items()}
        parsed = None
        vcpus, ram, disk = item.get("vcpus"), item.get("ram"), item.get("disk", 0)
        if is_scs_name(name):
            try:
                parsed = parse(name)
            except FlavorNameError as exc:
                raise doc.error(
                    [*where, "name"],
                    f"not a valid SCS flavor name ({exc.expected} at position {exc.position}); "
                    "custom suffixes are not allowed in SCS- names, use another prefix",
                ) from None
            computed = extra_specs(parsed)
            for key, want in computed.items():
                if key in specs and specs[key] != want:
                    raise doc.error(
                        [*where, "extra_specs", key],
                        f"{specs[key]!r} contradicts the name, which means {want!r}",
                    )
            specs.update(computed)
            promised = {
                "vcpus": parsed.cpus,
                "ram": int(parsed.ram * 1024),
                # "3x10s" is three disks of 10 GB: the root disk is one of them (scs-0100)
                "disk": parsed.disk or 0,
            }
            vcpus = promised["vcpus"] if vcpus is None else vcpus
            ram = promised["ram"] if ram is None else ram
            disk = promised["disk"] if "disk" not in item else disk
            for key, got in (("vcpus", vcpus), ("ram", ram), ("disk", disk)):
                if got < promised[key]:
                    raise doc.error(
                        [*where, key],
                        f"{got} is less than the name {name!r} promises ({promised[key]})",
                    )
        else:
            for key in ("vcpus", "ram"):
                if item.get(key) is None:
                    raise doc.error(where, f"{key} is required for a flavor without an SCS name")
            stray = sorted(k for k in specs if k.startswith("scs:name-"))
            if stray:
                raise doc.error(
                    [*where, "extra_specs", stray[0]],
                    "scs:name-vN may only name a valid SCS flavor name; this flavor is not one",
                )
        bad = scs_spec_problems(specs, parsed)
        if bad:
            raise doc.error([*where, "extra_specs", bad[0][0]], bad[0][1])
        out.append(
            DesiredFlavor(
                name=name,
                vcpus=vcpus,
                ram=ram,
                disk=disk,
                extra_specs=frozen(specs),
                is_public=item.get("public"),
                description=item.get("description"),
                source=f"{doc.path}:{doc.line(where)}",
            )
        )
    return tuple(out)


def _spec(v: Any) -> str:
    return ("true" if v else "false") if isinstance(v, bool) else str(v)


def combine(
    standard: Sequence[DesiredFlavor], extra: Sequence[DesiredFlavor]
) -> tuple[DesiredFlavor, ...]:
    """Standard flavors plus definitions; a definition of a standard name may only add specs."""
    from scs_iaas.errors import InputError

    by_name = {f.name: f for f in standard}
    out = dict(by_name)
    for d in extra:
        std = by_name.get(d.name)
        if std is None:
            out[d.name] = d
            continue
        if (d.vcpus, d.ram, d.disk) != (std.vcpus, std.ram, std.disk):
            raise InputError(
                f"{d.source}: flavor {d.name!r} is a standard flavor with {std.vcpus} vCPUs, "
                f"{std.ram} MiB RAM, {std.disk} GB disk; a definition cannot change its size"
            )
        out[d.name] = replace(
            std,
            extra_specs=frozen({**d.extra_specs, **std.extra_specs}),
            is_public=d.is_public,
            description=d.description,
            source=f"{std.source} + {d.source}",
        )
    return tuple(out.values())


def with_specs(
    desired: Sequence[DesiredFlavor], specs: Mapping[str, str]
) -> tuple[DesiredFlavor, ...]:
    """Every managed flavor also carries ``specs`` (``--spec``, e.g. ``hw_rng:allowed=True``,
    which the scs-0101 implementation notes recommend). ``scs:*`` keys come from the names
    only, so they cannot be set this way; a flavor's own value of a key wins."""
    from scs_iaas.errors import InputError

    for key in specs:
        if key.startswith("scs:"):
            raise InputError(f"--spec {key}: scs:* extra specs follow from the flavor names")
    return tuple(
        replace(d, extra_specs=frozen({**specs, **d.extra_specs})) if specs else d for d in desired
    )


def parse_spec_args(items: Sequence[str]) -> dict[str, str]:
    """``KEY=VALUE`` strings from the command line."""
    from scs_iaas.errors import InputError

    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise InputError(f"--spec {item!r}: expected KEY=VALUE, e.g. hw_rng:allowed=True")
        out[key.strip()] = value.strip()
    return out


def size_drift(d: DesiredFlavor, f: FlavorRec) -> list[str]:
    out = []
    for label, have, want in (
        ("vcpus", f.vcpus, d.vcpus),
        ("ram", f.ram, d.ram),
        ("disk", f.disk, d.disk),
    ):
        if have != want:
            out.append(f"{label} {have} (want {want})")
    if d.is_public is not None and d.is_public != f.is_public:
        out.append(f"is_public {f.is_public} (want {d.is_public})")
    return out


def _index(snap: Snapshot) -> dict[str, FlavorRec]:
    """Flavors by name; a flavor named otherwise but carrying ``scs:name-v2`` counts as that
    standard flavor too (that is how the scs-0103 test finds it), unless the name exists."""
    out = {f.name: f for f in snap.flavors}
    for f in snap.flavors:
        alias = f.extra_specs.get("scs:name-v2")
        if alias and alias not in out:
            out[alias] = f
    return out


def needs_servers(desired: Sequence[DesiredFlavor], snap: Snapshot, *, replace: bool) -> bool:
    """Only a replacement must know which servers use a flavor: list servers only then."""
    if not replace:
        return False
    by_name = _index(snap)
    return any(d.name in by_name and size_drift(d, by_name[d.name]) for d in desired)


def spec_changes(d: DesiredFlavor, f: FlavorRec) -> tuple[dict[str, str], list[str]]:
    """(keys to set, stale scs:* keys to delete)."""
    to_set = {k: v for k, v in d.extra_specs.items() if f.extra_specs.get(k) != v}
    stale = sorted(
        k for k in f.extra_specs if k.startswith(MANAGED_PREFIX) and k not in d.extra_specs
    )
    return to_set, stale


def plan_flavors(
    desired: Sequence[DesiredFlavor], snap: Snapshot, *, replace: bool = False
) -> Plan:
    """Desired flavors + snapshot -> plan. With ``replace``, the snapshot must hold servers."""
    by_name = _index(snap)
    users: dict[str, list[str]] = {}
    for s in snap.servers:
        if s.flavor_name:
            users.setdefault(s.flavor_name, []).append(s.id)
    actions: list[Action] = []
    in_sync: list[str] = []
    for d in desired:
        f = by_name.get(d.name)
        if f is None:
            actions.append(_create(d))
            continue
        if f.name != d.name:  # found by its scs:name-v2: manage it under its own name
            d = _with_name(d, f.name)
        drift = size_drift(d, f)
        if drift:
            actions.append(_replace_or_conflict(d, f, drift, replace, snap, users))
            continue
        act = _update(d, f)
        if act:
            actions.append(act)
        else:
            in_sync.append(d.name)
    return Plan(kind="flavors", actions=tuple(actions), in_sync=tuple(in_sync))


def _with_name(d: DesiredFlavor, name: str) -> DesiredFlavor:
    return replace(d, name=name, source=f"{d.source}, as scs:name-v2 {d.name}")


def _create(d: DesiredFlavor) -> Action:
    return Action(
        Op.CREATE,
        KIND,
        d.name,
        f"missing ({d.source}); {d.vcpus} vCPU, {d.ram} MiB, {d.disk} GB, "
        f"{len(d.extra_specs)} extra specs",
        params=FlavorSpec(
            vcpus=d.vcpus,
            ram=d.ram,
            disk=d.disk,
            is_public=True if d.is_public is None else d.is_public,
            description=d.description,
            extra_specs=frozen(d.extra_specs),
        ),
    )


def _update(d: DesiredFlavor, f: FlavorRec) -> Action | None:
    to_set, stale = spec_changes(d, f)
    reasons = []
    for k, v in sorted(to_set.items()):
        have = f.extra_specs.get(k)
        reasons.append(f"{k} missing (want {v!r})" if have is None else f"{k} {have!r} -> {v!r}")
    reasons += [f"stale {k}={f.extra_specs[k]!r}" for k in stale]
    description = d.description if d.description not in (None, f.description) else None
    if description is not None:
        reasons.append("description differs")
    if not reasons:
        return None
    return Action(
        Op.UPDATE,
        KIND,
        d.name,
        "; ".join(reasons),
        resource_id=f.id,
        params=FlavorChange(frozen(to_set), tuple(stale), description),
    )


def _replace_or_conflict(
    d: DesiredFlavor,
    f: FlavorRec,
    drift: list[str],
    replace: bool,
    snap: Snapshot,
    users: Mapping[str, list[str]],
) -> Action:
    what = ", ".join(drift)
    if not replace:
        return Action(
            Op.CONFLICT,
            KIND,
            d.name,
            f"{what}; Nova flavors are immutable: run with --replace to recreate it "
            "(only if no server uses it)",
            resource_id=f.id,
        )
    if "servers" not in snap.fetched:
        why = snap.errors.get("servers", "servers were not listed")
        return Action(
            Op.CONFLICT, KIND, d.name, f"{what}; cannot tell if servers use it: {why}", f.id
        )
    used = users.get(d.name, [])
    if used:
        return Action(
            Op.CONFLICT,
            KIND,
            d.name,
            f"{what}; not replaced: {len(used)} server(s) use it (e.g. {used[0]})",
            resource_id=f.id,
        )
    is_public = f.is_public if d.is_public is None else d.is_public
    return Action(
        Op.REPLACE,
        KIND,
        d.name,
        f"{what}; no server uses it: delete and recreate"
        + ("" if is_public else " (flavor access is copied)"),
        resource_id=f.id,
        params=FlavorSpec(
            vcpus=d.vcpus,
            ram=d.ram,
            disk=d.disk,
            is_public=is_public,
            was_public=f.is_public,
            description=d.description if d.description is not None else f.description,
            extra_specs=frozen(
                {
                    **{k: v for k, v in f.extra_specs.items() if not k.startswith(MANAGED_PREFIX)},
                    **d.extra_specs,
                }
            ),
        ),
    )
