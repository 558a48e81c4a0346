"""Release table and path rules: every pair of releases, plans, name parsing."""

from __future__ import annotations

import itertools
import re
from collections import deque

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scs_iaas.errors import InputError
from scs_iaas.upgrade import releases as rel
from scs_iaas.upgrade.releases import RELEASES

# Written out independently of the table: the series in order, and SLURP = the "YYYY.1" ones.
ORDER = [
    "Wallaby",
    "Xena",
    "Yoga",
    "Zed",
    "2023.1",
    "2023.2",
    "2024.1",
    "2024.2",
    "2025.1",
    "2025.2",
    "2026.1",
    "2026.2",
    "2027.1",
]


def _slurp(short: str) -> bool:
    return re.fullmatch(r"20\d\d\.1", short) is not None


def test_table_order_and_names_match_the_series() -> None:
    assert [r.short for r in RELEASES] == ORDER
    assert [r.name for r in RELEASES[4:]] == [
        "Antelope",
        "Bobcat",
        "Caracal",
        "Dalmatian",
        "Epoxy",
        "Flamingo",
        "Gazpacho",
        "Hibiscus",
        "Indri",
    ]
    assert [r.short for r in RELEASES if r.slurp] == [
        "2023.1",
        "2024.1",
        "2025.1",
        "2026.1",
        "2027.1",
    ]


@pytest.mark.parametrize(
    ("src", "dst"), list(itertools.product(range(len(ORDER)), range(len(ORDER))))
)
def test_every_pair_allowed_iff_one_step_or_slurp_skip(src: int, dst: int) -> None:
    expected = dst == src + 1 or (dst == src + 2 and _slurp(ORDER[src]) and _slurp(ORDER[dst]))
    assert rel.step_allowed(RELEASES[src], RELEASES[dst]) is expected


def _bfs(src: int, dst: int) -> int | None:
    """Fewest allowed steps from src to dst, searching the graph the test builds itself."""
    seen = {src: 0}
    todo = deque([src])
    while todo:
        here = todo.popleft()
        for nxt in (here + 1, here + 2):
            ok = nxt == here + 1 or (
                _slurp(ORDER[here]) and nxt < len(ORDER) and _slurp(ORDER[nxt])
            )
            if nxt < len(ORDER) and ok and nxt not in seen:
                seen[nxt] = seen[here] + 1
                todo.append(nxt)
    return seen.get(dst)


@pytest.mark.parametrize(
    ("src", "dst"), list(itertools.product(range(len(ORDER)), range(len(ORDER))))
)
def test_plan_is_a_shortest_chain_of_allowed_steps(src: int, dst: int) -> None:
    chain = rel.plan(RELEASES[src], RELEASES[dst])
    if dst < src:
        assert chain == []
        return
    assert chain[0] == RELEASES[src] and chain[-1] == RELEASES[dst]
    for a, b in itertools.pairwise(chain):
        assert rel.step_allowed(a, b), (a.short, b.short)
    assert len(chain) - 1 == _bfs(src, dst)


def test_plan_of_the_seed_release_path() -> None:
    chain = rel.plan(rel.parse_release("yoga"), rel.parse_release("2026.2"))
    assert [r.short for r in chain] == [
        "Yoga",
        "Zed",
        "2023.1",
        "2024.1",
        "2025.1",
        "2026.1",
        "2026.2",
    ]


@pytest.mark.parametrize(
    ("text", "short"),
    [
        ("2024.1", "2024.1"),
        ("caracal", "2024.1"),
        ("Caracal", "2024.1"),
        ("2024.1 Caracal", "2024.1"),
        ("2024.1-caracal", "2024.1"),
        (" YOGA ", "Yoga"),
        ("zed", "Zed"),
        ("Hibiscus", "2026.2"),
    ],
)
def test_parse_release_accepts_numbers_and_names(text: str, short: str) -> None:
    assert rel.parse_release(text).short == short


@pytest.mark.parametrize("text", ["", "2024.3", "caracal 2025.1", "ussuri", "2024"])
def test_parse_release_rejects_with_the_known_list(text: str) -> None:
    with pytest.raises(InputError, match=r"unknown OpenStack release.*known: Wallaby"):
        rel.parse_release(text)


@given(st.sampled_from(RELEASES), st.sampled_from(["lower", "upper", "title"]))
def test_parse_release_round_trips_every_spelling(r: rel.Release, case: str) -> None:
    for text in filter(None, (r.number, r.name, r.label)):
        assert rel.parse_release(getattr(text, case)()) == r


def test_microversion_tables_cover_every_released_series_and_never_go_down() -> None:
    released = [r for r in RELEASES if not r.development]
    for table in [t for _, t in rel.MICROVERSION_TABLES.values()] + [rel.GLANCE_MAX_API]:
        assert list(table) == [r.key for r in released]
    for _, table in rel.MICROVERSION_TABLES.values():
        values = [tuple(int(x) for x in table[r.key].split(".")) for r in released]
        assert values == sorted(values)


def test_every_marker_and_host_entry_names_a_known_release() -> None:
    for m in rel.NEUTRON_MARKERS:
        rel.by_key(m.since)
        assert re.fullmatch(r"neutron \d+\.0\.0 neutron/extensions/\w+\.py", m.source), m
    assert set(rel.HOST_OS) == {r.key for r in RELEASES}


