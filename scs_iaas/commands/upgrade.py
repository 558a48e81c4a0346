"""``scs-iaas upgrade check --to RELEASE``: is the next upgrade step safe, and what blocks it.

Exit 0: safe (warnings allowed); 1: blocked; 2: the check itself could not run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
from pathlib import Path
from typing import Any

from scs_iaas.errors import InputError


def register(sub: Any) -> None:
    p = sub.add_parser(
        "upgrade",
        help="upgrade readiness: detected release, path, Ceph, host OS",
        description="Upgrade readiness of the cloud, its Ceph cluster and its hosts.",
    )
    usub = p.add_subparsers(dest="upgrade_command", metavar="ACTION", required=True)
    c = usub.add_parser(
        "check",
        help="is the step to --to RELEASE safe, and what blocks it",
        description="Detect each service's release from its API, check the path to --to, Ceph "
        "readiness and the host OS. Exit 0: safe; 1: blocked; 2: could not run.",
    )
    c.add_argument(
        "--to",
        required=True,
        metavar="RELEASE",
        help="target OpenStack release: 2024.1, caracal, Caracal, …",
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
    from scs_iaas.findings import Finding, Status, exit_code
    from scs_iaas.upgrade import releases as rel

    target = rel.parse_release(args.to)
    ceph_target = rel.ceph_release(args.ceph_to) if args.ceph_to else None
    findings: list[Finding] = []
    extra: dict[str, Any] = {"target": target.label}
    lines: list[str] = []
    from scs_iaas.upgrade.openstack import judge_target

    unreleased = judge_target(target)
    if unreleased is not None:
        findings.append(unreleased)
        lines.append(f"target: {unreleased.reason}")

    images: list[dict[str, Any]] | None = _images_file(args.images) if args.images else None
    if args.from_release or args.skip_openstack:
        if args.from_release:
            findings += _given_release(rel.parse_release(args.from_release), target, extra, lines)
    elif args.openstack_dir:
        from scs_iaas.upgrade.openstack import read_dir

        docs = read_dir(args.openstack_dir)
        findings += _judge_documents(docs, target, f"dir:{args.openstack_dir}", extra, lines)
    else:
        cloud_images = _openstack(args.os_cloud, target, findings, extra, lines)
        if images is None:
            images = cloud_images
    if images is not None:
        from scs_iaas.upgrade.hostos import judge_images

        findings.append(judge_images(images))

    if not args.skip_ceph:
        findings += _ceph(args, ceph_target, extra, lines)

    if not args.skip_host:
        from scs_iaas.upgrade.hostos import judge_host, read_os_release

        host = read_os_release(args.root)
        findings.append(judge_host(host, target, resource=f"host:{args.root}"))
        extra["host_os"] = host.pretty

    if not findings or findings == [unreleased]:
        findings.append(
            Finding(
                "scs-iaas-upgrade-path",
                "scs-iaas upgrade",
                "1",
                Status.SKIP,
                "nothing checked (all parts skipped)",
            )
        )
    extra["verdict_lines"] = lines
    extra["verbose"] = args.verbose
    from scs_iaas.report import emit_to

    emit_to(
        args.output, findings, args.format, title=f"upgrade check → {target.label}", extra=extra
    )
    return exit_code(findings)


def _given_release(current: Any, target: Any, extra: dict[str, Any], lines: list[str]) -> list[Any]:
    from scs_iaas.upgrade import releases as rel
    from scs_iaas.upgrade.openstack import Detection, Evidence, Range, judge

    r = Range(rel.index(current), rel.index(current))
    ev = Evidence("all", current.short, r, True, f"--from {current.short} (not detected)")
    det = Detection(evidence=(ev,), services={"compute": r})
    found, plan = judge(det, target, resource="cloud (given)")
    extra["evidence"] = [ev.to_dict()]
    extra["plan"] = plan
    extra["detected"] = r.text()
    lines.append(f"release: {r.text()} (given by --from)")
    lines.append("plan: " + " → ".join(plan))
    return [f for f in found if f.id != "scs-iaas-upgrade-mixed-releases"]


def _openstack(
    cloud_name: str | None,
    target: Any,
    findings: list[Any],
    extra: dict[str, Any],
    lines: list[str],
) -> list[dict[str, Any]]:
    from scs_iaas.cloud.connection import api_error, connect
    from scs_iaas.upgrade.openstack import fetch_documents

    cloud = connect(cloud_name)
    docs, urls = fetch_documents(cloud.conn)
    extra["cloud"] = cloud.name
    extra["urls"] = urls
    findings.extend(_judge_documents(docs, target, f"cloud:{cloud.name}", extra, lines))
    try:
        records = [
            {
                "name": img.name,
                "id": img.id,
                "os_distro": getattr(img, "os_distro", None),
                "os_version": getattr(img, "os_version", None),
            }
            for img in cloud.conn.image.images()
        ]
    except Exception as exc:
        raise api_error(f"cloud {cloud.name!r}: image list", exc) from None
    extra["api_requests"] = cloud.counter.count
    return records


def _judge_documents(
    docs: Any, target: Any, resource: str, extra: dict[str, Any], lines: list[str]
) -> list[Any]:
    from scs_iaas.upgrade.openstack import detect, judge

    det = detect(docs)
    found, plan = judge(det, target, resource=resource)
    extra["evidence"] = [e.to_dict() for e in det.evidence]
    extra["missing_services"] = list(det.missing)
    extra["detected"] = det.cloud.text() if det.cloud else None
    extra["services"] = {s: r.text() for s, r in det.services.items()}
    extra["plan"] = plan
    for e in det.evidence:
        lines.append(f"evidence: {e.text}")
    if det.missing:
        lines.append(f"not found: {', '.join(det.missing)}")
    lines.append(f"release: {det.cloud.text() if det.cloud else 'mixed'}")
    lines.append("plan: " + " → ".join(plan))
    return found


def _ceph(
    args: argparse.Namespace, ceph_target: Any, extra: dict[str, Any], lines: list[str]
) -> list[Any]:
    from scs_iaas.findings import Finding, Status
    from scs_iaas.upgrade import ceph

    if args.ceph_dir:
        state = ceph.read_dir(args.ceph_dir)
        source = f"--ceph-dir {args.ceph_dir}"
    elif shutil.which("ceph") and (args.ceph_conf or Path("/etc/ceph/ceph.conf").is_file()):
        state = ceph.read_cli(args.ceph_conf)
        source = "ceph CLI"
    else:
        why = "no ceph CLI" if not shutil.which("ceph") else "no /etc/ceph/ceph.conf"
        return [
            Finding(
                "scs-iaas-upgrade-ceph-versions",
                ceph.STANDARD,
                ceph.VERSION,
                Status.SKIP,
                f"Ceph not checked: {why} and no --ceph-dir",
                "ceph",
            )
        ]
    target = ceph_target or ceph.default_target(state)
    running = state.running
    extra["ceph"] = {
        "source": source,
        "running": running.name if running else "mixed",
        "target": target.name if target else None,
        "require_osd_release": state.require_osd_release,
        "health": state.health_status,
    }
    now = running.name if running else "mixed"
    lines.append(f"ceph: {now} → {target.name if target else '?'} ({source})")
    return ceph.judge(state, target)


def _images_file(path: str) -> list[dict[str, Any]]:
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except OSError as exc:
        raise InputError(f"--images {path}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"--images {path}: line {exc.lineno}: not JSON: {exc.msg}") from None
    if not isinstance(data, list) or not all(isinstance(x, dict) for x in data):
        raise InputError(f"--images {path}: expected a JSON list of objects")
    return data
