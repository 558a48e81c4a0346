"""scs-0115 default security-group rules: no ingress but same-group traffic in the default SG,
egress for IPv4 and IPv6 everywhere."""

from __future__ import annotations

from collections.abc import Sequence

from scs_iaas.checks.base import Check, Context, std_url
from scs_iaas.model.findings import Finding, Test
from scs_iaas.model.snapshot import SecurityGroupRuleRec

TEST = Test(
    "scs-0115-default-rules",
    "scs-0115",
    "v1",
    "default security-group rules allow no ingress except from the same group",
    "openstack default security group rule delete <rule-id> (keep ingress only with "
    "--remote-group PARENT for the default SG) and add egress IPv4/IPv6 rules",
    std_url("scs-0115-v1-default-rules-for-security-groups"),
)


PROBE = "new_security_group"  # cloud/probes.py, only where the default-rules API is missing


def run(ctx: Context) -> list[Finding]:
    error = ctx.snapshot.errors.get("default_sg_rules")
    if error is None:
        return judge(ctx.snapshot.default_sg_rules, "default security-group rules")
    if not (error.unsupported and ctx.snapshot.has_service("network")):
        return [TEST.aborted(f"could not read the cloud: {error}")]
    # a Neutron without the default-rules API (before 2023.1): look at what a new group and the default group actually get
    probe = ctx.snapshot.probes.get(PROBE)
    if probe is None:
        return [TEST.aborted(f"{error}; --with-resources inspects a new security group instead")]
    if not probe.ok:
        return [TEST.aborted(probe.reason, probe.resource)]
    return judge(probe.rules, probe.reason)


def judge(rules: Sequence[SecurityGroupRuleRec], resource: str) -> list[Finding]:
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
        return [TEST.failed("; ".join(problems), resource)]
    return [TEST.passed(f"{len(rules)} rules conform", resource)]


CHECK = Check(
    name="scs-0115 default security groups",
    tests=[TEST],
    needs=frozenset({"default_sg_rules"}),
    run=run,
    probes={TEST.id: PROBE},
    tolerates=frozenset({"default_sg_rules"}),
)