def test_indri_is_the_one_release_in_development_with_its_planned_date() -> None:
    dev = [r for r in RELEASES if r.development]
    assert [(r.label, r.planned, r.slurp) for r in dev] == [("2027.1 Indri", "2027-03-24", True)]
    assert rel.NEWEST_RELEASED.label == "2026.2 Hibiscus"
    assert all(not r.development for r in rel.RELEASED)
    # the SLURP skip reaches it: 2026.1 → 2027.1 is one step
    assert [r.short for r in rel.plan(rel.parse_release("2026.1"), rel.parse_release("indri"))] == [
        "2026.1",
        "2027.1",
    ]


@pytest.mark.parametrize(
    ("package", "release", "major"),
    [
        # from the sdists: nova 34.0.0, cinder 29.0.0, placement 16.0.0, glance 33.0.0,
        # keystone 30.0.0, neutron 29.0.0 name 2026.2 (newest release notes page: 2026.1)
        ("nova", "2026.2", 34),
        ("cinder", "2026.2", 29),
        ("openstack-placement", "2026.2", 16),
        ("glance", "2026.2", 33),
        ("keystone", "2026.2", 30),
        ("neutron", "2026.2", 29),
        # neutron 23.0.0 = Bobcat (where port-hints first appears), glance 24 = Yoga
        ("neutron", "2023.2", 23),
        ("glance", "yoga", 24),
        ("nova", "wallaby", 23),
        ("nova", "2027.1", 35),
    ],
)
def test_package_major_of_a_series(package: str, release: str, major: int) -> None:
    assert rel.package_major(package, rel.parse_release(release)) == major


@pytest.mark.parametrize(
    ("alias", "since"),
    [
        # first neutron with neutron/extensions/<alias>.py (tools/release_facts.py all)
        ("port-hints", "2023.2"),
        ("port-hint-ovs-tx-steering", "2023.2"),
        ("external-gateway-multihoming", "2023.2"),
        ("network_ha", "2023.2"),
        ("port-hardware-offload-type", "2024.1"),
        ("security-groups-rules-belongs-to-default-sg", "2024.1"),
        ("port-numa-affinity-policy-socket", "2024.2"),
        ("port-trusted-vif", "2024.2"),
        ("subnet-external-network", "2024.2"),
        ("tag-creation", "2024.2"),
        ("qinq", "2025.1"),
        ("quota-check-limit-default", "2025.1"),
        ("uplink-status-propagation-updatable", "2025.1"),
        ("network-ip-availability-details", "2026.1"),
        ("aap-reject-multicast", "2026.2"),
        ("floating-ip-router-writable", "2026.2"),
        ("security-groups-default-statefulness", "2026.2"),
        # new in those series as well (not in the list)
        ("security-groups-default-rules", "2023.1"),
        ("enable-default-route-bfd", "2024.1"),
        ("router-enable-snat", "2026.1"),
        ("evpn", "2026.2"),
    ],
)
def test_neutron_marker_first_release(alias: str, since: str) -> None:
    found = [m for m in rel.NEUTRON_MARKERS if m.what == alias]
    assert [m.since for m in found] == [since]


def test_markers_are_exactly_the_listed_ones_and_no_marker_can_never_fire() -> None:
    aliases = [m.what for m in rel.NEUTRON_MARKERS]
    assert len(aliases) == len(set(aliases)) == 26
    # defined in neutron-lib, exposed by no neutron release
    assert "floating-ip-distributed" not in aliases


@pytest.mark.parametrize(
    ("release", "values"),
    [
        ("wallaby", ("2.9", "2.12")),
        ("yoga", ("2.15", "2.16")),  # 2.16 from glance 24.1.0 with the image cache
        ("2024.1", ("2.15", "2.16")),
        ("2024.2", ("2.17",)),  # whatever the cache setting
        ("2026.1", ("2.17",)),
        ("2026.2", ("2.17", "2.18")),  # 2.18 only with the image cache
    ],
)
def test_glance_maxima_per_series(release: str, values: tuple[str, ...]) -> None:
    assert rel.GLANCE_MAX_API[release] == values


@pytest.mark.parametrize(
    ("release", "tested", "upgrade", "packaged"),
    [
        ("wallaby", ("ubuntu 20.04", "centos 8"), (), ()),
        ("xena", ("ubuntu 20.04", "centos 8"), (), ()),
        ("yoga", ("ubuntu 20.04", "centos 8", "centos 9", "debian 11"), (), ("ubuntu 22.04",)),
        ("zed", ("ubuntu 20.04", "centos 9", "debian 11"), (), ("ubuntu 22.04",)),
        ("2023.1", ("ubuntu 22.04", "debian 11"), ("ubuntu 20.04",), ()),
        ("2025.1", ("ubuntu 24.04", "debian 12"), ("ubuntu 22.04",), ()),
        ("2025.2", ("ubuntu 24.04", "debian 12"), (), ()),
        ("2026.2", ("ubuntu 24.04", "debian 13"), (), ()),
        ("2027.1", ("ubuntu 26.04", "debian 13"), ("ubuntu 24.04",), ()),
    ],
)
def test_host_os_from_the_governance_runtimes(
    release: str, tested: tuple[str, ...], upgrade: tuple[str, ...], packaged: tuple[str, ...]
) -> None:
    h = rel.HOST_OS[release]
    assert (h.tested, h.upgrade, h.packaged) == (tested, upgrade, packaged)


@pytest.mark.parametrize(
    ("text", "name"), [("quincy", "quincy"), ("17", "quincy"), ("Reef", "reef")]
)
def test_ceph_release_by_name_or_major(text: str, name: str) -> None:
    assert rel.ceph_release(text).name == name


def test_ceph_release_unknown() -> None:
    with pytest.raises(InputError, match="unknown Ceph release 'mimic'"):
        rel.ceph_release("mimic")
