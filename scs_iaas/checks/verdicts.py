"""Per-certificate-version verdicts over test results (the scope itself is standards data)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from scs_iaas.model.findings import Status
from scs_iaas.standards import scope as scope_mod
from scs_iaas.standards.scope import Scope, Version, VersionVerdict


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
        scope_mod.verdict(
            v.name, results, subject=subject, scope=sc, day=day, tests=tests, verbose=verbose
        )
        for v in versions
    ]
