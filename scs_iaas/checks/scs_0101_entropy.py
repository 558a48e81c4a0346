"""scs-0101 entropy: the flavor and image attributes the implementation notes (scs-0101-w1,
"Warnings") ask for, so that guests can get a virtio-rng device: flavors ``hw_rng:allowed=True``,
images ``hw_rng_model=virtio``. Recommended targets: a miss is a WARN. The tests that boot a VM
(rngd, entropy_avail, FIPS) are not part of this API-level check."""

from __future__ import annotations

from scs_iaas.checks.base import Check, Context, Test, std_url
from scs_iaas.findings import Finding

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
    flavors = [f for f in ctx.snapshot.flavors if f.is_public]
    missing = sorted(
        f.name for f in flavors if str(f.extra_specs.get("hw_rng:allowed", "")).lower() != "true"
    )
    if not flavors:
        out.append(FLAVOR.passed("no public flavors", "flavors"))
    elif missing:
        out.append(
            FLAVOR.failed(
                f"{len(missing)} of {len(flavors)} public flavors lack hw_rng:allowed=True: "
                f"{', '.join(missing[:8])}{' …' if len(missing) > 8 else ''}",
                "flavors",
            )
        )
    else:
        out.append(FLAVOR.passed(f"all {len(flavors)} public flavors allow virtio-rng", "flavors"))
    images = [i for i in ctx.snapshot.images if i.visibility in ("public", "community")]
    missing = sorted(i.name for i in images if i.properties.get("hw_rng_model") != "virtio")
    if not images:
        out.append(IMAGE.passed("no public images", "images"))
    elif missing:
        out.append(
            IMAGE.failed(
                f"{len(missing)} of {len(images)} public images lack hw_rng_model=virtio: "
                f"{', '.join(missing[:8])}{' …' if len(missing) > 8 else ''}",
                "images",
            )
        )
    else:
        out.append(IMAGE.passed(f"all {len(images)} public images ask for virtio-rng", "images"))
    return out


CHECK = Check(
    name="scs-0101 entropy",
    tests=[FLAVOR, IMAGE, *VM_TESTS],
    needs=frozenset({"flavors", "images"}),
    run=run,
)
