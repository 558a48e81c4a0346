"""``scs-iaas check`` (the SCS conformance suite) and ``scs-iaas validate`` (OSISM-style
shortcuts for ``check --tests`` on one standard)."""

from __future__ import annotations

import argparse
import re
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from scs_iaas.errors import InputError, ScsIaasError

if TYPE_CHECKING:  # pragma: no cover
    from scs_iaas.cloud.connection import Cloud
    from scs_iaas.findings import Finding, Status
    from scs_iaas.standards.scope import Scope, VersionVerdict

# `scs-iaas validate WHAT`: the test-id patterns per word (as `osism validate flavors`).
VALIDATE = {
    "flavors": r"^scs-0100-|^scs-0103-|^scs-iaas-flavor",
    "images": r"^scs-0102-|^scs-0104-|^scs-iaas-image|^scs-iaas-capi",
    "volume-types": r"^scs-0114-",
    "security-groups": r"^scs-0115-",
    "key-manager": r"^scs-0116-",
    "services": r"^scs-0123-",
    "backup": r"^scs-0117-",
    "confidential-computing": r"^scs-iaas-cc-",
}


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--os-cloud",
        metavar="NAME",
        action="append",
        help="clouds.yaml entry (default: $OS_CLOUD); several: a fleet, checked concurrently",
    )
    p.add_argument(
        "--subjects",
        metavar="FILE",
        help="a fleet: YAML mapping of subject (the report's name) to clouds.yaml entry",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=8,
        metavar="N",
        help="clouds of a fleet checked at the same time (default 8)",
    )
    p.add_argument(
        "--version",
        dest="cert_version",
        metavar="VERSION",
        default=None,
        help="certificate version to judge against (default: those the scope's timeline names "
        "today, as the official tool; 'all' for every version)",
    )
    p.add_argument(
        "-f", "--format", default="text", choices=["text", "json", "junit", "html", "scs-yaml"]
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write the report here (default stdout)")
    p.add_argument(
        "--report",
        metavar="FILE",
        help="also write the official SCS report (the -f scs-yaml format) to FILE, as "
        "scs-compliance-check.py -o does beside its printed verdicts",
    )
    p.add_argument(
        "--with-resources",
        action="store_true",
        help="also run tests that create (and delete) resources: 0116 secret, 0117 backup",
    )
    p.add_argument(
        "--allow-admin",
        action="store_true",
        help="run with admin/manager credentials (the official suite refuses them)",
    )
    p.add_argument(
        "--scope",
        metavar="FILE",
        help="a newer scs-compatible-iaas.yaml (a checkout of the SCS standards repository; "
        "default: the packaged copy)",
    )
    p.add_argument("--subject", help="name of the cloud in reports (default: the cloud name)")
    p.add_argument("-v", "--verbose", action="store_true", help="list passing findings too")
    p.add_argument("--now", metavar="ISO", help="judge dates as of this time (default: now, UTC)")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "check",
        help="check a cloud against the SCS standards",
        description="Check a live cloud against the SCS standards. Exit 0: main targets pass; "
        "1: a main target fails; 2: the run could not be done.",
    )
    _common(p)
    p.add_argument("--tests", metavar="REGEX", help="only test ids matching REGEX (re.search)")
    p.add_argument("--list", action="store_true", help="list the test ids and exit")
    p.add_argument(
        "--upload",
        action="store_true",
        help="sign the SCS report and upload it to --monitor after the run (as `report upload`)",
    )
    from scs_iaas.commands.report import add_upload_options

    add_upload_options(p, required=False)
    p.add_argument(
        "--cleanup",
        action="store_true",
        help="delete resources left behind by an interrupted --with-resources run, then exit",
    )
    p.set_defaults(func=run_check)

    v = sub.add_parser(
        "validate",
        help="check one area: flavors, images, volume-types, …",
        description="Shortcut for `check --tests` on one or more areas.",
    )
    v.add_argument(
        "what",
        nargs="+",
        choices=sorted(VALIDATE),
        metavar="WHAT",
        help=f"one or more of: {', '.join(sorted(VALIDATE))}",
    )
    _common(v)
    v.set_defaults(
        func=run_validate, list=False, cleanup=False, upload=False, monitor=None, key=None
    )
    v.set_defaults(auth_file=None)


def validate_pattern(areas: list[str] | tuple[str, ...]) -> str:
    """One --tests pattern for the named areas (`validate flavors images`)."""
    return "|".join(f"(?:{VALIDATE[a]})" for a in areas)


def run_validate(args: argparse.Namespace) -> int:
    args.tests = validate_pattern(args.what)
    return run_check(args)


