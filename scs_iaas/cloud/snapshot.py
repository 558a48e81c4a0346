"""Read a cloud into an immutable snapshot: one (paginated) list call per resource kind.

Checks and managers read the snapshot, never the API. Kinds are fetched concurrently; a kind
that could not be read is recorded in ``errors`` (one line) so that the checks that need it
report ABORT with the reason while every other check still runs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from types import MappingProxyType
from typing import Any

from scs_iaas.cloud.connection import Cloud, api_error
from scs_iaas.cloud.redact import redact
from scs_iaas.errors import CloudError
from scs_iaas.model.snapshot import (
    FlavorRec,
    ImageRec,
    NetworkRec,
    ReadError,
    S3Probe,
    SecurityGroupRuleRec,
    ServerRec,
    ServiceRec,
    Snapshot,
    TlsFacts,
    VolumeTypeRec,
)

PAGE = 1000  # Nova's and Glance's default max_limit: one request per list on most clouds
COMPUTE_LIST_MICROVERSION = "2.86"  # >= 2.61 extra specs inline, >= 2.47 flavor in servers


def _frozen(d: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(d or {}))


# -- converters from API JSON (kept tiny; records are plain data) ----------------------


def _dt(value: Any) -> datetime | None:
    if not value:
        return None
    if isinstance(value, datetime):
        return value
    text = str(value).replace("Z", "+00:00")
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0  # Nova reports swap "" when there is none


def flavor_from_api(f: Mapping[str, Any]) -> FlavorRec:
    """A flavor from Nova's JSON (microversion >= 2.61: extra specs inline)."""
    return FlavorRec(
        id=str(f.get("id")),
        name=str(f.get("name") or ""),
        vcpus=_int(f.get("vcpus")),
        ram=_int(f.get("ram")),
        disk=_int(f.get("disk")),
        ephemeral=_int(f.get("OS-FLV-EXT-DATA:ephemeral")),
        swap=_int(f.get("swap")),
        is_public=bool(f.get("os-flavor-access:is_public", True)),
        is_disabled=bool(f.get("OS-FLV-DISABLED:disabled", False)),
        description=f.get("description"),
        extra_specs=_frozen({k: str(v) for k, v in (f.get("extra_specs") or {}).items()}),
    )


# Glance fields that are not free-form properties.
_IMAGE_CORE = {
    "id", "name", "status", "visibility", "os_hidden", "size", "min_disk", "min_ram",
    "disk_format", "container_format", "checksum", "os_hash_algo", "os_hash_value", "owner",
    "created_at", "updated_at", "tags", "protected", "virtual_size", "file", "schema",
    "self", "direct_url", "locations", "stores",
}  # fmt: skip


def image_from_api(raw: Mapping[str, Any]) -> ImageRec:
    """An image from Glance's JSON (properties sit beside the core attributes)."""
    props = {k: v for k, v in raw.items() if k not in _IMAGE_CORE}
    return ImageRec(
        id=str(raw.get("id")),
        name=str(raw.get("name") or ""),
        status=str(raw.get("status") or ""),
        visibility=str(raw.get("visibility") or ""),
        os_hidden=bool(raw.get("os_hidden")),
        protected=bool(raw.get("protected")),
        size=raw.get("size"),
        min_disk=_int(raw.get("min_disk")),
        min_ram=_int(raw.get("min_ram")),
        disk_format=raw.get("disk_format"),
        container_format=raw.get("container_format"),
        checksum=raw.get("checksum"),
        os_hash_algo=raw.get("os_hash_algo"),
        os_hash_value=raw.get("os_hash_value"),
        owner=raw.get("owner"),
        created_at=_dt(raw.get("created_at")),
        updated_at=_dt(raw.get("updated_at")),
        tags=tuple(raw.get("tags") or ()),
        properties=_frozen(props),
    )


def volume_type_from_api(t: Mapping[str, Any]) -> VolumeTypeRec:
    public = t.get("os-volume-type-access:is_public", t.get("is_public", True))
    return VolumeTypeRec(
        id=str(t.get("id")),
        name=str(t.get("name") or ""),
        description=t.get("description"),
        is_public=bool(public) if public is not None else True,
        extra_specs=_frozen({k: str(v) for k, v in (t.get("extra_specs") or {}).items()}),
    )


