"""Images: an operator's definitions (scs-0102 metadata, versions by build date) -> a plan.

How scs-iaas knows its own images: each carries ``scs-iaas:name`` (the definition's name) and
``image_build_date`` (the version). The newest defined version holds the plain name; older
ones are renamed ``Name YYYYMMDD``, hidden (``os_hidden``) and, for ``os_purpose=generic``,
marked ``oldgeneric`` (scs-0102 v2). ``uuid_validity`` says how long old versions must stay;
they are deleted only with ``--delete``, and never while a server uses them.

An upload in progress carries ``scs-iaas:upload-pending`` and is private and hidden; the final
metadata arrives in one PATCH after the checksum is verified. An image that still has the
marker (or is not active) is the leftover of a killed run: the next plan deletes and redoes it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from scs_iaas.managers import definitions
from scs_iaas.model.plan import (
    NAME_PROP,
    PENDING_PROP,
    Action,
    ImageDelete,
    ImagePatch,
    ImageUpload,
    Op,
    Plan,
    frozen,
    patch_ops,
)
from scs_iaas.model.snapshot import ImageRec, Snapshot

KIND = "image"
CHECKSUM_PROP = "scs-iaas:checksum"
BUILD_DATE = "image_build_date"
UNFINISHED = frozenset({"queued", "saving", "uploading", "importing", "killed"})

# scs-0102 fields written straight from the definition into Glance properties
META_KEYS = (
    "os_distro",
    "os_version",
    "architecture",
    "hw_disk_bus",
    "replace_frequency",
    "provided_until",
    "uuid_validity",
    "os_purpose",
    "image_description",
    "image_original_user",
    "hotfix_hours",
)
# Glance core attributes a manager may change (name, visibility, hiding, minimums)
CORE = ("name", "visibility", "os_hidden", "min_disk", "min_ram")


@dataclass(frozen=True)
class Version:
    build_date: str
    url: str
    checksum: str | None  # "sha256:<hex>" / "sha512:<hex>"; None only for file:// sources
    image_source: str

    @property
    def suffix(self) -> str:
        return self.build_date[:10].replace("-", "")


@dataclass(frozen=True)
class DesiredImage:
    name: str
    disk_format: str
    container_format: str = "bare"
    visibility: str = "public"
    min_disk: int = 0
    min_ram: int = 0
    properties: Mapping[str, str] = field(default_factory=frozen)  # scs-0102 + extras
    versions: tuple[Version, ...] = ()  # newest first
    source: str = ""

    @property
    def uuid_validity(self) -> str:
        return str(self.properties.get("uuid_validity", "none"))

    @property
    def os_purpose(self) -> str | None:
        v = self.properties.get("os_purpose")
        return None if v is None else str(v)


# -- definitions ---------------------------------------------------------------------------


def load_definitions(path: str | Path) -> tuple[DesiredImage, ...]:
    doc = definitions.load(path, "images")
    out: list[DesiredImage] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(doc.data["images"]):
        where: list[str | int] = ["images", i]
        name = item["name"]
        if name in seen:
            raise doc.error([*where, "name"], f"duplicate image {name!r} (also item {seen[name]})")
        seen[name] = i
        raw_versions = item.get("versions") or [
            {k: item[k] for k in ("url", "checksum", "build_date", "image_source") if k in item}
        ]
        versions: list[Version] = []
        dates: dict[str, int] = {}
        for j, v in enumerate(raw_versions):
            vwhere = [*where, "versions", j] if "versions" in item else where
            url = v["url"]
            if not url.startswith("file:") and "checksum" not in v:
                raise doc.error(
                    [*vwhere, "url"],
                    "a checksum (sha256:… or sha512:…) is required for http(s) sources",
                )
            day = v["build_date"][:10]
            if day in dates:
                raise doc.error(
                    [*vwhere, "build_date"],
                    f"two versions built on {day} (also version {dates[day]})",
                )
            dates[day] = j
            source = v.get("image_source") or item.get("image_source")
            if source is None:
                if not url.startswith(("http://", "https://")):
                    raise doc.error(
                        [*where, "image_source"],
                        "required for a file:// source: the upstream URL of the image, or 'private'",
                    )
                source = url
            versions.append(
                Version(
                    build_date=v["build_date"],
                    url=url,
                    checksum=v.get("checksum", "").lower() or None,
                    image_source=source,
                )
            )
        versions.sort(key=lambda v: v.build_date, reverse=True)
        _check_values(doc, where, item, versions)
        props: dict[str, str] = {k: _prop(item[k]) for k in META_KEYS if k in item}
        for k, v in (item.get("properties") or {}).items():
            if k in props or k in CORE or k in (NAME_PROP, CHECKSUM_PROP, PENDING_PROP, BUILD_DATE):
                raise doc.error(
                    [*where, "properties", k],
                    "set this field at the image level, not in properties",
                )
            props[k] = _prop(v)
        out.append(
            DesiredImage(
                name=name,
                disk_format=item["format"],
                container_format=item.get("container_format", "bare"),
                visibility=item.get("visibility", "public"),
                min_disk=item["min_disk"],
                min_ram=item["min_ram"],
                properties=frozen(props),
                versions=tuple(versions),
                source=f"{doc.path}:{doc.line(where)}",
            )
        )
    return tuple(out)


def _check_values(
    doc: definitions.Document,
    where: list[str | int],
    item: Mapping[str, Any],
    versions: Sequence[Version],
) -> None:
    """The scs-0102 value rules, from the standard's own tables (standards/images.py)."""
    from scs_iaas.standards import images as rules

    tables: dict[str, Any] = {
        "architecture": rules.ARCHITECTURES,
        "hw_disk_bus": rules.HW_DISK_BUSES,
        "replace_frequency": tuple(rules.REPLACE_FREQUENCIES),
        "os_purpose": rules.OS_PURPOSES["v1"],
    }
    for key, allowed in tables.items():
        if key in item and item[key] not in allowed:
            raise doc.error([*where, key], f"{item[key]!r} must be one of {', '.join(allowed)}")
    for v in versions:
        if v.image_source != "private" and not rules.is_url(v.image_source):
            raise doc.error(
                [*where, "image_source"],
                f"{v.image_source!r} must be a URL (http, https, ftp, ftps) or 'private'",
            )
        if rules.parse_build_date(v.build_date) is None:
            raise doc.error([*where, "versions"], f"build_date {v.build_date!r} is not a date")
    until = item.get("uuid_validity", "")
    if until[:1].isdigit() and rules.parse_build_date(until) is None:
        raise doc.error([*where, "uuid_validity"], f"{until!r} is not a date")


