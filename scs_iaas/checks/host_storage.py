"""scs-0110 on a compute host: local guest disks on SSD, tenant data not readable by the next.

``scs-iaas-host-luks``: the instances path and each Ceph OSD sit on dm-crypt/LUKS (or Nova
encrypts each ephemeral disk itself). Not encrypted is a WARN, not a FAIL: scs-0110 also
accepts securely erasing disks between tenants, which a host cannot show.
``scs-iaas-host-ssd``: the instances path is on non-rotational storage (SSD/NVMe).
``scs-iaas-host-disk-iops``: a bench-disk result against >1000 IOPS and <1 ms.
"""

from __future__ import annotations

from dataclasses import replace

from scs_iaas.checks.base import Check, Context
from scs_iaas.host.bench_disk import SCS_0110_MAX_LATENCY_MS, SCS_0110_MIN_IOPS, DiskBench
from scs_iaas.host.bench_encryption import EncryptionBench
from scs_iaas.host.block import StorageFacts, StorageTarget
from scs_iaas.host.novaconf import NovaConf
from scs_iaas.model.findings import Finding, Status, Test

STANDARD = "scs-0110"
VERSION = "v1"
LUKS_ID = "scs-iaas-host-luks"
SSD_ID = "scs-iaas-host-ssd"
IOPS_ID = "scs-iaas-host-disk-iops"


TESTS = {
    t.id: t
    for t in (
        Test(LUKS_ID, STANDARD, VERSION, "ephemeral storage is encrypted (LUKS)", resource="host"),
        Test(SSD_ID, STANDARD, VERSION, "ephemeral storage is on SSD/NVMe", resource="host"),
        Test(IOPS_ID, STANDARD, VERSION, ">1000 synchronous 4 KiB write IOPS, p50 < 1 ms"),
        Test("scs-iaas-host-luks-overhead", STANDARD, VERSION, "LUKS2 overhead measured"),
    )
}


def _test(test_id: str) -> Test:
    return TESTS[test_id]


def _chain(t: StorageTarget) -> str:
    return " → ".join(f"{d.name} ({d.type})" for d in t.chain)


def _disk_kind(t: StorageTarget) -> str:
    names = ", ".join(d.name for d in t.disks)
    if t.rotational is True:
        return f"{names} (rotational: HDD)"
    kinds = {
        "nvme" if d.transport == "nvme" or d.name.startswith("nvme") else "ssd" for d in t.disks
    }
    return f"{names} ({'NVMe' if kinds == {'nvme'} else 'SSD'})"


def check_luks(t: StorageTarget, nova: NovaConf | None) -> Finding:
    resource = f"{t.label} ({t.path})" if t.role == "ceph-osd" else t.label
    details: dict[str, object] = {
        "role": t.role,
        "device": t.device,
        "chain": _chain(t),
        "encryption": t.encryption,
    }
    if t.note:
        return _test(LUKS_ID).finding(
            Status.SKIP, f"device not resolved: {t.note}", resource, details=details
        )
    if t.encrypted:
        return _test(LUKS_ID).finding(
            Status.PASS, f"on {t.encryption}: {_chain(t)}", resource, details=details
        )
    if (
        t.role == "nova-instances"
        and nova is not None
        and nova.ephemeral_encryption_enabled
        and nova.images_type == "lvm"
    ):
        return _test(LUKS_ID).finding(
            Status.PASS,
            "Nova encrypts each ephemeral disk "
            "([ephemeral_storage_encryption] enabled, LVM backend)",
            resource,
            details=details,
        )
    if t.role == "ceph-osd":
        fix = "redeploy the OSD encrypted: ceph-volume lvm create --dmcrypt (OSISM: dmcrypt: true)"
    else:
        fix = (
            "put the instances path on a LUKS2 volume (cryptsetup luksFormat --type luks2), "
            "use hw:ephemeral_encryption flavors, or securely erase disks between tenants"
        )
    return _test(LUKS_ID).finding(
        Status.WARN, f"not encrypted: {_chain(t)}", resource, fix=fix, details=details
    )


