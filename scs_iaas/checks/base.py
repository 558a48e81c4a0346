"""What a check is: metadata as data beside a function from context to findings."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from scs_iaas.findings import Finding, Status

if TYPE_CHECKING:  # pragma: no cover
    from scs_iaas.cloud.connection import Cloud
    from scs_iaas.cloud.snapshot import Snapshot


# Every resource a check creates is named with this prefix; `check --cleanup` sweeps them.
RESOURCE_PREFIX = "scs-iaas-check-"


@dataclass(frozen=True)
class Context:
    """Everything a check may look at. Checks never call the API through ``snapshot``;
    only tests that must create resources (``with_resources``) use ``cloud``."""

    snapshot: Snapshot
    now: datetime
    cloud: Cloud | None = None
    with_resources: bool = False
    prefix: str = RESOURCE_PREFIX
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
    creates_resources: bool = False
    cleanup: Callable[[Cloud, str], int] | None = field(default=None)
    # kinds whose read errors the check handles itself (a fallback) instead of ABORT
    tolerates: frozenset[str] = frozenset()

    def ids(self) -> list[str]:
        return [t.id for t in self.tests]
