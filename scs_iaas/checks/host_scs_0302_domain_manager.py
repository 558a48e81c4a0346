"""scs-0302 v1 "Domain Manager": for Keystone 2024.2 or later, "the Identity API MUST be
configured with enforce_scope and enforce_new_defaults enabled for the oslo.policy library".

Judged on nodes that run Keystone. The options' defaults moved with the release: oslo.policy
4.4 (2024.2) made both True; before, both were False, and oslo.policy 4.5+ drops
``enforce_scope`` (always enforced). A node does not show which release runs in a container, so
an option left unset is a WARN ("set it explicitly"), an option set to False is a FAIL.
Whether the ``manager`` role exists is an API fact: the cloud check sees the role list.
"""

from __future__ import annotations

from scs_iaas.checks.base import Check, Context, std_url
from scs_iaas.checks.host_config import unreadable, where
from scs_iaas.host.config import ConfigFacts
from scs_iaas.model.findings import Finding, Test
from scs_iaas.model.host_api import HostApiFacts

POLICY = Test(
    "scs-iaas-host-keystone-policy-scope",
    "scs-0302",
    "v1",
    "Keystone enforces scope and the new default policies",
    "keystone.conf [oslo_policy] enforce_scope = True and enforce_new_defaults = True",
    std_url("scs-0302-v1-domain-manager-role"),
)
OPTIONS = ("enforce_scope", "enforce_new_defaults")


def check(facts: ConfigFacts) -> list[Finding]:
    svc = facts.services.get("keystone")
    if svc is None:
        return []
    bad = unreadable(POLICY, svc)
    if bad is not None:
        return [bad]
    conf = svc.ini()
    values = {o: (conf.get_bool("oslo_policy", o) if conf else None) for o in OPTIONS}
    off = [o for o, v in values.items() if v is False]
    unset = [o for o, v in values.items() if v is None]
    res = where(svc)
    if off:
        return [POLICY.failed(f"[oslo_policy] {' and '.join(off)} = False", res)]
    if unset:
        return [
            POLICY.warned(
                f"[oslo_policy] {' and '.join(unset)} not set: True by default only from "
                "2024.2 (oslo.policy 4.4) on",
                res,
            )
        ]
    return [POLICY.passed("[oslo_policy] enforce_scope = True, enforce_new_defaults = True", res)]


MANAGER_ROLE = Test(
    "scs-iaas-host-manager-role",
    "scs-0302",
    "v1",
    "a role named 'manager' exists in the identity service",
    "openstack role create manager (Keystone 2024.2+ bootstrap creates it)",
    std_url("scs-0302-v1-domain-manager-role"),
)


def check_api(api: HostApiFacts) -> list[Finding]:
    res = f"identity API ({api.cloud})"
    if api.roles is None:
        return [MANAGER_ROLE.aborted(f"cannot list roles: {api.roles_error}", res)]
    if "manager" in api.roles:
        return [MANAGER_ROLE.passed("role 'manager' exists", res)]
    return [MANAGER_ROLE.failed(f"no role 'manager' (roles: {', '.join(api.roles)})", res)]


def run(ctx: Context) -> list[Finding]:
    assert ctx.host is not None and ctx.host.config is not None
    return check(ctx.host.config)


CHECK = Check(
    name="scs-0302 Keystone policy scope",
    tests=[POLICY],
    needs=frozenset({"host:config"}),
    run=run,
)
