"""Property tests: FlavorName values generated from the grammar tables, and arbitrary text."""

from __future__ import annotations

from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from scs_iaas.standards import flavor_names as fn
from scs_iaas.standards.flavor_names import FlavorName, FlavorNameError

positive = st.one_of(st.integers(1, 512), st.integers(1, 2**70))
optional_positive = st.none() | positive


@st.composite
def flavor_names(draw: st.DrawFn) -> FlavorName:
    """Any canonical FlavorName the grammar tables allow."""
    values: dict[str, Any] = {
        "cpus": draw(positive),
        "cpu_type": draw(st.sampled_from(sorted(fn.CPU_TYPES))),
        "insecure": draw(st.booleans()),
        "ram": draw(st.integers(1, 2**20)) / 2,
        "ram_ecc_off": draw(st.booleans()),
        "ram_oversubscribed": draw(st.booleans()),
        "hwv": draw(st.booleans()),
        "ib": draw(st.booleans()),
        "hypervisor": draw(st.none() | st.sampled_from(sorted(fn.HYPERVISORS))),
    }
    if draw(st.booleans()):
        values.update(
            has_disk_part=True,
            disk=draw(optional_positive),
            disk_count=draw(st.integers(1, 64)),
            disk_type=draw(st.none() | st.sampled_from(sorted(fn.DISK_TYPES))),
        )
    if draw(st.booleans()):
        vendor = draw(st.sampled_from(sorted(fn.CPU_VENDORS)))
        top = len(fn.CPU_VENDORS[vendor].generations) - 1
        values.update(
            cpu_vendor=vendor,
            cpu_gen=draw(st.none() | st.integers(1, top)) if top else None,
            cpu_freq=draw(st.integers(0, len(fn.CPU_FREQ) - 1)),
        )
    if draw(st.booleans()):
        gvendor = draw(st.sampled_from(sorted(fn.GPU_VENDORS)))
        cu = draw(optional_positive)
        vram = draw(optional_positive) if cu is not None else None
        values.update(
            gpu_type=draw(st.sampled_from(sorted(fn.GPU_TYPES))),
            gpu_vendor=gvendor,
            gpu_gen=draw(st.sampled_from(["", *fn.GPU_VENDORS[gvendor].generations])),
            gpu_cu=cu,
            gpu_freq=draw(st.integers(0, len(fn.GPU_FREQ) - 1)),
            gpu_vram=vram,
            gpu_bandwidth=draw(st.integers(0, len(fn.GPU_BANDWIDTH) - 1)) if vram else 0,
        )
    return FlavorName(**values)


@settings(max_examples=400)
@given(flavor_names())
def test_format_then_parse_is_identity(f: FlavorName) -> None:
    name = fn.format_name(f)
    assert fn.parse(name) == f
    assert fn.format_name(fn.parse(name)) == name  # canonical and stable
    assert fn.check_name(name) == "pass"


@settings(max_examples=400)
@given(flavor_names())
def test_v1_v2_conversion_round_trips(f: FlavorName) -> None:
    v2 = fn.format_name(f, "v2")
    if f.hypervisor in fn.NOT_IN_V1:
        return
    v1 = fn.format_name(f, "v1")
    assert fn.parse(v1, "v1") == f
    assert fn.check_name(v1) == "tolerated"
    assert fn.convert(v1, to="v2") == v2
    assert fn.convert(v2, to="v1") == v1


@settings(max_examples=300)
@given(flavor_names())
def test_short_name_is_valid_and_stable(f: FlavorName) -> None:
    short = fn.shorten(f)
    assert fn.shorten(short) == short
    assert fn.check_name(fn.format_name(short)) == "pass"
    specs = fn.flavor_dict(f)
    assert specs["scs:name-v2"] == fn.format_name(f)
    assert set(fn.extra_specs(f)) == {k for k in specs if k.startswith("scs:")}
    assert fn.describe(f)


# near misses: valid names with one character changed, inserted or removed
@st.composite
def near_misses(draw: st.DrawFn) -> str:
    f = draw(flavor_names())
    syntax = draw(st.sampled_from(["v2", "v1"])) if f.hypervisor not in fn.NOT_IN_V1 else "v2"
    name = fn.format_name(f, syntax)
    alphabet = st.sampled_from([*"0123456789.-_:xhiuoLVTCnspkvmzargGNAI ", "\n", "٣"])
    i = draw(st.integers(0, len(name)))
    how = draw(st.sampled_from(["replace", "insert", "delete"]))
    if how == "insert":
        return name[:i] + draw(alphabet) + name[i:]
    if how == "delete":
        return name[:i] + name[i + 1 :]
    return name[:i] + draw(alphabet) + name[i + 1 :]


def _walk_accepts(name: str, syntax: str) -> bool:
    """The slow component-by-component walk (reference shapes, values checked in Python)."""
    return fn._walk(name, syntax) is None


@settings(max_examples=1500)
@given(near_misses())
@example("SCS-2V-4_GNa-8hhh-16")
@example("SCS-2V-4_GNa-0-16")
@example("SCS-2V-4_i07")
@example("SCS-2V-4-0x10")
@example("SCS-2V-4_GA1.1h")
@example("SCS-2V-4.50")
@example("SCS-2V-0000004.5")
@example("SCS-2V-1234567890123456.5")
@example("SCS-2V-999999999999999.5-01024x10")
@example("SCS-2V:4:1025x10")
def test_fast_pattern_agrees_with_the_walk(name: str) -> None:
    """The strict one-pattern fast paths accept exactly what the reference-shaped walk accepts."""
    v3_ok, v1_ok = _walk_accepts(name, "v3"), _walk_accepts(name, "v1")
    expected = "pass" if v3_ok else "tolerated" if v1_ok else "fail"
    assert fn.check_name(name) == (expected if fn.is_scs_name(name) else "ignored")
    assert fn.classify(name)[0] == fn.check_name(name)
    for syntax, full in (("v3", fn._FULL_V3), ("v1", fn._FULL_V1)):
        fast = fn._scan(name, full) is not None
        assert fast == _walk_accepts(name, syntax), (name, syntax)
        if not fast:
            try:
                fn.parse(name, syntax)
            except FlavorNameError as err:
                assert 0 <= err.position <= len(name)
            else:
                raise AssertionError(f"{name!r} parsed although invalid")


@settings(max_examples=1000)
@given(st.text())
@example("")
@example("SCS-")
@example("SCS-1" + "0" * 5000 + "V-4")
def test_parse_only_ever_raises_flavor_name_error(text: str) -> None:
    for syntax in ("v3", "v1"):
        try:
            fn.parse(text, syntax)
        except FlavorNameError as err:
            assert err.name == text and err.expected
    assert fn.check_name(text) in ("pass", "tolerated", "fail", "ignored")


@settings(max_examples=500)
@given(
    st.text(
        alphabet=st.sampled_from(list("SC-0123456789.:_xhiuoLVTCnspkvmzargGNAIbw")), max_size=40
    )
)
def test_grammar_alphabet_text_never_crashes(text: str) -> None:
    name = "SCS-" + text
    verdict = fn.check_name(name)
    try:
        f, syntax = fn.parse_tolerant(name)
    except FlavorNameError:
        assert verdict == "fail"
    else:
        assert verdict == ("pass" if syntax == "v3" else "tolerated")
        assert fn.parse(fn.format_name(f)) == fn.parse(fn.format_name(f))
