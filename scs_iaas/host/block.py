"""Which block devices hold Nova's instances path and the Ceph OSDs; encrypted? rotational?

Sources: ``/proc/self/mountinfo`` (which mount holds a path), ``lsblk --json -O`` (the device
tree: disks at the top, partitions, LVM, dm-crypt below), ``lvs`` JSON (ceph-volume tags
``ceph.osd_id``/``ceph.encrypted``) and ``/sys/block/dm-*/dm/uuid`` (``CRYPT-LUKS2-…``).
lsblk/lvs run on the live host or come from ``<root>/_commands/{lsblk,lvs}.json``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

from scs_iaas.errors import InputError
from scs_iaas.host.root import HostRoot

LSBLK_ARGV = ["lsblk", "--json", "-O"]
LVS_ARGV = ["lvs", "--reportformat", "json", "-o", "lv_name,vg_name,lv_path,lv_tags"]


@dataclass(frozen=True)
class Mount:
    """One /proc/self/mountinfo line."""

    mountpoint: str
    source: str
    fstype: str
    maj_min: str


@dataclass(frozen=True)
class BlockDevice:
    """One node of the lsblk tree (the fields the checks need)."""

    name: str
    kname: str
    path: str
    type: str
    fstype: str
    maj_min: str
    rotational: bool | None
    model: str
    transport: str
    dm_uuid: str


@dataclass(frozen=True)
class StorageTarget:
    """A place where guest or Ceph data lives, and what is underneath it.

    ``chain`` runs from the physical disk down to the device itself (plus, for a Ceph OSD,
    the dm-crypt layer ceph-volume puts on top of the LV). ``encryption`` is empty when the
    data is stored in clear.
    """

    role: str  # "nova-instances" | "ceph-osd"
    label: str
    path: str
    device: str
    chain: tuple[BlockDevice, ...]
    disks: tuple[BlockDevice, ...]
    encryption: str
    rotational: bool | None
    note: str = ""

    @property
    def encrypted(self) -> bool:
        return bool(self.encryption)


@dataclass(frozen=True)
class StorageFacts:
    targets: tuple[StorageTarget, ...]
    lsblk_source: str
    notes: tuple[str, ...] = ()


def _unescape(field: str) -> str:
    """mountinfo escapes space, tab, newline and backslash as octal (``\\040``)."""
    out, i = [], 0
    while i < len(field):
        if field[i] == "\\" and field[i + 1 : i + 4].isdigit():
            out.append(chr(int(field[i + 1 : i + 4], 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def parse_mountinfo(text: str) -> list[Mount]:
    """``36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw`` → Mount."""
    mounts = []
    for line in text.split("\n"):  # not splitlines(): U+0085 etc. may be in a path
        head, sep, tail = line.partition(" - ")
        # split on the ASCII space only: the kernel escapes space/tab/newline, not U+00A0 etc.
        fields, rest = head.split(" "), tail.split(" ")
        if not sep or len(fields) < 5 or len(rest) < 2:
            continue
        mounts.append(Mount(_unescape(fields[4]), _unescape(rest[1]), rest[0], fields[2]))
    return mounts


def mount_of(path: str, mounts: list[Mount]) -> Mount | None:
    """The mount holding ``path``: the longest mountpoint that is a prefix (the last wins)."""
    best: Mount | None = None
    for m in mounts:
        mp = m.mountpoint.rstrip("/") or "/"
        inside = path == mp or path.startswith(mp + "/") or mp == "/"
        if inside and (best is None or len(mp) >= len(best.mountpoint.rstrip("/") or "/")):
            best = m
    return best


def _rota(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if value in ("1", 1):
        return True
    if value in ("0", 0):
        return False
    return None


def _node(raw: dict[str, Any], root: HostRoot) -> BlockDevice:
    kname = str(raw.get("kname") or raw.get("name") or "")
    rota = _rota(raw.get("rota"))
    if rota is None and kname:
        rota = _rota(root.read_value(f"/sys/block/{kname}/queue/rotational"))
    return BlockDevice(
        name=str(raw.get("name") or ""),
        kname=kname,
        path=str(raw.get("path") or f"/dev/{raw.get('name', '')}"),
        type=str(raw.get("type") or ""),
        fstype=str(raw.get("fstype") or ""),
        maj_min=str(raw.get("maj:min") or ""),
        rotational=rota,
        model=str(raw.get("model") or "").strip(),
        transport=str(raw.get("tran") or ""),
        dm_uuid=(root.read_value(f"/sys/block/{kname}/dm/uuid") or "") if kname else "",
    )


def lsblk_paths(doc: dict[str, Any], root: HostRoot) -> list[tuple[BlockDevice, ...]]:
    """Every path from a top-level disk down to each node of ``lsblk --json`` output.

    A device on several disks (LVM over two PVs, MD RAID) appears once per disk, as in lsblk.
    """
    found: list[tuple[BlockDevice, ...]] = []

    def walk(raw: dict[str, Any], above: tuple[BlockDevice, ...]) -> None:
        here = (*above, _node(raw, root))
        found.append(here)
        for child in raw.get("children") or ():
            walk(child, here)

    for top in doc.get("blockdevices") or ():
        walk(top, ())
    return found


def encryption_of(chain: tuple[BlockDevice, ...]) -> str:
    """``LUKS2``, ``LUKS1``, ``dm-crypt plain`` or ``dm-crypt``; empty when nothing encrypts."""
    for i, dev in enumerate(chain):
        uuid = dev.dm_uuid.upper()
        if uuid.startswith("CRYPT-LUKS2"):
            return "LUKS2"
        if uuid.startswith("CRYPT-LUKS1"):
            return "LUKS1"
        if uuid.startswith("CRYPT-PLAIN"):
            return "dm-crypt plain"
        if dev.type == "crypt" or uuid.startswith("CRYPT-"):
            below = chain[i - 1] if i else None
            return "LUKS" if below is not None and below.fstype == "crypto_LUKS" else "dm-crypt"
    return ""


def _matches(dev: BlockDevice, source: str, maj_min: str) -> bool:
    if maj_min and dev.maj_min == maj_min and not maj_min.startswith("0:"):
        return True
    return source in (dev.path, f"/dev/{dev.name}", f"/dev/{dev.kname}", f"/dev/mapper/{dev.name}")


def _rotational(disks: tuple[BlockDevice, ...]) -> bool | None:
    values = [d.rotational for d in disks]
    if any(v is True for v in values):
        return True
    if values and all(v is False for v in values):
        return False
    return None


def _target(
    role: str,
    label: str,
    path: str,
    paths: list[tuple[BlockDevice, ...]],
    extra: str = "",
    device: str = "",
) -> StorageTarget:
    """``paths[0]`` is shown as the chain; every path counts for disks and encryption."""
    disks = tuple(dict.fromkeys(p[0] for p in paths))
    encryption = next((e for e in (encryption_of(p) for p in paths) if e), "") or extra
    chain = paths[0]
    return StorageTarget(
        role=role,
        label=label,
        path=path,
        device=device or chain[-1].path,
        chain=chain,
        disks=disks,
        encryption=encryption,
        rotational=_rotational(disks),
    )


def _unresolved(role: str, label: str, path: str, device: str, note: str) -> StorageTarget:
    return StorageTarget(role, label, path, device, (), (), "", None, note)


def load_json(out_text: str, source: str) -> dict[str, Any]:
    try:
        doc = json.loads(out_text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{source}: not JSON (line {exc.lineno}: {exc.msg})") from exc
    if not isinstance(doc, dict):
        raise InputError(f"{source}: expected a JSON object")
    return doc


def instances_target(
    path: str, mounts: list[Mount], paths: list[tuple[BlockDevice, ...]]
) -> StorageTarget:
    """The device chain under Nova's instances path."""
    mount = mount_of(path, mounts)
    if mount is None:
        return _unresolved("nova-instances", path, path, "", "no mount holds it")
    hits = [p for p in paths if _matches(p[-1], mount.source, mount.maj_min)]
    if not hits:
        note = (
            f"mounted from {mount.source} ({mount.fstype}), which is not a block device lsblk lists"
        )
        return _unresolved("nova-instances", path, path, mount.source, note)
    return _target("nova-instances", path, path, hits)


