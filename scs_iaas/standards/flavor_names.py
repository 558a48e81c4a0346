"""SCS flavor names (scs-0100 v1, v2, v3): parse, check, format, shorten, convert, describe.

One grammar drives everything here.  The letter tables below (CPU types, disk types,
hypervisors, CPU vendors and generations, GPU vendors and generations, frequency levels)
are the only copy of that knowledge: the regular expressions are built from them, the
formatter writes their letters, :func:`describe` reads their prose and :func:`flavor_dict`
their ``scs:*`` values.

Speed: each syntax has ONE compiled pattern (built at import from the per-component
patterns in ``_COMPONENTS``).  Every component sits in an atomic group, so the big pattern
behaves exactly like the reference parser, which matches component after component and
never goes back on a component it has taken.  The slow, component-by-component walk in
:func:`_diagnose` runs only for a name that failed, to say where and why.

Numbers follow the reference implementation (SovereignCloudStack/standards, commit
077174d9): integers are unbounded, RAM is a ``float`` in GiB (so more than ~16 significant
digits are rounded), lenient spellings such as leading zeros, ``.5`` or ``1x10`` are
accepted and canonicalised.  Where the reference contradicts the standard's grammar we follow
the standard; docs/flavor-naming.md lists each such name.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, Final, Literal

from scs_iaas.errors import InputError

STANDARD: Final = "scs-0100"
#: the syntax versions this module knows; v2 and v3 share one syntax
VERSIONS: Final = ("v1", "v2", "v3")
PREFIX: Final = "SCS-"

Verdict = Literal["pass", "tolerated", "fail", "ignored"]

# ---------------------------------------------------------------------------------------------
# Grammar tables (scs-0100-v3 "Complete proposal for systematic flavor naming")
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CpuType:
    """A CPU type letter: its ``scs:cpu-type`` value and how to say it."""

    spec: str
    singular: str
    plural: str


CPU_TYPES: Final[Mapping[str, CpuType]] = {
    "L": CpuType("crowded-core", "crowded vCPU", "crowded vCPUs"),
    "V": CpuType("shared-core", "shared vCPU", "shared vCPUs"),
    "T": CpuType("dedicated-thread", "dedicated thread", "dedicated threads"),
    "C": CpuType("dedicated-core", "dedicated core", "dedicated cores"),
}

#: disk type letter -> (``scs:diskN-type`` value, prose)
DISK_TYPES: Final[Mapping[str, tuple[str, str]]] = {
    "n": ("network", "network disk"),
    "h": ("hdd", "local HDD"),
    "s": ("ssd", "local SSD"),
    "p": ("nvme", "local NVMe"),
}
#: a disk without type letter is advertised as network storage (reference flavorname_to_dict)
DEFAULT_DISK_SPEC: Final = "network"

HYPERVISORS: Final[Mapping[str, str]] = {
    "kvm": "KVM",
    "xen": "Xen",
    "vmw": "VMware",
    "hyv": "Hyper-V",
    "bms": "bare metal",
    "chy": "Cloud Hypervisor",
}
#: hypervisors that v1 syntax does not know (Cloud Hypervisor came with v3)
NOT_IN_V1: Final = frozenset({"chy"})


@dataclass(frozen=True)
class CpuVendor:
    """A CPU vendor letter with its generation table (index = generation number)."""

    name: str
    generations: tuple[str, ...]


CPU_VENDORS: Final[Mapping[str, CpuVendor]] = {
    "i": CpuVendor(
        "Intel",
        (
            "pre-Skylake",
            "Skylake",
            "Cascade Lake",
            "Ice Lake",
            "Sapphire Rapids",
            "Sierra Forest",
            "Granite Rapids",
        ),
    ),
    "z": CpuVendor("AMD", ("pre-Zen", "Zen 1", "Zen 2", "Zen 3", "Zen 4", "Zen 5", "Zen 6")),
    "a": CpuVendor("ARM", ("pre-A76", "A76/N1", "A78/V1", "N2/V2", "AmpereOne", "N3/V3")),
    "r": CpuVendor("RISC-V", ("unspecified",)),
}
#: number of 'h' after the CPU brand -> minimum all-core clock
CPU_FREQ: Final = ("", ">2.75 GHz all-core", ">3.25 GHz all-core", ">3.75 GHz all-core")


@dataclass(frozen=True)
class GpuVendor:
    """A GPU vendor letter: generation table (code -> prose) and the unit its CU count counts."""

    name: str
    unit: str
    generations: Mapping[str, str]


GPU_TYPES: Final[Mapping[str, str]] = {"g": "vGPU", "G": "pass-through GPU"}
GPU_VENDORS: Final[Mapping[str, GpuVendor]] = {
    "N": GpuVendor(
        "nVidia",
        "SMs",
        {
            "f": "Fermi",
            "k": "Kepler",
            "m": "Maxwell",
            "p": "Pascal",
            "v": "Volta",
            "t": "Turing",
            "a": "Ampere",
            "l": "Ada Lovelace",
            "g": "Grace Hopper",
            "b": "Blackwell",
            "u": "Blackwell Ultra",
        },
    ),
    "A": GpuVendor(
        "AMD",
        "CUs",
        {
            "0.4": "GCN4/Polaris",
            "0.5": "GCN5/Vega",
            "1": "CDNA1/RDNA1",
            "1.1": "RDNA1",
            "2": "CDNA2",
            "2.1": "RDNA2",
            "3": "CDNA3",
            "3.1": "RDNA3",
            "3.5": "CDNA3.5",
            "4": "CDNA4",
            "4.1": "RDNA4",
            "5.1": "RDNA5",
        },
    ),
    "I": GpuVendor(
        "Intel",
        "EUs",
        {
            "0.9": "Gen9/Skylake",
            "0.95": "Gen9.5/Kaby Lake",
            "1": "Xe1/DG1",
            "2": "Xe2",
            "3": "Arc/DG2",
            "4": "Xe3",
        },
    ),
}
#: number of 'h' after the GPU compute units -> clock; after the VRAM -> bandwidth
GPU_FREQ: Final = ("", "high clock", "very high clock")
GPU_BANDWIDTH: Final = ("", "high bandwidth", "very high bandwidth")

# No table entry may contain ':' -- check_name relies on it (a v3-valid name never has ':').
assert not any(":" in g for v in GPU_VENDORS.values() for g in v.generations)


@dataclass(frozen=True)
class Syntax:
    """Separators of one syntax version: v1 ``SCS-2V:8:20s-kvm``, v2/v3 ``SCS-2V-8-20s_kvm``."""

    version: str
    main: str  # between CPU, RAM, disk and between GPU fields
    ext: str  # before each extension
    hypervisors: tuple[str, ...]


SYNTAXES: Final[Mapping[str, Syntax]] = {
    "v1": Syntax("v1", ":", "-", tuple(h for h in HYPERVISORS if h not in NOT_IN_V1)),
    "v2": Syntax("v2", "-", "_", tuple(HYPERVISORS)),
    "v3": Syntax("v3", "-", "_", tuple(HYPERVISORS)),
}

# ---------------------------------------------------------------------------------------------
# The parsed name
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlavorName:
    """A parsed SCS flavor name, independent of the syntax it was written in.

    Fields (letters as in the name):

    * ``cpus``, ``cpu_type`` (``L V T C``), ``insecure`` (``i``)
    * ``ram`` in GiB (float, multiple of 0.5), ``ram_ecc_off`` (``u``),
      ``ram_oversubscribed`` (``o``)
    * ``has_disk_part`` (the name has a ``-…`` disk part), ``disk`` (GB per disk, ``None`` if
      the cloud chooses), ``disk_count`` (the ``M`` of ``Mx``), ``disk_type`` (``n h s p`` or
      ``None`` = unspecified)
    * ``hypervisor`` (``kvm xen vmw hyv bms chy`` or ``None``), ``hwv`` (``_hwv``)
    * ``cpu_vendor`` (``i z a r`` or ``None``), ``cpu_gen`` (``None`` = unspecified; an explicit
      ``0`` means the same and is stored as ``None``), ``cpu_freq`` (number of ``h``, 0-3)
    * ``gpu_type`` (``g`` vGPU / ``G`` pass-through, ``None`` = no GPU), ``gpu_vendor``
      (``N A I``), ``gpu_gen`` (``""`` = unspecified), ``gpu_cu`` (SMs/CUs/EUs), ``gpu_freq``
      (number of ``h`` after the CU count, 0-2), ``gpu_vram`` (GiB), ``gpu_bandwidth`` (number of
      ``h`` after the VRAM, 0-2)
    * ``ib`` (``_ib`` InfiniBand)
    """

    cpus: int
    cpu_type: str
    ram: float
    insecure: bool = False
    ram_ecc_off: bool = False
    ram_oversubscribed: bool = False
    has_disk_part: bool = False
    disk: int | None = None
    disk_count: int = 1
    disk_type: str | None = None
    hypervisor: str | None = None
    hwv: bool = False
    cpu_vendor: str | None = None
    cpu_gen: int | None = None
    cpu_freq: int = 0
    gpu_type: str | None = None
    gpu_vendor: str | None = None
    gpu_gen: str = ""
    gpu_cu: int | None = None
    gpu_freq: int = 0
    gpu_vram: int | None = None
    gpu_bandwidth: int = 0
    ib: bool = False

    def __post_init__(self) -> None:
        """Reject values that no name can express (hand-built instances only)."""
        problem = _invalid_fields(self)
        if problem:
            raise ValueError(f"FlavorName: {problem}")

    @property
    def has_cpu_brand(self) -> bool:
        return self.cpu_vendor is not None

    @property
    def cpu_brand(self) -> str | None:
        """The CPU vendor's name (``"Intel"``), ``None`` without a CPU brand extension."""
        return CPU_VENDORS[self.cpu_vendor].name if self.cpu_vendor else None

    @property
    def has_gpu(self) -> bool:
        return self.gpu_type is not None


