"""``scs-iaas upgrade check --to RELEASE``: is the next upgrade step safe, and what blocks it.

Exit 0: safe (warnings allowed); 1: blocked; 2: the check itself could not run.
"""

from __future__ import annotations

import argparse
import os
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser(
        "upgrade",
        help="upgrade readiness: detected release, path, Ceph, host OS",
        description="Upgrade readiness of the cloud, its Ceph cluster and its hosts.",
    )
    usub = p.add_subparsers(dest="upgrade_command", metavar="ACTION", required=True)
    c = usub.add_parser(
        "check",
        help="is the step to --to RELEASE (default: the next one) safe, and what blocks it",
        description="Detect each service's release from its API, check the path to --to, Ceph "
        "readiness and the host OS. Exit 0: safe; 1: blocked; 2: could not run.",
    )
    c.add_argument(
        "--to",
        metavar="RELEASE",
        help="target OpenStack release: 2024.1, caracal, Caracal, … (default: the release "
        "after the detected one, or after --from)",
    )
    c.add_argument(
        "--os-cloud",
        metavar="NAME",
        default=os.environ.get("OS_CLOUD"),
        help="clouds.yaml entry (default: $OS_CLOUD)",
    )
    c.add_argument(
        "--from",
        dest="from_release",
        metavar="RELEASE",
        help="the cloud's current release, instead of detecting it (with --skip-openstack)",
    )
    c.add_argument("--skip-openstack", action="store_true", help="do not contact the cloud's APIs")
    c.add_argument(
        "--openstack-dir",
        metavar="DIR",
        help="read recorded version documents from DIR (identity.json, compute.json, "
        "block-storage.json, placement.json, image.json, network.json) instead of the APIs",
    )
    c.add_argument(
        "--images",
        metavar="FILE",
        help="JSON list of image records (name, os_distro, os_version) to judge instead of the "
        "cloud's images",
    )
    c.add_argument(
        "--ceph-dir",
        metavar="DIR",
        help="read versions.json, health.json, osd_dump.json [osd_metadata.json] from DIR "
        "instead of running the ceph CLI",
    )
    c.add_argument("--ceph-conf", metavar="FILE", help="ceph.conf for the ceph CLI")
    c.add_argument(
        "--ceph-to",
        metavar="RELEASE",
        help="target Ceph release (default: the next one after the running release)",
    )
    c.add_argument("--skip-ceph", action="store_true", help="do not look at Ceph")
    c.add_argument(
        "--root", default="/", metavar="DIR", help="host root for etc/os-release (default /)"
    )
    c.add_argument("--skip-host", action="store_true", help="do not look at the host OS")
    c.add_argument(
        "-f", "--format", default="text", choices=["text", "json", "junit", "html", "scs-yaml"]
    )
    c.add_argument("-o", "--output", metavar="FILE", help="write the report here (default stdout)")
    c.add_argument("-v", "--verbose", action="store_true", help="list passing findings too")
    c.set_defaults(func=run_check)


def run_check(args: argparse.Namespace) -> int:
    from scs_iaas.app.upgrade import UpgradeOptions, upgrade_check
    from scs_iaas.model.findings import exit_code
    from scs_iaas.report import emit_to

    report = upgrade_check(
        UpgradeOptions(
            to=args.to,
            os_cloud=args.os_cloud,
            from_release=args.from_release,
            skip_openstack=args.skip_openstack,
            openstack_dir=args.openstack_dir,
            images=args.images,
            ceph_dir=args.ceph_dir,
            ceph_conf=args.ceph_conf,
            ceph_to=args.ceph_to,
            skip_ceph=args.skip_ceph,
            root=args.root,
            skip_host=args.skip_host,
        )
    )
    report.meta.verbose = args.verbose
    emit_to(args.output, report.findings, args.format, title=report.title, meta=report.meta)
    return exit_code(report.findings)
