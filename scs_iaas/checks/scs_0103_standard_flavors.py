"""scs-0103 standard flavors (and the scs-0110 SSD flavors): each exists with exactly the
sizes and ``scs:*`` extra specs the standard derives from its name."""

from __future__ import annotations

from collections.abc import Mapping

import scs_iaas.standards.flavors as std
from scs_iaas.checks.base import Check, Context, std_url
from scs_iaas.model.findings import Finding, Test
from scs_iaas.model.snapshot import FlavorRec

URL = std_url("scs-0103-v1-standard-flavors")


def _test(f: std.StandardFlavor) -> Test:
    which = "mandatory" if f.status == "mandatory" else "recommended"
    return Test(
        std.test_id(f),
        std.STANDARD,
        std.VERSION,
        f"{which} standard flavor {f.name}",
        f"scs-iaas manage flavors --set {which} --apply",
        URL,
    )


PAIRS = [(f, _test(f)) for f in std.standard_flavors("all")]
TESTS = [t for _, t in PAIRS]


def find(flavors: tuple[FlavorRec, ...], name: str) -> FlavorRec | None:
    """As the official test: by extra spec ``scs:name-v2`` first, then by name."""
    for f in flavors:
        if f.extra_specs.get("scs:name-v2") == name:
            return f
    for f in flavors:
        if f.name == name:
            return f
    return None


def differences(want: std.StandardFlavor, have: FlavorRec) -> list[str]:
    """What differs between a standard flavor and a flavor of the cloud (empty: conforms)."""
    out = []
    if have.vcpus != want.vcpus:
        out.append(f"vcpus {have.vcpus}, expected {want.vcpus}")
    if have.ram != want.ram_mib:
        out.append(f"ram {have.ram} MiB, expected {want.ram_mib}")
    disk = want.disk_gb or 0
    if have.disk != disk:
        out.append(f"disk {have.disk} GB, expected {disk}")
    out.extend(_spec_differences(want.extra_specs, have.extra_specs))
    return out


def _spec_differences(want: Mapping[str, str], have: Mapping[str, str]) -> list[str]:
    out = []
    for key, value in want.items():
        got = have.get(key)
        if got is None:
            out.append(f"missing {key}={value}")
        elif got != value:
            out.append(f"{key}={got}, expected {value}")
    return out


def run(ctx: Context) -> list[Finding]:
    out = []
    for want, test in PAIRS:
        have = find(ctx.snapshot.flavors, want.name)
        if have is None:
            out.append(test.failed(f"no flavor {want.name} (by scs:name-v2 or name)", want.name))
            continue
        res = f"flavor {have.name}"
        diffs = differences(want, have)
        if diffs:
            out.append(test.failed("; ".join(diffs), res))
        else:
            out.append(test.passed("sizes and scs:* extra specs as standardised", res))
    return out


CHECK = Check(
    name="scs-0103 standard flavors",
    tests=TESTS,
    needs=frozenset({"flavors"}),
    run=run,
)