def _invalid_fields(f: FlavorName) -> str:
    """Say what is wrong with a hand-built FlavorName ('' if nothing)."""
    if isinstance(f.cpus, bool) or not isinstance(f.cpus, int) or f.cpus <= 0:
        return f"cpus must be a positive integer, not {f.cpus!r}"
    if f.cpu_type not in CPU_TYPES:
        return f"cpu_type must be one of {' '.join(CPU_TYPES)}, not {f.cpu_type!r}"
    ram = f.ram
    if not isinstance(ram, float) or not (ram > 0 and math.isfinite(2 * ram)):
        return f"ram must be a positive float, not {ram!r}"
    if not (2 * ram).is_integer():
        return f"ram must be a multiple of 0.5, not {ram!r}"
    for name in ("disk", "gpu_cu", "gpu_vram"):
        value = getattr(f, name)
        if value is not None and (not isinstance(value, int) or value <= 0):
            return f"{name} must be a positive integer or None, not {value!r}"
    if not isinstance(f.disk_count, int) or f.disk_count <= 0:
        return f"disk_count must be a positive integer, not {f.disk_count!r}"
    if not f.has_disk_part and (f.disk is not None or f.disk_count != 1 or f.disk_type):
        return "disk, disk_count and disk_type need has_disk_part=True"
    if f.disk_type is not None and f.disk_type not in DISK_TYPES:
        return f"disk_type must be one of {' '.join(DISK_TYPES)} or None, not {f.disk_type!r}"
    if f.hypervisor is not None and f.hypervisor not in HYPERVISORS:
        return f"hypervisor must be one of {' '.join(HYPERVISORS)} or None"
    if f.cpu_vendor is None:
        if f.cpu_gen is not None or f.cpu_freq:
            return "cpu_gen and cpu_freq need a cpu_vendor"
    elif f.cpu_vendor not in CPU_VENDORS:
        return f"cpu_vendor must be one of {' '.join(CPU_VENDORS)} or None"
    elif f.cpu_gen is not None and not 0 < f.cpu_gen < len(CPU_VENDORS[f.cpu_vendor].generations):
        return f"cpu_gen {f.cpu_gen!r} is not a generation of {CPU_VENDORS[f.cpu_vendor].name}"
    if f.cpu_freq not in range(len(CPU_FREQ)):
        return "cpu_freq must be 0..3"
    if f.gpu_type is None:
        if f.gpu_vendor is not None or f.gpu_gen or f.gpu_cu or f.gpu_vram:
            return "GPU fields need a gpu_type"
        if f.gpu_freq or f.gpu_bandwidth:
            return "GPU fields need a gpu_type"
    else:
        if f.gpu_type not in GPU_TYPES:
            return f"gpu_type must be one of {' '.join(GPU_TYPES)} or None"
        if f.gpu_vendor is None or f.gpu_vendor not in GPU_VENDORS:
            return f"gpu_vendor must be one of {' '.join(GPU_VENDORS)}"
        if f.gpu_gen and f.gpu_gen not in GPU_VENDORS[f.gpu_vendor].generations:
            return f"gpu_gen {f.gpu_gen!r} is not a generation of {GPU_VENDORS[f.gpu_vendor].name}"
        if f.gpu_freq not in range(len(GPU_FREQ)) or f.gpu_bandwidth not in range(
            len(GPU_BANDWIDTH)
        ):
            return "gpu_freq and gpu_bandwidth must be 0..2"
        if f.gpu_bandwidth and f.gpu_vram is None:
            return "gpu_bandwidth needs gpu_vram"
    return ""


