"""scs-0116 key manager: present in the catalog; usable by a plain member."""

from __future__ import annotations

from scs_iaas.checks.base import Check, Context, std_url
from scs_iaas.model.findings import Finding, Test

URL = std_url("scs-0116-v1-key-manager-standard")
PRESENCE = Test(
    "scs-0116-presence",
    "scs-0116",
    "v1",
    "a key manager (Barbican) is in the catalog",
    "deploy Barbican and register it with service type 'key-manager'",
    URL,
)
PERMISSIONS = Test(
    "scs-0116-permissions",
    "scs-0116",
    "v1",
    "a member can create, read and delete a secret",
    "grant the 'member' role the Barbican creator rights (policy secret:post, secret:get, "
    "secret:delete), see scs-0116",
    URL,
)
PROBE = "secret"  # cloud/probes.py: a member's secret round trip


def run(ctx: Context) -> list[Finding]:
    has_km = ctx.snapshot.has_service("key-manager")
    out = [
        PRESENCE.passed("key-manager in the catalog", "catalog")
        if has_km
        else PRESENCE.failed("no key-manager service in the catalog", "catalog")
    ]
    probe = ctx.snapshot.probes.get(PROBE)
    if not has_km:
        out.append(
            PERMISSIONS.passed("no key manager: nothing a member could be denied", "catalog")
        )
    elif not ctx.wants(PERMISSIONS.id):
        pass  # not asked for: no secret is created
    elif probe is None:
        out.append(PERMISSIONS.skipped("needs --with-resources (creates and deletes a secret)"))
    elif probe.ok:
        out.append(PERMISSIONS.passed(probe.reason, probe.resource))
    else:
        out.append(PERMISSIONS.failed(probe.reason, probe.resource))
    return out


CHECK = Check(
    name="scs-0116 key manager",
    tests=[PRESENCE, PERMISSIONS],
    needs=frozenset(),
    run=run,
    probes={PERMISSIONS.id: PROBE},
)
