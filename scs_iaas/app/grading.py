"""The one grading: findings graded by the judged certificate version's targets
(``scope.grade``), folded into one result per test id (``model.findings.fold``), and judged
per certificate version (``scope.verdict``), the versions and verdict lines as the official
``scs-compliance-check.py`` prints them. Checks never grade themselves."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from scs_iaas.model.findings import Finding, Status
from scs_iaas.standards import scope
from scs_iaas.standards.scope import Scope, Version, VersionVerdict


def grade(
    findings: Iterable[Finding], version: str | None = None, sc: Scope | None = None
) -> list[Finding]:
    """Grade by the modules of certificate ``version`` (default: the effective one) of the
    scope ``sc`` (default: the packaged official one)."""
    return scope.grade(findings, scope.get_version(version or scope.DEFAULT_VERSION, sc).modules)


def judged_versions(sc: Scope, version: str | None, day: date) -> tuple[Version, ...]:
    """The versions a run prints: a named one; ``all``: every version of the file; none: those
    the timeline names on ``day`` (what ``scs-compliance-check.py`` checks without ``-V``)."""
    if version == "all":
        return sc.versions
    if version:
        return (sc.version(version),)
    return sc.valid_on(day) or (sc.version(sc.effective_on(day)),)


def judge(
    results: Mapping[str, Status],
    versions: tuple[Version, ...],
    subject: str,
    *,
    sc: Scope,
    day: date,
    tests: str | None = None,
    verbose: bool = False,
) -> list[VersionVerdict]:
    return [
        scope.verdict(
            v.name, results, subject=subject, scope=sc, day=day, tests=tests, verbose=verbose
        )
        for v in versions
    ]
