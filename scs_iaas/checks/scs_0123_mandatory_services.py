"""scs-0123 mandatory and supported services: what the service catalog must list."""

from __future__ import annotations

from scs_iaas.checks.base import Check, Context, std_url
from scs_iaas.model.findings import Finding, Test

STANDARD, VERSION = "scs-0123", "v1"
URL = std_url("scs-0123-v1-mandatory-and-supported-IaaS-services")

# test id suffix -> catalog types that satisfy it
SERVICES: dict[str, tuple[str, ...]] = {
    "compute": ("compute",),
    "identity": ("identity",),
    "image": ("image",),
    "network": ("network",),
    "load-balancer": ("load-balancer",),
    "placement": ("placement",),
}
STORAGE_TYPES = ("volume", "volumev3", "block-storage")
S3_TYPE = "object-store-s3"


def _test(suffix: str, title: str, fix: str) -> Test:
    return Test(f"scs-0123-{suffix}", STANDARD, VERSION, title, fix, URL)


SERVICE_TESTS = {
    name: _test(
        f"service-{name}",
        f"catalog lists a {name} service",
        f"deploy the {name} service and register it in Keystone with type '{types[0]}'",
    )
    for name, types in SERVICES.items()
}
STORAGE = _test(
    "storage-apis",
    "catalog lists a block-storage API",
    "register Cinder as 'block-storage' (and 'volumev3' for older clients)",
)
S3 = _test(
    "service-s3",
    "catalog lists an S3-compatible object store (type object-store-s3, scs-0123 v2)",
    "register the S3 endpoint (e.g. RadosGW) with service type 'object-store-s3'",
)
SWIFT_S3 = _test(
    "swift-s3",
    "the object store answers S3 requests (scs-0123 v1)",
    "enable the S3 API (swift3/s3api middleware or RadosGW S3) on the object-store endpoint",
)
TESTS = [*SERVICE_TESTS.values(), STORAGE, S3, SWIFT_S3]


def run(ctx: Context) -> list[Finding]:
    snap = ctx.snapshot
    types = sorted({s.type for s in snap.services})
    listed = ", ".join(types) or "nothing"
    out: list[Finding] = []
    for name, test in SERVICE_TESTS.items():
        found = [t for t in SERVICES[name] if t in types]
        if found:
            out.append(test.passed(f"catalog has type {found[0]!r}", "catalog"))
        else:
            out.append(
                test.failed(f"no {name} service in the catalog (it lists: {listed})", "catalog")
            )
    storage = [t for t in STORAGE_TYPES if t in types]
    out.append(
        STORAGE.passed(f"catalog has {', '.join(storage)}", "catalog")
        if storage
        else STORAGE.failed(f"none of {', '.join(STORAGE_TYPES)} in the catalog", "catalog")
    )
    out.append(
        S3.passed(f"catalog has type {S3_TYPE!r}", "catalog")
        if S3_TYPE in types
        else S3.failed(f"no service of type {S3_TYPE!r} in the catalog", "catalog")
    )
    out.append(_swift_s3(ctx, types))
    return out


def _swift_s3(ctx: Context, types: list[str]) -> Finding:
    """v1's probe, as defused upstream (2026): without Swift there is nothing to probe."""
    if "object-store" not in types:
        return SWIFT_S3.passed("no object-store in the catalog: nothing to probe", "catalog")
    probe = ctx.snapshot.s3_probe
    if probe is None:
        return SWIFT_S3.skipped("object-store listed, but no public endpoint to probe", "catalog")
    if probe.error:
        return SWIFT_S3.failed(f"S3 probe of {probe.url} failed: {probe.error}", probe.url)
    if probe.s3_dialect:
        return SWIFT_S3.passed(f"{probe.url} answers in S3 dialect", probe.url)
    return SWIFT_S3.failed(
        f"{probe.url} did not answer in S3 dialect (HTTP {probe.status})", probe.url
    )


CHECK = Check(
    name="scs-0123 mandatory services", tests=TESTS, needs=frozenset({"s3_probe"}), run=run
)