class FlavorNameError(InputError, ValueError):
    """A name that is not a valid SCS flavor name, with the position and what was expected.

    ``position`` counts characters from 0 (the ``S`` of ``SCS-``); ``expected`` says what
    would have been valid there.  It is an :class:`~scs_iaas.errors.InputError`, so the CLI
    prints it as one line and exits 2.
    """

    def __init__(self, name: str, position: int, expected: str) -> None:
        self.name = name
        self.position = position
        self.expected = expected
        super().__init__(f"{_show(name)}: position {position}: {expected}")


def _show(text: str, limit: int = 80) -> str:
    """The name as it can be printed on one line: repr if it has odd characters, shortened."""
    short = text if len(text) <= limit else text[: limit - 1] + "…"
    if short.isprintable() and short.strip() == short and short:
        return short
    return repr(short)


# ---------------------------------------------------------------------------------------------
# Patterns: one per component (for diagnosis) and one per syntax (for speed), both built here
# ---------------------------------------------------------------------------------------------


_NZ: Final = "0*[1-9][0-9]*"  # a positive integer; leading zeros are accepted (reference)


def _alternatives(options: list[str]) -> str:
    """A regex alternation, longest option first so that '1.1' wins over '1'."""
    return "|".join(re.escape(o) for o in sorted(options, key=lambda o: (-len(o), o)))


def _component_patterns(
    syn: Syntax, strict: bool, check: bool = False
) -> tuple[tuple[str, str], ...]:
    """(component, regex) in name order, built from the tables; same group names everywhere.

    ``strict=False`` gives the reference's shapes (what each component consumes); the values
    are then checked in Python -- that is the diagnosis walk.  ``strict=True`` gives the same
    shapes with the value checks folded into the pattern (positive numbers, generations that
    exist for the vendor, at most 'hhh'/'hh'), with possessive quantifiers so that no check can
    make the pattern settle for a different split than the reference's.  The only deviation
    from the reference: a GPU generation cannot swallow the extension separator, so
    ``_GNa_ib`` is accepted as the standard's grammar says (docs/flavor-naming.md).

    ``check=True`` (with ``strict``) also settles the common RAM sizes (up to 15 significant
    digits, ``.0``/``.5``) and disk counts (up to 3 digits) in the pattern: the groups ``ram``
    and ``disk_count`` then capture only the values Python still has to look at.
    """
    m, e = re.escape(syn.main), re.escape(syn.ext)
    cpu_types = "".join(CPU_TYPES)
    disk_types = "".join(DISK_TYPES)
    hyps = "|".join(syn.hypervisors)
    gpu_types = "".join(GPU_TYPES)
    gen_chars = f"[^{m}h{e}]"
    end = f"(?:{e}|$)"
    if strict:
        assert all(len(v.generations) <= 10 for v in CPU_VENDORS.values())
        cpu_vendor = "|".join(
            f"{k}(?=0*+[0-{len(v.generations) - 1}]?h{{0,3}}{end})" for k, v in CPU_VENDORS.items()
        )
        gpu_vendor = "|".join(
            f"{k}(?=(?:{_alternatives(list(v.generations))})?(?!{gen_chars}))"
            for k, v in GPU_VENDORS.items()
        )
        not_zero = f"(?!{m}0++(?![0-9]))"
        gpu_tail = (
            f"(?P<gpu_gen>{gen_chars}*+){not_zero}(?:{m}(?P<gpu_cu>[0-9]++))?+"
            f"(?P<gpu_freq>h*+)(?<!hhh){not_zero}(?:{m}(?P<gpu_vram>[0-9]++))?+"
            f"(?P<gpu_bw>h*+)(?<!hhh)"
        )
        cpus = _NZ
        count = (
            "0*[1-9][0-9]{0,2}|(?P<disk_count>0*[1-9][0-9]{3,})"
            if check
            else f"(?P<disk_count>{_NZ})"
        )
        disk = (
            rf"(?P<disk>{m}(?:(?:{count})?x)?(?P<disk_size>{_NZ})?"
            rf"(?P<disk_type>[{disk_types}]?))"
        )
    else:
        cpu_vendor = f"[{''.join(CPU_VENDORS)}]"
        gpu_vendor = f"[{''.join(GPU_VENDORS)}]"
        gpu_tail = (
            f"(?P<gpu_gen>{gen_chars}*)(?:{m}(?P<gpu_cu>[0-9]+))?(?P<gpu_freq>h*)"
            f"(?:{m}(?P<gpu_vram>[0-9]+))?(?P<gpu_bw>h*)"
        )
        cpus = "[0-9]*"
        disk = (
            rf"(?P<disk>{m}(?:(?P<disk_count>[0-9]*)x)?(?P<disk_size>[0-9]*)"
            rf"(?P<disk_type>[{disk_types}]?))"
        )
    ram = "(?P<ram>[0-9.]*)"
    if check:
        ram = r"(?:0*[1-9][0-9]{0,14}(?:\.[05]?)?(?![0-9.])|0*\.5(?![0-9.])|(?P<ram>[0-9.]*))"
    return (
        (
            "cpu-ram",
            rf"(?P<cpus>{cpus})(?P<cpu_type>[{cpu_types}])(?P<insecure>i?){m}"
            rf"{ram}(?P<ecc_off>u?)(?P<oversub>o?)",
        ),
        ("disk", disk),
        ("hypervisor", rf"{e}(?P<hypervisor>{hyps})"),
        ("hwv", rf"(?P<hwv>{e}hwv)"),
        (
            "cpu-brand",
            rf"{e}(?P<cpu_vendor>{cpu_vendor})(?P<cpu_gen>[0-9]*)(?P<cpu_freq>h*)(?={e}|$)",
        ),
        ("gpu", rf"{e}(?P<gpu_type>[{gpu_types}])(?P<gpu_vendor>{gpu_vendor}){gpu_tail}"),
        ("ib", rf"(?P<ib>{e}ib)"),
    )


