"""scs-0115 default security-group rules: no ingress but same-group traffic in the default SG,
egress for IPv4 and IPv6 everywhere."""

from __future__ import annotations

from scs_iaas.checks.base import Check, Context, Test, std_url
from scs_iaas.findings import Finding

TEST = Test(
    "scs-0115-default-rules",
    "scs-0115",
    "v1",
    "default security-group rules allow no ingress except from the same group",
    "openstack default security group rule delete <rule-id> (keep ingress only with "
    "--remote-group PARENT for the default SG) and add egress IPv4/IPv6 rules",
    std_url("scs-0115-v1-default-rules-for-security-groups"),
)


def run(ctx: Context) -> list[Finding]:
    rules = ctx.snapshot.default_sg_rules
    problems: list[str] = []
    for r in rules:
        if r.direction != "ingress":
            continue
        same_group = r.remote_group_id == "PARENT" and not r.remote_ip_prefix
        if not same_group:
            src = r.remote_ip_prefix or r.remote_group_id or r.remote_address_group_id or "any"
            problems.append(f"rule {r.id}: ingress {r.ethertype} from {src}")
        elif r.used_in_non_default_sg:
            problems.append(f"rule {r.id}: same-group ingress also used in custom security groups")
    for scope, attr in (("default", "used_in_default_sg"), ("custom", "used_in_non_default_sg")):
        for ethertype in ("IPv4", "IPv6"):
            ok = any(
                r.direction == "egress"
                and r.ethertype == ethertype
                and getattr(r, attr)
                and not r.remote_ip_prefix
                and not r.remote_group_id
                and not r.protocol
                for r in rules
            )
            if not ok:
                problems.append(f"no {ethertype} egress rule for {scope} security groups")
    if problems:
        return [TEST.failed("; ".join(problems), "default security-group rules")]
    return [TEST.passed(f"{len(rules)} default rules conform", "default security-group rules")]


CHECK = Check(
    name="scs-0115 default security groups",
    tests=[TEST],
    needs=frozenset({"default_sg_rules"}),
    run=run,
)
