"""scs-0121 v1 "Standard": with more than one storage availability zone, attaching a volume
of one storage AZ to a server of another compute AZ (cross-attach) SHOULD NOT be possible.

Nova decides it with ``[cinder] cross_az_attach`` (default True: allowed), read by nova-api
when a server boots from a volume and by nova-compute when a volume is attached; judged on
every node that runs either. Whether the cloud has more than one storage AZ is not visible on a
node, so an allowed cross-attach is a WARN (a SHOULD NOT), never a FAIL.
"""

from __future__ import annotations

from scs_iaas.checks.base import Check, Context, std_url
from scs_iaas.checks.host_config import default_note, unreadable, where
from scs_iaas.host.config import ConfigFacts
from scs_iaas.model.findings import Finding, Test

CROSS_AZ = Test(
    "scs-iaas-host-cross-az-attach",
    "scs-0121",
    "v1",
    "volumes cannot be attached across availability zones",
    "nova.conf [cinder] cross_az_attach = False on every nova-api and nova-compute node",
    std_url("scs-0121-v1-Availability-Zones-Standard"),
)


def check(facts: ConfigFacts) -> list[Finding]:
    out = []
    for name in ("nova-api", "nova-compute"):
        svc = facts.services.get(name)
        if svc is None:
            continue
        bad = unreadable(CROSS_AZ, svc)
        if bad is not None:
            out.append(bad)
            continue
        conf = svc.ini()
        value = conf.get_bool("cinder", "cross_az_attach") if conf else None
        setting = f"[cinder] cross_az_attach {default_note(value, True)}"
        if value is False:
            out.append(CROSS_AZ.passed(setting, where(svc)))
        else:
            out.append(
                CROSS_AZ.warned(f"{setting}: volumes attach across availability zones", where(svc))
            )
    return out


def run(ctx: Context) -> list[Finding]:
    assert ctx.host is not None and ctx.host.config is not None
    return check(ctx.host.config)


CHECK = Check(
    name="scs-0121 cross-AZ attach",
    tests=[CROSS_AZ],
    needs=frozenset({"host:config"}),
    run=run,
)
