"""scs-0104 standard images (v1, the certificate v5.1 list): the mandatory and recommended
images exist, and every image of a standard name comes from the standard's source."""

from __future__ import annotations

from scs_iaas.checks.base import Check, Context, Test, std_url
from scs_iaas.checks.scs_0102_image_metadata import facts
from scs_iaas.model.findings import Finding
from scs_iaas.standards import images as std

URL = std_url("scs-0104-v1-standard-images")
FIX = "scs-iaas manage images --definitions FILE --apply (with the standard images)"


def _tests() -> list[Test]:
    seen: dict[str, Test] = {}
    for img in std.standard_images("v1"):
        for tid, title in (
            (img.image_test_id, f"image {img.name} present"),
            (img.source_test_id, f"image {img.name} from its standard source"),
        ):
            if tid and tid not in seen:
                seen[tid] = Test(tid, std.STANDARD_0104, "v1", title, FIX, URL)
    return list(seen.values())


TESTS = _tests()


def run(ctx: Context) -> list[Finding]:
    return [rf.to_finding() for rf in std.check_standard_images(facts(ctx.snapshot.images))]


CHECK = Check(name="scs-0104 standard images", tests=TESTS, needs=frozenset({"images"}), run=run)