def parse_ceph_lvs(doc: dict[str, Any]) -> list[dict[str, str]]:
    """ceph-volume OSD LVs from ``lvs --reportformat json``: tags split into a dict."""
    osds = []
    for report in doc.get("report") or ():
        for lv in report.get("lv") or ():
            tags = dict(
                t.partition("=")[::2] for t in str(lv.get("lv_tags", "")).split(",") if "=" in t
            )
            if "ceph.osd_id" in tags and tags.get("ceph.type", "block") == "block":
                osds.append(
                    {
                        **tags,
                        "lv_name": lv.get("lv_name", ""),
                        "vg_name": lv.get("vg_name", ""),
                        "lv_path": lv.get("lv_path", ""),
                    }
                )
    return osds


def _dm_name(vg: str, lv: str) -> str:
    return f"{vg.replace('-', '--')}-{lv.replace('-', '--')}"


def osd_targets(
    osds: list[dict[str, str]], paths: list[tuple[BlockDevice, ...]]
) -> list[StorageTarget]:
    """One target per OSD block LV; ceph-volume's dm-crypt sits on top of the LV."""
    targets = []
    for osd in osds:
        label = f"osd.{osd['ceph.osd_id']}"
        dm = _dm_name(osd["vg_name"], osd["lv_name"])
        lv_path = osd["lv_path"] or f"/dev/{osd['vg_name']}/{osd['lv_name']}"
        hits = [p for p in paths if p[-1].name == dm or p[-1].path == f"/dev/mapper/{dm}"]
        if not hits:
            targets.append(_unresolved("ceph-osd", label, lv_path, lv_path, "LV not in lsblk"))
            continue
        above = [p for p in paths if len(p) > 1 and p[-2].name == dm and p[-1].type == "crypt"]
        tagged = "dm-crypt (ceph.encrypted=1)" if osd.get("ceph.encrypted") == "1" else ""
        targets.append(_target("ceph-osd", label, lv_path, above + hits, tagged, lv_path))
    return targets


