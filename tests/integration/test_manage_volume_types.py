"""`scs-iaas manage volume-types` against the local cloud (scs-0114 aspects, LUKS)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scs_iaas.box import BoxInfo
from scs_iaas.model.plan import CREATED_MARK

pytestmark = pytest.mark.integration


def manage(box: BoxInfo, *argv: str) -> tuple[int, dict[str, Any], str]:
    env = {**os.environ, "OS_CLIENT_CONFIG_FILE": str(box.clouds_yaml)}
    proc = subprocess.run(
        [sys.executable, "-m", "scs_iaas", "manage", "volume-types", *argv,
         "--os-cloud", box.admin_cloud, "-f", "json"],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    doc = json.loads(proc.stdout) if proc.stdout.strip() else {}
    return proc.returncode, doc, proc.stderr


def encryption(conn: Any, type_id: str) -> dict[str, Any]:
    e = conn.block_storage.get_type_encryption(type_id)
    return {k: getattr(e, k) for k in ("provider", "cipher", "key_size", "control_location")}


LUKS = {"provider": "luks", "cipher": "aes-xts-plain64", "key_size": 256,
        "control_location": "front-end"}  # fmt: skip


@pytest.fixture
def prefix(admin_conn: Any) -> Iterator[str]:
    p = f"scs-iaas-test-{uuid.uuid4().hex[:6]}"
    yield p
    for t in list(admin_conn.block_storage.types()):
        if t.name.startswith(p):
            enc = admin_conn.block_storage.get(f"/types/{t.id}/encryption").json()
            if enc.get("encryption_id"):
                admin_conn.block_storage.delete(f"/types/{t.id}/encryption/{enc['encryption_id']}")
            admin_conn.block_storage.delete_type(t, ignore_missing=True)


def test_default_luks_type_then_noop(box: BoxInfo, admin_conn: Any) -> None:
    rc, _, err = manage(box, "-y")
    assert rc == 0, err
    luks = admin_conn.block_storage.find_type("LUKS")
    assert luks.description.startswith("[scs:encrypted] ")
    assert encryption(admin_conn, luks.id) == LUKS
    rc, doc, err = manage(box)
    assert rc == 0 and doc["actions"] == [] and doc["api_writes"] == 0, err


def test_definitions_drift_fixed(
    box: BoxInfo, admin_conn: Any, prefix: str, tmp_path: Path
) -> None:
    f = tmp_path / "v.yaml"
    f.write_text(
        "volume_types:\n"
        f"  - name: {prefix}-enc\n    description: test encrypted\n    encrypted: true\n"
        f"  - name: {prefix}-rep\n    description: test replicated\n    replicated: true\n"
        "    extra_specs:\n      scs_iaas_test: 'yes'\n"
    )
    rc, doc, err = manage(box, "--definitions", str(f), "-y")
    assert rc == 0, err
    assert [a["op"] for a in doc["actions"]] == ["create", "create"]
    enc = admin_conn.block_storage.find_type(f"{prefix}-enc")
    rep = admin_conn.block_storage.find_type(f"{prefix}-rep")
    assert enc.description == "[scs:encrypted] test encrypted"
    assert encryption(admin_conn, enc.id) == LUKS
    assert rep.description == "[scs:replicated] test replicated"
    assert rep.extra_specs == {"scs_iaas_test": "yes", CREATED_MARK: "true"}
    # drift by hand: description rewritten, encryption changed
    admin_conn.block_storage.update_type(enc, description="[scs:replicated] wrong")
    admin_conn.block_storage.update_type_encryption(volume_type=enc, cipher="aes-cbc-essiv:sha256")
    rc, doc, err = manage(box, "--definitions", str(f), "-y")
    assert rc == 0, err
    (act,) = doc["actions"]
    assert act["op"] == "update" and "encryption" in act["params"]
    enc = admin_conn.block_storage.get_type(enc.id)
    assert enc.description == "[scs:encrypted] test encrypted"
    assert encryption(admin_conn, enc.id) == LUKS
    rc, doc, err = manage(box, "--definitions", str(f))
    assert rc == 0 and doc["actions"] == [] and doc["api_writes"] == 0, err


def test_encryption_cannot_be_added_while_a_volume_uses_the_type(
    box: BoxInfo, admin_conn: Any, prefix: str, tmp_path: Path
) -> None:
    if box.volume_unavailable:
        pytest.skip(f"no cinder-volume in this box: {box.volume_unavailable}")
    vtype = admin_conn.block_storage.create_type(name=f"{prefix}-plain", description="plain")
    volume = admin_conn.block_storage.create_volume(
        name=f"{prefix}-vol", size=1, volume_type=vtype.id
    )
    try:
        admin_conn.block_storage.wait_for_status(volume, "available", failures=["error"], wait=120)
        f = tmp_path / "v.yaml"
        f.write_text(f"volume_types:\n  - name: {prefix}-plain\n    encrypted: true\n")
        rc, doc, err = manage(box, "--definitions", str(f), "-y")
        assert rc == 1, err
        assert [a["op"] for a in doc["actions"]] == ["conflict"], doc["actions"]
        assert "1 volume(s) use the type" in doc["actions"][0]["reason"]
        # the description does not start to claim what the type cannot be yet
        assert admin_conn.block_storage.get_type(vtype.id).description == "plain"
        assert admin_conn.block_storage.get(f"/types/{vtype.id}/encryption").json() == {}
    finally:
        admin_conn.block_storage.delete_volume(volume, ignore_missing=True)
        admin_conn.block_storage.wait_for_delete(volume, wait=120)
    rc, doc, err = manage(box, "--definitions", str(f), "-y")  # unused now: encryption added
    assert rc == 0, err
    assert encryption(admin_conn, vtype.id) == LUKS
