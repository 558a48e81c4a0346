"""Check a compute host: read the facts of a root path, judge them with the host checks."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from scs_iaas.errors import InputError
from scs_iaas.host.facts import AREAS, read_host
from scs_iaas.host.hwmon import HwmonFacts
from scs_iaas.host.root import HostRoot
from scs_iaas.model.findings import Finding

__all__ = [
    "AREAS",
    "bench_disk",
    "bench_encryption",
    "host_check",
    "host_check_any",
    "host_root",
    "sensors",
]


def host_root(path: str) -> HostRoot:
    """``--root`` must be a directory: a typo would otherwise read as an empty host."""
    if not path or not Path(path).is_dir():
        raise InputError(f"--root {path!r}: not a directory")
    if not (Path(path) / "proc" / "cpuinfo").is_file():
        raise InputError(f"--root {path}: not a host tree (no proc/cpuinfo under it)")
    root = HostRoot.of(path)
    text = root.read("/proc/cpuinfo")
    if text is None or "\x00" in text or "\ufffd" in text:
        raise InputError(f"--root {path}: proc/cpuinfo is not text (binary or not UTF-8)")
    return root


def host_check(
    root_path: str,
    only: tuple[str, ...] = AREAS,
    instances_path: str | None = None,
    nova_conf: str | None = None,
) -> tuple[list[Finding], dict[str, Any]]:
    """Read the facts of the chosen areas and judge them with the host checks:
    (findings, facts as plain data)."""
    from scs_iaas.checks import runner
    from scs_iaas.checks.base import Context

    facts = read_host(host_root(root_path), only, instances_path, nova_conf)
    wanted = {f"host:{a}" for a in only}
    checks = [c for c in runner.host_checks() if c.needs <= wanted]
    checks.sort(key=lambda c: AREAS.index(next(iter(c.needs)).removeprefix("host:")))
    findings = runner.run_checks(checks, Context(host=facts))
    data = facts.to_dict()
    if facts.config is not None:
        from scs_iaas.checks.host_scs_0125_secure_connections import tls_targets

        # the TLS endpoints the configuration names, for --tls-scan (hosts, never values)
        targets = tls_targets(facts.config)
        data["config"]["tls_targets"] = {
            f"{h}:{p}": sorted(set(w)) for (h, p), w in sorted(targets.items())
        }
    return findings, data


def host_check_any(
    root: str,
    only: tuple[str, ...] = AREAS,
    instances_path: str | None = None,
    nova_conf: str | None = None,
) -> tuple[list[Finding], dict[str, Any]]:
    """``host_check`` of a directory, or of the archive ``host collect`` wrote (unpacked to a
    temporary directory for the time of the check)."""
    from scs_iaas.host.archive import is_archive, unpacked

    if not is_archive(root):
        return host_check(root, only, instances_path, nova_conf)
    with unpacked(root) as tree:
        findings, facts = host_check(str(tree), only, instances_path, nova_conf)
    facts["root"] = root
    return findings, facts


def sensors(
    root_path: str, textfile: Path | None = None
) -> tuple[HwmonFacts, list[Finding], Path | None]:
    """Every hwmon reading, judged; with ``textfile`` also written for node_exporter."""
    from scs_iaas.checks import host_sensors
    from scs_iaas.host.hwmon import read_hwmon

    hw = read_hwmon(host_root(root_path))
    written = None
    if textfile is not None:
        from scs_iaas.host.prom import write_textfile

        written = write_textfile(hw, textfile)
    return hw, host_sensors.check(hw), written


def bench_disk(
    path: Path, count: int, engine: str, *, overwrite_device: bool = False
) -> tuple[list[Finding], dict[str, Any]]:
    """The scs-0110 write test on ``path``, judged: (findings, the measurement)."""
    from scs_iaas.checks.host_storage import check_disk_bench
    from scs_iaas.host import bench_disk as bench

    result = bench.run(path, count, engine, overwrite_device=overwrite_device)
    return [check_disk_bench(result)], asdict(result)


def bench_encryption(
    directory: Path, count: int, engine: str, key_size: int
) -> tuple[list[Finding], dict[str, Any]]:
    """The same write test on a loop device, raw and under LUKS2, judged."""
    from scs_iaas.checks.host_storage import check_encryption_bench
    from scs_iaas.host import bench_encryption as bench

    result = bench.run(directory, count, engine, key_size)
    facts = {**asdict(result), "iops_ratio": result.iops_ratio, "p50_ratio": result.p50_ratio}
    return check_encryption_bench(result), facts