def _now(text: str | None) -> datetime:
    from datetime import UTC

    if not text:
        return datetime.now(UTC)
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"--now: not an ISO date/time: {text!r}") from None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _pattern(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        re.compile(text)
    except re.error as exc:
        raise InputError(f"--tests: bad regular expression {text!r}: {exc}") from None
    return text


def load_scope(path: str | None) -> Scope:
    """The packaged official scope, or the file ``--scope`` names (one-line errors)."""
    from scs_iaas.standards import scope

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
    judged: list[VersionVerdict]
    extra: dict[str, Any]
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
    scope_file: str | None = None,
    verbose: bool = False,
    shared_auth: dict[str, Any] | None = None,
) -> Evaluation:
    """Connect, read one snapshot, run the selected checks, judge per certificate version."""
    from scs_iaas.checks import runner, verdicts
    from scs_iaas.checks.base import Context
    from scs_iaas.cloud.connection import connect
    from scs_iaas.cloud.snapshot import read_snapshot
    from scs_iaas.standards import scope

    now = now or _now(None)
    sc = load_scope(scope_file)
    day = now.date()
    # the version in force on `now` grades findings unless one is named; the versions the
    # timeline names that day are judged and printed (as the official tool does)
    judged_versions = verdicts.judged_versions(sc, cert_version, day)  # bad name fails here
    grading = cert_version if cert_version not in (None, "all") else sc.effective_on(day)
    checks = runner.select(_pattern(pattern))
    if not checks:
        raise InputError(f"--tests {pattern!r} matches no test id (see `scs-iaas check --list`)")
    started = time.perf_counter()
    cloud = connect(os_cloud, shared_auth=shared_auth)
    _guard_roles(cloud.name, cloud.roles, allow_admin)
    snapshot = read_snapshot(cloud, runner.needed_kinds(checks))
    selected = None
    if pattern:
        rx = re.compile(pattern)
        selected = frozenset(i for c in checks for i in c.ids() if rx.search(i))
    ctx = Context(
        snapshot=snapshot,
        now=now,
        cloud=cloud,
        with_resources=with_resources,
        selected=selected,
    )
    findings = runner.grade(runner.run_checks(checks, ctx, pattern), grading, sc)
    results = runner.results_by_test(findings)
    elapsed = time.perf_counter() - started
    subject = subject or cloud.name
    judged = verdicts.judge(
        results, judged_versions, subject, sc=sc, day=day, tests=pattern, verbose=verbose
    )
    outside = scope.outside_groups(sc, judged_versions, results, partial=bool(pattern))
    # what the official report holds: the results of the judged versions' ids, nothing else
    in_scope = {i for v in judged_versions for ids in v.targets.values() for i in ids}
    values = scope.official_values(results)
    official = {i: values[i] for i in sorted(values) if i in in_scope}
    extra: dict[str, Any] = {
        "subject": subject,
        "cloud": cloud.name,
        "checked_at": now.isoformat(timespec="seconds"),
        "reference_date": day.isoformat(),
        "scope": {"name": sc.name, "uuid": sc.uuid, "url": sc.url, "source": sc.source},
        "forced_version": cert_version,
        "forced_tests": pattern,
        "versions": {v.version: v.to_dict() for v in judged},
        "results": {k: str(st) for k, st in results.items()},
        "official_results": official,
        "api_requests": cloud.counter.count,
        "seconds": round(elapsed, 3),
        "timing": _timing(cloud.counter.first_request_wall),
        "verdict_lines": [line for v in judged for line in v.lines],
        "outside_lines": list(scope.outside_lines(outside)),
        "argv": sys.argv,
    }
    return Evaluation(findings, results, judged, extra, cloud)


def run_check(args: argparse.Namespace) -> int:
    from scs_iaas.checks import runner

    pattern = _pattern(args.tests)
    if args.list:
        for check in runner.select(pattern):
            for t in check.tests:
                print(f"{t.id}\t{t.standard} {t.version}\t{t.title}")
        return 0
    clouds = args.os_cloud or []
    if args.cleanup:
        from scs_iaas.cloud.connection import connect

        return max(_cleanup(connect(c)) for c in clouds or [None])
    if args.subjects or len(clouds) > 1:
        return _run_fleet(args, pattern)
    if args.upload:
        _check_upload_options(args)
    ev = evaluate(
        clouds[0] if clouds else None,
        pattern,
        now=_now(args.now),
        with_resources=args.with_resources,
        allow_admin=args.allow_admin,
        cert_version=args.cert_version,
        subject=args.subject,
        scope_file=args.scope,
        verbose=args.verbose,
    )
    ev.extra["verbose"] = args.verbose
    from scs_iaas.report import emit_to

    title = f"SCS conformance of {ev.extra['subject']}"
    emit_to(args.output, ev.findings, args.format, title=title, extra=ev.extra)
    if args.debug:
        for c in ev.cloud.counter.calls:
            print(
                f"  {c.method} {c.url} -> {c.status} ({c.seconds * 1000:.0f} ms)", file=sys.stderr
            )
        print(
            f"scs-iaas: {ev.cloud.counter.summary()} in {ev.extra['seconds']:.2f} s",
            file=sys.stderr,
        )
    if args.report:
        emit_to(args.report, ev.findings, "scs-yaml", title=title, extra=ev.extra)
    if args.upload:
        from scs_iaas.report.scs_yaml import document, dump_documents
        from scs_iaas.report.upload import upload

        text = dump_documents([document(ev.findings, ev.extra)])
        done = upload([("the report of this run", text)], args.monitor, args.key, args.auth_file)
        print(done.line(), file=sys.stderr if args.format != "text" and not args.output else None)
    return 1 if ev.main_failed else 0


