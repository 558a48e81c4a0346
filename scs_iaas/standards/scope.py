"""The certificate scope "SCS-compatible IaaS" as data: versions, modules, targets, verdicts.

The official compliance framework (``Tests/scs-compatible-iaas.yaml``) groups test ids into
*modules* (one per standard version) and each module's ids into *targets*: ``main`` decides the
certificate, ``recommended`` is reported but does not, ``preview`` holds manual checks. A
*version* of the scope includes a list of modules. This module keeps that table as plain data so
that checks can grade their results (a failed recommended test is a warning, not a failure) and
so that a run can be summarised the way the official ``scs-compliance-check.py`` prints it.

Membership facts come from the standards repository (commit 077174d9, 2026-08-21). Where the
exact membership is not known, the entry says "(unsure)" and follows what the standard's text
implies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal

from scs_iaas.errors import InputError
from scs_iaas.model.findings import Finding, Status

Target = Literal["main", "recommended", "preview"]
TargetVerdictName = Literal["PASS", "FAIL", "TENTATIVE"]

SCOPE_NAME = "SCS-compatible IaaS"
DEFAULT_VERSION = "v5.1"


class UnknownVersionError(InputError, ValueError):
    """A scope version name that does not exist; the message lists the valid names."""


@dataclass(frozen=True)
class Module:
    """One standard version as the certificate sees it: which test ids decide, which advise."""

    id: str
    standard: str
    version: str
    main: tuple[str, ...] = ()
    recommended: tuple[str, ...] = ()
    preview: tuple[str, ...] = ()

    def target_of(self, test_id: str) -> Target | None:
        """The target a test id belongs to in this module, or None if it is not listed."""
        if test_id in self.main:
            return "main"
        if test_id in self.recommended:
            return "recommended"
        if test_id in self.preview:
            return "preview"
        return None


@dataclass(frozen=True)
class Version:
    """A version of the scope: its name, its status today, and the modules it includes."""

    name: str
    status: str
    modules: tuple[Module, ...]
    stabilized_at: date | None = None

    def ids(self, target: Target) -> tuple[str, ...]:
        """All test ids of one target over all modules, in module order, without duplicates."""
        seen: dict[str, None] = {}
        for module in self.modules:
            for test_id in getattr(module, target):
                seen.setdefault(test_id, None)
        return tuple(seen)

    def module(self, module_id: str) -> Module:
        for module in self.modules:
            if module.id == module_id:
                return module
        names = ", ".join(m.id for m in self.modules)
        raise ValueError(f"version {self.name} has no module {module_id!r} (has: {names})")


# --- test-id tables --------------------------------------------------------------------------

_0102_V1_MAIN = (
    "scs-0102-prop-architecture",
    "scs-0102-prop-min_disk",
    "scs-0102-prop-min_ram",
    "scs-0102-prop-os_version",
    "scs-0102-prop-os_distro",
    "scs-0102-prop-hw_disk_bus",
    "scs-0102-prop-image_build_date",
    "scs-0102-prop-image_original_user",
    "scs-0102-prop-image_source",
    "scs-0102-prop-image_description",
    "scs-0102-prop-replace_frequency",
    "scs-0102-prop-provided_until",
    "scs-0102-prop-uuid_validity",
    "scs-0102-image-recency",
)
# v1 recommends these; v2 moves os_purpose and the uniqueness rule into main.
_0102_V1_RECOMMENDED = (
    "scs-0102-prop-hash_algo",
    "scs-0102-prop-os_purpose",
    "scs-0102-prop-hypervisor_type",
    "scs-0102-prop-hw_rng_model",
    "scs-0102-prop-hotfix_hours",
    "scs-0102-os_purpose-uniqueness",
)
_0102_V2_MOVED = ("scs-0102-prop-os_purpose", "scs-0102-os_purpose-uniqueness")

_0103_MANDATORY = (
    "1v-4",
    "2v-8",
    "4v-16",
    "8v-32",
    "1v-2",
    "2v-4",
    "4v-8",
    "8v-16",
    "16v-32",
    "1v-8",
    "2v-16",
    "4v-32",
    "1l-1",
    "2v-4-20s",
    "4v-16-100s",
)
_0103_RECOMMENDED = (
    "1v-4-10",
    "2v-8-20",
    "4v-16-50",
    "8v-32-100",
    "1v-2-5",
    "2v-4-10",
    "4v-8-20",
    "8v-16-50",
    "16v-32-100",
    "1v-8-20",
    "2v-16-50",
    "4v-32-100",
    "1l-1-5",
    "16v-64",
    "8v-64",
    "16v-128",
)

MODULES: Mapping[str, Module] = {
    m.id: m
    for m in (
        # The E2E/Tempest module carries no targets in the certificate yaml.
        Module("tempest", "scs-0128", "v1"),
        Module(
            "scs-0100-v3.1",
            "scs-0100",
            "v3",
            main=("scs-0100-syntax-check", "scs-0100-semantics-check"),
        ),
        Module(
            "scs-0101-v1",
            "scs-0101",
            "v1",
            main=("scs-0101-rngd", "scs-0101-entropy-avail", "scs-0101-fips-test"),
            recommended=("scs-0101-flavor-property", "scs-0101-image-property"),
        ),
        Module(
            "scs-0102-v1",
            "scs-0102",
            "v1",
            main=_0102_V1_MAIN,
            recommended=_0102_V1_RECOMMENDED,
        ),
        # (unsure) that `next` already includes scs-0102-v2; the split follows the v2 text.
        Module(
            "scs-0102-v2",
            "scs-0102",
            "v2",
            main=_0102_V1_MAIN + _0102_V2_MOVED,
            recommended=tuple(i for i in _0102_V1_RECOMMENDED if i not in _0102_V2_MOVED),
        ),
        Module(
            "scs-0103-v1",
            "scs-0103",
            "v1",
            main=tuple(f"scs-0103-flavor-{n}" for n in _0103_MANDATORY),
            recommended=tuple(f"scs-0103-flavor-{n}" for n in _0103_RECOMMENDED),
        ),
        # used by v4 (image list scs-0104-v1-images.yaml: Ubuntu 22.04 mandatory)
        Module(
            "scs-0104-v1-1",
            "scs-0104",
            "v1",
            main=(
                "scs-0104-source-capi-1",
                "scs-0104-source-ubuntu-2204",
                "scs-0104-source-ubuntu-2004",
                "scs-0104-source-debian-12",
                "scs-0104-source-debian-11",
                "scs-0104-image-ubuntu-2204",
            ),
            recommended=("scs-0104-image-capi-1",),
        ),
        # used by v5.1 and next (image list scs-0104-v1-images-v5.yaml: Ubuntu 24.04 mandatory)
        Module(
            "scs-0104-v1-2",
            "scs-0104",
            "v1",
            main=(
                "scs-0104-source-capi-1",
                "scs-0104-source-capi-2",
                "scs-0104-source-ubuntu-2404",
                "scs-0104-source-ubuntu-2204",
                "scs-0104-source-ubuntu-2004",
                "scs-0104-source-debian-13",
                "scs-0104-source-debian-12",
                "scs-0104-source-debian-11",
                "scs-0104-image-ubuntu-2404",
            ),
            recommended=("scs-0104-image-capi-2", "scs-0104-image-debian-12"),
        ),
        Module(
            "scs-0114-v1",
            "scs-0114",
            "v1",
            main=("scs-0114-syntax-check",),
            recommended=("scs-0114-encrypted-type", "scs-0114-replicated-type"),
        ),
        Module("scs-0115-v1", "scs-0115", "v1", main=("scs-0115-default-rules",)),
        Module(
            "scs-0116-v1",
            "scs-0116",
            "v1",
            main=("scs-0116-permissions",),
            recommended=("scs-0116-presence",),
            preview=("key-manager-docs-check",),
        ),
        Module("scs-0117-v1", "scs-0117", "v1", main=("scs-0117-test-backup",)),
        Module("scs-0121-v1", "scs-0121", "v1", preview=("availability-zones-check",)),
        # (unsure) the suite no longer prints scs-0123-service-object-store, so it is left out;
        # swift-s3 stays main although it was "defused" in 2026-06.
        Module(
            "scs-0123-v1",
            "scs-0123",
            "v1",
            main=(
                "scs-0123-service-compute",
                "scs-0123-service-identity",
                "scs-0123-service-image",
                "scs-0123-service-network",
                "scs-0123-service-load-balancer",
                "scs-0123-service-placement",
                "scs-0123-storage-apis",
                "scs-0123-swift-s3",
            ),
        ),
        # (unsure) v2 is a draft: object store as catalog type `object-store-s3`, no placement.
        Module(
            "scs-0123-v2",
            "scs-0123",
            "v2",
            main=(
                "scs-0123-service-compute",
                "scs-0123-service-identity",
                "scs-0123-service-image",
                "scs-0123-service-network",
                "scs-0123-service-load-balancer",
                "scs-0123-storage-apis",
                "scs-0123-service-s3",
            ),
        ),
        Module("scs-0302-v1", "scs-0302", "v1", preview=("domain-manager-check",)),
    )
}


def _modules(*ids: str) -> tuple[Module, ...]:
    return tuple(MODULES[i] for i in ids)


_V5_COMMON = ("scs-0114-v1", "scs-0115-v1", "scs-0116-v1", "scs-0117-v1", "scs-0121-v1")

_VERSIONS: tuple[Version, ...] = (
    # (unsure) which draft modules `next` carries; see the module comments.
    Version(
        "next",
        "draft",
        _modules(
            "tempest",
            "scs-0100-v3.1",
            "scs-0101-v1",
            "scs-0102-v2",
            "scs-0103-v1",
            "scs-0104-v1-2",
            *_V5_COMMON,
            "scs-0123-v2",
            "scs-0302-v1",
        ),
    ),
    Version(
        "v5.1",
        "effective",
        _modules(
            "tempest",
            "scs-0100-v3.1",
            "scs-0101-v1",
            "scs-0102-v1",
            "scs-0103-v1",
            "scs-0104-v1-2",
            *_V5_COMMON,
            "scs-0123-v1",
            "scs-0302-v1",
        ),
        stabilized_at=date(2024, 12, 19),
    ),
    Version(
        "v4",
        "deprecated",
        _modules(
            "tempest", "scs-0100-v3.1", "scs-0101-v1", "scs-0102-v1", "scs-0103-v1", "scs-0104-v1-1"
        ),
        stabilized_at=date(2024, 2, 28),
    ),
    Version(
        "v3",
        "deprecated",
        _modules("tempest", "scs-0100-v3.1", "scs-0102-v1"),
        stabilized_at=date(2024, 2, 28),
    ),
)

# date -> status of each version from that day on; a version not named is deprecated.
TIMELINE: tuple[tuple[date, Mapping[str, str]], ...] = (
    (date(2026, 6, 11), {"next": "draft", "v5.1": "effective", "v4": "deprecated"}),
    (date(2025, 9, 9), {"next": "draft", "v5.1": "effective", "v4": "deprecated"}),
    (date(2025, 7, 1), {"v5.1": "effective", "v4": "deprecated"}),
    (date(2025, 2, 1), {"v5.1": "effective", "v4": "warn"}),
    (date(2024, 12, 19), {"v5.1": "effective", "v4": "effective"}),
)


def versions() -> tuple[Version, ...]:
    """All known versions of the scope, newest first."""
    return _VERSIONS


def get_version(name: str) -> Version:
    """The version called ``name``; a ValueError naming the valid names otherwise."""
    for v in _VERSIONS:
        if v.name == name:
            return v
    valid = ", ".join(v.name for v in _VERSIONS)
    raise UnknownVersionError(f"unknown SCS-compatible IaaS version {name!r} (valid: {valid})")


def status_on(name: str, day: date) -> str:
    """The timeline status (effective/warn/draft/deprecated) of a version on a given day."""
    get_version(name)
    for since, table in TIMELINE:
        if day >= since:
            return table.get(name, "deprecated")
    return "deprecated"


def effective_on(day: date) -> str:
    """The newest version in force ("effective") on ``day``; the default version before the
    timeline starts (scs-iaas knows no older scope)."""
    for v in _VERSIONS:
        if status_on(v.name, day) == "effective":
            return v.name
    return DEFAULT_VERSION


def module_for(standard: str, version: str, scope_version: str = DEFAULT_VERSION) -> Module:
    """The module of ``standard`` (e.g. "scs-0102") as included by a scope version.

    ``version`` picks among several modules of the same standard ("v1", "v2"); when the scope
    version does not include it, the table of all modules is consulted.
    """
    for module in get_version(scope_version).modules:
        if module.standard == standard and module.version == version:
            return module
    for module in MODULES.values():
        if module.standard == standard and module.version == version:
            return module
    raise ValueError(f"no module for {standard} {version}")


def grade(findings: Iterable[Finding], modules: Iterable[Module]) -> list[Finding]:
    """The one grading: what the judged modules make of a failure. FAIL where the test is a
    main target; WARN where it is only recommended, previewed or not listed (an official id).
    The official suite's FAIL is kept in ``details["official"]``, which is what the fold
    counts. Our own ``scs-iaas-…`` tests keep their status. Checks report FAIL and never
    grade themselves; the app grades once, by the certificate version it judges."""
    targets: dict[str, str] = {}
    for module in modules:
        for target in ("preview", "recommended", "main"):
            for test_id in getattr(module, target):
                targets[test_id] = target
    out = []
    for f in findings:
        official = Status(f.details.get("official", f.status))
        if f.status != Status.FAIL or official != Status.FAIL or f.id.startswith("scs-iaas-"):
            out.append(f)  # only a failure is graded; a SKIP or WARN stays what it is
            continue
        if targets.get(f.id) == "main":
            details = {k: v for k, v in f.details.items() if k != "official"}
            out.append(replace(f, status=Status.FAIL, details=details))
        else:
            out.append(replace(f, status=Status.WARN, details={**f.details, "official": "FAIL"}))
    return out


# --- verdicts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetVerdict:
    """The verdict on one target (main/recommended) of one version, as ids per outcome."""

    target: str
    verdict: TargetVerdictName
    passed: tuple[str, ...]
    failed: tuple[str, ...]
    aborted: tuple[str, ...]
    missing: tuple[str, ...]
    line: str


@dataclass(frozen=True)
class VersionVerdict:
    """The verdict on one scope version; counts are those of the ``main`` target.

    ``line`` is the official console line for ``main``; ``lines`` the full block (header,
    main, recommended) as ``scs-compliance-check.py`` prints it.
    """

    version: str
    main: TargetVerdictName
    recommended: TargetVerdictName
    passed: int
    failed: int
    aborted: int
    missing: int
    line: str
    lines: tuple[str, ...] = field(default=())
    targets: tuple[TargetVerdict, ...] = field(default=())


def _target_verdict(target: str, ids: tuple[str, ...], results: Mapping[str, Any]) -> TargetVerdict:
    buckets: dict[str, list[str]] = {"passed": [], "failed": [], "aborted": [], "missing": []}
    for test_id in ids:
        raw = results.get(test_id)
        status = Status(raw) if raw is not None else Status.SKIP
        if status in (Status.PASS, Status.WARN):
            buckets["passed"].append(test_id)
        elif status is Status.FAIL:
            buckets["failed"].append(test_id)
        elif status is Status.ABORT:
            buckets["aborted"].append(test_id)
        else:
            buckets["missing"].append(test_id)
    failed, aborted, missing = buckets["failed"], buckets["aborted"], buckets["missing"]
    # (unsure) an aborted test cannot count as passed; we rank it with the failures.
    verdict: TargetVerdictName = "FAIL" if failed or aborted else "TENTATIVE" if missing else "PASS"
    parts = [f"{len(buckets['passed'])} passed"]
    parts += [f"{len(v)} {k}" for k, v in buckets.items() if k != "passed" and v]
    shown = "TENTATIVE pass" if verdict == "TENTATIVE" else verdict
    return TargetVerdict(
        target=target,
        verdict=verdict,
        passed=tuple(buckets["passed"]),
        failed=tuple(failed),
        aborted=tuple(aborted),
        missing=tuple(missing),
        line=f"- {target}: {shown} ({', '.join(parts)})",
    )


def verdict(version: str, results: Mapping[str, Any], *, subject: str = "") -> VersionVerdict:
    """Judge ``results`` (test id -> Status or its name) against one scope version.

    PASS and WARN count as passed, FAIL as failed, ABORT as aborted; SKIP and absent ids are
    missing. A target is FAIL if anything failed or aborted, TENTATIVE if only something is
    missing, PASS otherwise.
    """
    v = get_version(version)
    main = _target_verdict("main", v.ids("main"), results)
    rec = _target_verdict("recommended", v.ids("recommended"), results)
    header = f"{subject} {SCOPE_NAME} {v.name}:".lstrip()
    return VersionVerdict(
        version=v.name,
        main=main.verdict,
        recommended=rec.verdict,
        passed=len(main.passed),
        failed=len(main.failed),
        aborted=len(main.aborted),
        missing=len(main.missing),
        line=main.line,
        lines=(header, main.line, rec.line),
        targets=(main, rec),
    )
