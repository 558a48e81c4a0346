"""The two API facts the provider-side checks need beside the nodes' configuration.

scs-0302 "A role named `manager` MUST be present in the identity service" is not in any file
on a node (roles live in Keystone's database), and scs-0127's extensions are best confirmed
where users see them. Both are read here, each with its own error: listing roles needs the
admin (or a system reader) role, and a refused list must not hide the extension list.
"""

from __future__ import annotations

from dataclasses import dataclass

from scs_iaas.cloud.connection import Cloud


@dataclass(frozen=True)
class HostApiFacts:
    cloud: str
    roles: tuple[str, ...] | None = None
    roles_error: str = ""
    extensions: tuple[str, ...] | None = None
    extensions_error: str = ""


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
    return HostApiFacts(cloud.name, roles, roles_error, extensions, extensions_error)
