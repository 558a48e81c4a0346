"""Check a compute host: read the facts of a root path, judge them with the host checks."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from scs_iaas.errors import InputError
from scs_iaas.host.root import HostRoot
from scs_iaas.model.findings import Finding

AREAS = ("cc", "storage", "sensors", "time", "config")


def host_root(path: str) -> HostRoot:
    """``--root`` must be a directory: a typo would otherwise read as an empty host."""
    if not path or not Path(path).is_dir():
        raise InputError(f"--root {path!r}: not a directory")
    if not (Path(path) / "proc" / "cpuinfo").is_file():
        raise InputError(f"--root {path}: not a host tree (no proc/cpuinfo under it)")
    return HostRoot.of(path)


def host_check(
    root_path: str,
    only: tuple[str, ...] = AREAS,
    instances_path: str | None = None,
    nova_conf: str | None = None,
) -> tuple[list[Finding], dict[str, Any]]:
    """Read the facts of the chosen areas and judge them: (findings, facts as plain data).

    Paths the operator names (``nova_conf``, ``instances_path``) must exist: a typo must not
    read as "not a compute host"."""
    from scs_iaas.host.novaconf import DEFAULT_INSTANCES_PATH, DEFAULT_PATH, read_nova_conf

    root = host_root(root_path)
    if nova_conf is not None and not root.file(nova_conf).is_file():
        raise InputError(f"--nova-conf {nova_conf}: no such file under {root.path}")
    if instances_path is not None and not root.file(instances_path).exists():
        raise InputError(f"--instances-path {instances_path}: does not exist under {root.path}")
    if nova_conf is None:  # the Kolla layout first (OSISM), then the packaged one
        from scs_iaas.host.services import BY_NAME

        kolla = BY_NAME["nova-compute"].files["conf"][0]
        nova_conf = kolla if root.file(kolla).is_file() else DEFAULT_PATH
    nova = read_nova_conf(root, nova_conf)
    findings: list[Finding] = []
    facts: dict[str, Any] = {"root": str(root.path), "nova": asdict(nova) if nova else None}
    if "cc" in only:
        from scs_iaas.checks import host_confidential_computing
        from scs_iaas.host.cpu import read_confidential

        cc = read_confidential(root)
        facts["confidential_computing"] = asdict(cc)
        findings += host_confidential_computing.check(cc, nova)
    if "storage" in only:
        from scs_iaas.checks import host_storage
        from scs_iaas.host.block import read_storage

        path = instances_path or (nova.instances_path if nova else None) or DEFAULT_INSTANCES_PATH
        storage = read_storage(root, path)
        facts["storage"] = asdict(storage)
        findings += host_storage.check(storage, nova)
    if "sensors" in only:
        from scs_iaas.checks import host_sensors
        from scs_iaas.host.hwmon import read_hwmon

        hw = read_hwmon(root)
        facts["sensors"] = asdict(hw)
        findings += host_sensors.check(hw)
    if "time" in only:
        from scs_iaas.checks import host_timesync
        from scs_iaas.host.timesync import read_timesync

        ts = read_timesync(root)
        facts["timesync"] = asdict(ts)
        findings += host_timesync.check(ts)
    if "config" in only:
        from scs_iaas.checks import host_config
        from scs_iaas.checks.host_scs_0125_secure_connections import tls_targets
        from scs_iaas.host.config import read_config_facts

        cf = read_config_facts(root)
        targets = {f"{h}:{p}": sorted(set(w)) for (h, p), w in tls_targets(cf).items()}
        facts["config"] = cf.summary(targets)
        findings += host_config.check(cf)
    return findings, facts


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