def _one_pattern(parts: tuple[tuple[str, str], ...]) -> str:
    """All components in one pattern; atomic groups make it commit like the reference.

    The first component (CPU-RAM) is mandatory, the others optional; once a component has
    matched (or has been skipped) the matcher never reconsiders it.
    """
    mandatory, *optional = (rx for _, rx in parts)
    return re.escape(PREFIX) + f"(?>{mandatory})" + "".join(f"(?>(?:{rx})?)" for rx in optional)


def _full_pattern(syn: Syntax) -> re.Pattern[str]:
    return re.compile(_one_pattern(_component_patterns(syn, strict=True)))


_STEP: Final = {
    v: tuple((name, re.compile(rx)) for name, rx in _component_patterns(s, strict=False))
    for v, s in SYNTAXES.items()
}
_PATTERNS: Final = {v: _full_pattern(s) for v, s in SYNTAXES.items()}
_FULL: Final = {v: p.fullmatch for v, p in _PATTERNS.items()}
_FULL_V3: Final = _FULL["v3"]
_FULL_V1: Final = _FULL["v1"]
# _scan unpacks the groups by position: every syntax must number them alike
assert all(p.groupindex == _PATTERNS["v3"].groupindex for p in _PATTERNS.values())


def _check_only(syn: Syntax) -> re.Pattern[str]:
    """The pattern :func:`check_name` uses: the parse pattern's language, two capture groups.

    Every capture group costs the matcher bookkeeping at each atomic group, and most RAM sizes
    and disk counts need no look from Python at all; this makes the check about a third faster.
    """
    keep = ("ram", "disk_count")
    text = _one_pattern(_component_patterns(syn, strict=True, check=True))
    compiled = re.compile(re.sub(r"\(\?P<(?!(?:" + "|".join(keep) + r")>)\w+>", "(?:", text))
    assert compiled.groupindex == {k: i for i, k in enumerate(keep, start=1)}
    return compiled


_CHECK_V3: Final = _check_only(SYNTAXES["v3"]).fullmatch
_CHECK_V1: Final = _check_only(SYNTAXES["v1"]).fullmatch
_GPU_GENS: Final = {k: frozenset(v.generations) | {""} for k, v in GPU_VENDORS.items()}

#: the reference lists one scs:diskN-type key per disk; beyond this count that list is absurd
MAX_DISK_COUNT: Final = 1024
#: no number in a name may have more digits: Python's int() refuses more than
#: sys.get_int_max_str_digits() digits (4300 by default, 640 at the lowest setting)
MAX_DIGITS: Final = 640
_LONG_NUMBER: Final = re.compile(f"[0-9]{{{MAX_DIGITS + 1}}}").search

_new = object.__new__
_set = object.__setattr__


