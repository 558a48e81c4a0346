"""scs-0101's VM tests as the official suite defines them (``Tests/iaas/scs_0101_entropy/
entropy_check.py``): which image and flavor a test server gets, the user data that prints
the judged values on the console, and how those lines are found again. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from scs_iaas.model.snapshot import FlavorRec, ImageRec

#: The official suite's line prefix and end marker.
MARKER = "_scs-test-"
END = "_scs-test-end"
#: Written to standard output, which cloud-init (and the box's guest init) send to the
#: console, by user data in the form both run (a script). rng-tools5 is installed where the image lacks it and a mirror is reachable,
#: as the official test's cloud-config does.
USER_DATA = """#!/bin/sh
# scs-iaas scs-0101 probe (same console lines as the official entropy test)
if ! command -v rngtest >/dev/null 2>&1; then
    echo "_scs-test-install: installing rng-tools5"
    (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y rng-tools5) \\
        >/dev/null 2>&1 || echo "_scs-test-install: failed (no mirror reachable?)"
fi
cat /proc/sys/kernel/random/entropy_avail 2>&1 | awk '$0="_scs-test-entropy-avail: "$0'
cat /dev/random | rngtest -c 1000 2>&1 | awk '$0="_scs-test-fips-test: "$0'
echo _scs-test-end
"""
#: Like the official test: up to this long for the lines to appear once the server is active.
CONSOLE_TIMEOUT = 300.0
#: Strictly at most 3 rngtest failures; up to 5 still passes, with a note.
FIPS_STRICT = 3
FIPS_LENIENT = 5
#: The official test boots from a volume at least this big (GiB).
MIN_VOLUME = 8

_DEBIAN_CODENAMES = {"buster": 10, "bullseye": 11, "bookworm": 12, "trixie": 13}


def collect(console: str) -> dict[str, list[str]]:
    """The console lines carrying the marker, by section (``entropy-avail``, ``fips-test``):
    the text after ``_scs-test-<section>:``, wherever on the line the marker starts (kernel
    messages may be interleaved)."""
    out: dict[str, list[str]] = {}
    for line in console.splitlines():
        idx = line.find(MARKER)
        if idx == -1:
            continue
        section, sep, payload = line[idx + len(MARKER) :].partition(":")
        if sep:
            out.setdefault(section, []).append(payload.strip())
    return out


def finished(console: str) -> bool:
    return END in console


def _version_rank(distro: str, version: str) -> tuple[int, int]:
    """The official test's order: Debian before Ubuntu, newer versions first."""
    if distro == "debian":
        if re.fullmatch(r"\d+", version):
            return 2, int(version)
        return 2, _DEBIAN_CODENAMES.get(version, 0)
    if distro == "ubuntu":
        if re.fullmatch(r"\d\d\.\d\d", version):
            return 1, int(version.replace(".", ""))
        return 1, 0
    return 0, 0


def choose_image(images: Iterable[ImageRec]) -> ImageRec | None:
    """The newest public Debian image (else Ubuntu), as the official test picks it; among
    images of the same version the most recently created."""
    ranked = []
    for img in images:
        if img.status != "active" or img.visibility not in ("public", "community"):
            continue
        if img.os_hidden:
            continue
        distro = str(img.properties.get("os_distro") or "").strip().lower()
        version = str(img.properties.get("os_version") or "").strip().lower()
        rank = _version_rank(distro, version)
        if rank == (0, 0):
            continue
        created = img.created_at.timestamp() if img.created_at else 0.0
        ranked.append((rank, created, img))
    if not ranked:
        return None
    return max(ranked, key=lambda item: (item[0], item[1]))[2]


def choose_flavor(flavors: Iterable[FlavorRec], image: ImageRec) -> tuple[FlavorRec, bool] | None:
    """The most frugal public flavor with the RAM the image needs (preferring
    ``hw_rng:allowed=True``, as the official test does), and whether the server boots from
    a volume: only when no flavor has a root disk big enough for the image (the official
    test always boots from a volume; a local root disk judges the same guest)."""
    fits = [f for f in flavors if f.is_public and not f.is_disabled and f.ram >= image.min_ram]
    if not fits:
        return None
    with_rng = [f for f in fits if str(f.extra_specs.get("hw_rng:allowed", "")).lower() == "true"]
    pool = with_rng or fits
    disk = [f for f in pool if f.disk > 0 and f.disk >= image.min_disk]

    def cost(f: FlavorRec) -> tuple[float, str]:
        return (f.vcpus + f.ram / 3.0 + f.disk / 10.0, f.name)

    if disk:
        return min(disk, key=cost), False
    return min(pool, key=cost), True
