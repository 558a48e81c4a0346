"""What a cloud looked like at one moment: the records every part reads.

``cloud/`` fills these from the APIs; ``checks/`` and ``managers/`` read them and never the API.
Records are plain frozen data. A kind that could not be read is a ``ReadError`` (not a string),
so a check can tell "the API does not exist here" from "the API failed".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class ReadError:
    """Why one kind of the snapshot could not be read.

    ``reason`` is one redacted line naming what failed; ``unsupported`` says the cloud does not
    offer the API at all (an older release), which a check may answer with a fallback instead
    of ABORT; ``status`` is the HTTP status when there was an answer."""

    kind: str
    reason: str
    unsupported: bool = False
    status: int | None = None

    def __str__(self) -> str:
        return self.reason


@dataclass(frozen=True)
class TlsFacts:
    host: str
    port: int
    reachable: bool
    version: str | None = None  # e.g. "TLSv1.3"
    cipher: str | None = None
    verify_error: str | None = None  # None: the chain verified against the system CAs
    not_after: datetime | None = None
    legacy_accepted: bool | None = None  # TLS 1.0/1.1 handshake succeeded; None: not tried
    error: str | None = None


@dataclass(frozen=True)
class FlavorRec:
    id: str
    name: str
    vcpus: int
    ram: int  # MiB
    disk: int  # GB
    ephemeral: int = 0
    swap: int = 0
    is_public: bool = True
    is_disabled: bool = False
    description: str | None = None
    extra_specs: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ImageRec:
    id: str
    name: str
    status: str = "active"
    visibility: str = "public"
    os_hidden: bool = False
    protected: bool = False
    size: int | None = None
    min_disk: int = 0
    min_ram: int = 0
    disk_format: str | None = None
    container_format: str | None = None
    checksum: str | None = None
    os_hash_algo: str | None = None
    os_hash_value: str | None = None
    owner: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    tags: tuple[str, ...] = ()
    properties: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class VolumeTypeRec:
    id: str
    name: str
    description: str | None = None
    is_public: bool = True
    extra_specs: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ServiceRec:
    type: str
    name: str
    endpoints: tuple[Mapping[str, Any], ...] = ()


@dataclass(frozen=True)
class SecurityGroupRuleRec:
    id: str
    direction: str
    ethertype: str
    protocol: str | None = None
    remote_group_id: str | None = None
    remote_ip_prefix: str | None = None
    remote_address_group_id: str | None = None
    port_range_min: int | None = None
    port_range_max: int | None = None
    used_in_default_sg: bool = False
    used_in_non_default_sg: bool = False


@dataclass(frozen=True)
class NetworkRec:
    id: str
    name: str
    is_router_external: bool = False
    is_default: bool = False
    is_shared: bool = False
    project_id: str | None = None
    subnet_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class ServerRec:
    id: str
    name: str
    status: str
    flavor_name: str | None = None  # Nova >= 2.47 embeds the flavor by name, not id
    image_id: str | None = None  # None when booted from volume
    project_id: str | None = None


@dataclass(frozen=True)
class S3Probe:
    url: str
    status: int | None
    s3_dialect: bool
    error: str | None = None


@dataclass(frozen=True)
class ProbeResult:
    """What a probe that creates (and deletes) resources found out.

    ``ok`` False with ``reason`` is the probe's own failure (the finding, e.g. "a member may
    not create a secret"); ``rules`` carries the security-group rules the scs-0115 fallback
    saw."""

    ok: bool
    reason: str
    resource: str = ""
    rules: tuple[SecurityGroupRuleRec, ...] = ()
    #: the console text of the server a VM probe booted (scs-0101), and what it booted
    console: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Snapshot:
    """What a cloud looked like at one moment, as far as the checks need it."""

    cloud: str
    roles: tuple[str, ...] = ()
    project_id: str | None = None
    services: tuple[ServiceRec, ...] = ()
    flavors: tuple[FlavorRec, ...] = ()
    images: tuple[ImageRec, ...] = ()
    volume_types: tuple[VolumeTypeRec, ...] = ()
    default_sg_rules: tuple[SecurityGroupRuleRec, ...] = ()
    networks: tuple[NetworkRec, ...] = ()
    servers: tuple[ServerRec, ...] = ()
    # volume type id -> its encryption spec (provider, cipher, key_size, control_location)
    volume_encryption: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # "host:port" -> what its TLS offers, for every https endpoint in the catalog
    tls: Mapping[str, TlsFacts] = field(default_factory=dict)
    # the object store's answer to an anonymous S3-style request (None: no object store)
    s3_probe: S3Probe | None = None
    fetched: frozenset[str] = frozenset()
    errors: Mapping[str, ReadError] = field(default_factory=dict)
    # results of the probes that create resources (``cloud/probes.py``), by probe name;
    # only present when the run was allowed to create resources
    probes: Mapping[str, ProbeResult] = field(default_factory=dict)

    def has_service(self, *types: str) -> bool:
        return any(s.type in types for s in self.services)

    def endpoints(self) -> list[tuple[str, str, str]]:
        """(service type, interface, url) for every catalog endpoint."""
        out = []
        for s in self.services:
            for ep in s.endpoints:
                out.append((s.type, str(ep.get("interface", "")), str(ep.get("url", ""))))
        return out
