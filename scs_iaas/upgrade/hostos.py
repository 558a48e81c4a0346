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
from scs_iaas.model.findings import Finding, Status
from scs_iaas.upgrade import releases as rel
from scs_iaas.upgrade import tests as T

STANDARD, VERSION = T.STANDARD, T.VERSION


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


def _nice(entry: str) -> str:
    distro, _, version = entry.partition(" ")
    return f"{distro.capitalize()} {version}"


def judge_host(host: HostOS, target: rel.Release, *, resource: str = "host") -> Finding:
    """PASS on a tested runtime of the target; WARN where it is only kept for the upgrade or
    only packaged; FAIL elsewhere, naming the OS to move to first."""
    support = rel.HOST_OS.get(target.key)

    def finding(status: Status, reason: str, fix: str = "") -> Finding:
        details = {
            "host": host.pretty,
            "tested": list(support.tested) if support else [],
            "upgrade_only": list(support.upgrade) if support else [],
            "packaged": list(support.packaged) if support else [],
        }
        return T.HOST_OS.finding(status, reason, resource, fix, details=details)

    if support is None:
        return finding(Status.SKIP, f"no host OS data for {target.label}")
    me = f"{host.id} {host.version_id}"
    tested = ", ".join(_nice(e) for e in support.tested)
    name = _nice(me)
    if me in support.tested:
        return finding(Status.PASS, f"{name} is a tested runtime of {target.label}")
    if me in support.upgrade:
        return finding(
            Status.WARN,
            f"{name} is kept in {target.label} only for the upgrade (tested: {tested})",
            f"move the host to {_nice(_newest(support.tested, host.id) or support.tested[0])} "
            "before the next step",
        )
    if me in support.packaged:
        return finding(
            Status.WARN,
            f"{name} has packages of {target.label} but is no tested runtime (tested: {tested})",
        )
    newest = _newest(support.tested, host.id)
    fix = f"move the host to {_nice(newest)} first" if newest else "check the release notes"
    return finding(
        Status.FAIL, f"{name} is not a host OS of {target.label} (tested: {tested})", fix
    )


def _newest(entries: Iterable[str], distro: str) -> str | None:
    same = [e for e in entries if e.split(" ")[0] == distro]
    return max(same, key=lambda e: _ver(e.split(" ", 1)[1])) if same else None


_CAPI = re.compile(r"ubuntu-capi-image", re.IGNORECASE)


def judge_images(images: Iterable[Mapping[str, Any]], *, resource: str = "images") -> Finding:
    """Ubuntu images (standard and CAPI) must be on Ubuntu ≥ MIN_IMAGE_UBUNTU.

    An image counts as Ubuntu when ``os_distro`` is ``ubuntu`` or its name is a CAPI image name;
    ``os_version`` (or the version in the name) gives its release.
    """
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
        return T.IMAGE_OS.skipped("no Ubuntu or CAPI images", resource)
    if old:
        return T.IMAGE_OS.failed(
            f"{len(old)} Ubuntu image(s) older than {rel.MIN_IMAGE_UBUNTU}: {', '.join(old)}",
            resource,
            f"replace them with Ubuntu ≥ {rel.MIN_IMAGE_UBUNTU} images "
            "(scs-iaas images, or hide the old ones)",
            old=old,
            unknown_version=unknown,
        )
    if unknown:
        return T.IMAGE_OS.warned(
            f"{len(unknown)} Ubuntu image(s) without os_version: {', '.join(unknown)}",
            resource,
            "set os_version on them",
            unknown_version=unknown,
        )
    return T.IMAGE_OS.passed(
        f"all {seen} Ubuntu/CAPI image(s) are Ubuntu ≥ {rel.MIN_IMAGE_UBUNTU}", resource
    )
