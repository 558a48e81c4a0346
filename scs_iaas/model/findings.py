"""The one result type every check (cloud, host, upgrade) returns, the one status order, and
the one fold of findings into a result per test id."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    PASS = "PASS"
    FAIL = "FAIL"
    WARN = "WARN"
    SKIP = "SKIP"
    ABORT = "ABORT"


@dataclass(frozen=True)
class Finding:
    """One verdict on one resource (or on the cloud/host as a whole).

    ``id`` is the test id (identical to the official SCS suite where one exists, else
    ``scs-iaas-…``); ``standard``/``version`` cite the rule; ``reason`` is one line;
    ``fix`` is the command that cures it or the document to read.
    """

    id: str
    standard: str
    version: str
    status: Status
    reason: str
    resource: str = ""
    fix: str = ""
    details: dict[str, Any] = field(default_factory=dict, compare=False)
    # the inventory host a fleet run judged this on (``host judge`` after Ansible); "" otherwise
    node: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (built by hand: ``dataclasses.asdict`` deep-copies, which
        costs more than the checks themselves on a cloud with hundreds of images)."""
        d: dict[str, Any] = {
            "id": self.id,
            "standard": self.standard,
            "version": self.version,
            "status": self.status.value,
            "reason": self.reason,
            "resource": self.resource,
            "fix": self.fix,
        }
        if self.node:
            d["node"] = self.node
        if self.details:
            d["details"] = dict(self.details)
        return d


@dataclass(frozen=True)
class Test:
    """One test id with what a reader needs to act on its result, and the one way to build
    its findings (cloud checks, host checks and the upgrade check alike).

    ``fix`` is the cure named in FAIL/WARN/ABORT findings; ``resource`` the default resource
    (e.g. ``host``) when a finding names none."""

    __test__ = False  # not a pytest test class

    id: str
    standard: str
    version: str
    title: str
    fix: str = ""
    url: str = ""
    resource: str = ""

    def finding(
        self,
        status: Status,
        reason: str,
        resource: str = "",
        fix: str | None = None,
        *,
        details: Mapping[str, object] | None = None,
        **more: object,
    ) -> Finding:
        return Finding(
            id=self.id,
            standard=self.standard,
            version=self.version,
            status=status,
            reason=reason,
            resource=resource or self.resource,
            fix=(self.fix if fix is None else fix)
            if status in (Status.FAIL, Status.WARN, Status.ABORT)
            else "",
            details={**(details or {}), **more},
        )

    def passed(self, reason: str, resource: str = "", **details: object) -> Finding:
        return self.finding(Status.PASS, reason, resource, None, details=details)

    def failed(
        self, reason: str, resource: str = "", fix: str | None = None, **details: object
    ) -> Finding:
        """FAIL; the grading makes it a WARN where the judged certificate version only
        recommends the test."""
        return self.finding(Status.FAIL, reason, resource, fix, details=details)

    def warned(
        self, reason: str, resource: str = "", fix: str | None = None, **details: object
    ) -> Finding:
        return self.finding(Status.WARN, reason, resource, fix, details=details)

    def skipped(self, reason: str, resource: str = "", **details: object) -> Finding:
        return self.finding(Status.SKIP, reason, resource, details=details)

    def aborted(self, reason: str, resource: str = "") -> Finding:
        return self.finding(Status.ABORT, reason, resource)


# The one status order, worst first: what "worst" means, how results per test fold, and the
# order reports list findings in. SKIP is last: it counts only when nothing else is there.
ORDER: tuple[Status, ...] = (Status.ABORT, Status.FAIL, Status.WARN, Status.PASS, Status.SKIP)
RANK: Mapping[Status, int] = {s: len(ORDER) - i for i, s in enumerate(ORDER)}  # higher: worse


def sort_key(f: Finding) -> tuple[int, str, str]:
    """Worst first, then by test id and resource."""
    return (-RANK[f.status], f.id, f.resource)


def worst(findings: Iterable[Finding]) -> Status:
    """FAIL/ABORT beat WARN beat PASS; SKIP only when nothing else is there."""
    return max((f.status for f in findings), key=RANK.__getitem__, default=Status.SKIP)


def official(f: Finding) -> Status:
    """What the official suite records for this finding: its ``details["official"]`` where
    our grading differs (a recommended test's FAIL shown as WARN), else the status, with a
    WARN counted as PASS (the official suite knows no warnings)."""
    status = Status(f.details.get("official", f.status))
    return Status.PASS if status == Status.WARN else status


def fold(findings: Iterable[Finding], *, vacuous: Iterable[str] = ()) -> dict[str, Status]:
    """One result per test id as the official suite reports it: the worst official status of
    its findings (FAIL if any resource failed, ABORT if it could not be run, SKIP only if all
    skipped). Ids in ``vacuous`` with no finding pass, as the official suite passes a test
    that finds nothing to check."""
    out: dict[str, Status] = {i: Status.PASS for i in vacuous}
    for f in findings:
        status = official(f)
        prev = out.get(f.id)
        if prev is None or RANK[status] > RANK[prev]:
            out[f.id] = status
    return out


def exit_code(findings: Iterable[Finding]) -> int:
    """0 when nothing failed, 1 when a finding is FAIL or ABORT."""
    return 1 if worst(findings) in (Status.FAIL, Status.ABORT) else 0
