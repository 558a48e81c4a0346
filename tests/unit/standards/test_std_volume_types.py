"""scs-0114 volume-type descriptions: parse, format, round trip, and the three tests."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scs_iaas.checks import scs_0114_volume_types as c0114
from scs_iaas.model.findings import Finding, Status, official
from scs_iaas.standards import volume_types as vt
from scs_iaas.standards.scope import default_scope, grade
from scs_iaas.standards.volume_types import (
    VolumeTypeDescriptionError,
    format_volume_type_description,
    parse_volume_type_description,
)


def test_test_ids_are_the_official_ones() -> None:
    assert (vt.SYNTAX_CHECK, vt.ENCRYPTED_TYPE, vt.REPLICATED_TYPE) == (
        "scs-0114-syntax-check",
        "scs-0114-encrypted-type",
        "scs-0114-replicated-type",
    )


@pytest.mark.parametrize(
    ("description", "aspects"),
    [
        ("[scs:encrypted, replicated] Ceph RBD with LUKS", {"encrypted", "replicated"}),
        ("[scs:encrypted,replicated]", {"encrypted", "replicated"}),
        ("[scs:  encrypted  ]", {"encrypted"}),
        ("[scs:replicated] three copies", {"replicated"}),
        ("[scs:]", set()),
        ("plain description", set()),
        ("", set()),
        (None, set()),
        # the prefix must be at the very start; anything else claims nothing
        (" [scs:encrypted]", set()),
        ("fast [scs:encrypted]", set()),
        ("[scs:encrypted", set()),
        ("[SCS:encrypted]", set()),
    ],
)
def test_parse_valid(description: str | None, aspects: set[str]) -> None:
    assert parse_volume_type_description(description) == frozenset(aspects)


@pytest.mark.parametrize(
    ("description", "problem", "position"),
    [
        ("[scs:encrypted,encrypted]", "duplicate aspect 'encrypted'", 15),
        ("[scs:encrypted, encrypted]", "duplicate aspect 'encrypted'", 16),
        ("[scs:replicated, encrypted]", "not sorted", 17),
        ("[scs:fast]", "unknown aspect 'fast'", 5),
        ("[scs:encrypted, Replicated]", "unknown aspect 'Replicated'", 16),
        ("[scs:encrypted,]", "empty aspect", 15),
        ("[scs:,encrypted]", "empty aspect", 5),
        ("[scs: ]", "empty aspect", 6),
    ],
)
def test_parse_invalid_is_positioned(description: str, problem: str, position: int) -> None:
    with pytest.raises(VolumeTypeDescriptionError) as info:
        parse_volume_type_description(description)
    err = info.value
    assert problem in err.problem
    assert err.position == position
    assert isinstance(err, ValueError)
    assert description in str(err) and f"offset {position}" in str(err)


def test_error_position_points_at_the_culprit() -> None:
    description = "[scs:replicated, encrypted] x"
    with pytest.raises(VolumeTypeDescriptionError) as info:
        parse_volume_type_description(description)
    assert info.value.position is not None
    assert description[info.value.position :].startswith("encrypted")


@pytest.mark.parametrize(
    ("aspects", "text", "expected"),
    [
        (["replicated", "encrypted"], "Ceph", "[scs:encrypted, replicated] Ceph"),
        (["encrypted", "encrypted"], "", "[scs:encrypted]"),
        ([], "just text", "just text"),
        ([], "", ""),
    ],
)
def test_format(aspects: list[str], text: str, expected: str) -> None:
    assert format_volume_type_description(aspects, text) == expected


def test_format_refuses_unknown_aspect() -> None:
    with pytest.raises(VolumeTypeDescriptionError, match="unknown aspect 'fast'"):
        format_volume_type_description(["fast"])


def test_format_refuses_text_that_reads_as_a_list() -> None:
    with pytest.raises(VolumeTypeDescriptionError):
        format_volume_type_description([], "[scs:replicated] no")


@given(
    aspects=st.sets(st.sampled_from(vt.ASPECTS)),
    text=st.text(max_size=40),
)
def test_round_trip(aspects: set[str], text: str) -> None:
    try:
        description = format_volume_type_description(aspects, text)
    except VolumeTypeDescriptionError:
        # only a bare text that itself looks like an aspect list is refused
        assert not aspects and text.startswith("[scs:")
        return
    assert parse_volume_type_description(description) == frozenset(aspects)
    if aspects:
        assert description.startswith("[scs:")
        assert description.endswith(text)


@given(st.text(max_size=60))
def test_parse_never_raises_anything_but_its_error(description: str) -> None:
    try:
        parsed = parse_volume_type_description(description)
    except VolumeTypeDescriptionError as err:
        assert err.position is not None and 0 <= err.position <= len(description)
    else:
        assert parsed <= frozenset(vt.ASPECTS)


def test_claimed_aspects_counts_even_broken_lists() -> None:
    assert vt.claimed_aspects("[scs:replicated, encrypted]") == ("replicated", "encrypted")
    assert vt.claimed_aspects("no list") == ()


# --- check_volume_types ------------------------------------------------------------------------


def by_id(types: list[tuple[str, str | None]]) -> dict[str, list[Finding]]:
    """The findings graded as the app grades them (by the scs-0114 v1 module's targets)."""
    out: dict[str, list[Finding]] = {}
    for f in grade(c0114.check_volume_types(types), [default_scope().modules["scs-0114-v1"]]):
        out.setdefault(f.id, []).append(f)
    return out


def test_check_good_types() -> None:
    got = by_id(
        [("LUKS", "[scs:encrypted] LUKS"), ("rbd", "[scs:replicated] 3 copies"), ("plain", None)]
    )
    assert [f.status for f in got[vt.SYNTAX_CHECK]] == [Status.PASS] * 3
    assert got[vt.ENCRYPTED_TYPE][0].status is Status.PASS
    assert "LUKS" in got[vt.ENCRYPTED_TYPE][0].reason
    assert got[vt.REPLICATED_TYPE][0].status is Status.PASS


def test_check_bad_syntax_fails_with_canonical_fix() -> None:
    got = by_id([("both", "[scs:replicated, encrypted] x")])
    f = got[vt.SYNTAX_CHECK][0]
    assert f.status is Status.FAIL
    assert f.resource == "both"
    assert "[scs:encrypted, replicated]" in f.fix
    # the suite still counts the aspects of a broken list
    assert got[vt.ENCRYPTED_TYPE][0].status is Status.PASS


def test_check_duplicate_fails() -> None:
    f = by_id([("dup", "[scs:encrypted,encrypted]")])[vt.SYNTAX_CHECK][0]
    assert f.status is Status.FAIL and "duplicate" in f.reason


def test_check_missing_aspects_are_recommendations() -> None:
    got = by_id([("plain", "nothing claimed")])
    for test_id in (vt.ENCRYPTED_TYPE, vt.REPLICATED_TYPE):
        f = got[test_id][0]
        assert (f.status, official(f)) == (Status.WARN, Status.FAIL)
        assert "[scs:" in f.fix


def test_check_near_miss_prefix_warns() -> None:
    f = by_id([("lead", " [scs:encrypted] x")])[vt.SYNTAX_CHECK][0]
    assert (f.status, official(f)) == (Status.WARN, Status.PASS)


def test_check_without_types() -> None:
    got = by_id([])
    assert vt.SYNTAX_CHECK not in got
    assert got[vt.ENCRYPTED_TYPE][0].status is Status.WARN