def _scan(name: str, fullmatch: Any) -> FlavorName | None:
    """The fast parse: a FlavorName if ``name`` is valid in the pattern's syntax, else None.

    No exceptions, no diagnosis: that is :func:`_diagnose`'s job.  The instance is assembled
    directly: the generated ``__init__`` of a frozen dataclass costs a call per field (23), and
    ``__post_init__`` would re-check what the pattern and the checks below already guarantee.
    """
    m = fullmatch(name)
    if m is None:
        return None
    (
        cpus_s,
        cpu_type,
        insecure,
        ram_s,
        ecc_off,
        oversub,
        disk,
        count_s,
        size_s,
        disk_type,
        hypervisor,
        hwv,
        vendor,
        gen_s,
        cfreq,
        gpu_type,
        gpu_vendor,
        gpu_gen,
        cu_s,
        gfreq,
        vram_s,
        gbw,
        ib,
    ) = m.groups()
    # what the pattern leaves to Python: the RAM value (a float, as in the reference), the
    # disk-count limit and the digit limit
    try:
        ram = float(ram_s)
    except ValueError:
        return None
    ram2 = ram * 2
    if not ram2 > 0 or ram2 == math.inf or not ram2.is_integer():
        return None
    if count_s and len(count_s) > 3 and int(count_s) > MAX_DISK_COUNT:
        return None
    if len(name) > MAX_DIGITS and _LONG_NUMBER(name):
        return None
    # Only values that differ from the field defaults go into the instance dict; the
    # defaults are class attributes of the dataclass, so attribute access, ==, hash and repr
    # see every field.  A typical name sets 3 to 6 entries instead of 23.
    d: dict[str, Any] = {"cpus": int(cpus_s), "cpu_type": cpu_type, "ram": ram}
    if insecure:
        d["insecure"] = True
    if ecc_off:
        d["ram_ecc_off"] = True
    if oversub:
        d["ram_oversubscribed"] = True
    if disk is not None:
        d["has_disk_part"] = True
        if size_s:
            d["disk"] = int(size_s)
        if count_s:
            d["disk_count"] = int(count_s)
        if disk_type:
            d["disk_type"] = disk_type
    if hypervisor is not None:
        d["hypervisor"] = hypervisor
    if hwv is not None:
        d["hwv"] = True
    if vendor is not None:
        d["cpu_vendor"] = vendor
        if gen_s and int(gen_s):
            d["cpu_gen"] = int(gen_s)
        if cfreq:
            d["cpu_freq"] = len(cfreq)
    if gpu_type is not None:
        d["gpu_type"] = gpu_type
        d["gpu_vendor"] = gpu_vendor
        if gpu_gen:
            d["gpu_gen"] = gpu_gen
        if cu_s:
            d["gpu_cu"] = int(cu_s)
        if gfreq:
            d["gpu_freq"] = len(gfreq)
        if vram_s:
            d["gpu_vram"] = int(vram_s)
        if gbw:
            d["gpu_bandwidth"] = len(gbw)
    if ib is not None:
        d["ib"] = True
    obj: FlavorName = _new(FlavorName)
    _set(obj, "__dict__", d)
    return obj


# ---------------------------------------------------------------------------------------------
# Diagnosis: the slow walk, component by component, that says where a name went wrong
# ---------------------------------------------------------------------------------------------

_ORDER_TEXT: Final = "disk, hypervisor, _hwv, CPU brand, GPU, _ib"
_COMPONENT_TEXT: Final = {
    "disk": "the disk part",
    "hypervisor": "a hypervisor",
    "hwv": "_hwv",
    "cpu-brand": "a CPU brand",
    "gpu": "a GPU",
    "ib": "_ib",
}


def _diagnose(name: str, version: str) -> FlavorNameError:
    """Explain why ``name`` is not valid in ``version`` syntax (called only after a failure)."""
    err = _walk(name, version)
    if err is None:  # the walk and the fast pattern disagree: a bug, but still a clean error
        return FlavorNameError(name, len(name), "a valid name (internal inconsistency)")
    return err


def _walk(name: str, version: str) -> FlavorNameError | None:
    """Match component after component as the reference does; the first problem, or None."""
    syn = SYNTAXES[version]
    if not name.startswith(PREFIX):
        return FlavorNameError(name, 0, "an SCS flavor name starts with 'SCS-'")
    long_number = _LONG_NUMBER(name) if len(name) > MAX_DIGITS else None
    if long_number:
        return FlavorNameError(
            name, long_number.start(), f"a number of at most {MAX_DIGITS} digits"
        )
    steps = _STEP[version]
    pos = len(PREFIX)
    m = steps[0][1].match(name, pos)
    if m is None:
        return _diagnose_main(name, pos, syn)
    err = _check_main(name, m)
    if err:
        return err
    last = "cpu-ram"
    pos = m.end()
    for component, pattern in steps[1:]:
        m = pattern.match(name, pos)
        if m is None:
            continue
        err = _check_component(name, component, m, syn)
        if err:
            return err
        last = component
        pos = m.end()
    if pos == len(name):
        return None
    return _diagnose_leftover(name, pos, last, syn, steps)


def _diagnose_main(name: str, pos: int, syn: Syntax) -> FlavorNameError:
    """Walk the mandatory CPU-RAM part character by character."""
    i = pos
    n = len(name)
    while i < n and "0" <= name[i] <= "9":
        i += 1
    if i == pos:
        found = name[i : i + 1]
        hint = " (only ASCII digits count)" if found.isdigit() else ""
        return FlavorNameError(name, i, f"the number of CPUs (digits){hint}")
    if i == n or name[i] not in CPU_TYPES:
        got = f"found {name[i]!r}" if i < n else "found the end"
        hint = ""
        if name[i : i + 1] == "i" and name[i + 1 : i + 2] in CPU_TYPES:
            hint = " (the insecure flag 'i' comes after the type letter)"
        elif name[i : i + 1].upper() in CPU_TYPES:
            hint = " (upper case)"
        return FlavorNameError(
            name, i, f"a CPU type letter, one of {' '.join(CPU_TYPES)}; {got}{hint}"
        )
    i += 1
    if i < n and name[i] == "i":
        i += 1
    if i == n or name[i] != syn.main:
        got = f"found {name[i]!r}" if i < n else "found the end"
        if i < n and name[i] == "-" and syn.version == "v1":
            hint = " (this looks like v2/v3 syntax)"
        elif i < n and name[i] == ":" and syn.version != "v1":
            hint = " (':' is v1 syntax)"
        else:
            hint = ""
        return FlavorNameError(name, i, f"'{syn.main}' between CPU and RAM; {got}{hint}")
    return FlavorNameError(name, i + 1, "the RAM size in GiB")


