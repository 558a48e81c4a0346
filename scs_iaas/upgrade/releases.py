"""Release tables as data: OpenStack series, API maxima per series, path rules, Ceph and host OS.

Everything here is plain data plus small pure functions over it; the detectors and the checks
read these tables and never carry their own copy of a number.

Where the tables come from (so that a reader can re-check them):

* Nova, Cinder: the ``(Maximum in …)`` notes in ``rest_api_version_history.rst`` of nova 34.0.0
  and cinder 29.0.0 (both 2026.2); Cinder's newest microversion there is 3.71 (2024.1), so every
  series after it also has 3.71.
* Placement: ``versionadded`` notes in placement 16.0.0's ``rest_api_version_history.rst``.
* Keystone: ``v3.14`` is what keystone 30.0.0 (2026.2) reports; it has not changed since Ussuri.
* Neutron: API extension aliases that neutron-lib 5.0.1 (2026.2) defines and neutron-lib 3.1.0
  (Zed, Debian bookworm) does not; a server that lists one is newer than Zed.
* Glance: its maximum depends on configuration (image cache on/off adds or removes versions), so
  its markers are marked unsure and never narrow the detected range.
* The 2026.2 series name is "Hibiscus" (nova's history: "2.104 (Maximum in 2026.2 Hibiscus)").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scs_iaas.errors import InputError

# ---------------------------------------------------------------------------------------------
# OpenStack series


@dataclass(frozen=True)
class Release:
    """One OpenStack series. ``number`` is the year.N id (from 2023.1 on), ``slurp`` marks the
    "Skip Level Upgrade Release Process" releases between which one release may be skipped."""

    key: str
    name: str
    number: str | None
    slurp: bool

    @property
    def label(self) -> str:
        return f"{self.number} {self.name}" if self.number else self.name

    @property
    def short(self) -> str:
        return self.number or self.name


RELEASES: tuple[Release, ...] = (
    Release("wallaby", "Wallaby", None, False),
    Release("xena", "Xena", None, False),
    Release("yoga", "Yoga", None, False),
    Release("zed", "Zed", None, False),
    Release("2023.1", "Antelope", "2023.1", True),
    Release("2023.2", "Bobcat", "2023.2", False),
    Release("2024.1", "Caracal", "2024.1", True),
    Release("2024.2", "Dalmatian", "2024.2", False),
    Release("2025.1", "Epoxy", "2025.1", True),
    Release("2025.2", "Flamingo", "2025.2", False),
    Release("2026.1", "Gazpacho", "2026.1", True),
    Release("2026.2", "Hibiscus", "2026.2", False),
)
_INDEX = {r.key: i for i, r in enumerate(RELEASES)}


def index(release: Release) -> int:
    return _INDEX[release.key]


def by_key(key: str) -> Release:
    return RELEASES[_INDEX[key]]


def parse_release(text: str) -> Release:
    """Accept ``2024.1``, ``caracal``, ``Caracal``, ``2024.1 Caracal`` or ``2024.1-caracal``."""
    words = [w for w in re.split(r"[\s/_\-]+", text.strip().lower()) if w]
    for r in RELEASES:
        names = {r.key, r.name.lower()} | ({r.number} if r.number else set())
        if words and all(w in names for w in words):
            return r
    known = ", ".join(r.short for r in RELEASES)
    raise InputError(f"unknown OpenStack release {text!r}; known: {known}")


# ---------------------------------------------------------------------------------------------
# Path rules


def step_allowed(src: Release, dst: Release) -> bool:
    """One release forward, or one SLURP release to the next SLURP release (skipping one)."""
    gap = index(dst) - index(src)
    return gap == 1 or (gap == 2 and src.slurp and dst.slurp)


def plan(src: Release, dst: Release) -> list[Release]:
    """The shortest chain of allowed steps from ``src`` to ``dst`` (both included).

    Empty when ``dst`` is older than ``src`` (no downgrades); ``[src]`` when they are equal.
    From a SLURP release it jumps to the next SLURP release whenever that does not overshoot.
    """
    if index(dst) < index(src):
        return []
    chain = [src]
    while chain[-1] != dst:
        here = index(chain[-1])
        nxt = RELEASES[here + 1]
        if here + 2 <= index(dst) and step_allowed(chain[-1], RELEASES[here + 2]):
            nxt = RELEASES[here + 2]
        chain.append(nxt)
    return chain


# ---------------------------------------------------------------------------------------------
# API maxima per series (sure facts; see the module docstring)

NOVA_MAX_MICROVERSION: dict[str, str] = {
    "wallaby": "2.88",
    "xena": "2.90",
    "yoga": "2.90",
    "zed": "2.93",
    "2023.1": "2.95",
    "2023.2": "2.95",
    "2024.1": "2.96",
    "2024.2": "2.96",
    "2025.1": "2.100",
    "2025.2": "2.100",
    "2026.1": "2.103",
    "2026.2": "2.104",
}

CINDER_MAX_MICROVERSION: dict[str, str] = {
    "wallaby": "3.64",
    "xena": "3.66",
    "yoga": "3.68",
    "zed": "3.70",
    "2023.1": "3.70",
    "2023.2": "3.70",
    "2024.1": "3.71",
    "2024.2": "3.71",
    "2025.1": "3.71",
    "2025.2": "3.71",
    "2026.1": "3.71",
    "2026.2": "3.71",
}

PLACEMENT_MAX_MICROVERSION: dict[str, str] = {
    "wallaby": "1.36",
    "xena": "1.38",
    "yoga": "1.39",
    "zed": "1.39",
    "2023.1": "1.39",
    "2023.2": "1.39",
    "2024.1": "1.39",
    "2024.2": "1.39",
    "2025.1": "1.39",
    "2025.2": "1.39",
    "2026.1": "1.39",
    "2026.2": "1.39",
}

# Keystone's version document has said v3.14 since Ussuri (keystone 30.0.0 still does).
KEYSTONE_VERSION: dict[str, str] = {r.key: "3.14" for r in RELEASES}

MICROVERSION_TABLES: dict[str, tuple[str, dict[str, str]]] = {
    # service type -> (what is compared, release -> value)
    "compute": ("nova max microversion", NOVA_MAX_MICROVERSION),
    "block-storage": ("cinder max microversion", CINDER_MAX_MICROVERSION),
    "placement": ("placement max microversion", PLACEMENT_MAX_MICROVERSION),
    "identity": ("keystone API version", KEYSTONE_VERSION),
}


@dataclass(frozen=True)
class Marker:
    """Something a service shows that proves it is at least release ``since``.

    ``sure`` is False where the fact is from memory or depends on configuration: such markers are
    shown as evidence but never narrow the detected range.
    """

    service: str
    what: str
    since: str
    sure: bool
    note: str = ""


_NEWER_THAN_ZED = (
    "aap-reject-multicast",
    "external-gateway-multihoming",
    "floating-ip-distributed",
    "floating-ip-router-writable",
    "network-ip-availability-details",
    "network_ha",
    "port-hardware-offload-type",
    "port-hint-ovs-tx-steering",
    "port-hints",
    "port-numa-affinity-policy-socket",
    "port-trusted-vif",
    "qinq",
    "quota-check-limit-default",
    "security-groups-default-statefulness",
    "security-groups-rules-belongs-to-default-sg",
    "subnet-external-network",
    "tag-creation",
    "uplink-status-propagation-updatable",
)

NEUTRON_MARKERS: tuple[Marker, ...] = (
    *(
        Marker("network", alias, "2023.1", True, "not defined in neutron-lib 3.1.0 (Zed)")
        for alias in _NEWER_THAN_ZED
    ),
    Marker("network", "port-hints", "2024.1", False, "from memory: Caracal"),
    Marker("network", "port-hint-ovs-tx-steering", "2024.1", False, "from memory: Caracal"),
    Marker("network", "qinq", "2025.1", False, "from memory: Epoxy"),
)

GLANCE_MARKERS: tuple[tuple[str, Marker], ...] = (
    ("2.16", Marker("image", "max API 2.16", "zed", False, "2.16 with image cache, Zed")),
    ("2.17", Marker("image", "max API 2.17", "2024.2", False, "new location API, Dalmatian")),
)
# The highest Glance version any known release reports (2026.2: 2.17, 2.18 with image cache).
GLANCE_NEWEST = ("2.18", "2026.2")


# ---------------------------------------------------------------------------------------------
# Host OS per OpenStack series, as "distro version" strings.
#
# ``tested``: the TC's "Tested Runtimes" for the series; ``upgrade``: its "additional testing for
# a smooth upgrade" (kept only so that a SLURP upgrade can happen: move the host next);
# ``packaged``: where the series is packaged for without being a tested runtime (Ubuntu Cloud
# Archive: Yoga is jammy's own release, Caracal noble's). ``sure`` False: the entry is from memory,
# not from the governance page (2023.2, 2024.1, 2024.2 and 2026.1 were read from it).


@dataclass(frozen=True)
class HostSupport:
    release: str
    tested: tuple[str, ...]
    upgrade: tuple[str, ...] = ()
    packaged: tuple[str, ...] = ()
    sure: bool = False


HOST_OS: dict[str, HostSupport] = {
    h.release: h
    for h in (
        HostSupport("wallaby", ("ubuntu 20.04", "debian 11")),
        HostSupport("xena", ("ubuntu 20.04", "debian 11")),
        HostSupport("yoga", ("ubuntu 20.04", "debian 11"), packaged=("ubuntu 22.04",)),
        HostSupport("zed", ("ubuntu 22.04", "debian 11"), upgrade=("ubuntu 20.04",)),
        HostSupport("2023.1", ("ubuntu 22.04", "debian 11"), upgrade=("ubuntu 20.04",)),
        HostSupport("2023.2", ("ubuntu 22.04", "debian 11"), sure=True),
        HostSupport(
            "2024.1",
            ("ubuntu 22.04", "debian 12"),
            upgrade=("debian 11",),
            packaged=("ubuntu 24.04",),
            sure=True,
        ),
        HostSupport("2024.2", ("ubuntu 22.04", "debian 12"), packaged=("ubuntu 24.04",), sure=True),
        HostSupport("2025.1", ("ubuntu 24.04", "debian 12"), upgrade=("ubuntu 22.04",)),
        HostSupport("2025.2", ("ubuntu 24.04", "debian 12")),
        HostSupport("2026.1", ("ubuntu 24.04", "debian 13"), upgrade=("debian 12",), sure=True),
        HostSupport("2026.2", ("ubuntu 24.04", "debian 13")),
    )
}

# Guest images (standard and CAPI images) must be on a supported Ubuntu.
MIN_IMAGE_UBUNTU = "22.04"


# ---------------------------------------------------------------------------------------------
# Ceph


@dataclass(frozen=True)
class CephRelease:
    name: str
    major: int


CEPH_RELEASES: tuple[CephRelease, ...] = (
    CephRelease("nautilus", 14),
    CephRelease("octopus", 15),
    CephRelease("pacific", 16),
    CephRelease("quincy", 17),
    CephRelease("reef", 18),
    CephRelease("squid", 19),
    CephRelease("tentacle", 20),
)

# Ceph upgrades go at most two major releases forward (N -> N+1 or N+2).
CEPH_MAX_JUMP = 2


def ceph_release(text: str) -> CephRelease:
    """By name (``quincy``) or major number (``17``)."""
    t = text.strip().lower()
    for c in CEPH_RELEASES:
        if t in (c.name, str(c.major)):
            return c
    known = ", ".join(c.name for c in CEPH_RELEASES)
    raise InputError(f"unknown Ceph release {text!r}; known: {known}")


def ceph_by_major(major: int) -> CephRelease | None:
    for c in CEPH_RELEASES:
        if c.major == major:
            return c
    return None


@dataclass(frozen=True)
class CephBlocker:
    """A known blocker of upgrading *to* ``min_target`` or later.

    ``kind`` names what ceph.py looks for; ``fatal`` False makes it a warning.
    """

    kind: str
    min_target: str
    fatal: bool
    sure: bool
    reason: str
    fix: str


CEPH_BLOCKERS: tuple[CephBlocker, ...] = (
    # Ceph release notes: Reef "FileStore is not supported", "Cache tiering is now deprecated";
    # Quincy "Filestore has been deprecated", "LevelDB support has been removed … migrate
    # monitors and OSDs to RocksDB before upgrading to Quincy".
    CephBlocker(
        "filestore",
        "reef",
        True,
        True,
        "FileStore OSDs are not supported from Reef on",
        "redeploy the FileStore OSDs as BlueStore (mark out, wait, destroy, recreate) first",
    ),
    CephBlocker(
        "filestore",
        "quincy",
        False,
        True,
        "FileStore is deprecated in Quincy and unsupported from Reef on",
        "plan the BlueStore migration before going past Quincy",
    ),
    CephBlocker(
        "leveldb",
        "quincy",
        False,
        True,
        "Quincy removed LevelDB; FileStore OSDs may still keep their omap in LevelDB "
        "(not visible in these outputs)",
        "check `ceph daemon osd.N config get filestore_omap_backend` on each FileStore OSD",
    ),
    CephBlocker(
        "cache-tier",
        "reef",
        False,
        True,
        "cache tiering is deprecated from Reef on",
        "remove the cache tier (ceph osd tier remove-overlay / remove) before relying on it",
    ),
)
