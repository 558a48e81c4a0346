"""``scs-iaas report upload``: sign SCS reports and send them to the compliance monitor."""

from __future__ import annotations

import argparse
from typing import Any

from scs_iaas.errors import InputError


def add_upload_options(p: argparse.ArgumentParser, *, required: bool) -> None:
    p.add_argument("--monitor", metavar="URL", required=required, help="compliance monitor URL")
    p.add_argument(
        "--key",
        metavar="SSH_KEY",
        required=required,
        help="private SSH key whose public key the monitor has for the account",
    )
    p.add_argument(
        "--auth-file",
        metavar="FILE",
        required=required,
        help="file holding user:password for the monitor (or the official runner's token file)",
    )


def register(sub: Any) -> None:
    p = sub.add_parser("report", help="work with SCS reports (upload to the compliance monitor)")
    verbs = p.add_subparsers(dest="verb", metavar="VERB", required=True)
    up = verbs.add_parser(
        "upload",
        help="sign reports with ssh-keygen and upload them to the SCS compliance monitor",
        description="Sign the reports (written by `scs-iaas check -f scs-yaml -o FILE` or by the "
        "official scs-compliance-check.py) as one stream with `ssh-keygen -Y sign -n report` and "
        "POST them to MONITOR/reports. Exit 0: stored; 2: refused or unreachable.",
    )
    up.add_argument("reports", nargs="+", metavar="REPORT", help="report YAML file(s)")
    add_upload_options(up, required=True)
    up.set_defaults(func=run_upload)


def run_upload(args: argparse.Namespace) -> int:
    from scs_iaas.report.upload import upload

    texts = []
    for path in args.reports:
        try:
            with open(path, encoding="utf-8") as fh:
                texts.append((path, fh.read()))
        except OSError as exc:
            raise InputError(f"{path}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise InputError(f"{path}: not UTF-8 text") from None
    print(upload(texts, args.monitor, args.key, args.auth_file).line())
    return 0