def _check_main(name: str, m: re.Match[str]) -> FlavorNameError | None:
    cpus_s = m["cpus"]
    if not cpus_s:
        return FlavorNameError(name, m.start("cpus"), "the number of CPUs (digits)")
    if int(cpus_s) == 0:
        return FlavorNameError(name, m.start("cpus"), "a positive number of CPUs, not 0")
    ram_s = m["ram"]
    at = m.start("ram")
    try:
        ram = float(ram_s)
    except ValueError:
        got = f"found {ram_s!r}" if ram_s else f"found {_next(name, at)}"
        return FlavorNameError(name, at, f"the RAM size in GiB (like 4 or 0.5); {got}")
    if not ram > 0:
        return FlavorNameError(name, at, "a positive RAM size, not 0")
    if not math.isfinite(2 * ram):
        return FlavorNameError(name, at, "a RAM size that fits a double (this one is too large)")
    if not (2 * ram).is_integer():
        return FlavorNameError(name, at, f"RAM in multiples of 0.5 GiB, not {ram_s}")
    return None


def _next(name: str, at: int) -> str:
    return repr(name[at]) if at < len(name) else "the end"


def _int_problem(name: str, m: re.Match[str], group: str, what: str) -> FlavorNameError | None:
    text = m[group]
    if not text:
        return None
    if int(text) == 0:
        return FlavorNameError(name, m.start(group), f"a positive {what}, not 0")
    return None


def _check_component(
    name: str, component: str, m: re.Match[str], syn: Syntax
) -> FlavorNameError | None:
    """The value checks of one optional component (its shape already matched)."""
    if component == "disk":
        err = _int_problem(name, m, "disk_count", "disk count") or _int_problem(
            name, m, "disk_size", "disk size"
        )
        if err:
            return err
        if m["disk_count"] and int(m["disk_count"]) > MAX_DISK_COUNT:
            return FlavorNameError(name, m.start("disk_count"), f"at most {MAX_DISK_COUNT} disks")
        return None
    if component == "cpu-brand":
        vendor = CPU_VENDORS[m["cpu_vendor"]]
        gen = m["cpu_gen"]
        if gen and int(gen) >= len(vendor.generations):
            gens = " ".join(str(g) for g in range(len(vendor.generations)))
            return FlavorNameError(
                name, m.start("cpu_gen"), f"a generation of {vendor.name} CPUs, one of {gens}"
            )
        if len(m["cpu_freq"]) > 3:
            return FlavorNameError(
                name, m.start("cpu_freq") + 3, "at most 'hhh' after the CPU brand"
            )
        return None
    if component == "gpu":
        gvendor = GPU_VENDORS[m["gpu_vendor"]]
        if m["gpu_gen"] not in _GPU_GENS[m["gpu_vendor"]]:
            return FlavorNameError(
                name,
                m.start("gpu_gen"),
                f"a generation of {gvendor.name} GPUs, one of {' '.join(gvendor.generations)}"
                f" (or none); found {m['gpu_gen']!r}",
            )
        err = _int_problem(name, m, "gpu_cu", f"number of {gvendor.unit}") or _int_problem(
            name, m, "gpu_vram", "VRAM size"
        )
        if err:
            return err
        if len(m["gpu_freq"]) > 2:
            return FlavorNameError(name, m.start("gpu_freq") + 2, "at most 'hh' after the GPU")
        if len(m["gpu_bw"]) > 2:
            return FlavorNameError(name, m.start("gpu_bw") + 2, "at most 'hh' after the VRAM")
    return None


def _diagnose_leftover(
    name: str,
    pos: int,
    last: str,
    syn: Syntax,
    steps: tuple[tuple[str, re.Pattern[str]], ...],
) -> FlavorNameError:
    """Characters are left over at ``pos`` after the last component that matched."""
    rest = name[pos:]
    names = [c for c, _ in steps]
    if last == "cpu-ram" and rest[:1] in ("u", "o") and name[pos - 1] in "uo":
        return FlavorNameError(name, pos - 1, "RAM flags must be 'u' then 'o', each at most once")
    # an extension that exists but is out of order or repeated
    for component, pattern in steps[1:]:
        if pattern.match(name, pos) and names.index(component) <= names.index(last):
            return FlavorNameError(
                name,
                pos,
                f"{_COMPONENT_TEXT[component]} cannot come here: each part at most once, "
                f"in the order {_ORDER_TEXT}",
            )
    if syn.version == "v1" and rest.startswith(syn.ext + "chy"):
        return FlavorNameError(name, pos, "a v1 hypervisor; v1 syntax has no 'chy' (use v3)")
    if rest[:1].isspace() or not rest[:1].isprintable():
        return FlavorNameError(name, pos, f"the end of the name; found {rest[:1]!r}")
    if rest[:1] == syn.main and last != "cpu-ram":
        if last == "disk":
            return FlavorNameError(name, pos, "one disk part only, or an extension after it")
        return FlavorNameError(
            name, pos, f"'{syn.ext}' before an extension (the disk part comes before them)"
        )
    if rest[:1] == syn.ext:
        ext = re.split(rf"{re.escape(syn.ext)}|{re.escape(syn.main)}", rest[1:], maxsplit=1)[0]
        return FlavorNameError(
            name,
            pos,
            f"a known extension (hypervisor {'|'.join(syn.hypervisors)}, hwv, "
            f"CPU brand {'|'.join(CPU_VENDORS)}, GPU g|G, ib, in that order); "
            f"found {syn.ext + ext!r}",
        )
    follow = "the disk part, an extension or the end" if last == "cpu-ram" else "the end"
    if last == "disk" and rest[:1] in (".", ","):
        follow = "the end of the disk size: disk sizes are whole GB, no fractions"
    elif last == "disk" and rest[:1].isdigit():
        follow = "a whole number of GB (no fractions), a disk type letter n|h|s|p, or the end"
    elif last == "disk" and rest[:1].isalpha():
        follow = f"a disk type letter, one of {' '.join(DISK_TYPES)}, an extension or the end"
    elif last == "cpu-ram" and not rest[:1].isdigit():
        follow = f"'{syn.main}' for the disk part, '{syn.ext}' for an extension, or the end"
    return FlavorNameError(name, pos, f"{follow}; found {rest[:12]!r}")


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


def is_scs_name(name: str) -> bool:
    """True if ``name`` claims to be an SCS flavor name (starts with ``SCS-``, case-sensitive)."""
    return name.startswith(PREFIX)