def sg_rule_from_api(r: Mapping[str, Any]) -> SecurityGroupRuleRec:
    return SecurityGroupRuleRec(
        id=str(r.get("id")),
        direction=str(r.get("direction") or ""),
        ethertype=str(r.get("ethertype") or ""),
        protocol=r.get("protocol"),
        remote_group_id=r.get("remote_group_id"),
        remote_ip_prefix=r.get("remote_ip_prefix"),
        remote_address_group_id=r.get("remote_address_group_id"),
        port_range_min=r.get("port_range_min"),
        port_range_max=r.get("port_range_max"),
        used_in_default_sg=bool(r.get("used_in_default_sg")),
        used_in_non_default_sg=bool(r.get("used_in_non_default_sg")),
    )


def network_from_api(n: Mapping[str, Any]) -> NetworkRec:
    return NetworkRec(
        id=str(n.get("id")),
        name=str(n.get("name") or ""),
        is_router_external=bool(n.get("router:external")),
        is_default=bool(n.get("is_default")),
        is_shared=bool(n.get("shared")),
        project_id=n.get("project_id") or n.get("tenant_id"),
        subnet_ids=tuple(n.get("subnets") or ()),
    )


def server_from_api(srv: Mapping[str, Any]) -> ServerRec:
    """A server from Nova's JSON (>= 2.47: the flavor is embedded with its original name)."""
    flavor = srv.get("flavor") or {}
    image = srv.get("image") or {}
    return ServerRec(
        id=str(srv.get("id")),
        name=str(srv.get("name") or ""),
        status=str(srv.get("status") or ""),
        flavor_name=flavor.get("original_name") or flavor.get("name"),
        image_id=(image.get("id") if isinstance(image, Mapping) else None) or None,
        project_id=srv.get("tenant_id") or srv.get("project_id"),
    )


def services_from_catalog(catalog: Iterable[Mapping[str, Any]]) -> tuple[ServiceRec, ...]:
    return tuple(
        ServiceRec(
            type=str(s.get("type", "")),
            name=str(s.get("name", "")),
            endpoints=tuple(_frozen(e) for e in s.get("endpoints", ())),
        )
        for s in catalog
    )


# -- fetchers: one list call per kind ---------------------------------------------------


class _Shared:
    """What more than one kind is built from, read once per snapshot: the catalog (from the
    token), and lists the first fetcher to ask GETs while the others wait for its answer."""

    def __init__(self, cloud: Cloud, services: tuple[ServiceRec, ...]) -> None:
        self._cloud = cloud
        self.services = services
        self._lock = threading.Lock()
        self._types: list[dict[str, Any]] | None = None

    def volume_types(self) -> list[dict[str, Any]]:
        with self._lock:
            if self._types is None:
                self._types = self._cloud.list(
                    "block-storage", "/types", "volume_types", params={"is_public": "none"}
                )
            return self._types


def _fetch_flavors(cloud: Cloud, shared: _Shared) -> tuple[FlavorRec, ...]:
    # is_public=none: admins see private flavors too; members see what they may use.
    items = cloud.list(
        "compute",
        "/flavors/detail",
        "flavors",
        params={"is_public": "none", "limit": PAGE},
        microversion=COMPUTE_LIST_MICROVERSION,
    )
    return tuple(flavor_from_api(f) for f in items)


def _fetch_images(cloud: Cloud, shared: _Shared) -> tuple[ImageRec, ...]:
    # Glance leaves hidden images out of a plain list; they need their own query.
    seen: dict[str, ImageRec] = {}
    for hidden in ("false", "true"):
        for raw in cloud.list(
            "image",
            "/v2/images",
            "images",
            # visibility=all: without it Glance leaves out community images
            params={"limit": PAGE, "os_hidden": hidden, "visibility": "all"},
        ):
            rec = image_from_api(raw)
            seen[rec.id] = rec
    return tuple(seen.values())


def _fetch_volume_types(cloud: Cloud, shared: _Shared) -> tuple[VolumeTypeRec, ...]:
    return tuple(volume_type_from_api(t) for t in shared.volume_types())


