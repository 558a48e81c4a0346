"""scs-0117 volume backup: the backup API works end to end (create, back up, restore)."""

from __future__ import annotations

from scs_iaas.checks.base import Check, Context, std_url
from scs_iaas.model.findings import Finding, Test

TEST = Test(
    "scs-0117-test-backup",
    "scs-0117",
    "v1",
    "a volume can be backed up and restored",
    "run cinder-backup with a backup driver (e.g. Ceph/Swift/S3) and check "
    "`openstack volume backup create` as a member",
    std_url("scs-0117-v1-volume-backup-service"),
)
PROBE = "volume_backup"  # cloud/probes.py: volume -> backup -> restore, all deleted again


def run(ctx: Context) -> list[Finding]:
    if not ctx.wants(TEST.id):
        return []
    probe = ctx.snapshot.probes.get(PROBE)
    if probe is None:
        return [TEST.skipped("needs --with-resources (creates a 1 GiB volume and a backup)")]
    if probe.ok:
        return [TEST.passed(probe.reason, probe.resource)]
    return [TEST.failed(probe.reason, probe.resource)]


CHECK = Check(
    name="scs-0117 volume backup",
    tests=[TEST],
    needs=frozenset(),
    run=run,
    probes={TEST.id: PROBE},
)
