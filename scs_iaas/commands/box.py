"""``scs-iaas box install|up|status|env|down|wipe``: the local Cloud-in-a-Box."""

from __future__ import annotations

import argparse
from pathlib import Path

ACTIONS = ("install", "up", "status", "env", "down", "wipe")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "box",
        help="run real OpenStack services on loopback (the local cloud for demo and tests)",
        description=(
            "Cloud-in-a-Box: Keystone, Nova (fake virt driver), Glance, Placement, Cinder, "
            "Neutron, Barbican and Octavia (no-op data plane) from OpenStack 2026.2 and Ceph "
            "RadosGW (S3 and Swift) on 127.0.0.1, with MariaDB and RabbitMQ. One box per "
            "machine (fixed ports). State lives under --home."
        ),
    )
    parser.add_argument("action", choices=ACTIONS)
    parser.add_argument(
        "--home",
        type=Path,
        default=None,
        help="box state directory (default: $SCS_IAAS_BOX_HOME or ~/.local/share/scs-iaas/box)",
    )
    parser.add_argument(
        "--services",
        metavar="GROUPS",
        default=None,
        help=(
            "up: the optional service groups to run, comma-separated: key-manager, "
            "load-balancer, object-store, or all / none (default: those of the last up, "
            "all at first)"
        ),
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from scs_iaas.box import Box
    from scs_iaas.box.services import BACKING, parse_groups
    from scs_iaas.errors import InputError

    groups = None
    if args.services is not None:
        if args.action != "up":
            raise InputError("--services applies to 'box up' only")
        try:
            groups = parse_groups(args.services)
        except ValueError as exc:
            raise InputError(f"--services: {exc}") from None
    box = Box(args.home)
    out = Console(highlight=False)
    if args.action == "install":
        box.install()  # quiet when everything is current: `make test` runs it every time
        return 0
    if args.action == "up":
        info = box.up(groups)
        out.print(f"clouds.yaml: {info.clouds_yaml}")
        out.print(info.env_lines(), soft_wrap=True)
        return 0
    if args.action == "env":
        out.print(box.info().env_lines(), soft_wrap=True)
        return 0
    if args.action == "down":
        box.down()
        return 0
    if args.action == "wipe":
        box.wipe()
        return 0
    status = box.status()
    table = Table(title=f"box at {status.home}")
    for column in ("service", "pid", "port", "alive", "answering", "backed by"):
        table.add_column(column)
    for s in status.services:
        answering = "-" if s.answering is None else ("yes" if s.answering else "[red]no[/]")
        table.add_row(
            s.name,
            str(s.pid or "-"),
            str(s.port or "-"),
            "yes" if s.alive else "[red]no[/]",
            answering,
            BACKING.get(s.name, ""),
        )
    out.print(table)
    out.print(status.volume)
    if status.left_out:
        out.print(f"not run (box up --services): {', '.join(status.left_out)}")
    if status.running:
        out.print("box is running")
        return 0
    out.print("box is stopped" if status.stopped else "[red]box is partly running[/]")
    return 1
