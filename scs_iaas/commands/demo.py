"""``scs-iaas demo``: the whole story on the local Cloud-in-a-Box.

Start the box (empty of flavors and images), check it (FAIL), let the managers bring it to
the standards (plan, then apply), check again. The box has no internet: the two standard
images are uploaded from a small local stand-in file, while their metadata names the real
upstream source (as an operator's definitions would). Exit 0 when the demo ran.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from scs_iaas.errors import ScsIaasError

# The scs-0104 standard images the demo uploads: Ubuntu 24.04 (mandatory), Debian 12 and a
# CAPI image (recommended). The box has no internet, so the bytes come from a local stand-in
# file; the metadata names the real upstream source, as an operator's definitions would.
# (name, os_distro, os_version, os_purpose, replace_frequency, description, user, source)
DEMO_IMAGES = (
    ("Ubuntu 24.04", "ubuntu", "24.04", "generic", "monthly",
     "https://ubuntu.com/server/docs/cloud-images/introduction", "ubuntu",
     "https://cloud-images.ubuntu.com/releases/noble/release-{stamp}/"
     "ubuntu-24.04-server-cloudimg-amd64.img"),
    ("Debian 12", "debian", "12", "generic", "monthly",
     "https://www.debian.org/distrib/", "debian",
     "https://cloud.debian.org/images/cloud/bookworm/{stamp}/"
     "debian-12-generic-amd64-{stamp}.qcow2"),
    ("ubuntu-capi-image-v1.32.4", "ubuntu", "24.04", "k8snode", "quarterly",
     "https://github.com/osism/k8s-capi-images", "ubuntu",
     "https://nbg1.your-objectstorage.com/osism/openstack-k8s-capi-images/"
     "ubuntu-2404-kube-v1.32/ubuntu-2404-kube-v1.32.4.qcow2"),
)  # fmt: skip


AREAS = ("flavors", "images", "volume-types")


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


def _say(console: Any, text: str) -> None:
    console.rule(f"[bold]{text}")


def _area_counts(results: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """(failed, total) test ids per area, as the official suite counts them."""
    import re

    from scs_iaas.app.areas import VALIDATE

    out = {}
    for area in AREAS:
        rx = re.compile(VALIDATE[area])
        ids = [i for i in results if rx.search(i)]
        failed = [i for i in ids if str(results[i]) in ("FAIL", "ABORT")]
        out[area] = (len(failed), len(ids))
    return out


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from scs_iaas.app.areas import validate_pattern
    from scs_iaas.app.check import evaluate
    from scs_iaas.app.manage import Managed, manage
    from scs_iaas.box import Box
    from scs_iaas.report import emit
    from scs_iaas.report.plan import render_text

    console = Console(highlight=False)
    box = Box(args.home)
    _say(console, "1. the local cloud")
    info = box.up()
    clouds_yaml = str(info.clouds_yaml)
    if args.fresh:
        removed = _empty(info.admin_cloud, clouds_yaml)
        console.print(f"--fresh: removed {removed} standard flavor(s), image(s) and volume type(s)")

    _say(console, "2. check flavors, images and volume types (as a plain member)")
    before = evaluate(info.member_cloud, validate_pattern(AREAS), clouds_yaml=clouds_yaml)
    counts_before = _area_counts(before.results)
    for line in before.extra["verdict_lines"]:
        console.print(line, markup=False)
    for area, (failed, total) in counts_before.items():
        console.print(f"  {area}: {failed} of {total} tests fail")

    _say(console, "3. the managers: plan and apply (as admin)")
    definitions = str(_demo_images(box.home))
    admin = f"--os-cloud {info.admin_cloud}"
    steps: list[tuple[str, str, dict[str, Any]]] = [
        (
            "flavors",
            f"--set all --spec hw_rng:allowed=True {admin} --apply",
            {"flavor_set": "all", "specs": ["hw_rng:allowed=True"]},
        ),
        ("volume-types", f"{admin} --apply", {}),
        ("images", f"--definitions {definitions} {admin} --apply", {"definitions": definitions}),
    ]

    def show(managed: Managed) -> None:
        render_text(managed.plan, sys.stdout, title=f"plan: {managed.plan.kind}")

    for area, line, options in steps:
        console.print(f"[dim]$ scs-iaas manage {area} {line}[/]", soft_wrap=True)
        try:
            manage(
                area,
                info.admin_cloud,
                do_apply=True,
                show=show,
                log=sys.stdout,
                clouds_yaml=clouds_yaml,
                **options,
            )
        except ScsIaasError as exc:
            console.print(f"[bold red]demo stopped: manage {area}: {exc}[/]", markup=False)
            return 2

    _say(console, "4. check again: the whole suite")
    after = evaluate(info.member_cloud, clouds_yaml=clouds_yaml)
    emit(after.findings, "text", title=f"SCS conformance of {info.member_cloud}", extra=after.extra)
    counts_after = _area_counts(after.results)
    table = Table(title="failing tests per area")
    for col in ("area", "before", "after"):
        table.add_column(col)
    for area in AREAS:
        fb, tb = counts_before[area]
        fa, ta = counts_after[area]
        table.add_row(area, f"{fb} of {tb} fail", f"{fa} of {ta} fail")
    console.print(table)
    main_target, recommended = after.judged[0].verdict.targets
    if main_target.failed or main_target.aborted:
        console.print(
            "Main targets still failing (no manager can cure them on this box: it does not run "
            f"these services): {', '.join(main_target.failed + main_target.aborted)}",
            soft_wrap=True,
        )
    if recommended.failed:
        console.print(
            f"Recommended targets not met: {', '.join(recommended.failed)}", soft_wrap=True
        )
    console.print(f"[dim]{info.env_lines()}[/]", soft_wrap=True)
    return 0


def _empty(admin_cloud: str, clouds_yaml: str | None = None) -> int:
    """Delete what the managers create (flavors, demo images, encrypted type) when unused."""
    from scs_iaas.cloud.connection import connect
    from scs_iaas.standards.flavors import standard_flavors

    conn = connect(admin_cloud, config_file=clouds_yaml).conn
    used_flavors = {
        (s.flavor or {}).get("original_name") for s in conn.compute.servers(all_projects=True)
    }
    names = {f.name for f in standard_flavors("all")} - used_flavors
    n = 0
    for flavor in conn.compute.flavors(is_public=None):
        if flavor.name in names:
            conn.compute.delete_flavor(flavor)
            n += 1
    for image in conn.image.images():
        if image.name.startswith(tuple(entry[0] for entry in DEMO_IMAGES)):
            conn.image.delete_image(image.id)
            n += 1
    for vtype in conn.block_storage.types():
        if vtype.name == "LUKS" and not list(
            conn.block_storage.volumes(all_projects=True, volume_type=vtype.id)
        ):
            conn.block_storage.delete_type(vtype.id)
            n += 1
    return n


def _demo_images(home: Path) -> Path:
    """A 1 MiB stand-in image and definitions that point at it (rewritten each run with a
    fresh build date, so the demo stays recent)."""
    import yaml

    demo = home / "demo"
    demo.mkdir(parents=True, exist_ok=True)
    blob = demo / "stand-in.raw"
    if not blob.exists():
        blob.write_bytes(os.urandom(1 << 20))
    build = (datetime.now(UTC) - timedelta(days=1)).date()
    stamp = build.strftime("%Y%m%d")
    images = [
        {
            "name": name,
            "format": "raw",
            "min_disk": 1,
            "min_ram": 512,
            "os_distro": distro,
            "os_version": version,
            "architecture": "x86_64",
            "hw_disk_bus": "scsi",
            "replace_frequency": frequency,
            "provided_until": "none",
            "uuid_validity": "last-3",
            "os_purpose": purpose,
            "image_description": description,
            "image_original_user": user,
            "image_source": source.format(stamp=stamp),
            "properties": {
                "hw_scsi_model": "virtio-scsi",
                "hw_rng_model": "virtio",
                "hypervisor_type": "qemu",
            },
            "url": f"file://{blob}",
            "build_date": build.isoformat(),
        }
        for name, distro, version, purpose, frequency, description, user, source in DEMO_IMAGES
    ]
    path = demo / "images.yaml"
    header = "# written by `scs-iaas demo`: stand-in bytes, real upstream metadata\n"
    path.write_text(header + yaml.safe_dump({"images": images}, sort_keys=False))
    return path
