"""Upgrade readiness: the detected release and the path to the target, Ceph, the host OS."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scs_iaas.errors import CloudError, InputError
from scs_iaas.model.findings import Finding
from scs_iaas.report.meta import Meta
from scs_iaas.upgrade import releases as rel
from scs_iaas.upgrade import tests as T


@dataclass(frozen=True)
class UpgradeOptions:
    """What to look at; every part can be skipped or read from recorded files instead."""

    to: str | None = None
    os_cloud: str | None = None
    from_release: str | None = None
    skip_openstack: bool = False
    openstack_dir: str | None = None
    images: str | None = None  # JSON file of image records instead of the cloud's images
    ceph_dir: str | None = None
    ceph_conf: str | None = None
    ceph_to: str | None = None
    skip_ceph: bool = False
    root: str = "/"
    skip_host: bool = False
    clouds_yaml: str | None = None


@dataclass
class UpgradeReport:
    findings: list[Finding]
    meta: Meta
    title: str


def upgrade_check(opts: UpgradeOptions) -> UpgradeReport:
    """Is the step to ``opts.to`` safe: the detected release and path, Ceph, the host OS.

    Without ``to`` the target is the release after the one detected (or given by
    ``from_release``), and the report says so."""
    args = opts
    target = rel.parse_release(args.to) if args.to else None
    ceph_target = rel.ceph_release(args.ceph_to) if args.ceph_to else None
    findings: list[Finding] = []
    extra: dict[str, Any] = {}
    lines: list[str] = []

    images: list[dict[str, Any]] | None = _images_file(args.images) if args.images else None
    if args.from_release or args.skip_openstack:
        if args.from_release:
            current = rel.parse_release(args.from_release)
            target = target or _next_release(rel.index(current), current.label, lines)
            findings += _given_release(current, target, extra, lines)
    elif args.openstack_dir:
        from scs_iaas.upgrade.openstack import read_dir

        docs = read_dir(args.openstack_dir)
        found, target = _judge_documents(docs, target, f"dir:{args.openstack_dir}", extra, lines)
        findings += found
    else:
        cloud_images, target = _openstack(
            args.os_cloud, args.clouds_yaml, target, findings, extra, lines
        )
        if images is None:
            images = cloud_images
    if target is None:
        raise InputError("--to RELEASE is needed when the release is not detected or given")
    extra["target"] = target.label
    from scs_iaas.upgrade.openstack import judge_target

    unreleased = judge_target(target)
    if unreleased is not None:
        findings.append(unreleased)
        lines.append(unreleased.reason)
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

    if not findings:
        findings.append(T.PATH.skipped("nothing checked (all parts skipped)"))
    meta = Meta(
        verdict_lines=lines,
        cloud=extra.pop("cloud", ""),
        api_requests=extra.pop("api_requests", None),
        data=extra,
    )
    return UpgradeReport(findings, meta, f"upgrade check → {target.label}")


def _next_release(top: int, current: str, lines: list[str]) -> rel.Release:
    """The release after index ``top`` (the newest the cloud may run), said in the report."""
    if top + 1 >= len(rel.RELEASES):
        raise InputError(
            f"the cloud runs {current}, the newest release scs-iaas knows: nothing to upgrade "
            "to (give --to RELEASE to check a path anyway)"
        )
    target = rel.RELEASES[top + 1]
    lines.append(f"target: {target.label} (the release after {current}; --to to choose)")
    return target


def _given_release(
    current: rel.Release, target: rel.Release, extra: dict[str, Any], lines: list[str]
) -> list[Finding]:
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
    clouds_yaml: str | None,
    target: rel.Release | None,
    findings: list[Finding],
    extra: dict[str, Any],
    lines: list[str],
) -> tuple[list[dict[str, Any]], rel.Release | None]:
    from scs_iaas.cloud.connection import connect
    from scs_iaas.cloud.snapshot import read_snapshot
    from scs_iaas.upgrade.openstack import fetch_documents

    cloud = connect(cloud_name, config_file=clouds_yaml)
    docs, urls = fetch_documents(cloud.conn)
    extra["cloud"] = cloud.name
    extra["urls"] = urls
    found, target = _judge_documents(docs, target, f"cloud:{cloud.name}", extra, lines)
    findings.extend(found)
    snap = read_snapshot(cloud, {"images"})
    if "images" in snap.errors:
        raise CloudError(f"cloud {cloud.name!r}: {snap.errors['images']}")
    records = [
        {
            "name": img.name,
            "id": img.id,
            "os_distro": img.properties.get("os_distro"),
            "os_version": img.properties.get("os_version"),
        }
        for img in snap.images
    ]
    extra["api_requests"] = cloud.counter.count
    return records, target


def _judge_documents(
    docs: Any, target: rel.Release | None, resource: str, extra: dict[str, Any], lines: list[str]
) -> tuple[list[Finding], rel.Release | None]:
    from scs_iaas.upgrade.openstack import detect, judge

    det = detect(docs)
    for e in det.evidence:
        lines.append(f"evidence: {e.text}")
    if det.missing:
        lines.append(f"not found: {', '.join(det.missing)}")
    lines.append(f"release: {det.cloud.text() if det.cloud else 'mixed'}")
    if target is None:
        seen = det.cloud or det.oldest
        if seen is None:
            return [], None  # nothing detected: the caller asks for --to
        # the newest candidate; "or later" stops at the newest released series
        top = rel.index(seen.releases()[-1])
        target = _next_release(top, seen.text(), lines)
    found, plan = judge(det, target, resource=resource)
    extra["evidence"] = [e.to_dict() for e in det.evidence]
    extra["missing_services"] = list(det.missing)
    extra["detected"] = det.cloud.text() if det.cloud else None
    extra["services"] = {s: r.text() for s, r in det.services.items()}
    extra["plan"] = plan
    lines.append("plan: " + " → ".join(plan))
    return found, target


def _ceph(
    args: UpgradeOptions, ceph_target: Any, extra: dict[str, Any], lines: list[str]
) -> list[Any]:
    from scs_iaas.upgrade import ceph

    if args.ceph_dir:
        state = ceph.read_dir(args.ceph_dir)
        source = f"--ceph-dir {args.ceph_dir}"
    elif shutil.which("ceph") and (args.ceph_conf or Path("/etc/ceph/ceph.conf").is_file()):
        state = ceph.read_cli(args.ceph_conf)
        source = "ceph CLI"
    else:
        why = "no ceph CLI" if not shutil.which("ceph") else "no /etc/ceph/ceph.conf"
        return [T.CEPH_VERSIONS.skipped(f"Ceph not checked: {why} and no --ceph-dir")]
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
