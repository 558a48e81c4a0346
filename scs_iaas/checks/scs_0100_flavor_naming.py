"""scs-0100 flavor naming: every ``SCS-`` flavor name parses (v3; v1/v2 tolerated) and the
flavor delivers at least what its name promises (vCPUs, RAM, root disk)."""

from __future__ import annotations

from scs_iaas.checks.base import Check, Context, std_url
from scs_iaas.model.findings import Finding, Test
from scs_iaas.standards import flavor_names as fn

URL = std_url("scs-0100-v3-flavor-naming")
SYNTAX = Test(
    "scs-0100-syntax-check",
    "scs-0100",
    "v3",
    "every SCS- flavor name is valid",
    "rename the flavor to a valid name (`scs-iaas flavor-name parse NAME` shows where it breaks)",
    URL,
)
SEMANTICS = Test(
    "scs-0100-semantics-check",
    "scs-0100",
    "v3",
    "every SCS- flavor delivers at least what its name promises",
    "recreate the flavor with the sizes of its name (`scs-iaas manage flavors --replace`) or rename it",
    URL,
)


# outside the certificate: the official checker's own parser disagrees with the standard here
OFFICIAL_PARSER = Test(
    "scs-iaas-0100-official-parser",
    "scs-0100",
    "v3",
    "no valid SCS- name that the official checker's parser rejects",
    "add the GPU's compute-unit count before _ib (or drop _ib), which both parsers accept",
    "docs/flavor-naming.md",
)


def ram_gib_as_checked(ram_mib: int) -> float:
    """RAM in GiB as the official semantics check rounds it: down to 0.1 GiB, with 51 MiB
    of slack (a flavor of 3994 MiB still counts as 3.9 GiB)."""
    return int((ram_mib + 51) / 102.4) / 10


def run(ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    scs = [f for f in ctx.snapshot.flavors if fn.is_scs_name(f.name)]
    if not scs:
        return [
            SYNTAX.passed("no flavor named SCS-…: nothing to check", "flavors"),
            SEMANTICS.passed("no flavor named SCS-…: nothing to check", "flavors"),
            OFFICIAL_PARSER.passed("no flavor named SCS-…: nothing to check", "flavors"),
        ]
    for flavor in scs:
        res = f"flavor {flavor.name}"
        try:
            parsed, syntax = fn.parse_tolerant(flavor.name)
        except fn.FlavorNameError as exc:
            out.append(SYNTAX.failed(str(exc), res))
            continue
        if fn.reference_misreads(parsed):
            out.append(
                OFFICIAL_PARSER.warned(
                    "valid, but the official checker reports scs-0100-syntax-check FAIL for it "
                    "until its parser is fixed upstream: it reads the GPU generation into _ib "
                    "when no CU count follows",
                    res,
                    fix=f"rename it with the GPU's CU count, e.g. {flavor.name[:-3]}-<CUs>_ib, "
                    "which both parsers accept",
                )
            )
        if syntax == "v3":
            out.append(SYNTAX.passed("valid v3 name", res))
        else:
            v2 = fn.format_name(parsed, "v2")
            out.append(
                SYNTAX.warned(
                    f"{syntax} syntax is merely tolerated (deprecated)",
                    res,
                    fix=f"offer the flavor as {v2} (v1/v2 names are deprecated)",
                )
            )
        problems = []
        if flavor.vcpus < parsed.cpus:
            problems.append(f"{flavor.vcpus} vCPUs < {parsed.cpus} promised")
        ram = ram_gib_as_checked(flavor.ram)
        if ram < parsed.ram:
            problems.append(f"{flavor.ram} MiB RAM (= {ram} GiB) < {parsed.ram:g} GiB promised")
        disk = parsed.disk or 0
        if flavor.disk < disk:
            problems.append(f"{flavor.disk} GB root disk < {disk} GB promised")
        if problems:
            out.append(SEMANTICS.failed("; ".join(problems), res))
        else:
            out.append(SEMANTICS.passed("sizes meet the name", res))
    if not any(f.id == OFFICIAL_PARSER.id for f in out):
        out.append(OFFICIAL_PARSER.passed("the official parser reads every name alike", "flavors"))
    return out


CHECK = Check(
    name="scs-0100 flavor naming",
    tests=[SYNTAX, SEMANTICS, OFFICIAL_PARSER],
    needs=frozenset({"flavors"}),
    run=run,
)
