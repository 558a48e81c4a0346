"""``scs-iaas check`` (the SCS conformance suite) and ``scs-iaas validate`` (OSISM-style
shortcuts for ``check --tests`` on one standard)."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import Any

from scs_iaas.app.areas import VALIDATE, validate_pattern
from scs_iaas.errors import InputError


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
    v.set_defaults(func=run_validate, list=False, cleanup=False, upload=False)
    v.set_defaults(monitor=None, key=None, auth_file=None)


def run_validate(args: argparse.Namespace) -> int:
    args.tests = validate_pattern(args.what)
    return run_check(args)


def parse_now(text: str | None) -> datetime:
    from datetime import UTC

    if not text:
        return datetime.now(UTC)
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"--now: not an ISO date/time: {text!r}") from None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def run_check(args: argparse.Namespace) -> int:
    from scs_iaas.app import check as app

    if args.list:
        for check in app.list_tests(args.tests):
            for t in check.tests:
                print(f"{t.id}\t{t.standard} {t.version}\t{t.title}")
        return 0
    clouds = args.os_cloud or []
    if args.cleanup:
        for cloud in clouds or [None]:
            total, prefix = app.cleanup(cloud)
            print(f"deleted {total} leftover resource(s) named {prefix}*")
        return 0
    if args.subjects or len(clouds) > 1:
        return _run_fleet(args)
    if args.upload:
        _check_upload_options(args)
    ev = app.evaluate(
        clouds[0] if clouds else None,
        args.tests,
        now=parse_now(args.now),
        with_resources=args.with_resources,
        allow_admin=args.allow_admin,
        cert_version=args.cert_version,
        subject=args.subject,
        scope_file=args.scope,
        verbose=args.verbose,
    )
    ev.meta.verbose = args.verbose
    from scs_iaas.report import emit_to

    title = f"SCS conformance of {ev.meta.subject}"
    emit_to(args.output, ev.findings, args.format, title=title, meta=ev.meta)
    if args.debug:
        for c in ev.cloud.counter.calls:
            print(
                f"  {c.method} {c.url} -> {c.status} ({c.seconds * 1000:.0f} ms)", file=sys.stderr
            )
        print(
            f"scs-iaas: {ev.cloud.counter.summary()} in {ev.meta.seconds or 0:.2f} s",
            file=sys.stderr,
        )
    if args.report:
        emit_to(args.report, ev.findings, "scs-yaml", title=title, meta=ev.meta)
    if args.upload:
        from scs_iaas.report.scs_yaml import document, dump_documents
        from scs_iaas.report.upload import upload

        text = dump_documents([document(ev.findings, ev.meta)])
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


def _run_fleet(args: argparse.Namespace) -> int:
    """Several clouds: checked concurrently, a progress line each (stderr), one table."""
    import io

    from scs_iaas.app import fleet
    from scs_iaas.report import fleet as fleet_report
    from scs_iaas.report import write_to

    if args.format not in ("text", "json", "scs-yaml"):
        raise InputError(f"-f {args.format}: a fleet is reported as text, json or scs-yaml")
    mapping = _read_subjects(args.subjects) if args.subjects else []
    subjects = fleet.subjects_from(args.os_cloud or [], mapping, args.subject)
    if args.upload:
        _check_upload_options(args)

    def progress(n: int, total: int, run: fleet.SubjectRun) -> None:
        print(fleet_report.progress_line(n, total, run), file=sys.stderr, flush=True)

    runs = fleet.check_fleet(
        subjects,
        args.tests,
        workers=args.workers,
        progress=progress,
        now=parse_now(args.now),
        with_resources=args.with_resources,
        allow_admin=args.allow_admin,
        cert_version=args.cert_version,
        scope_file=args.scope,
        verbose=args.verbose,
    )
    if args.format == "json":
        write_to(args.output, fleet_report.render_fleet_json(runs))
    elif args.format == "scs-yaml":
        write_to(args.output, fleet_report.render_fleet_scs_yaml(runs))
    else:
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
