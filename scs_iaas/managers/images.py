"""Images: an operator's definitions (scs-0102 metadata, versions by build date) -> a plan.

How scs-iaas knows its own images: each is **owned by the managing project** (Glance's
``owner``, which no other tenant can set) and carries ``scs-iaas:name`` (the definition's
name) and ``image_build_date`` (the version). Images of other projects are never managed, even
when they carry the property or the name: they are reported in the plan's notes. An image is
taken for a defined version only when its data is that version's: Glance's own
``os_hash_value`` equals the definition's checksum (or, when Glance hashes with another
algorithm, the image carries the checksum scs-iaas stamped after verifying its upload).

The newest defined version holds the plain name; older ones are renamed ``Name YYYYMMDD``,
hidden (``os_hidden``) and, for ``os_purpose=generic``, marked ``oldgeneric`` (scs-0102 v2).
``uuid_validity`` says how long old versions must stay, and a published version keeps the
promise it was published with; they are deleted only with ``--delete`` (renamed and hidden
first), and never while a server uses them.

An upload in progress carries ``scs-iaas:upload-pending`` and is private and hidden; the final
metadata arrives in one PATCH after the checksum is verified. Runs that change images hold the
project's image lock (``cloud/imagelock.py``); an image with the marker (or not active) found
by a run that holds the lock is the leftover of a killed run: the plan deletes and redoes it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from scs_iaas.managers import definitions
from scs_iaas.model.plan import (
    LOCK_PROP,
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
KEYS_PROP = "scs-iaas:keys"  # the properties the definition set (to remove those it drops)
OWN_PROPS = frozenset({NAME_PROP, CHECKSUM_PROP, PENDING_PROP, BUILD_DATE, KEYS_PROP})
# properties Glance, the SDK or scs-iaas itself set (never reported as hand-added)
GLANCE_PREFIXES = ("os_glance", "owner_specified.", "os_hash", "image_source", "scs-iaas:")
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


def load_definitions(path: str | Path, *, now: datetime | None = None) -> tuple[DesiredImage, ...]:
    """Read and check a definition file; ``now`` (default: the clock) refuses future builds."""
    doc = definitions.load(path, "images")
    now = now or datetime.now(UTC)
    out: list[DesiredImage] = []
    seen: dict[str, int] = {}
    generic: dict[tuple[str, str, str], str] = {}
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
            built = _parse_date(v["build_date"])
            if built is not None and built > now:
                raise doc.error(
                    [*vwhere, "build_date"],
                    f"{v['build_date']} is in the future (now {now:%Y-%m-%d %H:%M} UTC): "
                    "a build date says when the image was built",
                )
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
        if item.get("os_purpose") == "generic" and item.get("visibility", "public") == "public":
            key = (str(item["os_distro"]), str(item["os_version"]), str(item["architecture"]))
            if key in generic:
                raise doc.error(
                    [*where, "os_purpose"],
                    f"a second public generic image for {' '.join(key)} (also {generic[key]}); "
                    "scs-0102 allows one: give this one another os_purpose",
                )
            generic[key] = name
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


def _parse_date(text: str) -> datetime | None:
    from scs_iaas.standards.images import parse_build_date

    return parse_build_date(text)


def _prop(v: Any) -> str:
    return ("true" if v else "false") if isinstance(v, bool) else str(v)


# -- the desired record of one version at one position --------------------------------------


def version_name(d: DesiredImage, build_date: str, current: bool) -> str:
    return d.name if current else f"{d.name} {build_date[:10].replace('-', '')}"


def want_state(
    d: DesiredImage,
    build_date: str,
    current: bool,
    version: Version | None,
    promise: str | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """(core attributes, properties) the image of ``build_date`` should have at its position.

    ``promise`` is the ``uuid_validity`` the image keeps (the one it was published with, when
    that was stronger than the definition's today)."""
    core: dict[str, Any] = {
        "name": version_name(d, build_date, current),
        "visibility": d.visibility,
        "os_hidden": not current,
        "protected": False,
        "min_disk": d.min_disk,
        "min_ram": d.min_ram,
    }
    props = dict(d.properties)
    props[NAME_PROP] = d.name
    props[BUILD_DATE] = build_date
    props[KEYS_PROP] = ",".join(sorted(d.properties))
    if promise is not None and "uuid_validity" in props:
        props["uuid_validity"] = promise
    if not current and d.os_purpose == "generic":
        props["os_purpose"] = "oldgeneric"
    if version is not None:
        props["image_source"] = version.image_source
        if version.checksum:
            props[CHECKSUM_PROP] = version.checksum
    return core, props


def dropped_keys(have_props: Mapping[str, Any], want_props: Mapping[str, str]) -> list[str]:
    """Properties an earlier definition set (recorded in ``scs-iaas:keys``) that it dropped."""
    recorded = str(have_props.get(KEYS_PROP) or "")
    return sorted(k for k in recorded.split(",") if k and k not in want_props and k in have_props)


def unmanaged_keys(have_props: Mapping[str, Any], want_props: Mapping[str, str]) -> list[str]:
    """Properties on a managed image that no definition set: added by hand (reported only)."""
    recorded = set(str(have_props.get(KEYS_PROP) or "").split(","))
    return sorted(
        k
        for k in have_props
        if k not in want_props
        and k not in recorded
        and k not in OWN_PROPS
        and not k.startswith(GLANCE_PREFIXES)
    )


def core_of(img: ImageRec) -> dict[str, Any]:
    return {
        "name": img.name,
        "visibility": img.visibility,
        "os_hidden": img.os_hidden,
        "protected": img.protected,
        "min_disk": img.min_disk,
        "min_ram": img.min_ram,
    }


def describe_ops(ops: Sequence[Mapping[str, Any]]) -> str:
    parts = []
    for op in ops:
        key = op["path"][1:].replace("~1", "/").replace("~0", "~")
        parts.append(f"-{key}" if op["op"] == "remove" else f"{key}={op['value']!r}")
    return ", ".join(parts)


# -- rotation and promises -----------------------------------------------------------------

_LAST = re.compile(r"^last-(\d+)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
_VALIDITY = re.compile(r"^(none|forever|notice|last-[1-9][0-9]*|\d{4}-\d{2}-\d{2})$")


def expired(uuid_validity: str, rank: int, today: date) -> bool:
    """Whether an old version (rank 1 = newest old one; 0 is current) may go now."""
    if rank == 0:
        return False
    m = _LAST.match(uuid_validity)
    if m:
        return rank >= int(m.group(1))
    if _DATE.match(uuid_validity):
        try:
            return today > date.fromisoformat(uuid_validity)
        except ValueError:
            return False
    return uuid_validity == "none"  # forever / notice: keep


def stronger_promise(published: str, defined: str) -> str:
    """The ``uuid_validity`` a published version keeps: the one it was published with, unless
    the definition now promises more of the same kind (a later date, a larger N) or forever."""
    if published == defined or not _VALIDITY.match(published):
        return defined
    if published == "none" or defined in ("forever", "notice"):
        return defined
    if published in ("forever", "notice") or defined == "none":
        return published
    a, b = _LAST.match(published), _LAST.match(defined)
    if a and b:
        return published if int(a.group(1)) >= int(b.group(1)) else defined
    if _DATE.match(published) and _DATE.match(defined):
        return max(published, defined)
    return published  # different kinds: the published promise stands


def lock_records(snap: Snapshot) -> list[ImageRec]:
    """The image-lock records of the managing project (another run is, or was, applying)."""
    return [i for i in snap.images if i.owner == snap.project_id and is_lock(i)]


def with_local_checksums(desired: Sequence[DesiredImage]) -> tuple[DesiredImage, ...]:
    """A ``file://`` version without a checksum gets the sha512 of the file as it is now, so
    that changed content is seen (never republished under the old build date) and the upload
    is verified against what was hashed. Files that do not exist stay without one."""
    import hashlib
    from urllib.parse import unquote, urlparse

    out = []
    for d in desired:
        versions = []
        for v in d.versions:
            if v.checksum is None and v.url.startswith("file:"):
                h = hashlib.sha512()
                try:
                    with open(unquote(urlparse(v.url).path), "rb") as fh:
                        while block := fh.read(1 << 20):
                            h.update(block)
                except OSError:
                    versions.append(v)
                    continue
                v = replace(v, checksum=f"sha512:{h.hexdigest()}")
            versions.append(v)
        out.append(replace(d, versions=tuple(versions)))
    return tuple(out)


def is_leftover(img: ImageRec) -> bool:
    return PENDING_PROP in img.properties or img.status in UNFINISHED


def is_lock(img: ImageRec) -> bool:
    return LOCK_PROP in img.properties


def content_problem(img: ImageRec, version: Version | None) -> str | None:
    """Why ``img`` cannot be taken for ``version`` (its data is not the defined data), or None.

    Glance's own hash (``os_hash_algo``/``os_hash_value``, computed from the stored data) is
    compared when it uses the definition's algorithm. Otherwise the image must carry the
    checksum scs-iaas stamped after verifying its own upload (only the owning project can)."""
    if version is None or not version.checksum:
        return None
    algo, want = version.checksum.split(":", 1)
    if img.os_hash_algo == algo:
        have = str(img.os_hash_value or "").lower()
        if have != want.lower():
            return (
                f"its data is not build {version.build_date}: Glance's {algo} is "
                f"{have[:16]}…, the definition's {want[:16]}…; an image is immutable: give "
                "the new build its own build_date, or delete this image"
            )
        return None
    stamp = str(img.properties.get(CHECKSUM_PROP) or "").lower()
    if not stamp:
        return (
            f"cannot verify its data: Glance hashed it with {img.os_hash_algo or 'nothing'}, the "
            f"definition gives {algo}; give the checksum as {img.os_hash_algo or 'sha512'}:… "
            "or delete the image"
        )
    if stamp != version.checksum:
        return (
            f"definition checksum for build date {version.build_date} changed ({stamp} -> "
            f"{version.checksum}); an image is immutable: give the new build its own "
            "build_date, or delete this image"
        )
    return None


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
    locked: bool = False,
) -> Plan:
    """Desired images + snapshot -> plan. With ``delete``, the snapshot should hold servers
    (``probe`` plans as if none used any image: to learn whether servers must be listed).

    Only images of the managing project (``snap.project_id``) are managed; other projects'
    images of the same name are reported in notes and never touched. ``locked``: this run holds
    the image lock, so an unfinished upload is a killed run's leftover; without it, while
    another run's lock record exists, an unfinished upload is that run's work in progress."""
    in_use_known = probe or "servers" in snap.fetched
    others_running = not locked and bool(lock_records(snap))
    actions: list[Action] = []
    in_sync: list[str] = []
    notes: list[str] = []
    used: dict[str, int] = {}
    for s in snap.servers:
        if s.image_id:
            used[s.image_id] = used.get(s.image_id, 0) + 1
    ctx = _Ctx(snap, delete, today, used, in_use_known, others_running)
    for d in desired:
        a, ok, n = _plan_one(d, ctx)
        actions += [replace(x, unit=d.name) for x in a]
        in_sync += ok
        notes += n
    return Plan(kind="images", actions=tuple(actions), in_sync=tuple(in_sync), notes=tuple(notes))


@dataclass(frozen=True)
class _Ctx:
    snap: Snapshot
    delete: bool
    today: date
    used: Mapping[str, int]
    in_use_known: bool
    others_running: bool


def _foreign_notes(d: DesiredImage, snap: Snapshot) -> list[str]:
    """Other projects' images that claim the definition or carry its name: reported only."""
    notes = []
    for i in snap.images:
        if i.owner == snap.project_id or is_lock(i):
            continue
        claims = i.properties.get(NAME_PROP) == d.name
        shows = i.name == d.name and i.visibility in ("public", "community")
        if claims or shows:
            what = f"claims {NAME_PROP}={d.name!r}" if claims else "carries the same name"
            notes.append(
                f"{d.name}: image {i.id} of project {i.owner} ({i.visibility}) {what}; it is "
                "not this project's: not managed, not touched"
            )
    return notes


def _plan_one(d: DesiredImage, ctx: _Ctx) -> tuple[list[Action], list[str], list[str]]:
    snap = ctx.snap
    first: list[Action] = []  # leftovers to clear
    create: list[Action] = []
    later: list[Action] = []  # conflicts, updates and renames of older versions
    deletes: list[Action] = []
    in_sync: list[str] = []
    notes = _foreign_notes(d, snap)
    ours = [i for i in snap.images if i.owner == snap.project_id and not is_lock(i)]
    managed = [i for i in ours if i.properties.get(NAME_PROP) == d.name]
    pending = [i for i in managed if is_leftover(i)]
    if pending and ctx.others_running:
        ids = ", ".join(f"{i.id} ({i.status})" for i in pending)
        notes.append(
            f"{d.name}: upload {ids} in progress by another run (it holds the image lock); "
            "not planned now (if that run was killed, the next --apply cleans up after the lease)"
        )
        return [], [], notes
    for img in pending:
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
    # one of our own images under the plain name that scs-iaas does not manage
    stranger = [i for i in ours if i.name == d.name and NAME_PROP not in i.properties]
    name_taken = bool(stranger)
    if stranger:
        ids = ", ".join(i.id for i in stranger)
        why = (
            f"image(s) {ids} of this project hold the name but are not managed by scs-iaas; "
            f"rename or delete them, or set property {NAME_PROP}={d.name!r} to adopt them "
            "(their data is verified against the definition's checksum first)"
        )
        later.append(Action(Op.CONFLICT, KIND, d.name, why))
    by_day: dict[str, ImageRec] = {}
    for img in sorted(live, key=lambda i: (str(i.created_at or ""), i.id)):
        key = str(img.properties.get(BUILD_DATE, ""))
        if not _DAY.match(key):
            why = (
                f"image {img.id} carries {NAME_PROP} but image_build_date {key!r} is not a "
                "date; set it to the build date (YYYY-MM-DD) of the image"
            )
            later.append(Action(Op.CONFLICT, KIND, img.name, why, resource_id=img.id))
            name_taken = name_taken or img.name == d.name
            continue
        day = key[:10]
        if day in by_day:
            why = (
                f"two managed images for build date {day}: {by_day[day].id}, {img.id}; "
                "delete one by hand"
            )
            later.append(Action(Op.CONFLICT, KIND, img.name, why, resource_id=img.id))
            continue
        by_day[day] = img
    defined = {v.build_date[:10]: v for v in d.versions}
    newest = d.versions[0].build_date[:10]
    order = sorted(set(defined) | set(by_day), reverse=True)
    if order[0] != newest:
        img = by_day[order[0]]
        later.append(
            Action(
                Op.CONFLICT,
                KIND,
                img.name,
                f"build {order[0]} ({img.id}) is newer than the newest defined build {newest}: "
                "scs-iaas does not roll back silently; add the build back to the definition, "
                "or delete its image by hand to roll back",
                resource_id=img.id,
            )
        )
    for rank, day in enumerate(order):
        is_current = rank == 0
        version = defined.get(day)
        found = by_day.get(day)
        if found is None:
            # only the newest is uploaded; an old version never uploaded here has no users
            if is_current and version is not None and not name_taken:
                create.append(_create(d, version))
            continue
        img = found
        problem = content_problem(img, version)
        if problem:
            later.append(Action(Op.CONFLICT, KIND, img.name, problem, resource_id=img.id))
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
        build = version.build_date if version is not None else str(img.properties[BUILD_DATE])
        promise = _promise(d, img, notes)
        want_core, want_props = want_state(d, build, is_current, version, promise)
        if is_current and name_taken:
            want_core["name"] = img.name  # the plain name is someone else's (conflict above)
        remove = dropped_keys(img.properties, want_props)
        hand = unmanaged_keys(img.properties, want_props)
        if hand:
            notes.append(
                f"{img.name} ({img.id}): properties not in the definition, left as they are: "
                + ", ".join(hand)
            )
        if img.tags:
            notes.append(f"{img.name} ({img.id}): tags are not managed: {', '.join(img.tags)}")
        ops = patch_ops(core_of(img), img.properties, want_core, want_props, remove)
        expire = not is_current and expired(promise or d.uuid_validity, rank, ctx.today)
        if ops:
            rotation_only = not is_current and all(
                op["path"] in ("/name", "/os_hidden", "/os_purpose", "/protected") for op in ops
            )
            later.append(
                Action(
                    Op.HIDE if rotation_only else Op.UPDATE,
                    KIND,
                    img.name,
                    (f"older version (newest is {order[0]}): " if not is_current else "")
                    + describe_ops(ops),
                    resource_id=img.id,
                    params=ImagePatch(tuple(frozen(o) for o in ops)),
                )
            )
        if expire:
            act = _expire(d, img, want_core["name"], day, promise or d.uuid_validity, ctx, notes)
            if act is not None:
                deletes.append(act)
        if not ops and not expire:
            in_sync.append(img.name)
    # order: clear leftovers, publish the new version, then rename/hide the old ones (so the
    # plain name is never missing; for a moment two images hold it), then delete expired ones
    # (renamed and hidden first: if a delete fails, no second image holds the plain name)
    return first + create + later + deletes, in_sync, notes


def _promise(d: DesiredImage, img: ImageRec, notes: list[str]) -> str | None:
    """The uuid_validity ``img`` keeps: a published version keeps the promise it was given."""
    if "uuid_validity" not in d.properties:
        return None
    published = img.properties.get("uuid_validity")
    if published is None:
        return d.uuid_validity
    keep = stronger_promise(str(published), d.uuid_validity)
    if keep != d.uuid_validity:
        notes.append(
            f"{img.name} ({img.id}) keeps uuid_validity {keep!r}, promised when it was "
            f"published (the definition's {d.uuid_validity!r} applies to newer versions)"
        )
    return keep


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
    name: str,
    when: str,
    promise: str,
    ctx: _Ctx,
    notes: list[str],
) -> Action | None:
    """A DELETE for an expired old version, or None (it stays, renamed and hidden)."""
    if not ctx.delete:
        notes.append(f"{name} ({img.id}) is past uuid_validity {promise}; --delete would remove it")
        return None
    if not ctx.in_use_known:
        return Action(
            Op.CONFLICT,
            KIND,
            name,
            f"expired (uuid_validity {promise}) but servers were not listed: "
            "cannot tell whether it is in use",
            resource_id=img.id,
        )
    if ctx.used.get(img.id):
        notes.append(f"{name} ({img.id}) expired but {ctx.used[img.id]} server(s) use it: kept")
        return None
    return Action(
        Op.DELETE,
        KIND,
        name,
        f"build {when} is past uuid_validity {promise} and no server uses it"
        + (" (renamed and hidden first)" if name != img.name or not img.os_hidden else ""),
        resource_id=img.id,
    )


def _short_url(url: str) -> str:
    return url if len(url) <= 70 else url[:30] + "…" + url[-35:]
