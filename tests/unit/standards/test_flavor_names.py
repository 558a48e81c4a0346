"""scs-0100 flavor names: the standard's own examples, errors with positions, prose, specs."""

from __future__ import annotations

import dataclasses

import pytest

from scs_iaas.errors import InputError
from scs_iaas.standards import flavor_names as fn
from scs_iaas.standards.flavor_names import FlavorName, FlavorNameError

# (name, verdict) -- examples from scs-0100-v3 and SCS-STANDARDS.md §2.3
VALID_V3 = [
    "SCS-2V-8-20s",
    "SCS-2V-4-20s",
    "SCS-4V-16-100s",
    "SCS-2C-4-10n",
    "SCS-8Ti-32-50p_i1",
    "SCS-1L-1u-5",
    "SCS-16T-64-200s_GNa-72-24_ib",
    "SCS-4C-16-2x200p_a1",
    "SCS-1V-0.5",
    "SCS-2C-4uo-10n",
    "SCS-2C-3.5-10n",
    "SCS-2C-4-3x10s",
    "SCS-2C-4-3x10",
    "SCS-2C-4-",
    "SCS-2C-4-n",
    "SCS-2C-4",
    "SCS-2C-4_bms_z3",
    "SCS-2C-4-_bms_z3h_GNa-64_ib",
    "SCS-2C-4-_ib",
    "SCS-2C-4-10_kvm_hwv",
    "SCS-2C-4-10_bms_hwv",
    "SCS-2V-8_hwv",
    "SCS-2C-4-10n_z3hh",
    "SCS-2C-4-10n_chy",
    "SCS-16V-64-500s_GNa-14-6h",
    "SCS-2V-4-20s_kvm_hwv_z4h_GNl-128h-48h_ib",
    "SCS-2V-4_GNb-148-192h",
    "SCS-4V-16_gA3.1-48",
    "SCS-4V-8_gI0.9",
    "SCS-2V-4_z",
    "SCS-2V-4_a",
    "SCS-2V-4_i5",
    "SCS-4Vi-8",
    "SCS-2L-1o",
]
VALID_V1 = [
    "SCS-2V:8:20s",
    "SCS-16T:64:3x10s-GNa:64-ib",
    "SCS-8Ti:32:50p-i1",
    "SCS-2C:4:-bms-z3h-GNa:64-ib",
    "SCS-1V:0.5",
]
# (name, position, words the explanation must contain)
INVALID = [
    ("SCS-2-4-10n", 5, "CPU type letter"),
    ("SCS-2iT-4-10n", 5, "CPU type letter"),
    ("SCS-2C-4ou-10n", 8, "RAM flags must be 'u' then 'o'"),
    ("SCS-2C-4-1.5n", 10, "whole GB"),
    ("SCS-2C-4-10_hwv_xen", 15, "hypervisor cannot come here"),
    ("SCS-2V-4_ib_bms", 11, "hypervisor cannot come here"),
    ("SCS-2V-4-10s_z3_bms", 15, "hypervisor cannot come here"),
    ("SCS-2T-4_ic", 8, "known extension"),
    ("SCS-2V-4-20S", 11, "disk type letter"),
    ("SCS-2v-4", 5, "CPU type letter"),
    ("SCS-2V-4 ", 8, "end of the name"),
    ("SCS-0V-4", 4, "positive number of CPUs"),
    ("SCS-1V-0", 7, "positive RAM"),
    ("SCS-1V-4-0", 9, "positive disk size"),
    ("SCS-2V-4-0x10", 9, "positive disk count"),
    ("SCS-2V-4_GNa-0", 13, "positive number of SMs"),
    ("SCS-1V-4.25", 7, "multiples of 0.5"),
    ("SCS-2V-4_i7", 10, "generation of Intel CPUs"),
    ("SCS-2V-4_r1", 10, "generation of RISC-V CPUs"),
    ("SCS-4V-8_GNx", 11, "generation of nVidia GPUs"),
    ("SCS-2V-4_z3hhhh", 14, "at most 'hhh'"),
    ("SCS-2C-4-n_bms_3", 14, "known extension"),
    ("SC-2T-4", 0, "starts with 'SCS-'"),
    ("scs-2V-4", 0, "starts with 'SCS-'"),
    ("", 0, "starts with 'SCS-'"),
]


