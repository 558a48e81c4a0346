"""scs-0101 entropy: the flavor and image attributes the implementation notes (scs-0101-w1,
"Warnings") ask for, so that guests can get a virtio-rng device: flavors ``hw_rng:allowed=True``,
images ``hw_rng_model=virtio``. Recommended targets: a miss is a WARN. The tests that boot a VM
(rngd, entropy_avail, FIPS) are not part of this API-level check."""

from __future__ import annotations

from scs_iaas.checks.base import Check, Context, std_url
from scs_iaas.model.findings import Finding, Test

URL = std_url("scs-0101-w1-entropy-implementation-testing")
FLAVOR = Test(
    "scs-0101-flavor-property",
    "scs-0101",
    "v1",
    "flavors allow a virtio-rng device",
    "openstack flavor set --property hw_rng:allowed=True FLAVOR",
    URL,
)
IMAGE = Test(
    "scs-0101-image-property",
    "scs-0101",
    "v1",
    "images ask for a virtio-rng device",
    "openstack image set --property hw_rng_model=virtio IMAGE",
    URL,
)


# The tests that boot a VM and look inside it. The Cloud-in-a-Box runs Nova's fake driver
# (no guest), so they are reported as SKIP with the reason, and stay "missing" in verdicts.
VM_TESTS = [
    Test("scs-0101-rngd", "scs-0101", "v1", "images run rngd", "", URL),
    Test("scs-0101-entropy-avail", "scs-0101", "v1", "a guest has entropy_avail = 256", "", URL),
    Test("scs-0101-fips-test", "scs-0101", "v1", "a guest passes the FIPS 140-2 rngtest", "", URL),
]
VM_REASON = (
    "boots a VM and reads its console: not an API-level test (run the official suite's "
    "scs-0101 on a cloud with real hypervisors)"
)


def run(ctx: Context) -> list[Finding]:
    out: list[Finding] = [t.skipped(VM_REASON) for t in VM_TESTS]
    flavors = [f.name for f in ctx.snapshot.flavors if f.is_public]
    lacking = [
        f.name
        for f in ctx.snapshot.flavors
        if f.is_public and str(f.extra_specs.get("hw_rng:allowed", "")).lower() != "true"
    ]
    out.append(_judge(FLAVOR, "public flavors", flavors, lacking, "hw_rng:allowed=True"))
    images = [i for i in ctx.snapshot.images if i.visibility in ("public", "community")]
    lacking = [i.name for i in images if i.properties.get("hw_rng_model") != "virtio"]
    out.append(
        _judge(IMAGE, "public images", [i.name for i in images], lacking, "hw_rng_model=virtio")
    )
    return out


def _judge(test: Test, what: str, names: list[str], lacking: list[str], wanted: str) -> Finding:
    resource = what.split()[-1]
    if not names:
        return test.passed(f"no {what}", resource)
    if lacking:
        shown = ", ".join(sorted(lacking)[:8]) + (" …" if len(lacking) > 8 else "")
        return test.failed(
            f"{len(lacking)} of {len(names)} {what} lack {wanted}: {shown}", resource
        )
    return test.passed(f"all {len(names)} {what} have {wanted}", resource)


CHECK = Check(
    name="scs-0101 entropy",
    tests=[FLAVOR, IMAGE, *VM_TESTS],
    needs=frozenset({"flavors", "images"}),
    run=run,
)
