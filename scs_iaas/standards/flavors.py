"""Standard flavor sets: scs-0103 v1 (standard text v1.2) and the scs-0110 SSD flavors.

Only the names and their status are written down here; vCPUs, RAM, disk and the ``scs:*``
extra specs are computed from the names through the flavor-name grammar
(:mod:`scs_iaas.standards.flavor_names`), exactly as the reference's ``compute_flavor_spec``
does -- so the sizes can never drift from the names.
"""

from __future__ import annotations

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