@pytest.mark.parametrize("name", VALID_V3)
def test_standard_examples_pass_and_are_canonical(name: str) -> None:
    assert fn.check_name(name) == "pass"
    f = fn.parse(name)
    assert fn.format_name(f) == name
    if f.hypervisor != "chy":
        assert fn.parse(fn.format_name(f, "v1"), "v1") == f


@pytest.mark.parametrize("name", VALID_V1)
def test_v1_examples_are_tolerated(name: str) -> None:
    assert fn.check_name(name) == "tolerated"
    f, syntax = fn.parse_tolerant(name)
    assert syntax == "v1"
    assert fn.format_name(f, "v1") == name
    with pytest.raises(FlavorNameError):
        fn.parse(name, "v3")


@pytest.mark.parametrize(("name", "position", "words"), INVALID)
def test_invalid_names_say_where_and_what(name: str, position: int, words: str) -> None:
    with pytest.raises(FlavorNameError) as info:
        fn.parse(name)
    err = info.value
    assert err.position == position, str(err)
    assert words in err.expected, str(err)
    assert err.name == name
    assert f"position {position}: " in str(err)
    assert "\n" not in str(err)
    assert isinstance(err, ValueError) and isinstance(err, InputError)
    if name.startswith("SCS-"):
        assert fn.check_name(name) == "fail"
    else:
        assert fn.check_name(name) == "ignored"


def test_task_example_error_text() -> None:
    with pytest.raises(FlavorNameError, match=r"^SCS-2C-4ou-10n: position 8: RAM flags must"):
        fn.parse("SCS-2C-4ou-10n")


def test_is_scs_name_is_the_prefix_only() -> None:
    assert fn.is_scs_name("SCS-garbage")
    assert not fn.is_scs_name(" SCS-2V-4")
    assert not fn.is_scs_name("scs-2V-4")


def test_v1_has_no_cloud_hypervisor() -> None:
    with pytest.raises(FlavorNameError, match="no 'chy'") as info:
        fn.parse("SCS-2V:4-chy", "v1")
    assert info.value.position == 8
    assert fn.check_name("SCS-2V:4-chy") == "fail"
    f = fn.parse("SCS-2V-4_chy")
    with pytest.raises(FlavorNameError, match="'chy' exists only since v3"):
        fn.format_name(f, "v1")
    with pytest.raises(FlavorNameError):
        fn.convert("SCS-2V-4_chy", to="v1")
    # ...but the spec keeps the reference's v1 variant (scs-0103 compares every scs:* key)
    assert fn.flavor_dict(f)["scs:name-v1"] == "SCS-2V:4-chy"


def test_parse_syntax_argument() -> None:
    assert fn.parse("SCS-2V-4", "v2") == fn.parse("SCS-2V-4", "v3") == fn.parse("SCS-2V:4", "v1")
    with pytest.raises(FlavorNameError):
        fn.parse("SCS-2V-4", "v1")
    with pytest.raises(ValueError, match="syntax must be one of"):
        fn.parse("SCS-2V-4", "v4")


def test_parse_tolerant_prefers_v3_and_explains_v1_names_in_v1() -> None:
    assert fn.parse_tolerant("SCS-2V-4")[1] == "v3"
    assert fn.parse_tolerant("SCS-2V:4")[1] == "v1"
    with pytest.raises(FlavorNameError, match="no 'chy'"):
        fn.parse_tolerant("SCS-2V:4-chy")
    with pytest.raises(FlavorNameError, match="RAM flags"):
        fn.parse_tolerant("SCS-2V-4ou")


def test_fields_of_a_full_name() -> None:
    f = fn.parse("SCS-16Ti-64uo-3x200p_kvm_hwv_z4hh_GNl-128h-48hh_ib")
    assert (f.cpus, f.cpu_type, f.insecure) == (16, "T", True)
    assert (f.ram, f.ram_ecc_off, f.ram_oversubscribed) == (64.0, True, True)
    assert (f.has_disk_part, f.disk, f.disk_count, f.disk_type) == (True, 200, 3, "p")
    assert (f.hypervisor, f.hwv) == ("kvm", True)
    assert (f.cpu_vendor, f.cpu_gen, f.cpu_freq, f.cpu_brand) == ("z", 4, 2, "AMD")
    assert (f.gpu_type, f.gpu_vendor, f.gpu_gen) == ("G", "N", "l")
    assert (f.gpu_cu, f.gpu_freq, f.gpu_vram, f.gpu_bandwidth) == (128, 1, 48, 2)
    assert f.ib and f.has_gpu and f.has_cpu_brand


