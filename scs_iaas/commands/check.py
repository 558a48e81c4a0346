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
    p.add_argument("--os-cloud", metavar="NAME", help="clouds.yaml entry (default: $OS_CLOUD)")
    p.add_argument(
        "--version",
        dest="cert_version",
        metavar="VERSION",
        default=None,
        help="certificate version to judge against (default: the effective one; 'all' for every "
        "version)",
    )
    p.add_argument(
        "-f", "--format", default="text", choices=["text", "json", "junit", "html", "scs-yaml"]
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write the report here (default stdout)")
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
    v.set_defaults(func=run_validate, list=False, cleanup=False)


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
    if args.cleanup:
        total, prefix = app.cleanup(args.os_cloud)
        print(f"deleted {total} leftover resource(s) named {prefix}*")
        return 0
    ev = app.evaluate(
        args.os_cloud,
        args.tests,
        now=parse_now(args.now),
        with_resources=args.with_resources,
        allow_admin=args.allow_admin,
        cert_version=args.cert_version,
        subject=args.subject,
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
    return 1 if ev.main_failed else 0
