"""``scs-iaas box install|up|status|env|down|wipe``: the local Cloud-in-a-Box."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from scs_iaas.errors import ScsIaasError

ACTIONS = ("install", "up", "status", "env", "down", "wipe", "image")
IMAGE_ACTIONS = ("build", "boot", "publish")


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
        "image_action",
        nargs="?",
        choices=IMAGE_ACTIONS,
        metavar="{build,boot,publish}",
        help="with 'image': build the guest image (cached), boot it directly under QEMU "
        "(emulation) and judge its console as scs-0101 does, or publish it in the box's Glance",
    )
    parser.add_argument(
        "--force", action="store_true", help="with 'image build': rebuild even when cached"
    )
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
    if args.action == "image":
        return _image(box, args.image_action or "build", args.force, out)
    if args.image_action:
        raise InputError(f"'{args.image_action}' goes with 'box image' only")
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
    from scs_iaas.box import libvirt

    backing = BACKING | libvirt.backing(box.compute)
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
            backing.get(s.name, ""),
        )
    out.print(table)
    out.print(status.volume)
    out.print(status.compute)
    if status.left_out:
        out.print(f"not run (box up --services): {', '.join(status.left_out)}")
    if status.running:
        out.print("box is running")
        return 0
    out.print("box is stopped" if status.stopped else "[red]box is partly running[/]")
    return 1


def _image(box: Any, action: str, force: bool, out: Any) -> int:
    """``box image build|boot|publish``."""
    import time

    from scs_iaas.box import guest

    t0 = time.monotonic()
    image = guest.cached() if not force else None
    if image is None:
        image = guest.build(force=force, say=lambda text: out.print(f"{text} …"))
        out.print(f"built in {image.build_seconds:.0f} s")
    sizes = ", ".join(f"{name} {size / 2**20:.0f} MiB" for name, size in image.sizes().items())
    out.print(f"guest image {image.key} (kernel {image.kernel_version}): {sizes}")
    out.print(f"  {image.directory}")
    if action == "boot":
        from scs_iaas.checks import scs_0101_entropy as e
        from scs_iaas.standards import entropy

        result = guest.boot(image, entropy.USER_DATA, entropy.finished, entropy.CONSOLE_TIMEOUT)
        for line in result.console.splitlines():
            if "scs-guest-init" in line or entropy.MARKER in line:
                out.print(f"  | {line.rstrip()}", markup=False)
        out.print(f"booted under emulation (TCG) in {result.seconds:.1f} s")
        findings = e.judge_console(result.console, "direct boot")
        for f in findings:
            out.print(f"{f.id}: {f.status} - {f.reason}", markup=False)
        return 0 if result.done and all(f.status == "PASS" for f in findings) else 1
    if action == "publish":
        from scs_iaas.box.box import connect

        if box.status(probe_rpc=False).stopped:
            raise ScsIaasError("the box is not running: scs-iaas box up")
        conn = connect(box.paths.clouds_yaml, box.info().admin_cloud)
        image_id = guest.publish(conn, image, say=lambda text: out.print(f"{text} …"))
        out.print(f"published as '{guest.NAME}' ({image_id}) in {time.monotonic() - t0:.1f} s")
    return 0
