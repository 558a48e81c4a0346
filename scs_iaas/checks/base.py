"""What a check is: metadata as data beside a function from context to findings."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from scs_iaas.host.facts import HostFacts
from scs_iaas.model.findings import Finding, Test
from scs_iaas.model.snapshot import Snapshot


@dataclass(frozen=True)
class Context:
    """Everything a check may look at: the cloud's snapshot (with the results of the probes
    that create resources, when the run may create them) or a host's facts. Checks never
    call an API or read a file themselves."""

    snapshot: Snapshot = field(default_factory=lambda: Snapshot(cloud=""))
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    host: HostFacts | None = None
    with_resources: bool = False
    # the test ids asked for (--tests); None: all. Tests that create resources run only
    # when asked for, not merely because a sibling test of the same check was.
    selected: frozenset[str] | None = None

    def wants(self, test_id: str) -> bool:
        return self.selected is None or test_id in self.selected


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

    def ids(self) -> list[str]:
        return [t.id for t in self.tests]
