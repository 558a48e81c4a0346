"""scs-0125 (draft) "Secure Connections", the channels only the provider sees.

- "API Interfaces": internal endpoints are HTTPS — judged by the service URLs each service is
  configured to call (``auth_url``, ``www_authenticate_uri``, ``api_servers``, ``endpoint_override``
  …), which on an OSISM/Kolla cloud are the internal (and admin) endpoints.
- "Database Connections": every ``[database] connection`` (and nova's ``[api_database]``) has TLS
  (``ssl_ca`` … in the URL's query, PostgreSQL ``sslmode=require`` or stricter); a local socket or
  SQLite file is not a network connection.
- "Message Queue Connections": RabbitMQ with ``[oslo_messaging_rabbit] ssl = True`` (or
  ``?ssl=1`` in ``transport_url``), Kafka with an SSL ``security_protocol``.
- "Hypervisor and Live Migration Connections": live migration over QEMU-native TLS
  (``live_migration_with_native_tls``), ``qemu+tls`` or SSH; libvirtd's TCP port not open
  without authentication (``listen_tcp = 1`` with ``auth_tcp = "none"``).

A draft standard: findings are WARN, never FAIL (as in the cloud check of scs-0125).
"""

from __future__ import annotations

from urllib.parse import SplitResult, parse_qs, urlsplit

from scs_iaas.checks.base import Check, Context, std_url
from scs_iaas.checks.host_config import default_note, unreadable, where
from scs_iaas.host.config import ConfigFacts
from scs_iaas.host.ini import IniFile
from scs_iaas.host.services import BY_NAME, ServiceConf
from scs_iaas.model.findings import Finding, Test
from scs_iaas.model.host_api import HostApiFacts

URL = std_url("scs-0125-v1-secure-connections")
INTERNAL = Test(
    "scs-iaas-host-tls-internal-endpoints",
    "scs-0125",
    "draft",
    "services call each other's internal endpoints over HTTPS",
    "terminate TLS on the internal VIP (kolla_enable_tls_internal: yes) and register the "
    "internal and admin endpoints with https:// URLs",
    URL,
)
DATABASE = Test(
    "scs-iaas-host-tls-database",
    "scs-0125",
    "draft",
    "database connections use TLS",
    "enable TLS on the database server and add ?ssl_ca=<CA file> to every [database] connection "
    "(kolla: database_enable_tls_backend / database_enable_tls_internal: yes)",
    URL,
)
MESSAGING = Test(
    "scs-iaas-host-tls-messaging",
    "scs-0125",
    "draft",
    "RabbitMQ (or Kafka) connections use TLS",
    "enable TLS on RabbitMQ and set [oslo_messaging_rabbit] ssl = True (kolla: "
    "rabbitmq_enable_tls: yes)",
    URL,
)
MIGRATION = Test(
    "scs-iaas-host-tls-live-migration",
    "scs-0125",
    "draft",
    "live migration is encrypted (QEMU-native TLS or SSH)",
    "nova.conf [libvirt] live_migration_with_native_tls = True with libvirt TLS certificates "
    "(kolla: libvirt_tls: yes), or live_migration_scheme = ssh",
    URL,
)
LIBVIRT = Test(
    "scs-iaas-host-libvirt-listen",
    "scs-0125",
    "draft",
    "libvirtd's port is not open to the network without authentication",
    'libvirtd.conf: listen_tcp = 0 and listen_tls = 1, or auth_tcp = "sasl"; or bind '
    'listen_addr = "127.0.0.1" and migrate over SSH',
    URL,
)

# options whose value is another service's (internal) endpoint, in any section
ENDPOINT_OPTIONS = (
    "auth_url",
    "www_authenticate_uri",
    "auth_uri",
    "api_servers",
    "endpoint_override",
    "barbican_endpoint",
    "url",
)
DB_SECTIONS = ("database", "api_database", "placement_database")
NO_DB = frozenset({"nova-compute", "nova-libvirt", "neutron-dhcp-agent"})
TLS_QUERY = ("ssl_ca", "ssl_cert", "ssl", "ssl_verify_cert", "tls")
PG_TLS_MODES = ("require", "verify-ca", "verify-full")


