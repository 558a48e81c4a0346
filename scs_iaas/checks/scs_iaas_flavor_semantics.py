"""Flavor semantics deeper than the official suite (which checks only vCPU/RAM/disk, issue #554):

- ``scs-iaas-flavor-cpu-policy``: a ``C``/``T`` name promises dedicated CPUs, so the flavor
  must pin them (``hw:cpu_policy=dedicated``; ``C`` also ``hw:cpu_thread_policy=isolate``).
- ``scs-iaas-flavor-extra-specs``: every ``scs:*`` extra spec on any flavor has a valid value
  (scs-0103 v1.1 generic semantics) and does not promise less than the name says.
- ``scs-iaas-flavor-hwv``: an ``_hwv`` name asks the scheduler for a host with VMX/SVM.
"""

from __future__ import annotations

import scs_iaas.standards.flavors as std
from scs_iaas.checks.base import Check, Context, std_url
from scs_iaas.model.findings import Finding, Test
from scs_iaas.standards import flavor_names as fn

URL0100 = std_url("scs-0100-v3-flavor-naming")
URL0103 = std_url("scs-0103-v1-standard-flavors")
CPU_POLICY = Test(
    "scs-iaas-flavor-cpu-policy",
    "scs-0100",
    "v3",
    "C/T flavors pin their CPUs",
    "openstack flavor set --property hw:cpu_policy=dedicated FLAVOR",
    URL0100,
)
EXTRA_SPECS = Test(
    "scs-iaas-flavor-extra-specs",
    "scs-0103",
    "v1",
    "scs:* extra specs are valid and agree with the name",
    "scs-iaas manage flavors --apply (fixes standard flavors) or correct the extra spec by hand",
    URL0103,
)
HWV = Test(
    "scs-iaas-flavor-hwv",
    "scs-0100",
    "v3",
    "_hwv flavors land on hosts with hardware virtualization",
    "openstack flavor set --property trait:HW_CPU_X86_VMX=required FLAVOR (or HW_CPU_X86_SVM "
    "on AMD)",
    URL0100,
)


def run(ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    for flavor in ctx.snapshot.flavors:
        res = f"flavor {flavor.name}"
        parsed = None
        if fn.is_scs_name(flavor.name):
            try:
                parsed, _ = fn.parse_tolerant(flavor.name)
            except fn.FlavorNameError:
                parsed = None  # scs-0100-syntax-check reports it
        has_scs = any(k.startswith("scs:") for k in flavor.extra_specs)
        if has_scs or parsed:
            problems = [f"{k}: {p}" for k, p in std.scs_spec_problems(flavor.extra_specs, parsed)]
            out.append(
                EXTRA_SPECS.failed("; ".join(problems), res)
                if problems
                else EXTRA_SPECS.passed("scs:* extra specs valid", res)
            )
        if parsed is None:
            continue
        specs = flavor.extra_specs
        if parsed.cpu_type in ("C", "T"):
            policy = specs.get("hw:cpu_policy")
            if policy != "dedicated":
                out.append(
                    CPU_POLICY.failed(
                        f"name promises {fn.CPU_TYPES[parsed.cpu_type].plural} but "
                        f"hw:cpu_policy={policy or 'unset'}",
                        res,
                    )
                )
            elif parsed.cpu_type == "C" and specs.get("hw:cpu_thread_policy") != "isolate":
                out.append(
                    CPU_POLICY.warned(
                        "dedicated cores, but hw:cpu_thread_policy is not 'isolate': a sibling "
                        "thread may be given to another guest",
                        res,
                        fix=f"openstack flavor set --property hw:cpu_thread_policy=isolate {flavor.name}",
                    )
                )
            else:
                out.append(CPU_POLICY.passed("CPUs pinned", res))
        if parsed.hwv:
            traits = [
                k for k, v in specs.items() if k.startswith("trait:HW_CPU_X86_") and v == "required"
            ]
            if any(t.endswith(("_VMX", "_SVM")) for t in traits):
                out.append(HWV.passed("requires a VMX/SVM host trait", res))
            else:
                out.append(
                    HWV.warned(
                        "no trait:HW_CPU_X86_VMX/SVM=required: may land on a host without nested virtualization",
                        res,
                    )
                )
    return out


CHECK = Check(
    name="scs-iaas flavor semantics",
    tests=[CPU_POLICY, EXTRA_SPECS, HWV],
    needs=frozenset({"flavors"}),
    run=run,
)
