"""scs-0127 (draft) "DNS".

- "Default DNS servers": in OVS-based setups, ``dnsmasq_local_resolv`` of every Neutron DHCP
  agent MUST be disabled (the default is False) — judged on nodes running neutron-dhcp-agent
  (OVN has no DHCP agent, so nothing to judge there).
- "DNS Extensions": the ``dns-integration`` extension SHOULD be on, and with DNS-as-a-Service
  ``dns-domain-ports`` SHOULD be too. On neutron-server they come from ML2's
  ``extension_drivers``: ``dns`` gives dns-integration, ``dns_domain_ports`` gives both.

A draft standard: findings are WARN, never FAIL.
"""

from __future__ import annotations

from scs_iaas.checks.base import Check, Context, std_url
from scs_iaas.checks.host_config import default_note, unreadable, where
from scs_iaas.host.config import ConfigFacts
from scs_iaas.model.findings import Finding, Test
from scs_iaas.model.host_api import HostApiFacts

URL = std_url("scs-0127-v1-dns")
LOCAL_RESOLV = Test(
    "scs-iaas-host-dnsmasq-local-resolv",
    "scs-0127",
    "draft",
    "Neutron's DHCP agent does not hand out the host's resolvers",
    "dhcp_agent.ini [DEFAULT] dnsmasq_local_resolv = False, and dnsmasq_dns_servers = your "
    "DNSSEC-validating recursors",
    URL,
)
DNS_INTEGRATION = Test(
    "scs-iaas-host-dns-integration",
    "scs-0127",
    "draft",
    "the dns-integration extension is enabled",
    "ml2_conf.ini [ml2] extension_drivers: add dns (or dns_domain_ports)",
    URL,
)
DNS_DOMAIN_PORTS = Test(
    "scs-iaas-host-dns-domain-ports",
    "scs-0127",
    "draft",
    "the dns-domain-ports extension is enabled",
    "ml2_conf.ini [ml2] extension_drivers: add dns_domain_ports (instead of dns)",
    URL,
)


def _local_resolv(facts: ConfigFacts) -> list[Finding]:
    svc = facts.services.get("neutron-dhcp-agent")
    if svc is None:
        return []
    bad = unreadable(LOCAL_RESOLV, svc, "dhcp")
    if bad is not None:
        return [bad]
    conf = svc.ini("dhcp")
    value = conf.get_bool("DEFAULT", "dnsmasq_local_resolv") if conf else None
    setting = f"dnsmasq_local_resolv {default_note(value, False)}"
    if value:
        return [
            LOCAL_RESOLV.warned(
                f"{setting}: instances resolve through the host", where(svc, "dhcp")
            )
        ]
    return [LOCAL_RESOLV.passed(setting, where(svc, "dhcp"))]


def _extensions(facts: ConfigFacts) -> list[Finding]:
    svc = facts.services.get("neutron-server")
    if svc is None:
        return []
    bad = unreadable(DNS_INTEGRATION, svc, "ml2")
    if bad is not None:
        return [bad]
    conf = svc.ini("ml2")
    drivers = set((conf.get_list("ml2", "extension_drivers") if conf else None) or ())
    shown = f"extension_drivers = {', '.join(sorted(drivers)) or '(none)'}"
    res = where(svc, "ml2")
    integration = bool(drivers & {"dns", "dns_domain_ports", "dns_domain_keywords"})
    domain_ports = "dns_domain_ports" in drivers
    return [
        DNS_INTEGRATION.passed(shown, res)
        if integration
        else DNS_INTEGRATION.warned(f"{shown}: no dns-integration", res),
        DNS_DOMAIN_PORTS.passed(shown, res)
        if domain_ports
        else DNS_DOMAIN_PORTS.warned(f"{shown}: no dns-domain-ports", res),
    ]


def check(facts: ConfigFacts) -> list[Finding]:
    return [*_local_resolv(facts), *_extensions(facts)]


def check_api(api: HostApiFacts) -> list[Finding]:
    """The same two extensions as the network API lists them."""
    res = f"network API ({api.cloud})"
    if api.extensions is None:
        return [
            t.aborted(f"cannot list extensions: {api.extensions_error}", res)
            for t in (DNS_INTEGRATION, DNS_DOMAIN_PORTS)
        ]
    out = []
    for test, alias in (
        (DNS_INTEGRATION, "dns-integration"),
        (DNS_DOMAIN_PORTS, "dns-domain-ports"),
    ):
        if alias in api.extensions:
            out.append(test.passed(f"extension {alias} listed", res))
        else:
            out.append(test.warned(f"extension {alias} not listed", res))
    return out


def run(ctx: Context) -> list[Finding]:
    assert ctx.host is not None and ctx.host.config is not None
    return check(ctx.host.config)


CHECK = Check(
    name="scs-0127 DNS (provider side)",
    tests=[LOCAL_RESOLV, DNS_INTEGRATION, DNS_DOMAIN_PORTS],
    needs=frozenset({"host:config"}),
    run=run,
)
