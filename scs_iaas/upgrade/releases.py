"""Release tables as data: OpenStack series, API maxima per series, path rules, Ceph and host OS.

Everything here is plain data plus small pure functions over it; the detectors and the checks
read these tables and never carry their own copy of a number.

Where the tables come from (so that a reader can re-check them): the service sdists of every
series, read by ``tools/release_facts.py`` (which prints each value below and every difference
from these tables; see docs/upgrade.md), run for Wallaby … 2026.2 on 2026-12-01:

* Nova, Cinder: ``_MAX_API_VERSION`` in ``<service>/api/openstack/api_version_request.py`` of
  nova 23–34 and cinder 18–29 (newest point release of each series); the "(Maximum in …)" notes of
  their ``rest_api_version_history.rst`` agree.
* Placement: the last entry of ``VERSIONS`` in ``placement/microversion.py``, placement 5–16.
* Keystone: ``v3.14`` in ``keystone/api/discovery.py`` of keystone 19–30.
* Glance: the version ids ``glance/api/versions.py`` answers with the image cache and multi-store
  on and off, glance 22–33 (first and newest point release of each series).
* Neutron: the aliases of the extension descriptors in ``neutron/extensions/*.py`` (neutron 18–29,
  resolved through the neutron-lib current at each series' release).
* Package → series: ``PACKAGE_MAJOR`` (each sdist's release notes name the series before it).
* Series, SLURP flags and dates: openstack/releases (``doc/source/<series>/index.rst``); host OS:
  openstack/governance ``reference/runtimes/<series>.rst``; Ceph: ceph/ceph
  ``doc/releases/<name>.rst``.
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
    # A series still in development: not released, ``planned`` is its projected release date.
    development: bool = False
    planned: str | None = None

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
    # openstack/releases doc/source/indri/index.rst: "Projected Release Date: 24 March, 2027"
    # (schedule.yaml: release week R+0 2027-03-22 … 2027-03-26).
    Release("2027.1", "Indri", "2027.1", True, development=True, planned="2027-03-24"),
)
_INDEX = {r.key: i for i, r in enumerate(RELEASES)}

# The newest released series: "or later" in a detected range stops here (a cloud that shows the
# newest release's maxima runs that release; a development build is reported as such).
RELEASED: tuple[Release, ...] = tuple(r for r in RELEASES if not r.development)
NEWEST_RELEASED = RELEASED[-1]


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
KEYSTONE_VERSION: dict[str, str] = {r.key: "3.14" for r in RELEASED}

# Package -> release: the major version of each service package in Wallaby; every later series
# is one major up (openstack/releases deliverables; each sdist's newest release-notes page names
# the series before it, which tools/release_facts.py checks).
PACKAGE_MAJOR: dict[str, int] = {
    "nova": 23,
    "cinder": 18,
    "openstack-placement": 5,
    "glance": 22,
    "keystone": 19,
    "neutron": 18,
}


def package_major(package: str, release: Release) -> int:
    """``package_major("nova", by_key("2026.2"))`` -> 34."""
    return PACKAGE_MAJOR[package] + index(release)


MICROVERSION_TABLES: dict[str, tuple[str, dict[str, str]]] = {
    # service type -> (what is compared, release -> value)
    "compute": ("nova max microversion", NOVA_MAX_MICROVERSION),
    "block-storage": ("cinder max microversion", CINDER_MAX_MICROVERSION),
    "placement": ("placement max microversion", PLACEMENT_MAX_MICROVERSION),
    "identity": ("keystone API version", KEYSTONE_VERSION),
}


@dataclass(frozen=True)
class Marker:
    """Something a service shows that proves it is at least release ``since``; ``source`` names
    the package and file it was read from."""

    service: str
    what: str
    since: str
    source: str


def _n(alias: str, since: str, neutron: str, module: str) -> Marker:
    return Marker("network", alias, since, f"neutron {neutron} neutron/extensions/{module}.py")


# Neutron API extension aliases, each with the first series whose neutron/extensions defines it
# (tools/release_facts.py all): every alias new in a series from 2023.1 on (Zed … Wallaby have
# the version maxima; 2025.2 added none). neutron-lib also defines 'floating-ip-distributed' (since 2023.1,
# api/definitions/fip_distributed.py), but no neutron release exposes it: it is no marker.
NEUTRON_MARKERS: tuple[Marker, ...] = (
    _n("security-groups-default-rules", "2023.1", "22.0.0", "security_groups_default_rules"),
    _n("external-gateway-multihoming", "2023.2", "23.0.0", "l3_extra_gws"),
    _n("network_ha", "2023.2", "23.0.0", "network_ha"),
    _n("port-hints", "2023.2", "23.0.0", "port_hints"),
    _n("port-hint-ovs-tx-steering", "2023.2", "23.0.0", "port_hint_ovs_tx_steering"),
    _n("enable-default-route-bfd", "2024.1", "24.0.0", "l3_enable_default_route_bfd"),
    _n("enable-default-route-ecmp", "2024.1", "24.0.0", "l3_enable_default_route_ecmp"),
    _n("port-hardware-offload-type", "2024.1", "24.0.0", "port_hardware_offload_type"),
    _n(
        "security-groups-rules-belongs-to-default-sg",
        "2024.1",
        "24.0.0",
        "security_groups_rules_belongs_to_default_sg",
    ),
    _n("port-numa-affinity-policy-socket", "2024.2", "25.0.0", "port_numa_affinity_policy_socket"),
    _n("port-trusted-vif", "2024.2", "25.0.0", "port_trusted_vif"),
    _n("subnet-external-network", "2024.2", "25.0.0", "subnet_external_network"),
    _n("tag-creation", "2024.2", "25.0.0", "tag_creation"),
    _n("qinq", "2025.1", "26.0.0", "qinq"),
    _n("quota-check-limit-default", "2025.1", "26.0.0", "quota_check_limit_default"),
    _n(
        "uplink-status-propagation-updatable",
        "2025.1",
        "26.0.0",
        "uplink_status_propagation_updatable",
    ),
    _n("network-ip-availability-details", "2026.1", "28.0.0", "network_ip_availability_details"),
    _n("router-enable-snat", "2026.1", "28.0.0", "router_enable_snat"),
    _n("aap-reject-multicast", "2026.2", "29.0.0", "aap_reject_multicast"),
    _n("agent_sort_key", "2026.2", "29.0.0", "agent_sort_key"),
    _n("evpn", "2026.2", "29.0.0", "evpn"),
    _n("floating-ip-router-writable", "2026.2", "29.0.0", "floatingip_router_writable"),
    _n(
        "l3-agent-scheduler-ha-chassis-priority",
        "2026.2",
        "29.0.0",
        "l3_agent_scheduler_ha_chassis_priority",
    ),
    _n("ovn-bgp", "2026.2", "29.0.0", "ovn_bgp"),
    _n("pvlan", "2026.2", "29.0.0", "pvlan"),
    _n(
        "security-groups-default-statefulness",
        "2026.2",
        "29.0.0",
        "security_groups_default_statefulness",
    ),
)

# Glance: every maximum image API version a series' glance can report, over its point releases
# and the image-cache and multi-store settings (``glance/api/versions.py``). 2.16 came to Yoga
# with glance 24.1.0 ("Bump Image API version to 2.16", with the image cache; 24.0.0 tops at
# 2.15); from 2024.2 on 2.17 is reported whatever the cache setting; 2.18 only with the image
# cache, from 33.0.0 on.
GLANCE_MAX_API: dict[str, tuple[str, ...]] = {
    "wallaby": ("2.9", "2.12"),  # glance 22.0.0-22.1.1: 2.12 with multi-store, else 2.9
    "xena": ("2.9", "2.12"),  # glance 23.0.0-23.1.0
    "yoga": ("2.15", "2.16"),  # glance 24.0.0: 2.15; 24.1.0-24.2.1: 2.16 with the image cache
    "zed": ("2.15", "2.16"),  # glance 25.0.0-25.1.0: 2.16 with the image cache
    "2023.1": ("2.15", "2.16"),  # glance 26.0.0-26.1.0
    "2023.2": ("2.15", "2.16"),  # glance 27.0.0-27.1.1
    "2024.1": ("2.15", "2.16"),  # glance 28.0.1-28.2.0
    "2024.2": ("2.17",),  # glance 29.0.0-29.2.1
    "2025.1": ("2.17",),  # glance 30.0.0-30.2.0
    "2025.2": ("2.17",),  # glance 31.0.0-31.1.0
    "2026.1": ("2.17",),  # glance 32.0.0
    "2026.2": ("2.17", "2.18"),  # glance 33.0.0: 2.18 with the image cache
}


# ---------------------------------------------------------------------------------------------
# Host OS per OpenStack series, as "distro version" strings (``ID VERSION_ID`` of os-release).
#
# From openstack/governance ``reference/runtimes/<series>.rst``: ``tested`` is the series' list
# of "LTS or stable distribution versions"; ``upgrade`` its "additional testing for a smooth
# upgrade" (kept only so that a SLURP upgrade can happen: move the host next). ``packaged`` is
# where the series is packaged without being a tested runtime (Ubuntu Cloud Archive: Yoga is
# jammy's own release and Zed jammy-zed; Caracal is noble's own release, Dalmatian noble-dalmatian).
# CentOS 8 and CentOS Stream 8 both say ``centos 8``.


@dataclass(frozen=True)
class HostSupport:
    release: str
    tested: tuple[str, ...]
    upgrade: tuple[str, ...] = ()
    packaged: tuple[str, ...] = ()


HOST_OS: dict[str, HostSupport] = {
    h.release: h
    for h in (
        HostSupport("wallaby", ("ubuntu 20.04", "centos 8")),
        HostSupport("xena", ("ubuntu 20.04", "centos 8")),
        HostSupport(
            "yoga",
            ("ubuntu 20.04", "centos 8", "centos 9", "debian 11"),
            packaged=("ubuntu 22.04",),
        ),
        HostSupport("zed", ("ubuntu 20.04", "centos 9", "debian 11"), packaged=("ubuntu 22.04",)),
        HostSupport("2023.1", ("ubuntu 22.04", "debian 11"), upgrade=("ubuntu 20.04",)),
        HostSupport("2023.2", ("ubuntu 22.04", "debian 11")),
        HostSupport(
            "2024.1",
            ("ubuntu 22.04", "debian 12"),
            upgrade=("debian 11",),
            packaged=("ubuntu 24.04",),
        ),
        HostSupport("2024.2", ("ubuntu 22.04", "debian 12"), packaged=("ubuntu 24.04",)),
        HostSupport("2025.1", ("ubuntu 24.04", "debian 12"), upgrade=("ubuntu 22.04",)),
        HostSupport("2025.2", ("ubuntu 24.04", "debian 12")),
        HostSupport("2026.1", ("ubuntu 24.04", "debian 13"), upgrade=("debian 12",)),
        HostSupport("2026.2", ("ubuntu 24.04", "debian 13")),
        # governance reference/runtimes/2027.1.rst (written at the start of the cycle)
        HostSupport("2027.1", ("ubuntu 26.04", "debian 13"), upgrade=("ubuntu 24.04",)),
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
    # "Umbrella is the 21st stable release of Ceph" (ceph/ceph doc/releases/umbrella.rst); its
    # first stable release is v21.2.0 of 2026-10-28 (the release-notes entry as cited in issue
    # 17; the snapshots of that file read here stop at the 21.1.0 release candidate)
    CephRelease("umbrella", 21),
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
        "FileStore OSDs are not supported from Reef on",
        "redeploy the FileStore OSDs as BlueStore (mark out, wait, destroy, recreate) first",
    ),
    CephBlocker(
        "filestore",
        "quincy",
        False,
        "FileStore is deprecated in Quincy and unsupported from Reef on",
        "plan the BlueStore migration before going past Quincy",
    ),
    CephBlocker(
        "leveldb",
        "quincy",
        False,
        "Quincy removed LevelDB; FileStore OSDs may still keep their omap in LevelDB "
        "(not visible in these outputs)",
        "check `ceph daemon osd.N config get filestore_omap_backend` on each FileStore OSD",
    ),
    CephBlocker(
        "cache-tier",
        "reef",
        False,
        "cache tiering is deprecated from Reef on",
        "remove the cache tier (ceph osd tier remove-overlay / remove) before relying on it",
    ),
)
