"""The one result type every check (cloud, host, upgrade) returns, and how runs are judged."""

from __future__ import annotations

from collections.abc import Iterable
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
    # the inventory host a fleet run judged this on (``host check`` over Ansible); "" otherwise
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


def worst(findings: Iterable[Finding]) -> Status:
    """FAIL/ABORT beat WARN beat PASS; SKIP only when nothing else is there."""
    order = [Status.ABORT, Status.FAIL, Status.WARN, Status.PASS, Status.SKIP]
    seen = {f.status for f in findings}
    for s in order:
        if s in seen:
            return s
    return Status.SKIP


def exit_code(findings: Iterable[Finding]) -> int:
    """0 when nothing failed, 1 when a finding is FAIL or ABORT."""
    return 1 if worst(findings) in (Status.FAIL, Status.ABORT) else 0
