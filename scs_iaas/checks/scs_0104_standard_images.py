"""scs-0104 standard images (v1, the certificate v5.1 list): the mandatory and recommended
images exist, and every image of a standard name comes from the standard's source. The lists
live in standards/images; a missing image is a FAIL here (SKIP when the list makes it
optional), graded by the certificate's targets in the app."""

from __future__ import annotations

from collections.abc import Sequence

from scs_iaas.checks.base import Check, Context, std_url
from scs_iaas.checks.scs_0102_image_metadata import facts
from scs_iaas.model.findings import Finding, Test
from scs_iaas.standards import images as std
from scs_iaas.standards.images import ImageFacts, StandardImage

URL = std_url("scs-0104-v1-standard-images")
FIX = "scs-iaas manage images --definitions FILE --apply (with the standard images)"


def _tests(version: str = "v1") -> list[Test]:
    seen: dict[str, Test] = {}
    for img in std.standard_images(version):
        for tid, title in (
            (img.image_test_id, f"image {img.name} present"),
            (img.source_test_id, f"image {img.name} from its standard source"),
        ):
            if tid and tid not in seen:
                seen[tid] = Test(tid, std.STANDARD_0104, "v1", title, FIX, URL)
    return list(seen.values())


TESTS = _tests()


def check_standard_images(images: Sequence[ImageFacts], *, version: str = "v1") -> list[Finding]:
    """scs-0104 v1: presence per entry (by status) and ``image_source`` of every match.

    A missing mandatory or recommended image is FAIL (graded by the certificate's targets), a
    missing optional one SKIP (the suite scores all three FAIL under their image id). A source
    test with nothing to check passes, as in the suite.
    """
    tests = {t.id: t for t in _tests(version)}
    lookup = {img.name: img for img in std.suite_images(images)}
    findings: list[Finding] = []
    for spec in std.standard_images(version):
        matches = spec.matches(lookup)
        shown = f"matching {spec.name_scheme!r}" if spec.name_scheme else repr(spec.name)
        if spec.image_test_id:
            findings.append(_presence(tests[spec.image_test_id], spec, matches, shown))
        source = tests[spec.source_test_id]
        if not matches:
            findings.append(
                source.passed(f"no image {shown}: no source to check", property="image_source")
            )
        for img in matches:
            findings.append(_source(source, spec, img))
    return findings


def _presence(test: Test, spec: StandardImage, matches: list[ImageFacts], shown: str) -> Finding:
    if matches:
        names = ", ".join(img.name for img in matches)
        return test.passed(f"{spec.status} image present: {names}", names)
    where = spec.source_prefixes[0]
    reason = f"{spec.status} image {shown} not found among public images"
    fix = f"upload it as a public image named {spec.name!r} (image_source under {where})"
    if spec.status == "optional":
        return test.skipped(reason, spec.name, official="FAIL")
    return test.failed(reason, spec.name, fix)


def _source(test: Test, spec: StandardImage, img: ImageFacts) -> Finding:
    source = img.prop("image_source")
    prefixes = ", ".join(spec.source_prefixes)
    if source is None:
        return test.failed(
            "image_source not set",
            img.name,
            f"set image_source to the URL it came from, under one of: {prefixes}",
            property="image_source",
            official="ABORT",
        )
    if any(source.startswith(p) for p in spec.source_prefixes):
        return test.passed(f"image_source {source}", img.name, property="image_source")
    return test.failed(
        f"image_source {source!r} is not under an upstream prefix",
        img.name,
        f"upload it from one of: {prefixes}",
        property="image_source",
    )


def run(ctx: Context) -> list[Finding]:
    return check_standard_images(facts(ctx.snapshot.images))


CHECK = Check(name="scs-0104 standard images", tests=TESTS, needs=frozenset({"images"}), run=run)
