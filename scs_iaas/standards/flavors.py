"""Standard flavor sets: scs-0103 v1 (standard text v1.2) and the scs-0110 SSD flavors.

Only the names and their status are written down here; vCPUs, RAM, disk and the ``scs:*``
extra specs are computed from the names through the flavor-name grammar
(:mod:`scs_iaas.standards.flavor_names`), exactly as the reference's ``compute_flavor_spec``
does -- so the sizes can never drift from the names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal

from scs_iaas.standards import flavor_names

STANDARD: Final = "scs-0103"
#: the scs-0103 document version (its latest text is "v1.2", Stable 2024-02-08; the 16
#: recommended flavors include the three added in December 2025)
VERSION: Final = "v1"
SSD_STANDARD: Final = "scs-0110"
SSD_VERSION: Final = "v1"

Status = Literal["mandatory", "recommended"]

# scs-0103-v1, "Standard SCS flavors": all x86-64, shared vCPUs (V) except the crowded 1L
_MANDATORY_NAMES: Final = (
    "SCS-1V-4",
    "SCS-2V-8",
    "SCS-4V-16",
    "SCS-8V-32",
    "SCS-1V-2",
    "SCS-2V-4",
    "SCS-4V-8",
    "SCS-8V-16",
    "SCS-16V-32",
    "SCS-1V-8",
    "SCS-2V-16",
    "SCS-4V-32",
    "SCS-1L-1",
    "SCS-2V-4-20s",
    "SCS-4V-16-100s",
)
# scs-0103-v1, recommended: the root-disk variants (disk type left open), then the large
# diskless flavors added in v1.2 (Dec 2025)
_RECOMMENDED_NAMES: Final = (
    "SCS-1V-4-10",
    "SCS-2V-8-20",
    "SCS-4V-16-50",
    "SCS-8V-32-100",
    "SCS-1V-2-5",
    "SCS-2V-4-10",
    "SCS-4V-8-20",
    "SCS-8V-16-50",
    "SCS-16V-32-100",
    "SCS-1V-8-20",
    "SCS-2V-16-50",
    "SCS-4V-32-100",
    "SCS-1L-1-5",
    "SCS-16V-64",
    "SCS-8V-64",
    "SCS-16V-128",
)
# scs-0110-v1: the two mandatory flavors with local SSD (>1000 sequential IOPS per VM,
# power-loss protection); their shape is checked through scs-0103
_SSD_NAMES: Final = ("SCS-2V-4-20s", "SCS-4V-16-100s")


@dataclass(frozen=True)
class StandardFlavor:
    """One standard flavor as a cloud must offer it.

    ``vcpus``, ``ram_mib`` (1024 × GiB) and ``disk_gb`` (``None`` = no root disk) must match
    exactly (scs-0103); ``extra_specs`` are the ``scs:*`` keys the scs-0103 test compares.
    """

    name: str
    status: Status
    vcpus: int
    ram_mib: int
    disk_gb: int | None
    extra_specs: Mapping[str, str]


def _derive(name: str, status: Status) -> StandardFlavor:
    parsed = flavor_names.parse(name)
    assert flavor_names.format_name(parsed) == name, f"{name} is not canonical"
    return StandardFlavor(
        name=name,
        status=status,
        vcpus=parsed.cpus,
        ram_mib=int(parsed.ram * 1024),
        disk_gb=parsed.disk,
        extra_specs=MappingProxyType(flavor_names.extra_specs(parsed)),
    )


MANDATORY: Final = tuple(_derive(n, "mandatory") for n in _MANDATORY_NAMES)
RECOMMENDED: Final = tuple(_derive(n, "recommended") for n in _RECOMMENDED_NAMES)
SSD_FLAVORS: Final = tuple(f for f in MANDATORY if f.name in _SSD_NAMES)


def standard_flavors(which: str = "all") -> tuple[StandardFlavor, ...]:
    """The scs-0103 flavors: "all" (mandatory first), "mandatory" or "recommended"."""
    if which == "all":
        return MANDATORY + RECOMMENDED
    if which == "mandatory":
        return MANDATORY
    if which == "recommended":
        return RECOMMENDED
    raise ValueError(f"which must be 'all', 'mandatory' or 'recommended', not {which!r}")


def test_id(flavor: StandardFlavor) -> str:
    """The scs-0103 test-case id of a flavor: ``scs-0103-flavor-2v-4-20s``."""
    return f"{STANDARD}-flavor-{flavor.name.removeprefix(flavor_names.PREFIX).lower()}"


test_id.__test__ = False  # type: ignore[attr-defined]  # not a pytest test despite its name


# -- scs-0103 v1.1 generic semantics of scs:* extra specs on ANY flavor --------------------

#: scs:cpu-type values, weakest promise first (a flavor may understate, never overstate)
CPU_TYPE_RANK: Final[Mapping[str, int]] = MappingProxyType(
    {"crowded-core": 0, "shared-core": 1, "dedicated-thread": 2, "dedicated-core": 3}
)
DISK_TYPE_VALUES: Final = frozenset({"network", "hdd", "ssd", "nvme"})
#: what scs:diskN-type may say when the name says this disk letter (NVMe may be sold as SSD)
DISK_TYPE_ALLOWED: Final[Mapping[str, frozenset[str]]] = MappingProxyType(
    {
        "n": frozenset({"network"}),
        "h": frozenset({"hdd", "ssd", "nvme"}),
        "s": frozenset({"ssd", "nvme"}),
        "p": frozenset({"nvme"}),
    }
)
_DISK_KEY: Final = re.compile(r"scs:disk(\d+)-type")
_NAME_KEY: Final = re.compile(r"scs:name-v\d+")


def scs_spec_problems(
    specs: Mapping[str, str], parsed: flavor_names.FlavorName | None = None
) -> list[tuple[str, str]]:
    """(key, problem) for every ``scs:*`` extra spec that has an invalid value or, given the
    parsed name, promises less than the name or contradicts it (scs-0103 v1.1: the semantics
    hold on any flavor that carries the keys; scs-0100: no invented ``scs:`` keys)."""
    problems: list[tuple[str, str]] = []
    for key, value in sorted(specs.items()):
        if not key.startswith("scs:"):
            continue
        if key == "scs:cpu-type":
            if value not in CPU_TYPE_RANK:
                problems.append((key, f"{value!r} is not one of {', '.join(CPU_TYPE_RANK)}"))
            elif parsed is not None:
                named = flavor_names.CPU_TYPES[parsed.cpu_type].spec
                if CPU_TYPE_RANK[value] < CPU_TYPE_RANK[named]:
                    problems.append((key, f"{value} promises less than the name's {named}"))
        elif m := _DISK_KEY.fullmatch(key):
            if value not in DISK_TYPE_VALUES:
                allowed = ", ".join(sorted(DISK_TYPE_VALUES))
                problems.append((key, f"{value!r} is not one of {allowed}"))
            elif (
                parsed is not None
                and parsed.disk_type
                and value not in DISK_TYPE_ALLOWED[parsed.disk_type]
            ):
                problems.append(
                    (key, f"{value} contradicts the name's disk type {parsed.disk_type!r}")
                )
            if parsed is not None and parsed.has_disk_part and int(m.group(1)) >= parsed.disk_count:
                problems.append((key, f"the name has {parsed.disk_count} disk(s)"))
        elif _NAME_KEY.fullmatch(key):
            try:
                flavor_names.parse_tolerant(value)
            except flavor_names.FlavorNameError as exc:
                problems.append((key, str(exc)))
        else:
            problems.append((key, "not an SCS extra spec (no invented scs: keys)"))
    return problems