def read_storage(root: HostRoot, instances_path: str) -> StorageFacts:
    """Targets for the instances path (if it exists under root) and every Ceph OSD."""
    instances_path = os.path.normpath("/" + instances_path.lstrip("/"))
    if root.live:
        instances_path = os.path.realpath(instances_path)  # a symlink to another mount
    notes: list[str] = []
    lsblk = root.command("lsblk.json", LSBLK_ARGV)
    if lsblk is None or not lsblk.ok:
        why = lsblk.error if lsblk is not None else "lsblk output not available"
        return StorageFacts((), "", (f"cannot list block devices: {why}",))
    paths = lsblk_paths(load_json(lsblk.stdout, lsblk.source), root)
    targets: list[StorageTarget] = []
    if root.exists(instances_path):
        mounts = parse_mountinfo(root.read("/proc/self/mountinfo") or "")
        targets.append(instances_target(instances_path, mounts, paths))
    else:
        notes.append(f"no Nova instances path {instances_path} on this host")
    lvs = root.command("lvs.json", LVS_ARGV)
    if lvs is not None and lvs.ok and lvs.stdout.strip():
        targets.extend(osd_targets(parse_ceph_lvs(load_json(lvs.stdout, lvs.source)), paths))
    return StorageFacts(tuple(targets), lsblk.source, tuple(notes))
