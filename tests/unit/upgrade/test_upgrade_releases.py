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
    ]
    assert [r.short for r in RELEASES if r.slurp] == ["2023.1", "2024.1", "2025.1", "2026.1"]


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


def test_microversion_tables_cover_every_release_and_never_go_down() -> None:
    for _, table in rel.MICROVERSION_TABLES.values():
        assert list(table) == [r.key for r in RELEASES]
        values = [tuple(int(x) for x in table[r.key].split(".")) for r in RELEASES]
        assert values == sorted(values)


def test_every_marker_and_host_entry_names_a_known_release() -> None:
    for m in rel.NEUTRON_MARKERS + tuple(m for _, m in rel.GLANCE_MARKERS):
        rel.by_key(m.since)
    assert set(rel.HOST_OS) == {r.key for r in RELEASES}


@pytest.mark.parametrize(
    ("text", "name"), [("quincy", "quincy"), ("17", "quincy"), ("Reef", "reef")]
)
def test_ceph_release_by_name_or_major(text: str, name: str) -> None:
    assert rel.ceph_release(text).name == name


def test_ceph_release_unknown() -> None:
    with pytest.raises(InputError, match="unknown Ceph release 'mimic'"):
        rel.ceph_release("mimic")
