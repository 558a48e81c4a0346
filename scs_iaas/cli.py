"""``scs-iaas`` entry point: parse arguments, dispatch, map errors to exit codes.

Exit codes: 0 all pass, 1 a check failed, 2 the run itself could not be done.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence

from scs_iaas import __version__
from scs_iaas.errors import ScsIaasError


def build_parser() -> argparse.ArgumentParser:
    import scs_iaas.commands as commands

    parser = argparse.ArgumentParser(
        prog="scs-iaas",
        description="Check, fix and operate a Sovereign Cloud Stack IaaS cloud.",
    )
    parser.add_argument("--version", action="version", version=f"scs-iaas {__version__}")
    parser.add_argument(
        "--debug",
        action="store_true",
        default=bool(os.environ.get("SCS_IAAS_DEBUG")),
        help="show tracebacks and API call counts",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        default=None,
        help="read timeout of every API request (default 60; reads are retried twice)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"scs_iaas.commands.{info.name}")
        module.register(sub)
    return parser


def _one_line(exc: BaseException) -> str:
    """The message on one line, secrets masked, control characters written out (a name from
    the cloud with an ESC in it must not act on the terminal)."""
    from scs_iaas.cloud.redact import redact
    from scs_iaas.report.safe import safe_text

    return safe_text(redact(" ".join(str(exc).split()) or type(exc).__name__))


def _global_options(argv: list[str]) -> tuple[list[str], bool, float | None]:
    """--debug and --timeout are accepted anywhere on the line, not only before the
    sub-command."""
    rest: list[str] = []
    debug = False
    timeout: str | None = None
    it = iter(argv)
    for arg in it:
        if arg == "--":
            rest.append(arg)
            rest.extend(it)
            break
        if arg == "--debug":
            debug = True
        elif arg == "--timeout":
            timeout = next(it, "")
        elif arg.startswith("--timeout="):
            timeout = arg.split("=", 1)[1]
        else:
            rest.append(arg)
    if timeout is None:
        return rest, debug, None
    try:
        return rest, debug, float(timeout)
    except ValueError:
        print(f"scs-iaas: error: --timeout {timeout!r}: not a number of seconds", file=sys.stderr)
        raise SystemExit(2) from None


def _quiet_libraries(debug: bool) -> None:
    """keystoneauth logs each retry as a WARNING ("Retrying in 0.5s"): shown with --debug
    (secrets masked), not in a normal run, whose output is the one-line result."""
    import logging

    from scs_iaas.cloud.redact import redact

    class Redacting(logging.Formatter):
        def format(self, record: logging.LogRecord) -> str:
            return redact(super().format(record))

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(Redacting("scs-iaas: %(name)s: %(message)s"))
    for name in ("keystoneauth", "openstack"):
        log = logging.getLogger(name)
        log.handlers = [handler]
        log.propagate = False
        log.setLevel(logging.WARNING if debug else logging.CRITICAL)


def _traceback(exc: BaseException) -> None:
    """--debug: the traceback, with secrets masked like every other output."""
    import traceback

    from scs_iaas.cloud.redact import redact

    sys.stderr.write(redact("".join(traceback.format_exception(exc))))


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    rest, debug, timeout = _global_options(argv)
    args = parser.parse_args(rest)
    args.debug = args.debug or debug
    _quiet_libraries(args.debug)
    try:
        if timeout is not None:
            from scs_iaas.cloud.connection import set_timeout

            set_timeout(timeout)
        rc = args.func(args)
        return int(rc or 0)
    except ScsIaasError as exc:
        if args.debug:
            _traceback(exc)
        print(f"scs-iaas: error: {_one_line(exc)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("scs-iaas: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # e.g. stdout on a full disk
        if args.debug:
            _traceback(exc)
        where = f": {exc.filename}" if exc.filename else ""
        print(f"scs-iaas: error: {exc.strerror or exc}{where}", file=sys.stderr)
        return 2
    except Exception as exc:
        if args.debug:
            _traceback(exc)
        kind = type(exc).__module__.split(".")[0]
        where = "OpenStack API" if kind in ("openstack", "keystoneauth1") else "internal"
        hint = "" if args.debug else " (run with --debug for details)"
        print(f"scs-iaas: error ({where}): {_one_line(exc)}{hint}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