def _prop(v: Any) -> str:
    return ("true" if v else "false") if isinstance(v, bool) else str(v)


# -- the desired record of one version at one position --------------------------------------


def version_name(d: DesiredImage, build_date: str, current: bool) -> str:
    return d.name if current else f"{d.name} {build_date[:10].replace('-', '')}"


def want_state(
    d: DesiredImage, build_date: str, current: bool, version: Version | None
) -> tuple[dict[str, Any], dict[str, str]]:
    """(core attributes, properties) the image of ``build_date`` should have at its position."""
    core: dict[str, Any] = {
        "name": version_name(d, build_date, current),
        "visibility": d.visibility,
        "os_hidden": not current,
        "min_disk": d.min_disk,
        "min_ram": d.min_ram,
    }
    props = dict(d.properties)
    props[NAME_PROP] = d.name
    props[BUILD_DATE] = build_date
    if not current and d.os_purpose == "generic":
        props["os_purpose"] = "oldgeneric"
    if version is not None:
        props["image_source"] = version.image_source
        if version.checksum:
            props[CHECKSUM_PROP] = version.checksum
    return core, props


def core_of(img: ImageRec) -> dict[str, Any]:
    return {
        "name": img.name,
        "visibility": img.visibility,
        "os_hidden": img.os_hidden,
        "min_disk": img.min_disk,
        "min_ram": img.min_ram,
    }


def describe_ops(ops: Sequence[Mapping[str, Any]]) -> str:
    parts = []
    for op in ops:
        key = op["path"][1:].replace("~1", "/").replace("~0", "~")
        parts.append(f"-{key}" if op["op"] == "remove" else f"{key}={op['value']!r}")
    return ", ".join(parts)


# -- rotation ------------------------------------------------------------------------------

