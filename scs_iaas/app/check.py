"""Check a cloud against the SCS standards: one snapshot, the checks, one grading."""

from __future__ import annotations

import re
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from scs_iaas.checks import runner, verdicts
from scs_iaas.checks.base import Check, Context
from scs_iaas.cloud.connection import Cloud
from scs_iaas.errors import InputError, ScsIaasError
from scs_iaas.model.findings import Finding, Status
from scs_iaas.report.meta import Meta
from scs_iaas.standards import scope


def check_pattern(text: str | None) -> str | None:
    """A --tests pattern, compiled once to refuse a bad one with a one-line error."""
    if text is None:
        return None
    try:
        re.compile(text)
    except re.error as exc:
        raise InputError(f"--tests: bad regular expression {text!r}: {exc}") from None
    return text


def list_tests(pattern: str | None = None) -> list[Check]:
    return runner.select(check_pattern(pattern))


@dataclass
class Evaluation:
    """One run of the suite: findings, one result per test id, verdicts, report payload."""

    findings: list[Finding]
    results: dict[str, Status]
    judged: list[verdicts.Judged]
    meta: Meta
    cloud: Cloud

    @property
    def main_failed(self) -> bool:
        return any(v.main_failed for v in self.judged)


def evaluate(
    os_cloud: str | None,
    pattern: str | None = None,
    *,
    now: datetime | None = None,
    with_resources: bool = False,
    allow_admin: bool = False,
    cert_version: str | None = None,
    subject: str | None = None,
    clouds_yaml: str | None = None,
) -> Evaluation:
    """Connect, read one snapshot, run the selected checks, judge per certificate version."""
    from scs_iaas.cloud.connection import connect
    from scs_iaas.cloud.probes import RESOURCE_PREFIX, run_probes
    from scs_iaas.cloud.snapshot import read_snapshot

    now = now or datetime.now(UTC)
    # the version in force on `now` grades and judges unless one is named
    effective = scope.effective_on(now.date())
    if cert_version not in (None, "all"):
        scope.get_version(cert_version)  # a wrong name fails here, before any request
    checks = runner.select(check_pattern(pattern))
    if not checks:
        raise InputError(f"--tests {pattern!r} matches no test id (see `scs-iaas check --list`)")
    started = time.perf_counter()
    cloud = connect(os_cloud, config_file=clouds_yaml)
    _guard_roles(cloud.name, cloud.roles, allow_admin)
    snapshot = read_snapshot(cloud, runner.needed_kinds(checks))
    selected = None
    if pattern:
        rx = re.compile(pattern)
        selected = frozenset(i for c in checks for i in c.ids() if rx.search(i))
    if with_resources:
        probes = [
            name
            for c in checks
            for test_id, name in c.probes.items()
            if selected is None or test_id in selected
        ]
        snapshot = run_probes(cloud, snapshot, probes, RESOURCE_PREFIX)
    ctx = Context(snapshot=snapshot, now=now, with_resources=with_resources, selected=selected)
    grading = cert_version if cert_version not in (None, "all") else effective
    findings = runner.grade(runner.run_checks(checks, ctx, pattern), grading)
    results = runner.results_by_test(findings)
    elapsed = time.perf_counter() - started
    subject = subject or cloud.name
    judged = verdicts.judge(results, cert_version or effective, subject)
    meta = Meta(
        subject=subject,
        cloud=cloud.name,
        checked_at=now.isoformat(timespec="seconds"),
        versions={v.version: v.to_dict() for v in judged},
        results={k: str(st) for k, st in results.items()},
        api_requests=cloud.counter.count,
        seconds=round(elapsed, 3),
        verdict_lines=[line for v in judged for line in v.lines()],
        argv=list(sys.argv),
        # when the first request left (epoch seconds), so that a caller who noted when it
        # started the process can tell the cost of start-up and imports (bench/check.py does)
        data={"timing": {"first_request_epoch": cloud.counter.first_request_wall}},
    )
    return Evaluation(findings, results, judged, meta, cloud)


def _guard_roles(cloud: str, roles: tuple[str, ...], allow_admin: bool) -> None:
    """The official suite refuses anything but a plain member: so do we, by default."""
    elevated = sorted(set(roles) & {"admin", "manager"})
    if elevated and not allow_admin:
        raise ScsIaasError(
            f"cloud {cloud!r}: credentials have role(s) {', '.join(elevated)}; the SCS suite "
            "runs as a plain member (use a member account, or --allow-admin if you know why)"
        )
    if "member" not in roles and not allow_admin:
        raise ScsIaasError(
            f"cloud {cloud!r}: credentials lack the 'member' role (roles: "
            f"{', '.join(roles) or 'none'})"
        )


def cleanup(os_cloud: str | None) -> tuple[int, str]:
    """Delete what an interrupted --with-resources run left behind: (how many, the prefix)."""
    from scs_iaas.cloud.connection import connect
    from scs_iaas.cloud.probes import RESOURCE_PREFIX
    from scs_iaas.cloud.probes import cleanup as sweep

    return sweep(connect(os_cloud), RESOURCE_PREFIX), RESOURCE_PREFIX