def test_minimal_name_fields() -> None:
    f = fn.parse("SCS-1V-0.5")
    assert f == FlavorName(cpus=1, cpu_type="V", ram=0.5)
    assert not f.has_disk_part and f.disk is None and f.disk_type is None
    assert f.cpu_brand is None and not f.has_gpu


def test_lenient_spellings_are_canonicalised() -> None:
    cases = {
        "SCS-01V-04": "SCS-1V-4",
        "SCS-1V-.5": "SCS-1V-0.5",
        "SCS-1V-4.": "SCS-1V-4",
        "SCS-1V-4.0-1x10": "SCS-1V-4-10",
        "SCS-1V-4-x10": "SCS-1V-4-10",
        "SCS-2V-4_i0": "SCS-2V-4_i",
        "SCS-2V-4_z06": "SCS-2V-4_z6",
        "SCS-2V-4_GNah-16": "SCS-2V-4_GNah-16",
    }
    for name, canonical in cases.items():
        assert fn.format_name(fn.parse(name)) == canonical, name


def test_shorten_follows_the_standard() -> None:
    def short(name: str) -> str:
        return fn.format_name(fn.shorten(fn.parse(name)))

    assert short("SCS-16T-64-3x10s_bms_hwv_i3h_GNa-64h-24hh_ib") == "SCS-16T-64-3x10s_GNa-64-24_ib"
    assert short("SCS-4C-16-2x200p_kvm_a3hh") == "SCS-4C-16-2x200p_a"
    assert short("SCS-2V-4_r") == "SCS-2V-4_r"
    assert short("SCS-2V-4-20s") == "SCS-2V-4-20s"


def test_convert_both_ways() -> None:
    assert fn.convert("SCS-2V-8-20s") == "SCS-2V:8:20s"
    assert fn.convert("SCS-2V:8:20s", to="v2") == "SCS-2V-8-20s"
    assert fn.convert("SCS-16T:64:3x10s-GNa:64-ib", to="v3") == "SCS-16T-64-3x10s_GNa-64_ib"
    assert fn.convert("SCS-8Ti-32-50p_i1", to="v1") == "SCS-8Ti:32:50p-i1"
    with pytest.raises(ValueError, match="syntax must be one of"):
        fn.convert("SCS-2V-4", to="v9")


def test_describe_reads_like_english() -> None:
    assert fn.describe(fn.parse("SCS-2V-8-20s")) == "2 shared vCPUs, 8 GiB RAM, 20 GB local SSD"
    assert fn.describe(fn.parse("SCS-1L-1")) == (
        "1 crowded vCPU, 1 GiB RAM, no root disk (boot from volume)"
    )
    text = fn.describe(fn.parse("SCS-16T-64-200s_GNa-72-24_ib"))
    assert text == (
        "16 dedicated threads, 64 GiB RAM, 200 GB local SSD, "
        "pass-through nVidia Ampere GPU (72 SMs, 24 GiB VRAM), InfiniBand"
    )
    text = fn.describe(fn.parse("SCS-2C-4uo-3x10n_bms_hwv_z3h_gA3.1"))
    assert "2 dedicated cores" in text and "AMD Zen 3 CPU (>2.75 GHz all-core)" in text
    assert "4 GiB RAM (no ECC, oversubscribed)" in text and "3 × 10 GB network disk" in text
    assert "bare metal" in text and "nested virtualisation" in text and "AMD RDNA3 vGPU" in text
    assert fn.describe(fn.parse("SCS-2C-4-")).endswith("cloud-sized root disk")


def test_flavor_dict_and_extra_specs() -> None:
    f = fn.parse("SCS-2V-4-20s")
    assert fn.flavor_dict(f) == {
        "cpus": 2,
        "scs:cpu-type": "shared-core",
        "ram": 4.0,
        "disk": 20,
        "scs:disk0-type": "ssd",
        "scs:name-v1": "SCS-2V:4:20s",
        "scs:name-v2": "SCS-2V-4-20s",
    }
    assert fn.extra_specs(f) == {
        "scs:cpu-type": "shared-core",
        "scs:disk0-type": "ssd",
        "scs:name-v1": "SCS-2V:4:20s",
        "scs:name-v2": "SCS-2V-4-20s",
    }
    specs = fn.flavor_dict(fn.parse("SCS-2C-4-3x"))
    assert specs["disk"] is None
    assert [k for k in specs if k.startswith("scs:disk")] == [
        "scs:disk0-type",
        "scs:disk1-type",
        "scs:disk2-type",
    ]
    assert set(fn.flavor_dict(fn.parse("SCS-2C-4-")).items()) >= {("scs:disk0-type", "network")}
    names = fn.flavor_dict(fn.parse("SCS-2V-4_kvm"))
    assert [names[f"scs:name-v{i}"] for i in range(1, 5)] == [
        "SCS-2V:4-kvm",
        "SCS-2V-4_kvm",
        "SCS-2V:4",
        "SCS-2V-4",
    ]


