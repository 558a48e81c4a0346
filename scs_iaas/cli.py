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
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"scs_iaas.commands.{info.name}")
        module.register(sub)
    return parser


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text


def _trace(args: object) -> None:
    """With --debug: the traceback, then the same one-line error and exit code as without."""
    if getattr(args, "debug", False):
        import traceback

        traceback.print_exc()


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    # --debug is accepted anywhere on the line, not only before the sub-command
    debug = "--debug" in argv
    args = parser.parse_args([a for a in argv if a != "--debug"])
    args.debug = args.debug or debug
    try:
        rc = args.func(args)
        return int(rc or 0)
    except ScsIaasError as exc:
        _trace(args)
        print(f"scs-iaas: error: {_one_line(exc)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("scs-iaas: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # e.g. stdout on a full disk
        _trace(args)
        where = f": {exc.filename}" if exc.filename else ""
        print(f"scs-iaas: error: {exc.strerror or exc}{where}", file=sys.stderr)
        return 2
    except Exception as exc:
        _trace(args)
        from scs_iaas.cloud.redact import redact

        kind = type(exc).__module__.split(".")[0]
        where = "OpenStack API" if kind in ("openstack", "keystoneauth1") else "internal"
        print(
            f"scs-iaas: error ({where}): {redact(_one_line(exc))} (run with --debug for details)",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
