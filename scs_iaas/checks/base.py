"""What a check is: metadata as data beside a function from context to findings."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from scs_iaas.model.findings import Finding, Status
from scs_iaas.model.snapshot import Snapshot


@dataclass(frozen=True)
class Context:
    """Everything a check may look at: the snapshot (with the results of the probes that
    create resources, when the run may create them). Checks never call the API."""

    snapshot: Snapshot
    now: datetime
    with_resources: bool = False
    # the test ids asked for (--tests); None: all. Tests that create resources run only
    # when asked for, not merely because a sibling test of the same check was.
    selected: frozenset[str] | None = None

    def wants(self, test_id: str) -> bool:
        return self.selected is None or test_id in self.selected


@dataclass(frozen=True)
class Test:
    """One test id with what a reader needs to act on its result."""

    __test__ = False  # not a pytest test class

    id: str
    standard: str
    version: str
    title: str
    fix: str = ""
    url: str = ""

    def finding(
        self,
        status: Status,
        reason: str,
        resource: str = "",
        fix: str | None = None,
        **details: object,
    ) -> Finding:
        return Finding(
            id=self.id,
            standard=self.standard,
            version=self.version,
            status=status,
            reason=reason,
            resource=resource,
            fix=(self.fix if fix is None else fix)
            if status in (Status.FAIL, Status.WARN, Status.ABORT)
            else "",
            details=dict(details),
        )

    def passed(self, reason: str, resource: str = "", **details: object) -> Finding:
        return self.finding(Status.PASS, reason, resource, None, **details)

    def failed(
        self, reason: str, resource: str = "", fix: str | None = None, **details: object
    ) -> Finding:
        """FAIL; the runner grades it down to WARN where the judged certificate version only
        recommends the test (see ``runner.grade``)."""
        return self.finding(Status.FAIL, reason, resource, fix, **details)

    def warned(
        self, reason: str, resource: str = "", fix: str | None = None, **details: object
    ) -> Finding:
        return self.finding(Status.WARN, reason, resource, fix, **details)

    def skipped(self, reason: str, resource: str = "") -> Finding:
        return self.finding(Status.SKIP, reason, resource)

    def aborted(self, reason: str, resource: str = "") -> Finding:
        return self.finding(Status.ABORT, reason, resource)


def std_url(doc: str) -> str:
    return f"https://docs.scs.community/standards/{doc}"


@dataclass(frozen=True)
class Check:
    """A group of tests that read the same snapshot kinds (usually one standard)."""

    name: str
    tests: Sequence[Test]
    needs: frozenset[str]
    run: Callable[[Context], list[Finding]]
    # test id -> the probe (``cloud/probes.py``) that creates resources for it; run only with
    # --with-resources and only when that test is asked for
    probes: Mapping[str, str] = field(default_factory=dict)
    # kinds whose read errors the check handles itself (a fallback) instead of ABORT
    tolerates: frozenset[str] = frozenset()

    @property
    def creates_resources(self) -> bool:
        return bool(self.probes)

    def ids(self) -> list[str]:
        return [t.id for t in self.tests]
