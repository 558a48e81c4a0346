"""Volume types with the SCS aspects (scs-0114): desired state + snapshot -> plan.

The default desired state is one encrypted type (LUKS, front-end, aes-xts-plain64, 256 bit)
whose description starts ``[scs:encrypted]``; the operator may declare types replicated
(``--replicated NAME`` or a definitions file). Drift in description, extra specs or encryption
is fixed; an encryption spec cannot change while volumes use the type, so that is a conflict.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from scs_iaas.managers import definitions
from scs_iaas.model.plan import Action, Op, Plan, VolumeTypeChange, VolumeTypeSpec, frozen
from scs_iaas.model.snapshot import Snapshot, VolumeTypeRec
from scs_iaas.standards.volume_types import (
    VolumeTypeDescriptionError,
    claimed_aspects,
    format_volume_type_description,
)

KIND = "volume_type"

# What Cinder calls a LUKS encryption spec; front-end = decrypted by os-brick on the host.
LUKS: Mapping[str, Any] = frozen(
    {
        "provider": "luks",
        "cipher": "aes-xts-plain64",
        "key_size": 256,
        "control_location": "front-end",
    }
)
DEFAULT_ENCRYPTED_NAME = "LUKS"
DEFAULT_ENCRYPTED_TEXT = "LUKS-encrypted volumes (aes-xts-plain64, 256 bit, front-end)"

_ANY_PREFIX = re.compile(r"^\[scs:[^\[\]]*\]\s?")


@dataclass(frozen=True)
class DesiredVolumeType:
    name: str
    encrypted: bool = False
    replicated: bool = False
    text: str | None = None  # description after the prefix; None = keep what the cloud has
    is_public: bool | None = None  # None = leave as it is
    extra_specs: Mapping[str, str] = field(default_factory=frozen)
    create_if_missing: bool = True
    source: str = "scs-0114"

    @property
    def aspects(self) -> tuple[str, ...]:
        return tuple(
            a for a, on in (("encrypted", self.encrypted), ("replicated", self.replicated)) if on
        )


def default_types(*, encrypted_name: str = DEFAULT_ENCRYPTED_NAME) -> tuple[DesiredVolumeType, ...]:
    """Without definitions: one encrypted LUKS type."""
    return (
        DesiredVolumeType(
            name=encrypted_name,
            encrypted=True,
            text=DEFAULT_ENCRYPTED_TEXT,
            source="scs-0114 (encrypted)",
        ),
    )


def declare_replicated(
    desired: Sequence[DesiredVolumeType], names: Iterable[str]
) -> tuple[DesiredVolumeType, ...]:
    """``--replicated NAME``: that type claims replication; an undefined one must exist."""
    wanted = list(dict.fromkeys(names))
    out = [replace(d, replicated=True) if d.name in wanted else d for d in desired]
    known = {d.name for d in desired}
    out += [
        DesiredVolumeType(name=n, replicated=True, create_if_missing=False, source="--replicated")
        for n in wanted
        if n not in known
    ]
    return tuple(out)


def load_definitions(path: str | Path) -> tuple[DesiredVolumeType, ...]:
    doc = definitions.load(path, "volume_types")
    out: list[DesiredVolumeType] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(doc.data["volume_types"]):
        where: list[str | int] = ["volume_types", i]
        name = item["name"]
        if name in seen:
            raise doc.error(
                [*where, "name"], f"duplicate volume type {name!r} (first at item {seen[name]})"
            )
        seen[name] = i
        text = item.get("description")
        if text is not None:
            try:
                format_volume_type_description([], text)
            except VolumeTypeDescriptionError:
                raise doc.error(
                    [*where, "description"],
                    "write the text only; the [scs:…] prefix comes from encrypted/replicated",
                ) from None
        out.append(
            DesiredVolumeType(
                name=name,
                encrypted=bool(item.get("encrypted", False)),
                replicated=bool(item.get("replicated", False)),
                text=text,
                is_public=item.get("public"),
                extra_specs=frozen(
                    {k: _spec(v) for k, v in (item.get("extra_specs") or {}).items()}
                ),
                source=f"{doc.path}:{doc.line(where)}",
            )
        )
    return tuple(out)


def _spec(v: Any) -> str:
    return ("true" if v else "false") if isinstance(v, bool) else str(v)


def text_of(description: str | None) -> str:
    """The free text of a description, without any ``[scs:…]`` prefix."""
    return _ANY_PREFIX.sub("", description or "", count=1)


def encryption_differs(actual: Mapping[str, Any] | None) -> list[str]:
    """The LUKS fields an existing encryption spec gets wrong (all of them if there is none)."""
    if not actual:
        return list(LUKS)
    return [k for k, v in LUKS.items() if str(actual.get(k)) != str(v)]


def needs_usage(desired: Sequence[DesiredVolumeType], snap: Snapshot) -> list[str]:
    """Ids of types whose encryption would be added or changed (Cinder refuses both while
    volumes use the type): only for those is volume usage needed."""
    by_name = {t.name: t for t in snap.volume_types}
    out = []
    for d in desired:
        t = by_name.get(d.name)
        if t and d.encrypted and encryption_differs(snap.volume_encryption.get(t.id)):
            out.append(t.id)
    return out


def plan_volume_types(
    desired: Sequence[DesiredVolumeType],
    snap: Snapshot,
    *,
    in_use: Mapping[str, int] | None = None,
) -> Plan:
    """Compare desired types with the snapshot; ``in_use`` maps type id -> volume count."""
    by_name = {t.name: t for t in snap.volume_types}
    actions: list[Action] = []
    in_sync: list[str] = []
    wanted = {d.name for d in desired}
    for d in desired:
        t = by_name.get(d.name)
        if t is None:
            actions.append(_create(d))
            continue
        step = _diff(d, t, snap.volume_encryption.get(t.id), in_use)
        if step:
            actions.extend(step)
        else:
            in_sync.append(d.name)
    notes: list[str] = []
    for t in snap.volume_types:
        if t.name in wanted:
            continue
        # not ours to change (the 0114 check reports it), but worth a line in the plan
        if "encrypted" in claimed_aspects(t.description) and not snap.volume_encryption.get(t.id):
            notes.append(
                f"volume type {t.name!r} claims [scs:encrypted] but has no encryption spec; "
                "define it with encrypted: true, or drop the claim"
            )
    return Plan(
        kind="volume types", actions=tuple(actions), in_sync=tuple(in_sync), notes=tuple(notes)
    )


def _create(d: DesiredVolumeType) -> Action:
    if not d.create_if_missing:
        return Action(
            Op.CONFLICT,
            KIND,
            d.name,
            f"declared replicated ({d.source}) but no such volume type exists; define it with "
            "its backend extra specs in a definitions file",
        )
    description = format_volume_type_description(d.aspects, d.text or "")
    what = " with LUKS encryption" if d.encrypted else ""
    return Action(
        Op.CREATE,
        KIND,
        d.name,
        f"missing ({d.source}); create{what}, description {description!r}",
        params=VolumeTypeSpec(
            description=description,
            is_public=True if d.is_public is None else d.is_public,
            extra_specs=frozen(d.extra_specs),
            encryption=frozen(LUKS) if d.encrypted else None,
        ),
    )


def _diff(
    d: DesiredVolumeType,
    t: VolumeTypeRec,
    enc: Mapping[str, Any] | None,
    in_use: Mapping[str, int] | None,
) -> list[Action]:
    reasons: list[str] = []
    params: dict[str, Any] = {}
    actions: list[Action] = []
    aspects = list(d.aspects)
    wrong = encryption_differs(enc) if d.encrypted else []
    if wrong:
        used = None if in_use is None else in_use.get(t.id, 0)
        have = f"encryption {_enc_text(enc)}" if enc else "no encryption spec"
        if used is None or used:
            why = "volume usage unknown" if used is None else f"{used} volume(s) use the type"
            actions.append(
                Action(
                    Op.CONFLICT,
                    KIND,
                    d.name,
                    f"{have}, want {_enc_text(LUKS)}, but {why}; Cinder cannot add or change "
                    "encryption while volumes use the type",
                    resource_id=t.id,
                )
            )
            if not enc:  # not encrypted, and cannot be made so now: do not claim it
                aspects.remove("encrypted")
        else:
            reasons.append(f"{have} -> {_enc_text(LUKS)}")
            params["encryption"] = frozen(LUKS)
            params["encryption_exists"] = bool(enc)
    text = d.text if d.text is not None else text_of(t.description)
    want_desc = format_volume_type_description(aspects, text)
    if (t.description or "") != want_desc:
        reasons.insert(0, f"description {t.description!r} -> {want_desc!r}")
        params["description"] = want_desc
    if d.is_public is not None and d.is_public != t.is_public:
        reasons.append(f"is_public {t.is_public} -> {d.is_public}")
        params["is_public"] = d.is_public
    specs = {k: v for k, v in d.extra_specs.items() if t.extra_specs.get(k) != v}
    if specs:
        reasons.append("extra specs " + ", ".join(f"{k}={v}" for k, v in sorted(specs.items())))
        params["extra_specs"] = frozen(specs)
    if params:
        update = Action(
            Op.UPDATE,
            KIND,
            d.name,
            "; ".join(reasons),
            resource_id=t.id,
            params=VolumeTypeChange(**params),
        )
        actions.insert(0, update)
    return actions


def _enc_text(enc: Mapping[str, Any]) -> str:
    return "/".join(str(enc.get(k)) for k in ("provider", "cipher", "key_size", "control_location"))
