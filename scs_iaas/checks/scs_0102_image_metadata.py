"""scs-0102 image metadata: every public image carries the SCS properties with valid values,
is recent enough for its replace frequency, and generic images are unique per OS release.
The rules live in standards/images; this module feeds them the snapshot."""

from __future__ import annotations

from collections.abc import Iterable

from scs_iaas.checks.base import Check, Context, Test, std_url
from scs_iaas.model.findings import Finding
from scs_iaas.model.snapshot import ImageRec
from scs_iaas.standards import images as std

URL = std_url("scs-0102-v1-image-metadata")
FIX = "set the property (scs-iaas manage images --definitions FILE --apply keeps it right)"
TESTS = [
    Test(
        i,
        std.STANDARD_0102,
        "v1",
        i.removeprefix("scs-0102-").replace("prop-", "property "),
        FIX,
        URL,
    )
    for i in std.TEST_IDS_0102
]


def facts(images: Iterable[ImageRec]) -> list[std.ImageFacts]:
    """Snapshot records as the pure rules want them."""
    return [std.ImageFacts.from_record(i) for i in images]


def run(ctx: Context) -> list[Finding]:
    return [
        rf.to_finding()
        for rf in std.check_image_metadata(facts(ctx.snapshot.images), now=ctx.now, version="v1")
    ]


CHECK = Check(name="scs-0102 image metadata", tests=TESTS, needs=frozenset({"images"}), run=run)
