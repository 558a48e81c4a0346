"""`check --cleanup` with a leftover backup still ``creating`` (its run was killed just after
the create): the cleanup waits for it, boundedly, then deletes it and its volume; it never
fails outright. Called with this test's own prefix, so other runs' leftovers are untouched."""

from __future__ import annotations

import secrets
import time

import pytest

from scs_iaas.cloud.probes import cleanup

pytestmark = pytest.mark.integration


def test_cleanup_waits_for_a_creating_backup_then_deletes_it(box, member_conn, monkeypatch):
    if box.volume_unavailable:
        pytest.skip(f"the box runs no cinder-volume: {box.volume_unavailable}")
    from scs_iaas.cloud.connection import connect

    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(box.clouds_yaml))
    prefix = f"s11-cleanup-{secrets.token_hex(3)}-"
    bs = member_conn.block_storage
    vol = bs.create_volume(size=1, name=f"{prefix}volume")
    bs.wait_for_status(vol, "available", failures=["error"], wait=180)
    backup = bs.create_backup(volume_id=vol.id, name=f"{prefix}backup")
    status = bs.get_backup(backup.id).status
    started = time.monotonic()
    problems: list[str] = []
    deleted = cleanup(connect(box.member_cloud), prefix, problems)
    took = time.monotonic() - started
    leftovers = [b for b in bs.backups() if (b.name or "").startswith(prefix)]
    leftovers += [v for v in bs.volumes() if (v.name or "").startswith(prefix)]
    assert deleted == 2 and leftovers == [] and problems == [], (status, deleted, leftovers)
    assert took < 2 * 120 + 60
    print(f"backup was {status!r} when the cleanup started; cleaned in {took:.1f} s")