def _host(url: str) -> str:
    """The URL without userinfo (never a password), path or query."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{_port_of(parts)}" if _port_of(parts) else ""
    return f"{parts.scheme}://{host}{port}"


def _port_of(parts: SplitResult) -> int | None:
    """The URL's port; None when absent or not a number (a typo must not crash the check)."""
    try:
        return parts.port
    except ValueError:
        return None


def _ini_services(facts: ConfigFacts) -> list[tuple[ServiceConf, str, IniFile]]:
    out = []
    for svc in facts.services.services.values():
        for role in svc.paths:
            conf = svc.ini(role)
            if conf is not None:
                out.append((svc, role, conf))
    return out


def _internal(facts: ConfigFacts) -> list[Finding]:
    out = []
    for svc, role, conf in _ini_services(facts):
        plain: dict[str, list[str]] = {}
        https = 0
        for (section, option), value in sorted(conf.values.items()):
            if option not in ENDPOINT_OPTIONS or (option == "url" and section != "neutron"):
                continue
            for url in value.split(","):
                url = url.strip()
                scheme = urlsplit(url).scheme.lower()
                if scheme == "http":
                    plain.setdefault(_host(url), []).append(f"[{section}] {option}")
                elif scheme == "https":
                    https += 1
        res = where(svc, role)
        if plain:
            listed = "; ".join(
                f"{host} ({', '.join(opts)})" for host, opts in sorted(plain.items())
            )
            out.append(INTERNAL.warned(f"plain HTTP to internal endpoints: {listed}", res))
        elif https:
            out.append(INTERNAL.passed(f"{https} endpoint URL(s), all https://", res))
    for svc in facts.services.services.values():
        if BY_NAME[svc.service].kind != "ini":
            continue  # libvirt's files name no endpoints
        for role in svc.errors:
            out.append(INTERNAL.aborted(svc.errors[role], where(svc, role)))
    return out


