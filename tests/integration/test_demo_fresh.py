"""`demo --fresh` removes only what scs-iaas created and nothing in use, on the real box.

Resources of this test carry a unique prefix and are passed as the names to look for, so the
shared box's real standard flavors and demo images are never touched here."""

from __future__ import annotations

import contextlib
import os
import secrets

import pytest

from scs_iaas.cloud.apply import CREATED_MARK
from scs_iaas.commands.demo import delete_targets, fresh_targets

pytestmark = pytest.mark.integration


@pytest.fixture
def admin_cloud(box):
    from scs_iaas.cloud.connection import connect

    os.environ["OS_CLIENT_CONFIG_FILE"] = str(box.clouds_yaml)
    return connect(box.admin_cloud)


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

        targets = fresh_targets(
            admin_cloud,
            flavor_names={f"{p}-fm", f"{p}-ff"},
            image_prefixes=(p,),
            type_names={f"{p}-vt"},
        )
        assert sorted((k, n) for k, _i, n in targets) == [
            ("flavor", f"{p}-fm"),
            ("image", f"{p}-marked"),
            ("volume type", f"{p}-vt"),
        ]
        assert delete_targets(admin_cloud, targets) == 3
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