def test_huge_ram_is_a_clean_error() -> None:
    for name in ("SCS-2V-" + "9" * 310, "SCS-2V-" + "1" * 311, "SCS-2V:" + "9" * 400):
        with pytest.raises(FlavorNameError, match="too large") as info:
            fn.parse_tolerant(name)
        assert info.value.position == 7
        assert fn.check_name(name) == "fail"
    # big but finite RAM is a float, rounded like the reference does
    assert fn.format_name(fn.parse("SCS-2V-12345678901234567")) == "SCS-2V-12345678901234568"


def test_very_long_numbers_are_a_clean_error() -> None:
    big = "1" + "0" * 640
    zeros = "0" * 700 + "4"
    for name in (f"SCS-{big}V-4", f"SCS-2V-4-{big}", f"SCS-2V-4_GNa-{big}", f"SCS-2V-{zeros}"):
        with pytest.raises(FlavorNameError, match="at most 640 digits"):
            fn.parse(name)
        assert fn.check_name(name) == "fail"
    huge = 2**200
    assert fn.parse(f"SCS-{huge}V-4-{huge}").disk == huge  # unbounded ints otherwise


def test_disk_count_limit() -> None:
    assert fn.parse("SCS-2V-4-1024x10").disk_count == 1024
    with pytest.raises(FlavorNameError, match="at most 1024 disks") as info:
        fn.parse("SCS-2V-4-99999999999x10")
    assert info.value.position == 9
    assert fn.check_name("SCS-2V-4-1025x10") == "fail"


@pytest.mark.parametrize(
    "name",
    [
        "SCS-2V-４",
        "SCS-٢V-4",
        "SCS-2V-4\x00",
        "SCS-2V-4\n",
        "\tSCS-2V-4",
        "SCS-",
        "SCS-2V-",
        "SCS-2V-4_",
        "SCS-2V-4__hwv",
        "SCS-2V-4_GN_",
        "SCS-2V-4.5.5",
        "SCS-2V-1e3",
        "SCS-2V-4_GNa-8hhh",
        "SCS-2V-4_GNa-8-0",
        "SCS-2V-4_kvmx",
    ],
)
def test_odd_input_gives_a_clean_error(name: str) -> None:
    with pytest.raises(FlavorNameError) as info:
        fn.parse_tolerant(name)
    err = info.value
    assert 0 <= err.position <= len(name)
    assert err.expected
    assert "\n" not in str(err) and "\x00" not in str(err)


def test_hand_built_flavor_names_are_validated() -> None:
    ok = FlavorName(cpus=2, cpu_type="V", ram=4.0, has_disk_part=True, disk=20, disk_type="s")
    assert fn.format_name(ok) == "SCS-2V-4-20s"
    bad = [
        {"cpus": 0},
        {"cpu_type": "X"},
        {"ram": 4.25},
        {"ram": 4},
        {"disk": 20},
        {"has_disk_part": True, "disk_type": "S"},
        {"cpu_gen": 1},
        {"cpu_vendor": "i", "cpu_gen": 7},
        {"cpu_vendor": "i", "cpu_gen": 0},
        {"gpu_type": "G"},
        {"gpu_type": "G", "gpu_vendor": "N", "gpu_gen": "3.1"},
        {"gpu_type": "G", "gpu_vendor": "N", "gpu_bandwidth": 1},
        {"hypervisor": "qemu"},
    ]
    base = {"cpus": 2, "cpu_type": "V", "ram": 4.0}
    for change in bad:
        with pytest.raises(ValueError, match="FlavorName: "):
            FlavorName(**{**base, **change})  # type: ignore[arg-type]


def test_flavor_name_is_frozen_and_hashable() -> None:
    f = fn.parse("SCS-2V-4")
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.cpus = 3  # type: ignore[misc]
    assert len({f, fn.parse("SCS-2V-4"), fn.parse("SCS-2V:4", "v1")}) == 1