def parse(name: str, syntax: str = "v3") -> FlavorName:
    """Parse ``name`` in one syntax ("v1", "v2" or "v3"; v2 and v3 share one syntax).

    Raises :class:`FlavorNameError` (also for a name without the ``SCS-`` prefix).
    """
    full = _FULL.get(syntax)
    if full is None:
        raise ValueError(f"syntax must be one of {', '.join(VERSIONS)}, not {syntax!r}")
    f = _scan(name, full)
    if f is None:
        raise _diagnose(name, syntax)
    return f


def parse_tolerant(name: str) -> tuple[FlavorName, str]:
    """Parse like the scs-0100 check: v3 first, then v1 (tolerated); return the syntax used.

    If neither parses, the error explains the v1 attempt for a name with ':' (only v1 syntax
    uses it), else the v3 attempt.
    """
    f = _scan(name, _FULL_V3)
    if f is not None:
        return f, "v3"
    f = _scan(name, _FULL_V1)
    if f is not None:
        return f, "v1"
    raise _diagnose(name, "v1" if ":" in name else "v3")


def reference_misreads(f: FlavorName) -> bool:
    """True for a name the official reference parser rejects although the standard allows it:
    a GPU without CU count (nor ``h``) right before ``_ib`` (docs/flavor-naming.md, deviation
    1; the official ``scs-0100-syntax-check`` FAILs such a flavor until that is fixed)."""
    return f.has_gpu and f.ib and f.gpu_cu is None and f.gpu_freq == 0


def check_name(name: str) -> Verdict:
    """The scs-0100 syntax-check verdict for one flavor name.

    ``ignored`` (not an SCS name), ``pass`` (valid v3), ``tolerated`` (only valid in the
    deprecated v1 syntax) or ``fail``.  A v3-valid name never contains ':' and a v1-valid name
    always does, so one pattern decides.
    """
    if not name.startswith(PREFIX):
        return "ignored"
    # the checks of _scan with a leaner pattern, inlined: the hot path of a conformance run
    verdict: Verdict
    if ":" in name:
        m, verdict = _CHECK_V1(name), "tolerated"
    else:
        m, verdict = _CHECK_V3(name), "pass"
    if m is None:
        return "fail"
    if m.lastindex is not None:  # an unusual RAM size or a 4+ digit disk count
        ram = m.group(1)
        if ram is not None:
            try:
                ram2 = float(ram) * 2
            except ValueError:
                return "fail"
            if not ram2 > 0 or ram2 == math.inf or not ram2.is_integer():
                return "fail"
        count = m.group(2)
        if count is not None and int(count) > MAX_DISK_COUNT:
            return "fail"
    if len(name) > MAX_DIGITS and _LONG_NUMBER(name):
        return "fail"
    return verdict


def classify(name: str) -> tuple[Verdict, FlavorName | None]:
    """The check verdict and the parsed name in one pass, without exceptions.

    What a conformance run needs for every flavor: ``("pass", f)``, ``("tolerated", f)``
    (parsed as v1), ``("fail", None)`` or ``("ignored", None)``.  Use :func:`parse_tolerant`
    to learn why a name fails.
    """
    if not name.startswith(PREFIX):
        return "ignored", None
    if ":" in name:
        f = _scan(name, _FULL_V1)
        return ("fail", None) if f is None else ("tolerated", f)
    f = _scan(name, _FULL_V3)
    return ("fail", None) if f is None else ("pass", f)


def _num(value: float) -> str:
    """RAM as the name writes it: 4.0 -> '4', 0.5 -> '0.5'."""
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def _render(f: FlavorName, syn: Syntax) -> str:
    """Write ``f`` with the separators of ``syn`` (no checks; see :func:`format_name`)."""
    m, e = syn.main, syn.ext
    parts = [PREFIX, str(f.cpus), f.cpu_type]
    if f.insecure:
        parts.append("i")
    parts += (m, _num(f.ram))
    if f.ram_ecc_off:
        parts.append("u")
    if f.ram_oversubscribed:
        parts.append("o")
    if f.has_disk_part:
        parts.append(m)
        if f.disk_count != 1:
            parts += (str(f.disk_count), "x")
        if f.disk:
            parts.append(str(f.disk))
        if f.disk_type:
            parts.append(f.disk_type)
    if f.hypervisor:
        parts += (e, f.hypervisor)
    if f.hwv:
        parts += (e, "hwv")
    if f.cpu_vendor:
        parts += (e, f.cpu_vendor)
        if f.cpu_gen:
            parts.append(str(f.cpu_gen))
        parts.append("h" * f.cpu_freq)
    if f.gpu_type:
        parts += (e, f.gpu_type, f.gpu_vendor or "", f.gpu_gen)
        if f.gpu_cu:
            parts += (m, str(f.gpu_cu))
        parts.append("h" * f.gpu_freq)
        if f.gpu_vram:
            parts += (m, str(f.gpu_vram))
        parts.append("h" * f.gpu_bandwidth)
    if f.ib:
        parts += (e, "ib")
    return "".join(parts)


def format_name(f: FlavorName, syntax: str = "v2") -> str:
    """The canonical name of ``f`` in ``syntax`` ("v2"/"v3" or "v1").

    v1 syntax cannot express the Cloud Hypervisor (``chy``): that raises FlavorNameError.
    """
    syn = SYNTAXES.get(syntax)
    if syn is None:
        raise ValueError(f"syntax must be one of {', '.join(VERSIONS)}, not {syntax!r}")
    if f.hypervisor and f.hypervisor not in syn.hypervisors:
        v2 = _render(f, SYNTAXES["v2"])
        return _raise_no_v1(v2, f.hypervisor)
    return _render(f, syn)


