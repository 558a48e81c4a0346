"""The plan: what a manager wants to do to a cloud, printable before anything happens.

A manager computes a ``Plan`` purely from a desired state and a snapshot; ``cloud/apply.py``
executes its actions in order. Every action carries the reason it exists, so the printed plan
explains itself ("extra spec scs:cpu-type is 'dedicated-core', want 'shared-core'"), and typed
parameters: one class per kind of step, so the applier reads fields, not string keys.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from enum import StrEnum
from types import MappingProxyType
from typing import Any


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


# -- the parameters of each kind of step ---------------------------------------------------


@dataclass(frozen=True)
class Params:
    """Base of the typed parameters; ``to_dict`` is the plan's JSON form (None fields out)."""

    def to_dict(self) -> dict[str, Any]:
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None:
                out[f.name] = _jsonable(value)
        return out


@dataclass(frozen=True)
class FlavorSpec(Params):
    """A flavor to create (CREATE) or to recreate in place of ``resource_id`` (REPLACE)."""

    vcpus: int
    ram: int  # MiB
    disk: int  # GB
    is_public: bool = True
    description: str | None = None
    extra_specs: Mapping[str, str] = field(default_factory=frozen)
    was_public: bool | None = None  # REPLACE: a private flavor's project access is copied


@dataclass(frozen=True)
class FlavorChange(Params):
    """Extra specs to set and to remove, and a new description (None: unchanged)."""

    set_specs: Mapping[str, str] = field(default_factory=frozen)
    unset_specs: tuple[str, ...] = ()
    description: str | None = None


@dataclass(frozen=True)
class VolumeTypeSpec(Params):
    """A volume type to create, with its LUKS encryption spec (None: not encrypted)."""

    description: str
    is_public: bool = True
    extra_specs: Mapping[str, str] = field(default_factory=frozen)
    encryption: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class VolumeTypeChange(Params):
    """What to change on a volume type; None: leave as it is."""

    description: str | None = None
    is_public: bool | None = None
    extra_specs: Mapping[str, str] | None = None
    encryption: Mapping[str, Any] | None = None
    encryption_exists: bool | None = None  # with ``encryption``: update instead of add


@dataclass(frozen=True)
class ImageUpload(Params):
    """An image to create from ``url`` (checksum-verified), then publish with ``core`` and
    ``properties``."""

    url: str
    checksum: str | None
    disk_format: str
    container_format: str
    core: Mapping[str, Any]
    properties: Mapping[str, str]


@dataclass(frozen=True)
class ImagePatch(Params):
    """Glance JSON-patch operations (UPDATE, HIDE)."""

    patch: tuple[Mapping[str, Any], ...]


@dataclass(frozen=True)
class ImageDelete(Params):
    """``leftover``: the remains of an interrupted upload, not an expired version."""

    leftover: bool = False


@dataclass(frozen=True)
class Action:
    """One step; ``params`` is what apply needs (None for conflicts and plain deletes)."""

    op: Op
    kind: str  # "flavor" | "image" | "volume_type"
    name: str
    reason: str
    resource_id: str | None = None
    params: Params | None = None
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
            "params": self.params.to_dict() if self.params is not None else {},
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


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


jsonable = _jsonable


# -- images: the markers planner and applier agree on, and Glance's JSON patch --------------

NAME_PROP = "scs-iaas:name"  # the definition's name: how scs-iaas knows its own images
PENDING_PROP = "scs-iaas:upload-pending"  # set until the checksum-verified upload is published
LOCK_PROP = "scs-iaas:lock"  # marks the records of the image lock (cloud/imagelock.py)


def patch_ops(
    have_core: Mapping[str, Any],
    have_props: Mapping[str, Any],
    want_core: Mapping[str, Any],
    want_props: Mapping[str, str],
    remove: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """The JSON-patch operations (Glance's dialect) from what an image has to what it should."""
    ops: list[dict[str, Any]] = []
    for k, v in want_core.items():
        if have_core.get(k) != v:
            ops.append({"op": "replace", "path": f"/{k}", "value": v})
    for k, v in want_props.items():
        if k not in have_props:
            ops.append({"op": "add", "path": f"/{_ptr(k)}", "value": v})
        elif str(have_props[k]) != v:
            ops.append({"op": "replace", "path": f"/{_ptr(k)}", "value": v})
    for k in remove:
        if k in have_props:
            ops.append({"op": "remove", "path": f"/{_ptr(k)}"})
    return ops


def _ptr(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")
