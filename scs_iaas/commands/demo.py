"""``scs-iaas demo``: the whole story on the local Cloud-in-a-Box.

Start the box (empty of flavors and images), check it (FAIL), let the managers bring it to
the standards (plan, then apply), check again. The box has no internet: the two standard
images are uploaded from a small local stand-in file, while their metadata names the real
upstream source (as an operator's definitions would). Exit 0 when the demo ran.
"""

from __future__ import annotations

import argparse
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

DEMO_IMAGES = """\
# written by `scs-iaas demo`: the scs-0104 standard images, uploaded from a local stand-in
# file because the box has no internet; the metadata names the real upstream source.
images:
  - name: Ubuntu 24.04
    format: raw
    min_disk: 1
    min_ram: 512
    os_distro: ubuntu
    os_version: "24.04"
    architecture: x86_64
    hw_disk_bus: scsi
    replace_frequency: monthly
    provided_until: none
    uuid_validity: last-3
    os_purpose: generic
    image_description: https://ubuntu.com/server/docs/cloud-images/introduction
    image_original_user: ubuntu
    image_source: https://cloud-images.ubuntu.com/releases/noble/release-{stamp}/ubuntu-24.04-server-cloudimg-amd64.img
    properties:
      hw_scsi_model: virtio-scsi
      hw_rng_model: virtio
      hypervisor_type: qemu
    url: file://{blob}
    build_date: {build_date}
  - name: Debian 12
    format: raw
    min_disk: 1
    min_ram: 512
    os_distro: debian
    os_version: "12"
    architecture: x86_64
    hw_disk_bus: scsi
    replace_frequency: monthly
    provided_until: none
    uuid_validity: last-3
    os_purpose: generic
    image_description: https://www.debian.org/distrib/
    image_original_user: debian
    image_source: https://cloud.debian.org/images/cloud/bookworm/{stamp}/debian-12-generic-amd64-{stamp}.qcow2
    properties:
      hw_scsi_model: virtio-scsi
      hw_rng_model: virtio
      hypervisor_type: qemu
    url: file://{blob}
    build_date: {build_date}
"""


def register(sub: Any) -> None:
    p = sub.add_parser(
        "demo",
        help="the whole story on the local cloud: check (FAIL), manage, check again",
        description="Start the local Cloud-in-a-Box, check it against the SCS standards, bring "
        "flavors, images and volume types in line with the managers, and check again.",
    )
    p.add_argument("--home", type=Path, default=None, help="box state directory")
    p.set_defaults(func=run)


def _say(console: Any, text: str) -> None:
    console.rule(f"[bold]{text}")


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from scs_iaas.box import Box
    from scs_iaas.cli import main

    console = Console(highlight=False)
    box = Box(args.home)
    _say(console, "1. the local cloud")
    info = box.up()
    os.environ["OS_CLIENT_CONFIG_FILE"] = str(info.clouds_yaml)
    os.environ.pop("OS_CLOUD", None)
    member = ["--os-cloud", info.member_cloud]
    admin = ["--os-cloud", info.admin_cloud]

    _say(console, "2. check it against the SCS standards (as a plain member)")
    before = main(["check", *member, "--tests", r"^scs-01(00|02|03|04|14)-"])

    _say(console, "3. the managers: plan and apply (as admin)")
    definitions = _demo_images(box.home)
    steps = [
        ["manage", "flavors", "--set", "all", *admin, "--apply"],
        ["manage", "volume-types", *admin, "--apply"],
        ["manage", "images", "--definitions", str(definitions), *admin, "--apply"],
    ]
    for step in steps:
        console.print(f"[dim]$ scs-iaas {' '.join(step)}[/]")
        rc = main(step)
        if rc == 2:
            console.print(f"[bold red]demo stopped: `scs-iaas {' '.join(step)}` failed[/]")
            return 2

    _say(console, "4. check again: the whole suite")
    after = main(["check", *member])
    console.print(
        "\n[bold]flavors, images, volume types:[/] "
        f"{'FAIL' if before else 'PASS'} before the managers, checked again above. Main "
        "targets that no manager can cure here (services the box does not run, such as "
        "load-balancer or S3) stay listed with their fix."
    )
    console.print(f"[dim]{info.env_lines()}[/]", soft_wrap=True)
    return 0 if after in (0, 1) else after


def _demo_images(home: Path) -> Path:
    """A 1 MiB stand-in image and definitions that point at it (rewritten each run with a
    fresh build date, so the demo stays recent)."""
    demo = home / "demo"
    demo.mkdir(parents=True, exist_ok=True)
    blob = demo / "stand-in.raw"
    if not blob.exists():
        blob.write_bytes(os.urandom(1 << 20))
    build = (datetime.now(UTC) - timedelta(days=1)).date()
    path = demo / "images.yaml"
    path.write_text(
        DEMO_IMAGES.format(blob=blob, build_date=build.isoformat(), stamp=build.strftime("%Y%m%d"))
    )
    return path
