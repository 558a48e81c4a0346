"""scs-0102 image metadata: every public image carries the SCS properties with valid values,
is recent enough for its replace frequency, and generic images are unique per OS release.
The rules (their outcomes) live in standards/images; this module feeds them the snapshot and
turns their outcomes into findings. A failed rule is a FAIL here; the app grades it by the
certificate's targets (a recommended test becomes a WARN)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime

from scs_iaas.checks.base import Check, Context, std_url
from scs_iaas.model.findings import Finding, Status, Test
from scs_iaas.model.snapshot import ImageRec
from scs_iaas.standards import images as std
from scs_iaas.standards.images import ImageFacts, Outcome

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
BY_ID = {t.id: t for t in TESTS}


def _version(version: str) -> str:
    if version not in std.OS_PURPOSES:
        valid = ", ".join(std.OS_PURPOSES)
        raise ValueError(f"unknown scs-0102 version {version!r} (valid: {valid})")
    return version


def finding(test_id: str, version: str, out: Outcome, resource: str, prop: str = "") -> Finding:
    """The finding of one rule outcome: FAIL when the rule failed (ABORT in the official
    suite's eyes where its code would crash), WARN when it passed with a caveat."""
    test = BY_ID[test_id] if version == "v1" else replace(BY_ID[test_id], version=version)
    details: dict[str, object] = {"property": prop} if prop else {}
    if out.abort:
        status = Status.FAIL
        details["official"] = "ABORT"
    elif not out.ok:
        status = Status.FAIL
    elif out.warn:
        status = Status.WARN
        details["official"] = "PASS"
    else:
        status = Status.PASS
    return test.finding(status, out.reason, resource, out.fix, details=details)


def check_image_properties(
    image: ImageFacts, *, now: datetime, version: str = "v1"
) -> list[Finding]:
    """One finding per scs-0102 property test for one image (``version`` "v1" or "v2")."""
    version = _version(version)
    return [
        finding(test_id, version, rule(image, now, version), image.name, prop)
        for test_id, prop, rule in std.PROPERTY_RULES
    ]


def check_recency(
    images: Sequence[ImageFacts], *, now: datetime, version: str = "v1"
) -> list[Finding]:
    """``scs-0102-image-recency``: one finding per image.

    An image is outdated when ``now`` is past build date + 1.1 x its replace period. It is
    excused when past its ``provided_until`` (or that is none/notice), or when a fresh image
    carries its name minus the last word (``Ubuntu 24.04 20240501`` -> ``Ubuntu 24.04``); an
    excused image that is neither hidden nor renamed with ``old``/``prev``/a date is a WARN.
    """
    version = _version(version)
    by_name = {img.name: img for img in images}
    findings: list[Finding] = []
    for img in images:
        age = std.image_age(img, now)
        if age.state == std.FRESH:
            out = Outcome(True, age.reason)
        elif age.state in (std.BAD_UNTIL, std.NO_UNTIL):
            out = Outcome(
                False,
                age.reason,
                "set provided_until to YYYY-MM-DD, 'none' or 'notice'",
                abort=age.state == std.NO_UNTIL,
            )
        else:
            out = std.replacement_outcome(img, age, by_name, now)
        findings.append(finding(std.IMAGE_RECENCY, version, out, img.name))
    return findings


def check_os_purpose_uniqueness(
    images: Iterable[ImageFacts], *, version: str = "v1"
) -> list[Finding]:
    """``scs-0102-os_purpose-uniqueness``: at most one public, visible ``generic`` image per
    (os_distro, os_version, architecture). One finding per clash, or one PASS."""
    version = _version(version)
    buckets: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for img in images:
        if img.visibility != "public" or img.os_hidden:
            continue
        distro, os_version = img.prop("os_distro"), img.prop("os_version")
        if not distro or not os_version or img.prop("os_purpose") != "generic":
            continue
        buckets[(distro, os_version, img.prop("architecture") or "")].append(img.name)
    findings: list[Finding] = []
    other = "oldgeneric"  # accepted by the suite under v1 and v2
    for (distro, os_version, arch), names in buckets.items():
        if len(names) < 2:
            continue
        out = Outcome(
            False,
            f"{len(names)} public generic images for {distro} {os_version} {arch or '(no arch)'}",
            f"keep os_purpose=generic on the newest only; give the others {other} or hide them",
        )
        findings.append(finding(std.OS_PURPOSE_UNIQUENESS, version, out, ", ".join(names)))
    if not findings:
        out = Outcome(True, "at most one public generic image per distro, version and architecture")
        findings.append(finding(std.OS_PURPOSE_UNIQUENESS, version, out, ""))
    return findings


def check_image_metadata(
    images: Iterable[ImageFacts], *, now: datetime, version: str = "v1"
) -> list[Finding]:
    """All scs-0102 tests over the images the suite judges (public and community ones).

    With no such image every test passes (vacuously, as in the suite), with one finding each.
    """
    judged = std.suite_images(images)
    if not judged:
        out = Outcome(True, "no public or community image: nothing to check")
        return [finding(i, _version(version), out, "") for i in std.TEST_IDS_0102]
    findings: list[Finding] = []
    for img in judged:
        findings.extend(check_image_properties(img, now=now, version=version))
    findings.extend(check_recency(judged, now=now, version=version))
    findings.extend(check_os_purpose_uniqueness(judged, version=version))
    return findings


def facts(images: Iterable[ImageRec]) -> list[ImageFacts]:
    """Snapshot records as the pure rules want them."""
    return [ImageFacts.from_record(i) for i in images]


def run(ctx: Context) -> list[Finding]:
    return check_image_metadata(facts(ctx.snapshot.images), now=ctx.now, version="v1")


CHECK = Check(name="scs-0102 image metadata", tests=TESTS, needs=frozenset({"images"}), run=run)
