"""``scs-iaas demo``: the whole story on the local Cloud-in-a-Box (``app/demo.py`` tells it)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser(
        "demo",
        help="the whole story on the local cloud: check (FAIL), manage, check again",
        description="Start the local Cloud-in-a-Box, check it against the SCS standards, bring "
        "flavors, images and volume types in line with the managers, and check again.",
    )
    p.add_argument("--home", type=Path, default=None, help="box state directory")
    p.add_argument(
        "--fresh",
        action="store_true",
        help="first remove the standard flavors, the demo images and the encrypted volume type "
        "(when unused), so the story starts from an empty cloud again",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from scs_iaas.app import demo

    return demo.run(args.home, fresh=args.fresh)
