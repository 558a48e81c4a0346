"""``scs-iaas host``: check the compute host underneath the cloud.

``host check``      confidential computing, disk encryption and SSD (scs-0110), sensors,
                    time sync (scs-0129) → findings; ``-f json`` adds the raw ``facts``.
``host sensors``    every hwmon reading; ``--textfile DIR`` for node_exporter.
``host bench-disk`` sequential O_DSYNC 4 KiB writes against scs-0110 (>1000 IOPS, <1 ms).
``host bench-encryption``  the same job raw vs. LUKS2 on a loop device.

Every reader takes ``--root`` (default ``/``) so a recorded tree can stand in for the host.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scs_iaas.app.host import AREAS
from scs_iaas.report.meta import Meta

if TYPE_CHECKING:  # pragma: no cover
    from scs_iaas.model.findings import Finding

CHECK_FORMATS = ("text", "json", "junit", "html")


def register(subparsers: Any) -> None:
    host = subparsers.add_parser("host", help="check the compute host (CC, encryption, sensors)")
    sub = host.add_subparsers(dest="host_command", metavar="HOST_COMMAND", required=True)

    check = sub.add_parser("check", help="judge this host: CC, LUKS/SSD, sensors, time sync")
    _root_arg(check)
    check.add_argument("-f", "--format", choices=CHECK_FORMATS, default="text")
    check.add_argument(
        "-o", "--output", metavar="FILE", help="write the report here (default stdout)"
    )
    check.add_argument(
        "--only",
        default=",".join(AREAS),
        help=f"comma-separated subset of {','.join(AREAS)} (default: all)",
    )
    check.add_argument(
        "--instances-path",
        help="Nova's instances path (default: nova.conf instances_path or /var/lib/nova/instances)",
    )
    check.add_argument(
        "--nova-conf",
        default=None,
        help="nova.conf under --root (default: /etc/nova/nova.conf when it exists; a path "
        "given here must exist)",
    )
    check.add_argument("-v", "--verbose", action="store_true", help="list passing findings too")
    _tls_args(check)
    check.set_defaults(func=run_check)

    collect = sub.add_parser(
        "collect", help="gather what host check reads into an archive (judged elsewhere)"
    )
    _root_arg(collect)
    collect.add_argument("-o", "--output", required=True, help="the .tar.gz to write")
    collect.set_defaults(func=run_collect)

    judge = sub.add_parser(
        "judge", help="judge the node archives the Ansible role fetched into one report"
    )
    judge.add_argument("workdir", help="directory with <node>.status.json and <node>.tar.gz")
    judge.add_argument(
        "-f", "--format", choices=CHECK_FORMATS, help="default: by the extension of -o, else text"
    )
    judge.add_argument("-o", "--output", metavar="FILE", help="write the report here")
    judge.add_argument("--only", default=",".join(AREAS), help="as for host check")
    judge.add_argument("-v", "--verbose", action="store_true", help="list passing findings too")
    _tls_args(judge)
    judge.set_defaults(func=run_judge)

    sensors = sub.add_parser("sensors", help="hwmon readings (the hddtemp successor)")
    _root_arg(sensors)
    sensors.add_argument("-f", "--format", choices=("text", "json"), default="text")
    sensors.add_argument(
        "--textfile",
        metavar="DIR",
        type=Path,
        help="also write DIR/scs_iaas_hwmon.prom for node_exporter's textfile collector",
    )
    sensors.add_argument("-v", "--verbose", action="store_true", help="list passing findings too")
    sensors.set_defaults(func=run_sensors)

    bench = sub.add_parser("bench-disk", help="scs-0110 write test: O_DSYNC 4 KiB writes")
    bench.add_argument("path", type=Path, help="a directory (scratch file) or a block device")
    bench.add_argument(
        "--overwrite-device",
        action="store_true",
        help="allow PATH to be a block device; the data on it is destroyed",
    )
    _bench_args(bench)
    bench.set_defaults(func=run_bench_disk)

    enc = sub.add_parser("bench-encryption", help="LUKS2 overhead: loop device raw vs. LUKS2")
    enc.add_argument(
        "--dir", type=Path, default=Path("/var/tmp"), help="where the loop backing file goes"
    )
    enc.add_argument(
        "--key-size",
        type=int,
        default=256,
        choices=(256, 512),
        help="XTS key bits: 256 = AES-128 (SCS benchmark, default), 512 = AES-256",
    )
    _bench_args(enc)
    enc.set_defaults(func=run_bench_encryption)


def _tls_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--tls-scan",
        action="store_true",
        help="scan the TLS endpoints the configuration names (internal endpoints, RabbitMQ) "
        "against Mozilla's intermediate profile with sslyze (scs-0125; needs network access)",
    )
    p.add_argument(
        "--tls-ca", metavar="FILE", help="CA bundle the endpoints' certificates chain to"
    )
    p.add_argument(
        "--os-cloud",
        metavar="CLOUD",
        help="also read the API facts no node has: the 'manager' role (scs-0302, needs admin) "
        "and the DNS extensions (scs-0127)",
    )


def _tls_findings(args: argparse.Namespace, targets: dict[str, list[str]]) -> list[Any]:
    from scs_iaas.app.host_fleet import fleet_checks

    return fleet_checks(targets, tls_scan=args.tls_scan, tls_ca=args.tls_ca, os_cloud=args.os_cloud)


def _root_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--root",
        default="/",
        help="read the host from this tree or node archive (.tar.gz) (default: /)",
    )


def _bench_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--count", type=int, help="number of writes (default 2000)")
    p.add_argument("--size", help="total bytes instead of --count, e.g. 8M (4 KiB per write)")
    p.add_argument("--engine", choices=("auto", "fio", "builtin"), default="auto")
    p.add_argument("-f", "--format", choices=CHECK_FORMATS, default="text")


_SIZE = re.compile(r"^(\d+)\s*([kmg]?)(?:i?b)?$", re.IGNORECASE)


def parse_size(text: str) -> int:
    """``8M`` → 8 MiB; binary multiples, as fio reads them."""
    from scs_iaas.errors import InputError

    m = _SIZE.match(text.strip())
    if not m:
        raise InputError(f"--size {text!r}: expected a number with optional k/M/G, e.g. 8M")
    power: int = "_kmg".index(m[2].lower() or "_")
    return int(m[1]) * int(1024**power)


def write_count(args: argparse.Namespace) -> int:
    from scs_iaas.errors import InputError
    from scs_iaas.host.bench_disk import BLOCK_SIZE, DEFAULT_COUNT

    if args.count is not None and args.size is not None:
        raise InputError("give --count or --size, not both")
    if args.size is not None:
        count = parse_size(args.size) // BLOCK_SIZE
        if count < 1:
            raise InputError(f"--size {args.size}: smaller than one {BLOCK_SIZE}-byte write")
        return count
    count = DEFAULT_COUNT if args.count is None else args.count
    if count < 1:
        raise InputError(f"--count {count}: need at least one write")
    return count


def parse_only(text: str) -> tuple[str, ...]:
    from scs_iaas.errors import InputError

    areas = tuple(a.strip() for a in text.split(",") if a.strip())
    unknown = [a for a in areas if a not in AREAS]
    if unknown or not areas:
        raise InputError(f"--only {text!r}: choose from {','.join(AREAS)}")
    return areas


def run_check(args: argparse.Namespace) -> int:
    from scs_iaas.app.host import host_check_any
    from scs_iaas.model.findings import exit_code
    from scs_iaas.report import emit_to

    findings, facts = host_check_any(
        args.root, parse_only(args.only), args.instances_path, args.nova_conf
    )
    findings += _tls_findings(args, facts.get("config", {}).get("tls_targets", {}))
    emit_to(
        args.output,
        findings,
        args.format,
        title=f"scs-iaas host check ({args.root})",
        meta=Meta(verbose=args.verbose, data={"facts": facts}),
    )
    return exit_code(findings)


def run_collect(args: argparse.Namespace) -> int:
    from scs_iaas.errors import InputError
    from scs_iaas.host.collect import collect

    try:
        summary = collect(args.output, args.root)
    except ValueError as exc:
        raise InputError(f"host collect: {exc}") from None
    except OSError as exc:
        raise InputError(f"-o {args.output}: {exc.strerror or exc}") from None
    errors: dict[str, str] = summary["errors"]  # type: ignore[assignment]
    print(f"wrote {args.output}: {summary['files']} files, {len(errors)} unreadable")
    for path, reason in sorted(errors.items()):
        print(f"  {path}: {reason}", file=sys.stderr)
    return 0


FORMAT_BY_SUFFIX = {".json": "json", ".xml": "junit", ".html": "html", ".txt": "text"}


def run_judge(args: argparse.Namespace) -> int:
    from collections import Counter

    from scs_iaas.app.host import host_check
    from scs_iaas.app.host_fleet import judge_fleet
    from scs_iaas.model.findings import exit_code
    from scs_iaas.report import emit_to

    only = parse_only(args.only)
    fmt = args.format or FORMAT_BY_SUFFIX.get(Path(args.output or "").suffix, "text")
    findings, targets = judge_fleet(args.workdir, lambda tree: host_check(tree, only))
    findings += _tls_findings(args, targets)
    nodes = sorted({f.node for f in findings})
    emit_to(
        args.output,
        findings,
        fmt,
        title=f"scs-iaas host check ({len(nodes)} nodes)",
        meta=Meta(verbose=args.verbose, data={"nodes": nodes}),
    )
    if args.output:
        counts = Counter(f.status.value for f in findings)
        summary = ", ".join(f"{n} {s.lower()}" for s, n in sorted(counts.items()))
        print(f"wrote {args.output}: {len(nodes)} nodes, {summary}")
    return exit_code(findings)


def run_sensors(args: argparse.Namespace) -> int:
    from scs_iaas.app.host import sensors
    from scs_iaas.model.findings import exit_code
    from scs_iaas.report import emit
    from scs_iaas.report.sensors import print_sensors

    hw, findings, written = sensors(args.root, args.textfile)
    if written is not None:
        print(f"wrote {written}", file=sys.stderr)
    if args.format == "text" and hw.chips:
        print_sensors(hw)
    meta = Meta(verbose=args.verbose, data={"facts": asdict(hw)})
    emit(findings, args.format, title="scs-iaas host sensors", meta=meta)
    return exit_code(findings)


def run_bench_disk(args: argparse.Namespace) -> int:
    from scs_iaas.app.host import bench_disk

    findings, facts = bench_disk(
        args.path, write_count(args), args.engine, overwrite_device=args.overwrite_device
    )
    return _emit_bench(args, "bench-disk", findings, facts)


def run_bench_encryption(args: argparse.Namespace) -> int:
    from scs_iaas.app.host import bench_encryption

    findings, facts = bench_encryption(args.dir, write_count(args), args.engine, args.key_size)
    return _emit_bench(args, "bench-encryption", findings, facts)


def _emit_bench(
    args: argparse.Namespace, name: str, findings: list[Finding], facts: dict[str, Any]
) -> int:
    """A benchmark's report lists every finding: the numbers are the point."""
    from scs_iaas.model.findings import exit_code
    from scs_iaas.report import emit

    meta = Meta(verbose=True, data={"facts": facts})
    emit(findings, args.format, title=f"scs-iaas host {name}", meta=meta)
    return exit_code(findings)
