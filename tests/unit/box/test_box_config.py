"""Config rendering of the Cloud-in-a-Box: pure functions of paths and secrets."""

from __future__ import annotations

import configparser
import hashlib
from pathlib import Path

import yaml
from hypothesis import given
from hypothesis import strategies as st

from scs_iaas.box import config
from scs_iaas.box.layout import ADMIN_CLOUD, KEYSTONE_URL, MEMBER_CLOUD, BoxPaths
from scs_iaas.box.secrets import BoxSecrets

PATHS = BoxPaths(Path("/srv/box"))
SECRETS = BoxSecrets(admin="adm-1", member="mem-2", service="svc-3", database="db-4", kek="kek-5")


def _parse(text: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(text)
    return parser


_key = st.from_regex(r"[a-z][a-z0-9_]{0,15}", fullmatch=True)
_value = st.from_regex(r"[A-Za-z0-9_:/.$%()@?=,-]{0,30}", fullmatch=True)


@given(st.dictionaries(_key, st.dictionaries(_key, _value, max_size=5), max_size=5))
def test_render_ini_round_trips(sections: dict[str, dict[str, str]]) -> None:
    sections.pop("default", None)
    parsed = _parse(config.render_ini(sections))
    assert {name: dict(parsed[name]) for name in parsed.sections()} == sections


def test_render_ini_keeps_percent_and_dollar_literal() -> None:
    text = config.render_ini({"x": {"url": "http://h/v3/$(project_id)s", "p": "100%"}})
    assert _parse(text)["x"]["url"] == "http://h/v3/$(project_id)s"
    assert _parse(text)["x"]["p"] == "100%"


def test_every_service_authenticates_as_its_own_user() -> None:
    confs = config.all_configs(PATHS, SECRETS, volume_driver=None)
    users = {
        path.name: ini["keystone_authtoken"]["username"]
        for path, ini in confs.items()
        if "keystone_authtoken" in ini
    }
    assert users == {
        "placement.conf": "placement",
        "glance-api.conf": "glance",
        "nova.conf": "nova",
        "cinder.conf": "cinder",
        "neutron.conf": "neutron",
        "barbican.conf": "barbican",
        "octavia.conf": "octavia",
    }
    for ini in confs.values():
        for section in ini.values():
            if "auth_url" in section:
                assert section["auth_url"] == KEYSTONE_URL
                assert section["password"] == SECRETS.service


def test_databases_use_the_box_account_on_loopback() -> None:
    nova = config.nova_conf(PATHS, SECRETS)
    assert nova["api_database"]["connection"] == (
        "mysql+pymysql://os:db-4@127.0.0.1:3306/nova_api?charset=utf8mb4"
    )
    assert nova["database"]["connection"].endswith("/nova_cell1?charset=utf8mb4")
    neutron = config.neutron_conf(PATHS, SECRETS)
    assert "/neutron?" in neutron["database"]["connection"]


def test_nova_runs_the_fake_driver_that_keeps_its_node_identity() -> None:
    nova = config.nova_conf(PATHS, SECRETS)
    assert nova["DEFAULT"]["compute_driver"] == "fake.FakeDriverWithoutFakeNodes"
    assert nova["DEFAULT"]["state_path"] == "/srv/box/data/nova"
    assert nova["DEFAULT"]["transport_url"] == "rabbit://guest:guest@127.0.0.1:5672/"
    assert nova["oslo_messaging_rabbit"]["amqp_durable_queues"] == "true"
    assert nova["service_user"]["send_service_user_token"] == "true"


def test_neutron_is_ml2_without_mechanism_drivers() -> None:
    neutron = config.neutron_conf(PATHS, SECRETS)
    assert neutron["DEFAULT"]["core_plugin"] == "ml2"
    assert neutron["ml2"]["mechanism_drivers"] == ""
    assert neutron["ml2"]["tenant_network_types"] == "vxlan"


def test_cinder_backend_only_with_a_volume_driver() -> None:
    without = config.cinder_conf(PATHS, SECRETS, None)
    assert "enabled_backends" not in without["DEFAULT"]
    assert config.VOLUME_BACKEND not in without
    driver = "cinder.volume.drivers.nfs.NfsDriver"
    with_backend = config.cinder_conf(PATHS, SECRETS, driver)
    assert with_backend["DEFAULT"]["enabled_backends"] == config.VOLUME_BACKEND
    backend = with_backend[config.VOLUME_BACKEND]
    assert backend["volume_driver"] == driver
    assert backend["nfs_mount_point_base"] == "/srv/box/data/cinder/mnt"
    assert with_backend["DEFAULT"]["backup_posix_path"] == "/srv/box/data/cinder/backups"


def test_volume_share_is_mounted_where_os_brick_looks() -> None:
    share = config.volume_share(PATHS)
    assert share == "127.0.0.1:/srv/box/data/cinder/volumes"
    # os-brick: <mount base>/<md5 hex of the share string>
    point = config.volume_mountpoint(PATHS)
    assert point.parent == config.volume_mount_base(PATHS)
    assert point.name == hashlib.md5(share.encode()).hexdigest()


def test_glance_stores_files_under_the_home() -> None:
    glance = config.glance_conf(PATHS, SECRETS)
    assert glance["fs"]["filesystem_store_datadir"] == "/srv/box/data/glance/images/"
    assert glance["DEFAULT"]["enabled_backends"] == "fs:file"


def test_clouds_yaml_has_admin_and_member_entries() -> None:
    doc = yaml.safe_load(config.clouds_yaml(SECRETS))
    clouds = doc["clouds"]
    assert set(clouds) == {ADMIN_CLOUD, MEMBER_CLOUD}
    admin, member = clouds[ADMIN_CLOUD]["auth"], clouds[MEMBER_CLOUD]["auth"]
    assert (admin["username"], admin["password"], admin["project_name"]) == (
        "admin",
        "adm-1",
        "admin",
    )
    assert (member["username"], member["password"]) == (config.MEMBER_USER, "mem-2")
    assert member["project_name"] == config.MEMBER_PROJECT != "admin"
    assert all(c["auth"]["auth_url"] == KEYSTONE_URL for c in clouds.values())


def test_cinder_allows_the_filters_a_default_cinder_allows() -> None:
    """Without the filters file Cinder rejects GET /volumes/detail?name=… with 400."""
    cinder = config.cinder_conf(PATHS, SECRETS, volume_driver=None)
    assert cinder["DEFAULT"]["resource_query_filters_file"] == (
        "/srv/box/etc/cinder/resource_filters.json"
    )


def test_barbican_stores_secrets_with_simple_crypto_and_its_own_database() -> None:
    barbican = config.barbican_conf(PATHS, SECRETS)
    assert barbican["simple_crypto_plugin"]["kek"] == SECRETS.kek
    assert barbican["crypto"]["enabled_crypto_plugins"] == "simple_crypto"
    assert barbican["secretstore"]["enabled_secretstore_plugins"] == "store_crypto"
    assert barbican["database"]["connection"].endswith("/barbican?charset=utf8mb4")
    # the member role may create secrets (the legacy rules want a creator role)
    assert barbican["oslo_policy"]["enforce_new_defaults"] == "true"


def test_octavia_runs_no_data_plane() -> None:
    octavia = config.octavia_conf(PATHS, SECRETS)
    worker = octavia["controller_worker"]
    for kind in ("amphora", "compute", "network", "image", "volume"):
        assert worker[f"{kind}_driver"].endswith("noop_driver")
    assert octavia["api_settings"]["default_provider_driver"] == "amphora"
    assert octavia["certificates"]["ca_certificate"].startswith("/srv/box/etc/octavia/certs/")
    assert worker["client_ca"] == octavia["certificates"]["ca_certificate"]


def test_radosgw_authenticates_s3_and_swift_against_keystone() -> None:
    ceph = config.ceph_conf(PATHS, SECRETS, fsid="f-1")
    rgw = ceph[f"client.{config.RGW_NAME}"]
    assert rgw["rgw_s3_auth_use_keystone"] == "true"
    assert rgw["rgw_keystone_url"] == KEYSTONE_URL.removesuffix("/v3")
    assert rgw["rgw_keystone_admin_user"] == "rgw"
    assert rgw["rgw_frontends"] == "beast endpoint=127.0.0.1:8080"
    assert ceph["global"]["mon_host"] == "[v2:127.0.0.1:3301,v1:127.0.0.1:6790]"
    assert ceph["global"]["osd_pool_default_size"] == "1"
    # ceph.conf keeps $name for Ceph to expand, per daemon
    assert _parse(config.render_ini(ceph))["global"]["admin_socket"].endswith("/$name.asok")