def _read_subjects(path: str) -> list[tuple[str, str]]:
    import yaml

    from scs_iaas.app.fleet import parse_subjects

    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        doc = yaml.safe_load(text)
    except OSError as exc:
        raise InputError(f"--subjects {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InputError(f"--subjects {path}: not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        raise InputError(f"--subjects {path}{where}: not YAML") from None
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key, _ in node.value:
            lines[str(key.value)] = key.start_mark.line + 1
    return parse_subjects(doc, f"--subjects {path}", lines)


def _run_fleet(args: argparse.Namespace, pattern: str | None) -> int:
    """Several clouds: checked concurrently, a progress line each (stderr), one table."""
    from scs_iaas.app import fleet
    from scs_iaas.checks import runner, verdicts
    from scs_iaas.report import fleet as fleet_report
    from scs_iaas.report import write_to

    if args.format not in ("text", "json", "scs-yaml"):
        raise InputError(f"-f {args.format}: a fleet is reported as text, json or scs-yaml")
    mapping = _read_subjects(args.subjects) if args.subjects else []
    subjects = fleet.subjects_from(args.os_cloud or [], mapping, args.subject)
    if args.upload:
        _check_upload_options(args)
    # what would fail for every subject fails once, here, before any request
    now = _now(args.now)
    verdicts.judged_versions(load_scope(args.scope), args.cert_version, now.date())
    if not runner.select(pattern):
        raise InputError(f"--tests {pattern!r} matches no test id (see `scs-iaas check --list`)")

    shared_auth: dict[str, Any] = {}  # one token per distinct Keystone + credentials

    def one(s: fleet.Subject) -> Evaluation:
        return evaluate(
            s.cloud,
            pattern,
            now=now,
            with_resources=args.with_resources,
            allow_admin=args.allow_admin,
            cert_version=args.cert_version,
            subject=s.name,
            scope_file=args.scope,
            verbose=args.verbose,
            shared_auth=shared_auth,
        )

    def progress(n: int, total: int, run: fleet.SubjectRun) -> None:
        print(fleet_report.progress_line(n, total, run), file=sys.stderr, flush=True)

    runs = fleet.run_fleet(subjects, one, workers=args.workers, progress=progress)
    if args.format == "json":
        write_to(args.output, fleet_report.render_fleet_json(runs))
    elif args.format == "scs-yaml":
        write_to(args.output, fleet_report.render_fleet_scs_yaml(runs))
    else:
        import io

        buf = io.StringIO()
        fleet_report.render_fleet_text(runs, buf, verbose=args.verbose)
        write_to(args.output, buf.getvalue())
    checked = [r for r in runs if r.evaluation is not None]
    if args.report and checked:
        write_to(args.report, fleet_report.render_fleet_scs_yaml(runs))
    if args.upload and checked:
        from scs_iaas.report.upload import upload

        text = fleet_report.render_fleet_scs_yaml(runs)
        done = upload([("the fleet's report", text)], args.monitor, args.key, args.auth_file)
        print(done.line(), file=sys.stderr if args.format != "text" and not args.output else None)
    return fleet.exit_code(runs)


def _check_upload_options(args: argparse.Namespace) -> None:
    """Before any request: --upload needs the monitor, the key and readable credentials."""
    import os

    from scs_iaas.report.upload import read_auth

    missing = [o for o, v in (("--monitor", args.monitor), ("--key", args.key)) if not v]
    if not args.auth_file:
        missing.append("--auth-file")
    if missing:
        raise InputError(f"--upload needs {', '.join(missing)}")
    if not os.path.isfile(args.key):
        raise InputError(f"--key {args.key}: no such file")
    read_auth(args.auth_file)


def _timing(first_request_wall: float | None) -> dict[str, float | None]:
    """When the first request left (epoch seconds), so that a caller who noted when it started
    the process can tell the cost of start-up and imports (bench/check.py does)."""
    return {"first_request_epoch": first_request_wall}


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


def _cleanup(cloud: Any) -> int:
    from scs_iaas.checks import runner
    from scs_iaas.checks.base import RESOURCE_PREFIX as prefix

    total = 0
    for check in runner.all_checks():
        if check.cleanup is not None:
            total += check.cleanup(cloud, prefix)
    print(f"deleted {total} leftover resource(s) named {prefix}*")
    return 0
