"""Check a cloud against the SCS standards: one snapshot, the checks, one grading."""

from __future__ import annotations

import re
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from scs_iaas.app import grading
from scs_iaas.checks import runner
from scs_iaas.checks.base import Check, Context
from scs_iaas.cloud.connection import Cloud
from scs_iaas.errors import InputError, ScsIaasError
from scs_iaas.model.findings import Finding, Status, fold
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


def load_scope(path: str | None) -> scope.Scope:
    """The packaged official scope, or the file ``--scope`` names (one-line errors)."""
    if not path:
        return scope.default_scope()
    import yaml

    try:
        with open(path, encoding="utf-8") as fh:
            doc = yaml.safe_load(fh)
    except OSError as exc:
        raise InputError(f"--scope {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InputError(f"--scope {path}: not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "not YAML"
        raise InputError(f"--scope {path}{where}: {problem}") from None
    return scope.parse_scope(doc, source=path)


@dataclass
class Evaluation:
    """One run of the suite: findings, one result per test id, verdicts, report payload."""

    findings: list[Finding]
    results: dict[str, Status]
    judged: list[scope.VersionVerdict]
    meta: Meta
    cloud: Cloud

    @property
    def main_failed(self) -> bool:
        """The exit code follows ``main`` of the printed versions (as the official tool's
        does: a failed or aborted test of any version it checked makes it non-zero)."""
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
    scope_file: str | None = None,
    verbose: bool = False,
    shared_auth: dict[str, Any] | None = None,
) -> Evaluation:
    """Connect, read one snapshot, run the selected checks, judge per certificate version."""
    from scs_iaas.cloud.connection import connect
    from scs_iaas.cloud.probes import RESOURCE_PREFIX, run_probes
    from scs_iaas.cloud.snapshot import read_snapshot

    now = now or datetime.now(UTC)
    sc = load_scope(scope_file)
    day = now.date()
    # the version in force on `now` grades findings unless one is named; the versions the
    # timeline names that day are judged and printed (as the official tool does)
    judged_versions = grading.judged_versions(sc, cert_version, day)  # bad name fails here
    grading_version = cert_version if cert_version not in (None, "all") else sc.effective_on(day)
    checks = runner.select(check_pattern(pattern))
    if not checks:
        raise InputError(f"--tests {pattern!r} matches no test id (see `scs-iaas check --list`)")
    started = time.perf_counter()
    cloud = connect(os_cloud, config_file=clouds_yaml, shared_auth=shared_auth)
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
    findings = grading.grade(runner.run_checks(checks, ctx, pattern), grading_version, sc)
    results = fold(findings)
    elapsed = time.perf_counter() - started
    subject = subject or cloud.name
    judged = grading.judge(
        results, judged_versions, subject, sc=sc, day=day, tests=pattern, verbose=verbose
    )
    outside = scope.outside_groups(sc, judged_versions, results, partial=bool(pattern))
    # what the official report holds: the results of the judged versions' ids, nothing else
    in_scope = {i for v in judged_versions for ids in v.targets.values() for i in ids}
    values = scope.official_values(results)
    meta = Meta(
        subject=subject,
        cloud=cloud.name,
        checked_at=now.isoformat(timespec="seconds"),
        versions={v.version: v.to_dict() for v in judged},
        results={k: str(st) for k, st in results.items()},
        api_requests=cloud.counter.count,
        seconds=round(elapsed, 3),
        verdict_lines=[line for v in judged for line in v.lines],
        argv=list(sys.argv),
        reference_date=day.isoformat(),
        scope={"name": sc.name, "uuid": sc.uuid, "url": sc.url, "source": sc.source},
        forced_version=cert_version,
        forced_tests=pattern,
        official_results={i: values[i] for i in sorted(values) if i in in_scope},
        outside_lines=list(scope.outside_lines(outside)),
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
