"""scs-0117 volume backup: the backup API works end to end (create, back up, restore)."""

from __future__ import annotations

import contextlib
import secrets
from typing import Any

from scs_iaas.checks.base import Check, Context, Test, std_url
from scs_iaas.findings import Finding

TEST = Test(
    "scs-0117-test-backup",
    "scs-0117",
    "v1",
    "a volume can be backed up and restored",
    "run cinder-backup with a backup driver (e.g. Ceph/Swift/S3) and check "
    "`openstack volume backup create` as a member",
    std_url("scs-0117-v1-volume-backup-service"),
)
WAIT = 180  # seconds per state change; the official suite waits about 110 s


def run(ctx: Context) -> list[Finding]:
    if not ctx.wants(TEST.id):
        return []
    if not ctx.with_resources or ctx.cloud is None:
        return [TEST.skipped("needs --with-resources (creates a 1 GiB volume and a backup)")]
    bs = ctx.cloud.conn.block_storage
    tag = secrets.token_hex(4)
    made: list[tuple[str, Any]] = []
    step = "create volume"
    try:
        vol = bs.create_volume(size=1, name=f"{ctx.prefix}volume-{tag}")
        made.append(("volume", vol))
        bs.wait_for_status(vol, "available", failures=["error"], wait=WAIT)
        step = "create backup"
        backup = bs.create_backup(volume_id=vol.id, name=f"{ctx.prefix}backup-{tag}")
        made.append(("backup", backup))
        bs.wait_for_status(backup, "available", failures=["error"], wait=WAIT)
        step = "restore backup"
        restored = bs.restore_backup(backup.id, name=f"{ctx.prefix}restored-{tag}")
        rvol = bs.get_volume(
            restored["volume_id"] if isinstance(restored, dict) else restored.volume_id
        )
        made.append(("volume", rvol))
        bs.wait_for_status(rvol, "available", failures=["error", "error_restoring"], wait=WAIT)
        return [TEST.passed("volume created, backed up and restored", f"{ctx.prefix}*-{tag}")]
    except Exception as exc:
        return [TEST.failed(f"{step}: {' '.join(str(exc).split())[:300]}", f"{ctx.prefix}*-{tag}")]
    finally:
        for kind, res in reversed(made):
            with contextlib.suppress(Exception):
                if kind == "backup":
                    bs.delete_backup(res, ignore_missing=True)
                    bs.wait_for_delete(res, wait=WAIT)
                else:
                    bs.delete_volume(res, ignore_missing=True)
                    bs.wait_for_delete(res, wait=WAIT)


# states a backup or volume leaves by itself; deleting in one of them is refused (HTTP 400)
BUSY = {"creating", "backing-up", "restoring", "restoring-backup", "downloading", "deleting"}
CLEANUP_WAIT = 120  # seconds to wait for one busy leftover to settle before deleting it


def cleanup(cloud: Any, prefix: str) -> int:
    """Delete leftover backups, then volumes, named ``prefix*``. One still busy (a backup
    still ``creating`` when its run was killed) is waited for, boundedly, then deleted; one
    that does not settle or cannot be deleted is named and left for the next --cleanup:
    the rest is still cleaned up."""
    import sys

    from openstack import exceptions as os_exc

    bs = cloud.conn.block_storage
    n = 0
    for kind, items, delete in (
        ("backup", bs.backups, bs.delete_backup),
        ("volume", bs.volumes, bs.delete_volume),
    ):
        for res in items():
            if not (res.name or "").startswith(prefix):
                continue
            try:
                if res.status in BUSY:
                    res = bs.wait_for_status(
                        res, "available", failures=["error"], wait=CLEANUP_WAIT
                    )
            except os_exc.ResourceFailure:
                pass  # in "error": deletable
            except os_exc.ResourceTimeout:
                print(
                    f"scs-iaas: {kind} {res.name} still {res.status} after {CLEANUP_WAIT} s: "
                    "left for the next --cleanup",
                    file=sys.stderr,
                )
                continue
            try:
                delete(res, ignore_missing=True)
            except os_exc.SDKException as exc:  # name it, go on with the others
                print(
                    f"scs-iaas: cannot delete {kind} {res.name}: {' '.join(str(exc).split())}",
                    file=sys.stderr,
                )
                continue
            with contextlib.suppress(Exception):
                bs.wait_for_delete(res, wait=WAIT)
            n += 1
    return n


CHECK = Check(
    name="scs-0117 volume backup",
    tests=[TEST],
    needs=frozenset(),
    run=run,
    creates_resources=True,
    cleanup=cleanup,
)
