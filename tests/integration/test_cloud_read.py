"""Reading the real cloud: pagination through each API's own next links."""

from __future__ import annotations

import pytest

from scs_iaas.cloud.connection import connect
from scs_iaas.cloud.snapshot import read_snapshot

pytestmark = pytest.mark.integration


@pytest.fixture
def admin(box, monkeypatch):
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(box.clouds_yaml))
    return connect(box.admin_cloud)


def test_pages_of_two_give_the_same_as_one_page(admin, admin_conn):
    # at least 5 flavors, 5 images and 3 networks exist for the duration of the test
    made = []
    try:
        for i in range(5):
            made.append(
                (
                    "image",
                    admin_conn.image.create_image(
                        name=f"scs-iaas-test-page-{i}", disk_format="raw", container_format="bare"
                    ),
                )
            )
        for i in range(3):
            made.append(
                ("network", admin_conn.network.create_network(name=f"scs-iaas-test-page-{i}"))
            )
        flavors_all = admin.list("compute", "/flavors/detail", "flavors", params={"limit": 1000})
        flavors_paged = admin.list("compute", "/flavors/detail", "flavors", params={"limit": 2})
        assert len(flavors_all) >= 5
        assert [f["id"] for f in flavors_paged] == [f["id"] for f in flavors_all]
        images_all = admin.list("image", "/v2/images", "images", params={"limit": 1000})
        images_paged = admin.list("image", "/v2/images", "images", params={"limit": 2})
        assert {i["id"] for i in images_paged} == {i["id"] for i in images_all}
        nets_all = admin.list("network", "/v2.0/networks", "networks")
        nets_paged = admin.list("network", "/v2.0/networks", "networks", params={"limit": 2})
        assert {n["id"] for n in nets_paged} == {n["id"] for n in nets_all}
        before = admin.counter.count
        admin.list("image", "/v2/images", "images", params={"limit": 2})
        assert admin.counter.count - before >= 3  # it really paged
    finally:
        for kind, res in made:
            if kind == "image":
                admin_conn.image.delete_image(res, ignore_missing=True)
            else:
                admin_conn.network.delete_network(res, ignore_missing=True)


def test_snapshot_reads_every_kind_without_errors(admin):
    snap = read_snapshot(admin)
    assert dict(snap.errors) == {}
    assert {"flavors", "images", "volume_types", "servers", "networks"} <= snap.fetched
    assert any(s.type == "identity" for s in snap.services)
