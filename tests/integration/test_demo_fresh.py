"""`demo --fresh` removes only what scs-iaas created and nothing in use, on the real box.

Resources of this test carry a unique prefix and are passed as the names to look for, so the
shared box's real standard flavors and demo images are never touched here."""

from __future__ import annotations

import contextlib
import secrets

import pytest

from scs_iaas.cloud.apply import apply_plan
from scs_iaas.model.plan import CREATED_MARK

pytestmark = pytest.mark.integration


def removal_plan(cloud, p: str):
    """What --fresh plans, for this test's names only (app/demo.py: the demo's names)."""
    from scs_iaas.cloud.snapshot import read_snapshot, volume_usage
    from scs_iaas.managers.removal import plan_removal

    snap = read_snapshot(cloud, {"flavors", "images", "volume_types", "servers"})
    assert not snap.errors, snap.errors
    types = [t.id for t in snap.volume_types if t.name == f"{p}-vt"]
    return plan_removal(
        snap,
        flavors={f"{p}-fm", f"{p}-ff"},
        image_prefixes=[p],
        volume_types={f"{p}-vt"},
        volumes_per_type=volume_usage(cloud, types),
    )


@pytest.fixture
def admin_cloud(box):
    from scs_iaas.cloud.connection import connect

    return connect(box.admin_cloud, config_file=str(box.clouds_yaml))


def test_fresh_removes_only_marked_and_unused(box, admin_cloud, admin_conn):
    p = f"s11-fresh-{secrets.token_hex(3)}"
    conn = admin_conn
    made = []
    try:
        marked = conn.image.create_image(
            name=f"{p}-marked", disk_format="raw", container_format="bare", data=b"x" * 512,
            visibility="public", **{CREATED_MARK: "true"},
        )  # fmt: skip
        foreign = conn.image.create_image(
            name=f"{p}-foreign", disk_format="raw", container_format="bare", data=b"x" * 512,
            visibility="public",
        )  # fmt: skip
        in_use = conn.image.create_image(
            name=f"{p}-in-use", disk_format="raw", container_format="bare", data=b"x" * 512,
            visibility="public", **{CREATED_MARK: "true"},
        )  # fmt: skip
        made += [("image", i.id) for i in (marked, foreign, in_use)]
        flavor_marked = conn.compute.create_flavor(name=f"{p}-fm", vcpus=1, ram=128, disk=1)
        flavor_foreign = conn.compute.create_flavor(name=f"{p}-ff", vcpus=1, ram=128, disk=1)
        made += [("flavor", flavor_marked.id), ("flavor", flavor_foreign.id)]
        conn.compute.create_flavor_extra_specs(flavor_marked, {CREATED_MARK: "true"})
        vtype = conn.block_storage.create_type(name=f"{p}-vt", extra_specs={CREATED_MARK: "true"})
        made.append(("type", vtype.id))
        # a server (of whatever state the box gets it to) uses the third image
        server = conn.compute.create_server(
            name=f"{p}-srv", image_id=in_use.id, flavor_id=flavor_foreign.id, networks="none"
        )
        made.append(("server", server.id))

        plan = removal_plan(admin_cloud, p)
        assert sorted((a.kind, a.name) for a in plan.actions) == [
            ("flavor", f"{p}-fm"),
            ("image", f"{p}-marked"),
            ("volume_type", f"{p}-vt"),
        ]
        notes = "\n".join(plan.notes)
        assert f"image {p}-foreign ({foreign.id}) kept: not created by scs-iaas" in notes
        assert f"image {p}-in-use ({in_use.id}) kept: a server was booted from it" in notes
        assert f"flavor {p}-ff kept: not created by scs-iaas" in notes
        applied = apply_plan(admin_cloud, plan)
        assert len(applied.done) == 3
        assert conn.image.find_image(marked.id) is None
        assert conn.image.get_image(foreign.id).id == foreign.id
        assert conn.image.get_image(in_use.id).id == in_use.id
        assert conn.compute.find_flavor(f"{p}-ff") is not None
        assert conn.compute.find_flavor(f"{p}-fm") is None
    finally:
        for kind, rid in reversed(made):
            with contextlib.suppress(Exception):
                if kind == "server":
                    conn.compute.delete_server(rid, force=True)
                elif kind == "image":
                    conn.image.delete_image(rid, ignore_missing=True)
                elif kind == "flavor":
                    conn.compute.delete_flavor(rid, ignore_missing=True)
                else:
                    conn.block_storage.delete_type(rid, ignore_missing=True)