def check_ssd(t: StorageTarget) -> Finding:
    details: dict[str, object] = {
        "device": t.device,
        "disks": [d.name for d in t.disks],
        "rotational": t.rotational,
    }
    if t.note:
        return _test(SSD_ID).finding(
            Status.SKIP, f"device not resolved: {t.note}", t.label, details=details
        )
    if t.rotational is None:
        return _test(SSD_ID).finding(
            Status.SKIP, "rotational flag unknown for " + _chain(t), t.label, details=details
        )
    if t.rotational:
        return _test(SSD_ID).finding(
            Status.WARN,
            f"on {_disk_kind(t)}: this host cannot serve the scs-0110 SSD flavors (…-20s, …-100s)",
            t.label,
            fix="put the instances path on local SSD/NVMe with power-loss protection, "
            "or keep the `s` flavors off this host (aggregate)",
            details=details,
        )
    return _test(SSD_ID).finding(Status.PASS, f"on {_disk_kind(t)}", t.label, details=details)


def check(facts: StorageFacts, nova: NovaConf | None = None) -> list[Finding]:
    """Encryption of every target, SSD for the instances path."""
    findings: list[Finding] = []
    instances = [t for t in facts.targets if t.role == "nova-instances"]
    if not facts.targets:
        why = "; ".join(facts.notes) or "no Nova instances path and no Ceph OSD found"
        return [
            _test(LUKS_ID).finding(Status.SKIP, why, "host"),
            _test(SSD_ID).finding(Status.SKIP, why, "host"),
        ]
    for t in facts.targets:
        findings.append(check_luks(t, nova))
    for t in instances:
        findings.append(check_ssd(t))
    if not instances:
        findings.append(
            _test(SSD_ID).finding(
                Status.SKIP, "; ".join(facts.notes) or "no instances path", "host"
            )
        )
    return findings


def check_disk_bench(result: DiskBench) -> Finding:
    """>1000 sequential synchronous 4 KiB write IOPS and a median write latency under 1 ms."""
    ok = result.iops > SCS_0110_MIN_IOPS and result.p50_ms < SCS_0110_MAX_LATENCY_MS
    reason = (
        f"{result.iops:.0f} IOPS, p50 {result.p50_ms:.3f} ms, p99 {result.p99_ms:.3f} ms "
        f"({result.writes} × {result.block_size // 1024} KiB O_DSYNC writes, {result.engine})"
    )
    if ok:
        return _test(IOPS_ID).finding(Status.PASS, reason, result.target)
    return _test(IOPS_ID).finding(
        Status.FAIL,
        reason + f": needs >{SCS_0110_MIN_IOPS:.0f} IOPS and <{SCS_0110_MAX_LATENCY_MS:g} ms",
        result.target,
        fix="local SSD/NVMe with power-loss protection (no write-back cache stalls) "
        "for the `s` flavors",
    )


def check_encryption_bench(result: EncryptionBench) -> list[Finding]:
    """Both runs against scs-0110, plus the LUKS cost as one informational finding."""
    raw, luks = check_disk_bench(result.raw), check_disk_bench(result.luks)
    raw = replace(raw, id=f"{IOPS_ID}-raw", resource=f"{result.raw.target} (raw loop)")
    luks = replace(luks, id=f"{IOPS_ID}-luks", resource=f"{result.luks.target} (LUKS2)")
    overhead = _test("scs-iaas-host-luks-overhead").passed(
        f"LUKS2 {result.cipher} {result.key_size}-bit keeps {result.iops_ratio:.0%} of raw IOPS "
        f"({result.luks.iops:.0f} vs {result.raw.iops:.0f}); p50 ×{result.p50_ratio:.2f}",
        f"loop device on {result.backing_dir}",
    )
    return [raw, luks, overhead]


def run(ctx: Context) -> list[Finding]:
    assert ctx.host is not None and ctx.host.storage is not None
    return check(ctx.host.storage, ctx.host.nova)


CHECK = Check(
    name="host storage (scs-0110)",
    tests=[TESTS[LUKS_ID], TESTS[SSD_ID]],
    needs=frozenset({"host:storage"}),
    run=run,
)
