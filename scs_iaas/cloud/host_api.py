"""The API facts the provider-side checks need beside the nodes' configuration.

scs-0302 "A role named `manager` MUST be present in the identity service" is not in any file
on a node (roles live in Keystone's database), and scs-0127's extensions are best confirmed
where users see them; scs-0125 "Internal API endpoints … as registered in the Keystone service
catalog MUST be an HTTPS address" is the catalog's internal and admin endpoints, which users do
not see. Each is read here with its own error: listing roles and endpoints needs the admin (or a
system reader) role, and a refused list must not hide the others.
"""

from __future__ import annotations

from typing import Any

from scs_iaas.cloud.connection import Cloud
from scs_iaas.model.host_api import HostApiFacts


def _short(exc: BaseException) -> str:
    from scs_iaas.cloud.redact import redact

    return redact(" ".join(str(exc).split()))[:300] or type(exc).__name__


def read_host_api_facts(cloud: Cloud) -> HostApiFacts:
    roles: tuple[str, ...] | None = None
    extensions: tuple[str, ...] | None = None
    roles_error = extensions_error = ""
    try:
        roles = tuple(sorted(r.name for r in cloud.conn.identity.roles()))
    except Exception as exc:  # any SDK/HTTP error: recorded, the other fact is still read
        roles_error = _short(exc)
    try:
        extensions = tuple(sorted(e.alias for e in cloud.conn.network.extensions()))
    except Exception as exc:
        extensions_error = _short(exc)
    endpoints: tuple[tuple[str, str, str], ...] | None = None
    endpoints_error = ""
    try:
        identity: Any = cloud.conn.identity  # v3: services and endpoints
        types = {svc.id: svc.type for svc in identity.services()}
        endpoints = tuple(
            sorted(
                (types.get(e.service_id, e.service_id), e.interface, e.url)
                for e in identity.endpoints()
            )
        )
    except Exception as exc:
        endpoints_error = _short(exc)
    return HostApiFacts(
        cloud.name,
        roles,
        roles_error,
        extensions,
        extensions_error,
        endpoints,
        endpoints_error,
    )