class Unsupported(CloudError):
    """The cloud does not offer this API at all (an older release): recorded as a ReadError
    with ``unsupported=True`` so that a check may fall back instead of ABORT."""

    status_code = 404


NO_DEFAULT_RULES_API = "Neutron has no default-security-group-rules API (it came with 2023.2)"


def _fetch_default_sg_rules(cloud: Cloud, shared: _Shared) -> tuple[SecurityGroupRuleRec, ...]:
    resp = cloud.get("network", "/v2.0/default-security-group-rules", raise_exc=False)
    if resp.status_code == 404:
        raise Unsupported(NO_DEFAULT_RULES_API)
    if resp.status_code >= 400:
        raise CloudError(f"GET {resp.request.url}: HTTP {resp.status_code}")
    body = resp.json()
    items = body.get("default_security_group_rules") or []
    if any(
        link.get("rel") == "next" for link in body.get("default_security_group_rules_links") or ()
    ):
        items = cloud.list(
            "network", "/v2.0/default-security-group-rules", "default_security_group_rules"
        )
    return tuple(sg_rule_from_api(r) for r in items)


def _fetch_networks(cloud: Cloud, shared: _Shared) -> tuple[NetworkRec, ...]:
    return tuple(network_from_api(n) for n in cloud.list("network", "/v2.0/networks", "networks"))


def _fetch_servers(cloud: Cloud, shared: _Shared) -> tuple[ServerRec, ...]:
    # An admin sees every project's servers: what "in use" must mean before a delete.
    params: dict[str, Any] = {"limit": PAGE}
    if "admin" in cloud.roles:
        params["all_tenants"] = "1"
    items = cloud.list(
        "compute",
        "/servers/detail",
        "servers",
        params=params,
        microversion=COMPUTE_LIST_MICROVERSION,
    )
    return tuple(server_from_api(s) for s in items)


def _fetch_volume_encryption(cloud: Cloud, shared: _Shared) -> Mapping[str, Mapping[str, Any]]:
    """One GET per volume type (Cinder has no list of encryption specs)."""
    out: dict[str, Mapping[str, Any]] = {}
    for t in shared.volume_types():
        resp = cloud.get("block-storage", f"/types/{t['id']}/encryption", raise_exc=False)
        if resp.status_code == 404:  # Cinder answers 404 for a type without encryption
            continue
        if resp.status_code >= 400:
            raise CloudError(f"GET {resp.request.url}: HTTP {resp.status_code}")
        enc = resp.json() or {}
        if enc.get("provider"):
            out[str(t["id"])] = _frozen(
                {k: enc.get(k) for k in ("provider", "cipher", "key_size", "control_location")}
            )
    return MappingProxyType(out)


S3_CODES = ("InvalidAccessKeyId", "NoSuchKey", "SignatureDoesNotMatch", "AccessDenied")


def _fetch_s3_probe(cloud: Cloud, shared: _Shared) -> S3Probe | None:
    """scs-0123 v1's S3 probe, defused as upstream did in 2026: an anonymous request with a
    made-up AWS key to the object store's host; an S3 error code in the answer means S3."""
    from urllib.parse import urlsplit

    url = next(
        (
            str(ep.get("url", ""))
            for s in shared.services
            if s.type == "object-store"
            for ep in s.endpoints
            if ep.get("interface") == "public"
        ),
        "",
    )
    if not url:
        return None
    parts = urlsplit(url)
    root = f"{parts.scheme}://{parts.netloc}/"
    try:
        resp = cloud.session.get(
            root,
            authenticated=False,
            raise_exc=False,
            headers={"Authorization": "AWS scs-iaas-probe:invalid"},
        )
    except Exception as exc:  # any transport failure is the finding itself
        return S3Probe(root, None, False, redact(" ".join(str(exc).split())[:200]))
    body = resp.text or ""
    return S3Probe(root, resp.status_code, any(code in body for code in S3_CODES))