def _raise_no_v1(v2: str, hypervisor: str) -> str:
    at = v2.index("_" + hypervisor)
    raise FlavorNameError(
        v2, at, f"a hypervisor that v1 syntax knows; '{hypervisor}' exists only since v3"
    )


def shorten(f: FlavorName) -> FlavorName:
    """The short name the standard recommends offering too (reference ``shorten()``).

    Drops the hypervisor, ``_hwv``, an Intel/AMD CPU brand (an ARM/RISC-V brand stays, without
    generation and frequency, because it names the architecture) and the GPU ``h`` modifiers.
    """
    keep_brand = f.cpu_vendor is not None and f.cpu_vendor not in ("i", "z")
    d = {fl.name: getattr(f, fl.name) for fl in fields(f)}
    d.update(
        hypervisor=None,
        hwv=False,
        cpu_vendor=f.cpu_vendor if keep_brand else None,
        cpu_gen=None,
        cpu_freq=0,
        gpu_freq=0,
        gpu_bandwidth=0,
    )
    return FlavorName(**d)


def convert(name: str, to: str = "v1") -> str:
    """Rewrite a valid name (either syntax) in syntax ``to`` ("v1" or "v2"/"v3"), canonically."""
    f, _ = parse_tolerant(name)
    return format_name(f, to)


def describe(f: FlavorName) -> str:
    """Readable English, e.g. '2 shared vCPUs, 8 GiB RAM, 20 GB local SSD'."""
    ctype = CPU_TYPES[f.cpu_type]
    cpu = f"{f.cpus} {ctype.singular if f.cpus == 1 else ctype.plural}"
    if f.insecure:
        cpu += " (insecure: SMT on or security fixes not current)"
    parts = [cpu]
    if f.cpu_vendor:
        vendor = CPU_VENDORS[f.cpu_vendor]
        brand = f"{vendor.name} CPU"
        if f.cpu_gen:
            brand = f"{vendor.name} {vendor.generations[f.cpu_gen]} CPU"
        if f.cpu_freq:
            brand += f" ({CPU_FREQ[f.cpu_freq]})"
        parts.append(brand)
    ram = f"{_num(f.ram)} GiB RAM"
    flags = [
        t for t, on in (("no ECC", f.ram_ecc_off), ("oversubscribed", f.ram_oversubscribed)) if on
    ]
    if flags:
        ram += f" ({', '.join(flags)})"
    parts.append(ram)
    parts.append(_describe_disk(f))
    if f.hypervisor:
        parts.append("bare metal" if f.hypervisor == "bms" else f"on {HYPERVISORS[f.hypervisor]}")
    if f.hwv:
        parts.append("nested virtualisation")
    if f.gpu_type and f.gpu_vendor:
        parts.append(_describe_gpu(f))
    if f.ib:
        parts.append("InfiniBand")
    return ", ".join(parts)


def _describe_disk(f: FlavorName) -> str:
    if not f.has_disk_part:
        return "no root disk (boot from volume)"
    kind = DISK_TYPES[f.disk_type][1] if f.disk_type else "disk"
    count = f"{f.disk_count} × " if f.disk_count != 1 else ""
    if f.disk is None:
        size = "cloud-sized "
        return f"{count}{size}{kind}" if kind != "disk" else f"{count}cloud-sized root disk"
    return f"{count}{f.disk} GB {kind}"


def _describe_gpu(f: FlavorName) -> str:
    vendor = GPU_VENDORS[f.gpu_vendor or ""]
    gen = f" {vendor.generations[f.gpu_gen]}" if f.gpu_gen else ""
    if f.gpu_type == "G":
        text = f"pass-through {vendor.name}{gen} GPU"
    else:
        text = f"{vendor.name}{gen} vGPU"
    details = []
    if f.gpu_cu:
        details.append(f"{f.gpu_cu} {vendor.unit}")
    if f.gpu_freq:
        details.append(GPU_FREQ[f.gpu_freq])
    if f.gpu_vram:
        bandwidth = f"{GPU_BANDWIDTH[f.gpu_bandwidth]} " if f.gpu_bandwidth else ""
        details.append(f"{f.gpu_vram} GiB {bandwidth}VRAM")
    return f"{text} ({', '.join(details)})" if details else text


def _names(f: FlavorName) -> list[str]:
    """All name variants, as the reference numbers them: longest first, v1 before v2."""
    v1, v2 = SYNTAXES["v1"], SYNTAXES["v2"]
    short = shorten(f)
    variants = {
        (_render(f, v1), "v1"),
        (_render(f, v2), "v2"),
        (_render(short, v1), "v1"),
        (_render(short, v2), "v2"),
    }
    return [n for n, _ in sorted(variants, key=lambda item: (-len(item[0]), item[1]))]


def flavor_dict(f: FlavorName) -> dict[str, Any]:
    """What a flavor with this name must offer, exactly as the reference flavorname_to_dict.

    ``cpus``, ``scs:cpu-type``, ``ram`` (float GiB), with a disk part ``disk`` (GB or None) and
    ``scs:diskN-type`` for every disk (``network`` if the name leaves the type open), then
    ``scs:name-vN`` for every name variant (N counts variants, not syntax versions).
    """
    result: dict[str, Any] = {
        "cpus": f.cpus,
        "scs:cpu-type": CPU_TYPES[f.cpu_type].spec,
        "ram": f.ram,
    }
    if f.has_disk_part:
        result["disk"] = f.disk
        spec = DISK_TYPES[f.disk_type][0] if f.disk_type else DEFAULT_DISK_SPEC
        for i in range(f.disk_count):
            result[f"scs:disk{i}-type"] = spec
    for i, variant in enumerate(_names(f), start=1):
        result[f"scs:name-v{i}"] = variant
    return result


def extra_specs(f: FlavorName) -> dict[str, str]:
    """The ``scs:*`` extra specs a Nova flavor with this name must carry (scs-0103)."""
    return {k: str(v) for k, v in flavor_dict(f).items() if k.startswith("scs:")}
