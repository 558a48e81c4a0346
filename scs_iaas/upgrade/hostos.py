"""Host OS and guest images against what the target OpenStack release supports.

``parse_os_release`` reads the text of /etc/os-release (under a root path, so tests feed a
recorded tree); ``judge_host`` and ``judge_images`` are pure and return findings.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scs_iaas.errors import InputError
from scs_iaas.findings import Finding, Status
from scs_iaas.upgrade import releases as rel

STANDARD = "scs-iaas upgrade"
VERSION = "1"


@dataclass(frozen=True)
class HostOS:
    id: str  # ubuntu, debian, …
    version_id: str  # 22.04
    pretty: str


def parse_os_release(text: str, *, where: str = "os-release") -> HostOS:
    """KEY=value lines, values optionally shell-quoted (os-release(5))."""
    fields: dict[str, str] = {}
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not re.fullmatch(r"[A-Z_][A-Z0-9_]*", key):
            raise InputError(f"{where}: line {n}: not KEY=value: {line!r}")
        try:
            parts = shlex.split(value)
        except ValueError:
            raise InputError(f"{where}: line {n}: bad quoting in {key}") from None
        fields[key] = parts[0] if parts else ""
    if "ID" not in fields:
        raise InputError(f"{where}: no ID= line")
    return HostOS(
        id=fields["ID"].lower(),
        version_id=fields.get("VERSION_ID", ""),
        pretty=fields.get("PRETTY_NAME", fields["ID"]),
    )


def read_os_release(root: str | Path) -> HostOS:
    """/etc/os-release, else /usr/lib/os-release, under ``root``."""
    base = Path(root)
    for rel_path in ("etc/os-release", "usr/lib/os-release"):
        p = base / rel_path
        if p.is_file():
            try:
                return parse_os_release(p.read_text(encoding="utf-8"), where=str(p))
            except OSError as exc:
                raise InputError(f"{p}: {exc.strerror}") from None
    raise InputError(f"--root {base}: no etc/os-release or usr/lib/os-release")


def _ver(text: str) -> tuple[int, ...]:
    nums = re.findall(r"\d+", text)
    return tuple(int(n) for n in nums) if nums else (0,)


def judge_host(host: HostOS, target: rel.Release, *, resource: str = "host") -> Finding:
    support = rel.HOST_OS.get(target.key)
    fid = "scs-iaas-upgrade-host-os"
    if support is None:
        return Finding(
            fid, STANDARD, VERSION, Status.SKIP, f"no host OS data for {target.label}", resource
        )
    wanted = ", ".join(f"Ubuntu {v}" for v in support.ubuntu)
    unsure = "" if support.sure else " (table entry unsure)"
    if host.id != "ubuntu":
        return Finding(
            fid,
            STANDARD,
            VERSION,
            Status.WARN,
            f"{host.pretty}: the table knows Ubuntu only for {target.label} ({wanted}){unsure}",
            resource,
            details={"host": host.pretty, "supported": list(support.ubuntu)},
        )
    if host.version_id in support.ubuntu:
        return Finding(
            fid,
            STANDARD,
            VERSION,
            Status.PASS,
            f"Ubuntu {host.version_id} is supported by {target.label}{unsure}",
            resource,
        )
    newer = [v for v in support.ubuntu if _ver(v) > _ver(host.version_id)]
    fix = f"upgrade the host to Ubuntu {newer[0]} first" if newer else "check the release notes"
    return Finding(
        fid,
        STANDARD,
        VERSION,
        Status.FAIL,
        f"Ubuntu {host.version_id} is not a host OS of {target.label} ({wanted}){unsure}",
        resource,
        fix,
        details={"host": host.pretty, "supported": list(support.ubuntu)},
    )


_CAPI = re.compile(r"ubuntu-capi-image", re.IGNORECASE)


def judge_images(images: Iterable[Mapping[str, Any]], *, resource: str = "images") -> Finding:
    """Ubuntu images (standard and CAPI) must be on Ubuntu ≥ MIN_IMAGE_UBUNTU.

    An image counts as Ubuntu when ``os_distro`` is ``ubuntu`` or its name is a CAPI image name;
    ``os_version`` (or the version in the name) gives its release.
    """
    fid = "scs-iaas-upgrade-image-os"
    old: list[str] = []
    unknown: list[str] = []
    seen = 0
    for img in images:
        name = str(img.get("name") or img.get("id") or "?")
        distro = str(img.get("os_distro") or "").lower()
        if distro != "ubuntu" and not _CAPI.search(name):
            continue
        seen += 1
        version = str(img.get("os_version") or "")
        if not version:
            m = re.search(r"(\d{2}\.\d{2})", name)
            version = m.group(1) if m else ""
        if not version:
            unknown.append(name)
        elif _ver(version) < _ver(rel.MIN_IMAGE_UBUNTU):
            old.append(f"{name} ({version})")
    if seen == 0:
        return Finding(fid, STANDARD, VERSION, Status.SKIP, "no Ubuntu or CAPI images", resource)
    if old:
        return Finding(
            fid,
            STANDARD,
            VERSION,
            Status.FAIL,
            f"{len(old)} Ubuntu image(s) older than {rel.MIN_IMAGE_UBUNTU}: {', '.join(old)}",
            resource,
            f"replace them with Ubuntu ≥ {rel.MIN_IMAGE_UBUNTU} images "
            "(scs-iaas images, or hide the old ones)",
            details={"old": old, "unknown_version": unknown},
        )
    if unknown:
        return Finding(
            fid,
            STANDARD,
            VERSION,
            Status.WARN,
            f"{len(unknown)} Ubuntu image(s) without os_version: {', '.join(unknown)}",
            resource,
            "set os_version on them",
            details={"unknown_version": unknown},
        )
    return Finding(
        fid,
        STANDARD,
        VERSION,
        Status.PASS,
        f"all {seen} Ubuntu/CAPI image(s) are Ubuntu ≥ {rel.MIN_IMAGE_UBUNTU}",
        resource,
    )