_LAST = re.compile(r"^last-(\d+)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


def expired(uuid_validity: str, rank: int, today: date) -> bool:
    """Whether an old version (rank 1 = newest old one; 0 is current) may go now."""
    if rank == 0:
        return False
    m = _LAST.match(uuid_validity)
    if m:
        return rank >= int(m.group(1))
    if _DATE.match(uuid_validity):
        return today > date.fromisoformat(uuid_validity)
    return uuid_validity == "none"  # forever / notice: keep


def is_leftover(img: ImageRec) -> bool:
    return PENDING_PROP in img.properties or img.status in UNFINISHED


# -- planning ------------------------------------------------------------------------------


def needs_servers(
    desired: Sequence[DesiredImage], snap: Snapshot, *, delete: bool, today: date
) -> bool:
    """Servers are listed only when a deletion is on the table."""
    if not delete:
        return False
    probe = plan_images(desired, snap, delete=True, today=today, probe=True)
    return any(
        a.op is Op.DELETE and not (isinstance(a.params, ImageDelete) and a.params.leftover)
        for a in probe.actions
    )


def plan_images(
    desired: Sequence[DesiredImage],
    snap: Snapshot,
    *,
    delete: bool = False,
    today: date,
    probe: bool = False,
) -> Plan:
    """Desired images + snapshot -> plan. With ``delete``, the snapshot should hold servers
    (``probe`` plans as if none used any image: to learn whether servers must be listed)."""
    in_use_known = probe or "servers" in snap.fetched
    actions: list[Action] = []
    in_sync: list[str] = []
    notes: list[str] = []
    used: dict[str, int] = {}
    for s in snap.servers:
        if s.image_id:
            used[s.image_id] = used.get(s.image_id, 0) + 1
    for d in desired:
        a, ok, n = _plan_one(d, snap, delete, today, used, in_use_known)
        actions += a
        in_sync += ok
        notes += n
    return Plan(kind="images", actions=tuple(actions), in_sync=tuple(in_sync), notes=tuple(notes))


def _plan_one(
    d: DesiredImage,
    snap: Snapshot,
    delete: bool,
    today: date,
    used: Mapping[str, int],
    in_use_known: bool,
) -> tuple[list[Action], list[str], list[str]]:
    first: list[Action] = []  # leftovers to clear
    create: list[Action] = []
    later: list[Action] = []  # renames of older versions, then deletions
    in_sync: list[str] = []
    notes: list[str] = []
    managed = [i for i in snap.images if i.properties.get(NAME_PROP) == d.name]
    for img in managed:
        if is_leftover(img):
            first.append(
                Action(
                    Op.DELETE,
                    KIND,
                    img.name,
                    f"leftover of an interrupted upload (status {img.status}); delete and redo",
                    resource_id=img.id,
                    params=ImageDelete(leftover=True),
                )
            )
    live = [i for i in managed if not is_leftover(i)]
    # someone else's image under the plain name: only one that users see as "the" image
    # (public/community) or one of our project; a user's private image of that name is theirs
    stranger = [
        i
        for i in snap.images
        if i.name == d.name
        and NAME_PROP not in i.properties
        and (i.visibility in ("public", "community") or i.owner == snap.project_id)
    ]
    if stranger:
        ids = ", ".join(i.id for i in stranger)
        why = (
            f"image(s) {ids} hold the name but are not managed by scs-iaas; rename or "
            f"delete them, or set property {NAME_PROP}={d.name!r} to adopt them"
        )
        return [*first, Action(Op.CONFLICT, KIND, d.name, why)], [], []
    by_date: dict[str, ImageRec] = {}
    for img in sorted(live, key=lambda i: str(i.created_at or "")):
        key = str(img.properties.get(BUILD_DATE, ""))
        if not _DAY.match(key):
            why = (
                f"image {img.id} carries {NAME_PROP} but image_build_date {key!r} is not a "
                "date; set it to the build date (YYYY-MM-DD) of the image"
            )
            return [*first, Action(Op.CONFLICT, KIND, img.name, why, resource_id=img.id)], [], []
        if key in by_date:
            why = (
                f"two managed images for build date {key!r}: {by_date[key].id}, {img.id}; "
                "delete one by hand"
            )
            return [*first, Action(Op.CONFLICT, KIND, d.name, why)], [], []
        by_date[key] = img
    defined = {v.build_date: v for v in d.versions}
    current = d.versions[0].build_date
    dates = sorted(set(defined) | set(by_date), reverse=True)
    dates.remove(current)
    order = [current, *dates]
    for rank, when in enumerate(order):
        is_current = rank == 0
        version = defined.get(when)
        found = by_date.get(when)
        if found is None:
            # only the newest is uploaded; an old version never uploaded here has no users
            if is_current:
                assert version is not None
                create.append(_create(d, version))
            continue
        img = found
        if version is not None and version.checksum:
            have = img.properties.get(CHECKSUM_PROP)
            if have and str(have).lower() != version.checksum:
                later.append(
                    Action(
                        Op.CONFLICT,
                        KIND,
                        img.name,
                        f"definition checksum for build date {when} changed ({have} -> "
                        f"{version.checksum}); an image is immutable: give the new build its own "
                        "build_date, or delete this image",
                        resource_id=img.id,
                    )
                )
                continue
        if img.disk_format and img.disk_format != d.disk_format:
            later.append(
                Action(
                    Op.CONFLICT,
                    KIND,
                    img.name,
                    f"disk_format {img.disk_format} but the definition says {d.disk_format}; "
                    "formats cannot change: delete the image or fix the definition",
                    resource_id=img.id,
                )
            )
            continue
        if not is_current and expired(d.uuid_validity, rank, today):
            act = _expire(d, img, when, delete, used, in_use_known, notes)
            if act is not None:
                later.append(act)
                continue
        want_core, want_props = want_state(d, when, is_current, version)
        ops = patch_ops(core_of(img), img.properties, want_core, want_props)
        if not ops:
            in_sync.append(img.name)
            continue
        rotation_only = not is_current and all(
            op["path"] in ("/name", "/os_hidden", "/os_purpose") for op in ops
        )
        later.append(
            Action(
                Op.HIDE if rotation_only else Op.UPDATE,
                KIND,
                img.name,
                (f"older version (newest is {current}): " if not is_current else "")
                + describe_ops(ops),
                resource_id=img.id,
                params=ImagePatch(tuple(frozen(o) for o in ops)),
            )
        )
    # order: clear leftovers, publish the new version, then rename/hide the old ones (so the
    # plain name is never missing; for a moment two images hold it), then delete expired ones
    renames = [a for a in later if a.op is not Op.DELETE]
    deletes = [a for a in later if a.op is Op.DELETE]
    return first + create + renames + deletes, in_sync, notes


def _create(d: DesiredImage, v: Version) -> Action:
    core, props = want_state(d, v.build_date, True, v)
    return Action(
        Op.CREATE,
        KIND,
        d.name,
        f"version {v.build_date} missing ({d.source}); upload from {_short_url(v.url)}",
        params=ImageUpload(
            url=v.url,
            checksum=v.checksum,
            disk_format=d.disk_format,
            container_format=d.container_format,
            core=frozen(core),
            properties=frozen(props),
        ),
    )


def _expire(
    d: DesiredImage,
    img: ImageRec,
    when: str,
    delete: bool,
    used: Mapping[str, int],
    in_use_known: bool,
    notes: list[str],
) -> Action | None:
    """A DELETE for an expired old version, or None (it stays, renamed and hidden)."""
    if not delete:
        notes.append(
            f"{img.name} ({img.id}) is past uuid_validity {d.uuid_validity}; "
            "--delete would remove it"
        )
        return None
    if not in_use_known:
        return Action(
            Op.CONFLICT,
            KIND,
            img.name,
            f"expired (uuid_validity {d.uuid_validity}) but servers were not listed: "
            "cannot tell whether it is in use",
            resource_id=img.id,
        )
    if used.get(img.id):
        notes.append(f"{img.name} ({img.id}) expired but {used[img.id]} server(s) use it: kept")
        return None
    return Action(
        Op.DELETE,
        KIND,
        img.name,
        f"build {when} is past uuid_validity {d.uuid_validity} and no server uses it",
        resource_id=img.id,
    )


def _short_url(url: str) -> str:
    return url if len(url) <= 70 else url[:30] + "…" + url[-35:]