def https_targets(services: Iterable[ServiceRec]) -> list[tuple[str, int]]:
    """Distinct (host, port) of every https endpoint (any interface) in the catalog."""
    from urllib.parse import urlsplit

    seen: dict[tuple[str, int], None] = {}
    for s in services:
        for ep in s.endpoints:
            parts = urlsplit(str(ep.get("url", "")))
            if parts.scheme == "https" and parts.hostname:
                seen.setdefault((parts.hostname, parts.port or 443), None)
    return list(seen)


def _fetch_tls(cloud: Cloud, shared: _Shared) -> Mapping[str, TlsFacts]:
    from scs_iaas.cloud.tls import probe

    targets = https_targets(shared.services)
    if not targets:
        return MappingProxyType({})
    with ThreadPoolExecutor(max_workers=min(8, len(targets))) as pool:
        facts = list(pool.map(lambda t: probe(*t), targets))
    return MappingProxyType({f"{f.host}:{f.port}": f for f in facts})


FETCHERS: dict[str, tuple[str, Callable[[Cloud, _Shared], Any]]] = {
    # kind: (service type needed in the catalog, fetcher)
    "flavors": ("compute", _fetch_flavors),
    "images": ("image", _fetch_images),
    "volume_types": ("block-storage", _fetch_volume_types),
    "default_sg_rules": ("network", _fetch_default_sg_rules),
    "networks": ("network", _fetch_networks),
    "servers": ("compute", _fetch_servers),
    "volume_encryption": ("block-storage", _fetch_volume_encryption),
    "tls": ("identity", _fetch_tls),
    "s3_probe": ("identity", _fetch_s3_probe),
}
ALL_KINDS = frozenset(FETCHERS) | {"services"}

_ALIASES = {"block-storage": ("block-storage", "volumev3", "volume")}


def read_snapshot(cloud: Cloud, kinds: Iterable[str] = ALL_KINDS) -> Snapshot:
    """Fetch the given kinds concurrently into a Snapshot (services come from the token)."""
    wanted = set(kinds) & set(FETCHERS)
    services = services_from_catalog(cloud.catalog)
    types = {s.type for s in services}
    results: dict[str, Any] = {}
    errors: dict[str, ReadError] = {}
    todo = {}
    for kind in sorted(wanted):
        service, fn = FETCHERS[kind]
        if not types & set(_ALIASES.get(service, (service,))):
            errors[kind] = ReadError(kind, f"no {service} service in the catalog", unsupported=True)
            continue
        todo[kind] = fn
    if todo:
        shared = _Shared(cloud, services)
        with ThreadPoolExecutor(max_workers=len(todo)) as pool:
            futures = {kind: pool.submit(fn, cloud, shared) for kind, fn in todo.items()}
            for kind, fut in futures.items():
                try:
                    results[kind] = fut.result()
                except Exception as exc:
                    errors[kind] = read_error(kind, exc)
    return Snapshot(
        cloud=cloud.name,
        roles=cloud.roles,
        project_id=cloud.project_id,
        services=services,
        fetched=frozenset(results) | {"services"},
        errors=MappingProxyType(errors),
        **results,
    )


def volume_usage(cloud: Cloud, type_ids: list[str]) -> dict[str, int]:
    """How many volumes (all projects, as admin) use each type: one list call per type.

    Cinder filters by ``volume_type_id``; it silently ignores ``volume_type`` for ids (the
    SDK's name), so the raw query is used. Counted up to 1000: any use blocks the change.
    """
    out: dict[str, int] = {}
    everyone = "&all_tenants=1" if "admin" in cloud.roles else ""
    for tid in type_ids:
        try:
            resp = cloud.conn.block_storage.get(
                f"/volumes?volume_type_id={tid}&limit=1000{everyone}", raise_exc=True
            )
            out[tid] = len(resp.json().get("volumes", []))
        except Exception as exc:
            raise api_error(f"listing volumes of type {tid}", exc) from None
    return out


def read_error(kind: str, exc: BaseException) -> ReadError:
    """The one-line, redacted record of why ``kind`` could not be read."""
    status = getattr(exc, "status_code", None)
    code = f"HTTP {status}: " if status else ""
    return ReadError(
        kind,
        redact(f"listing {kind} failed: {code}{_short(exc)}"),
        unsupported=isinstance(exc, Unsupported),
        status=status if isinstance(status, int) else None,
    )


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:300]
