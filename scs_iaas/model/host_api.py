"""The API facts the provider-side host checks judge beside the nodes' configuration (read by
``cloud/host_api.py``, judged in ``checks/host_scs_0125/0127/0302``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HostApiFacts:
    cloud: str
    roles: tuple[str, ...] | None = None
    roles_error: str = ""
    extensions: tuple[str, ...] | None = None
    extensions_error: str = ""
    # (service type, interface, url) of every catalog endpoint (listing them needs admin)
    endpoints: tuple[tuple[str, str, str], ...] | None = None
    endpoints_error: str = ""
