"""scs-0126 provider networks (draft): one default external network for floating IPs.

Draft standard: findings are WARN, never FAIL, and are outside the certificate scope.
"""

from __future__ import annotations

from scs_iaas.checks.base import Check, Context, std_url
from scs_iaas.model.findings import Finding, Test

TEST = Test(
    "scs-0126-default-external-network",
    "scs-0126",
    "draft",
    "exactly one external network is marked as the default",
    "openstack network set --default <external-network> (and --no-default on the others)",
    std_url("scs-0126-v1-provider-networks"),
)


def run(ctx: Context) -> list[Finding]:
    external = [n for n in ctx.snapshot.networks if n.is_router_external]
    default = [n for n in external if n.is_default]
    if len(default) == 1:
        return [
            TEST.passed(
                f"{default[0].name or default[0].id} is the default external network",
                f"network {default[0].name}",
            )
        ]
    if not external:
        return [TEST.warned("no external network visible: no floating IPs for tenants", "networks")]
    if not default:
        names = ", ".join(n.name or n.id for n in external)
        return [TEST.warned(f"external networks ({names}) but none is the default", "networks")]
    names = ", ".join(n.name or n.id for n in default)
    return [
        TEST.warned(f"{len(default)} external networks are marked default: {names}", "networks")
    ]


CHECK = Check(
    name="scs-0126 provider networks",
    tests=[TEST],
    needs=frozenset({"networks"}),
    run=run,
)