def judge_db_url(url: str) -> tuple[bool, str]:
    """(TLS or not networked, why) for an SQLAlchemy URL; never returns the password."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    query = {k.lower(): v for k, v in parse_qs(parts.query).items()}
    shown = f"{scheme}://{parts.hostname or ''}"
    if scheme.startswith("sqlite"):
        return True, f"{scheme}: a local file, no network"
    if "unix_socket" in query or (scheme.startswith("postgresql") and not parts.hostname):
        return True, f"{shown} over a local socket"
    if scheme.startswith("postgresql"):
        mode = (query.get("sslmode") or [""])[0]
        if mode in PG_TLS_MODES:
            return True, f"{shown} with sslmode={mode}"
        return False, f"{shown} without sslmode=require (sslmode={mode or 'prefer, the default'})"
    found = [k for k in TLS_QUERY if k in query]
    if found:
        return True, f"{shown} with {', '.join(found)}"
    return False, f"{shown} without ssl_ca (plain TCP)"


def _database(facts: ConfigFacts) -> list[Finding]:
    out = []
    for svc in facts.services.services.values():
        if svc.service in NO_DB or "conf" not in svc.paths:
            continue
        bad = unreadable(DATABASE, svc)
        if bad is not None:
            out.append(bad)
            continue
        conf = svc.ini()
        res = where(svc)
        urls = [
            (s, conf.values[(s, "connection")])
            for s in DB_SECTIONS
            if conf is not None and (s, "connection") in conf.values
        ]
        if not urls:
            out.append(DATABASE.skipped("no [database] connection set here", res))
            continue
        verdicts = [(s, *judge_db_url(u)) for s, u in urls]
        bad_ones = [f"[{s}] {why}" for s, ok, why in verdicts if not ok]
        if bad_ones:
            out.append(DATABASE.warned("; ".join(bad_ones), res))
        else:
            out.append(DATABASE.passed("; ".join(f"[{s}] {why}" for s, _, why in verdicts), res))
    return out


def _messaging(facts: ConfigFacts) -> list[Finding]:
    out = []
    for svc, role, conf in _ini_services(facts):
        out += _messaging_one(svc, role, conf)
    return out


def _messaging_one(svc: ServiceConf, role: str, conf: IniFile) -> list[Finding]:
    url = conf.values.get(("DEFAULT", "transport_url"))
    if url is None:
        return []
    res = where(svc, role)
    first = url.split(",")[0]
    scheme = urlsplit(first).scheme.lower()
    query = {k.lower(): v for k, v in parse_qs(urlsplit(url.split(",")[-1]).query).items()}
    if scheme == "kafka":
        proto = conf.get("oslo_messaging_kafka", "security_protocol")
        if proto and "SSL" in proto.upper():
            return [MESSAGING.passed(f"kafka with security_protocol = {proto}", res)]
        note = default_note(proto, "PLAINTEXT")
        return [MESSAGING.warned(f"kafka with security_protocol {note}", res)]
    if scheme not in ("rabbit", "amqp"):
        return [MESSAGING.skipped(f"transport {scheme or 'unknown'}: not judged", res)]
    in_url = (query.get("ssl") or [""])[0].lower() in ("1", "true", "yes", "on")
    ssl = conf.get_bool("oslo_messaging_rabbit", "ssl")
    if ssl is None:
        ssl = conf.get_bool("oslo_messaging_rabbit", "rabbit_use_ssl")
    if in_url or ssl:
        how = "?ssl=1 in transport_url" if in_url else "[oslo_messaging_rabbit] ssl = True"
        return [MESSAGING.passed(f"RabbitMQ over TLS ({how})", res)]
    setting = f"[oslo_messaging_rabbit] ssl {default_note(ssl, False)}"
    return [MESSAGING.warned(f"RabbitMQ {_host(first)} without TLS: {setting}", res)]


def _migration(facts: ConfigFacts) -> list[Finding]:
    svc = facts.services.get("nova-compute")
    if svc is None:
        return []
    bad = unreadable(MIGRATION, svc)
    if bad is not None:
        return [bad]
    conf = svc.ini()
    res = where(svc)
    native = conf.get_bool("libvirt", "live_migration_with_native_tls") if conf else None
    scheme = conf.get("libvirt", "live_migration_scheme") if conf else None
    uri = conf.get("libvirt", "live_migration_uri") if conf else None
    if native:
        return [MIGRATION.passed("[libvirt] live_migration_with_native_tls = True", res)]
    if scheme and scheme.lower() in ("ssh", "tls"):
        return [MIGRATION.passed(f"[libvirt] live_migration_scheme = {scheme}", res)]
    if uri and uri.lower().startswith(("qemu+ssh", "qemu+tls")):
        return [MIGRATION.passed(f"[libvirt] live_migration_uri = {uri.split(':')[0]}://…", res)]
    used = f"live_migration_scheme {default_note(scheme, 'tcp')}"
    return [
        MIGRATION.warned(
            f"live migration unencrypted: live_migration_with_native_tls "
            f"{default_note(native, False)}, {used}",
            res,
        )
    ]


def _libvirt(facts: ConfigFacts) -> list[Finding]:
    svc = facts.services.get("nova-libvirt")
    if svc is None:
        return []
    bad = unreadable(LIBVIRT, svc, "libvirtd")
    if bad is not None:
        return [bad]
    conf = svc.libvirt("libvirtd")
    res = where(svc, "libvirtd")
    listen_tcp = conf.get_int("listen_tcp") if conf else None
    auth_tcp = conf.get("auth_tcp") if conf else None
    addr = conf.get("listen_addr") if conf else None
    if listen_tcp == 1 and (auth_tcp or "sasl") == "none":
        local = addr in ("127.0.0.1", "::1", "localhost")
        if not local:
            return [
                LIBVIRT.warned(
                    f'listen_tcp = 1 with auth_tcp = "none" on {addr or "all addresses"}: '
                    "anyone on the network controls the hypervisor",
                    res,
                )
            ]
    tcp = "off" if listen_tcp != 1 else f'on, auth_tcp = "{auth_tcp or "sasl"}"'
    return [LIBVIRT.passed(f"TCP listener {tcp}", res)]


def check(facts: ConfigFacts) -> list[Finding]:
    return [
        *_internal(facts),
        *_database(facts),
        *_messaging(facts),
        *_migration(facts),
        *_libvirt(facts),
    ]


PROFILE = Test(
    "scs-iaas-host-tls-profile",
    "scs-0125",
    "draft",
    "TLS endpoints offer only what Mozilla's 'intermediate' profile allows",
    "configure the TLS terminator (HAProxy, RabbitMQ, …) with Mozilla's intermediate profile: "
    "TLS 1.2 and 1.3, its cipher list and curves (ssl-config.mozilla.org)",
    URL,
)
RABBIT_TLS_PORT = 5671


def _port(scheme: str, port: int | None) -> int:
    return port or {"https": 443, "rabbit": RABBIT_TLS_PORT, "amqp": RABBIT_TLS_PORT}[scheme]


def tls_targets(facts: ConfigFacts) -> dict[tuple[str, int], list[str]]:
    """The TLS endpoints a node's configuration names: (host, port) → who names them.

    https:// endpoint URLs, and RabbitMQ brokers reached with TLS (every host of a
    multi-host ``transport_url``)."""
    out: dict[tuple[str, int], list[str]] = {}
    for svc, role, conf in _ini_services(facts):
        who = where(svc, role)
        for (section, option), value in sorted(conf.values.items()):
            if option not in ENDPOINT_OPTIONS or (option == "url" and section != "neutron"):
                continue
            for item in value.split(","):
                parts = urlsplit(item.strip())
                if parts.scheme.lower() == "https" and parts.hostname:
                    key = (parts.hostname, _port("https", _port_of(parts)))
                    out.setdefault(key, []).append(who)
        messaging = [f for f in _messaging_one(svc, role, conf) if f.status.value == "PASS"]
        transport = conf.values.get(("DEFAULT", "transport_url"))
        if messaging and transport:
            scheme = urlsplit(transport.split(",")[0]).scheme.lower()
            for part in transport.split(","):
                hostport = part.split("@")[-1].split("/")[0]
                host, _, port = hostport.partition(":")
                if host and scheme in ("rabbit", "amqp"):
                    key = (host, int(port) if port.isdigit() else RABBIT_TLS_PORT)
                    out.setdefault(key, []).append(who)
    return out


def check_profile(
    results: dict[str, object], named_by: dict[tuple[str, int], list[str]]
) -> list[Finding]:
    """Findings for ``host/tls_scan.py`` results (one per endpoint, not per node)."""
    from scs_iaas.host.tls_scan import TlsProfileResult

    out = []
    for (host, port), who in sorted(named_by.items()):
        key = f"{host}:{port}"
        r = results.get(key)
        users = sorted(set(who))
        res = (
            f"{key} (named by {users[0]}{f' and {len(users) - 1} more' if len(users) > 1 else ''})"
        )
        if not isinstance(r, TlsProfileResult):
            out.append(PROFILE.skipped("not scanned", res))
        elif r.compliant:
            out.append(PROFILE.passed(f"Mozilla {r.profile_version} intermediate: compliant", res))
        elif r.compliant is None:
            out.append(PROFILE.warned(f"scan incomplete: {r.error}", res))
        else:
            issues = "; ".join(f"{k}: {v}" for k, v in sorted(r.issues.items()))
            out.append(
                PROFILE.warned(f"not Mozilla {r.profile_version} intermediate: {issues}", res)
            )
    return out


def check_api(api: HostApiFacts) -> list[Finding]:
    """The catalog's internal and admin endpoints (the cloud check judges the public ones)."""
    res = f"catalog ({api.cloud})"
    if api.endpoints is None:
        return [INTERNAL.aborted(f"cannot list endpoints: {api.endpoints_error}", res)]
    out = []
    for service, interface, url in api.endpoints:
        if interface not in ("internal", "admin"):
            continue
        where_ = f"{res} {service} {interface} {_host(url)}"
        if urlsplit(url).scheme.lower() == "https":
            out.append(INTERNAL.passed("registered with https://", where_))
        else:
            out.append(INTERNAL.warned("registered with plain http://", where_))
    if not out:
        out.append(INTERNAL.skipped("no internal or admin endpoints in the catalog", res))
    return out


def api_tls_targets(api: HostApiFacts) -> dict[tuple[str, int], list[str]]:
    """The https endpoints of the catalog (every interface), for the profile scan."""
    out: dict[tuple[str, int], list[str]] = {}
    for service, interface, url in api.endpoints or ():
        parts = urlsplit(url)
        if parts.scheme.lower() == "https" and parts.hostname:
            key = (parts.hostname, _port("https", _port_of(parts)))
            out.setdefault(key, []).append(f"catalog: {service} {interface}")
    return out


def run(ctx: Context) -> list[Finding]:
    assert ctx.host is not None and ctx.host.config is not None
    return check(ctx.host.config)


CHECK = Check(
    name="scs-0125 secure connections (provider side)",
    tests=[INTERNAL, DATABASE, MESSAGING, MIGRATION, LIBVIRT],
    needs=frozenset({"host:config"}),
    run=run,
)
