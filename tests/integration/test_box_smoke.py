"""Smoke test of the Cloud-in-a-Box: each service does real work through openstacksdk."""

from __future__ import annotations

import hashlib
import os
import uuid
from typing import Any

import openstack.exceptions
import pytest

from scs_iaas.box import BoxInfo

pytestmark = pytest.mark.integration


def _name(kind: str) -> str:
    return f"smoke-{kind}-{uuid.uuid4().hex[:8]}"


def test_flavor_with_extra_specs(admin_conn: Any) -> None:
    flavor = admin_conn.compute.create_flavor(name=_name("flavor"), ram=512, vcpus=1, disk=5)
    try:
        admin_conn.compute.create_flavor_extra_specs(
            flavor, {"hw:cpu_policy": "shared", "scs:name-v2": "SCS-1V-0.5"}
        )
        specs = admin_conn.compute.get_flavor(flavor.id).extra_specs
        assert specs == {"hw:cpu_policy": "shared", "scs:name-v2": "SCS-1V-0.5"}
    finally:
        admin_conn.compute.delete_flavor(flavor)


def test_member_may_not_create_flavors(member_conn: Any) -> None:
    with pytest.raises(openstack.exceptions.ForbiddenException):
        flavor = member_conn.compute.create_flavor(name=_name("flavor"), ram=512, vcpus=1, disk=1)
        member_conn.compute.delete_flavor(flavor)  # only reached if policy let it through


def test_member_has_member_role_only(admin_conn: Any, member_conn: Any) -> None:
    user_id = member_conn.current_user_id
    project_id = member_conn.current_project_id
    names = {
        admin_conn.identity.get_role(a.role["id"]).name
        for a in admin_conn.identity.role_assignments(user_id=user_id)
    }
    assert names == {"member"}
    assert project_id != admin_conn.current_project_id


def test_image_upload_download_checksum(admin_conn: Any) -> None:
    data = os.urandom(1 << 20)
    # Glance inspects the bytes: random data is only accepted as disk_format=raw
    image = admin_conn.image.create_image(
        name=_name("image"), disk_format="raw", container_format="bare", data=data
    )
    try:
        image = admin_conn.image.get_image(image.id)
        assert image.status == "active"
        assert image.size == len(data)
        downloaded = admin_conn.image.download_image(image).content
        assert hashlib.sha512(downloaded).hexdigest() == hashlib.sha512(data).hexdigest()
        assert image.hash_value == hashlib.sha512(data).hexdigest()
    finally:
        admin_conn.image.delete_image(image)


def test_volume_type_with_encryption(admin_conn: Any) -> None:
    storage = admin_conn.block_storage
    vtype = storage.create_type(name=_name("vtype"), extra_specs={"scs:test": "yes"})
    try:
        storage.create_type_encryption(
            vtype,
            provider="luks",
            cipher="aes-xts-plain64",
            key_size=256,
            control_location="front-end",
        )
        enc = storage.get_type_encryption(vtype.id)
        assert (enc.provider, enc.cipher, enc.key_size, enc.control_location) == (
            "luks",
            "aes-xts-plain64",
            256,
            "front-end",
        )
    finally:
        with_enc = storage.get_type_encryption(vtype.id)
        if with_enc.encryption_id:
            storage.delete_type_encryption(encryption=with_enc, volume_type=vtype)
        storage.delete_type(vtype)


def test_network_and_security_group(member_conn: Any) -> None:
    net = member_conn.network.create_network(name=_name("net"))
    sg = None
    try:
        subnet = member_conn.network.create_subnet(
            network_id=net.id, ip_version=4, cidr="10.199.0.0/24", name=_name("subnet")
        )
        assert subnet.cidr == "10.199.0.0/24"
        sg = member_conn.network.create_security_group(name=_name("sg"))
        rule = member_conn.network.create_security_group_rule(
            security_group_id=sg.id,
            direction="ingress",
            protocol="tcp",
            port_range_min=22,
            port_range_max=22,
        )
        assert rule.port_range_min == 22
    finally:
        if sg is not None:
            member_conn.network.delete_security_group(sg)
        member_conn.network.delete_network(net)


def test_server_boots_on_fake_driver(admin_conn: Any, member_conn: Any) -> None:
    flavor = admin_conn.compute.create_flavor(name=_name("flavor"), ram=256, vcpus=1, disk=1)
    image = admin_conn.image.create_image(
        name=_name("image"),
        disk_format="raw",
        container_format="bare",
        data=os.urandom(4096),
        visibility="public",
    )
    server = None
    try:
        server = member_conn.compute.create_server(
            name=_name("server"), flavor_id=flavor.id, image_id=image.id, networks="none"
        )
        server = member_conn.compute.wait_for_server(server, status="ACTIVE", wait=120)
        assert server.status == "ACTIVE"
    finally:
        if server is not None:
            member_conn.compute.delete_server(server)
            member_conn.compute.wait_for_delete(server, wait=120)
        admin_conn.image.delete_image(image)
        admin_conn.compute.delete_flavor(flavor)


def test_volume_create_delete(box: BoxInfo, member_conn: Any) -> None:
    if box.volume_unavailable:
        pytest.skip(f"no cinder-volume in this box: {box.volume_unavailable}")
    storage = member_conn.block_storage
    volume = storage.create_volume(name=_name("volume"), size=1)
    try:
        volume = storage.wait_for_status(volume, "available", failures=["error"], wait=120)
        assert volume.size == 1
    finally:
        storage.delete_volume(volume)
        storage.wait_for_delete(volume, wait=120)


def test_volume_backup(box: BoxInfo, member_conn: Any) -> None:
    if box.volume_unavailable:
        pytest.skip(f"no cinder-volume in this box: {box.volume_unavailable}")
    storage = member_conn.block_storage
    volume = storage.create_volume(name=_name("volume"), size=1)
    backup = None
    try:
        storage.wait_for_status(volume, "available", failures=["error"], wait=120)
        backup = storage.create_backup(volume_id=volume.id, name=_name("backup"))
        backup = storage.wait_for_status(backup, "available", failures=["error"], wait=180)
        assert backup.volume_id == volume.id
        assert backup.size == 1
    finally:
        if backup is not None:
            storage.delete_backup(backup)
            storage.wait_for_delete(backup, wait=120)
        storage.wait_for_status(volume, "available", failures=["error"], wait=120)
        storage.delete_volume(volume)
        storage.wait_for_delete(volume, wait=120)
