"""Config files of the box's services, rendered from the paths and secrets (pure: no I/O).

Each service gets one INI file built here as data (section → key → value) and written
as text; clouds.yaml is built as a mapping and dumped with PyYAML. Keeping them as data
lets the unit tests assert on values instead of on text.
"""

from __future__ import annotations

import configparser
import hashlib
import io
from collections.abc import Mapping
from pathlib import Path

import yaml

from scs_iaas.box.layout import (
    ADMIN_CLOUD,
    HOST,
    KEYSTONE_URL,
    MEMBER_CLOUD,
    PORTS,
    REGION,
    BoxPaths,
)
from scs_iaas.box.secrets import BoxSecrets

Ini = dict[str, dict[str, str]]

#: Host name every service registers under (nova-compute, cinder-volume).
SERVICE_HOST = "box"
#: Users the box creates besides Keystone's bootstrap admin.
SERVICE_USERS = ("nova", "placement", "glance", "cinder", "neutron", "barbican", "octavia", "rgw")
MEMBER_USER = "member"
MEMBER_PROJECT = "member-project"
#: Volume backend name of cinder-volume (also the volume type extra spec that selects it).
VOLUME_BACKEND = "box"


def render_ini(sections: Mapping[str, Mapping[str, str]]) -> str:
    """INI text in section order; no interpolation, so ``%`` and ``$`` stay literal."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keep key case
    for name, values in sections.items():
        if name != "DEFAULT":
            parser.add_section(name)
        for key, value in values.items():
            parser.set(name, key, value)
    out = io.StringIO()
    parser.write(out)
    return out.getvalue()


def db_url(secrets: BoxSecrets, database: str) -> str:
    return (
        f"mysql+pymysql://os:{secrets.database}@{HOST}:{PORTS['mariadb']}/{database}"
        "?charset=utf8mb4"
    )


def transport_url() -> str:
    """RabbitMQ's default guest account, which it only accepts from loopback."""
    return f"rabbit://guest:guest@{HOST}:{PORTS['rabbitmq']}/"


def _service_auth(secrets: BoxSecrets, user: str) -> dict[str, str]:
    """A keystoneauth password section for one service user in project ``service``."""
    return {
        "auth_url": KEYSTONE_URL,
        "auth_type": "password",
        "username": user,
        "password": secrets.service,
        "project_name": "service",
        "user_domain_name": "Default",
        "project_domain_name": "Default",
        "region_name": REGION,
    }


def _authtoken(secrets: BoxSecrets, user: str) -> dict[str, str]:
    section = _service_auth(secrets, user)
    section["www_authenticate_uri"] = KEYSTONE_URL
    return section


#: Durable RPC queues survive a broker restart, so a message sent to a worker that is
#: still starting waits in its queue instead of being dropped as unroutable.
RABBIT = {"amqp_durable_queues": "true"}


def _common(paths: BoxPaths, service: str) -> dict[str, str]:
    """[DEFAULT] keys shared by every service: log to stderr (the box captures it per
    process into log/<name>.log) and keep state under the home."""
    return {
        "use_stderr": "true",
        "debug": "false",
        "state_path": str(paths.data / service),
        # oslo.service waits up to 60 s by default for RPC servers to drain on TERM
        "graceful_shutdown_timeout": "5",
    }


def keystone_conf(paths: BoxPaths, secrets: BoxSecrets) -> Ini:
    default = _common(paths, "keystone")
    del default["state_path"]
    keys = paths.etc / "keystone"
    return {
        "DEFAULT": default,
        "database": {"connection": db_url(secrets, "keystone")},
        "token": {"provider": "fernet"},
        "fernet_tokens": {"key_repository": str(keys / "fernet-keys")},
        "fernet_receipts": {"key_repository": str(keys / "fernet-keys")},
        "credential": {"key_repository": str(keys / "credential-keys")},
        # bcrypt's cheapest cost (the default 12 takes ~0.25 s of CPU per login): every
        # service logs in as it starts, and a loopback test cloud holds no real passwords
        "identity": {"password_hash_rounds": "4"},
    }


def placement_conf(paths: BoxPaths, secrets: BoxSecrets) -> Ini:
    default = _common(paths, "placement")
    del default["state_path"]
    return {
        "DEFAULT": default,
        "placement_database": {"connection": db_url(secrets, "placement")},
        "api": {"auth_strategy": "keystone"},
        "keystone_authtoken": _authtoken(secrets, "placement"),
    }


def glance_conf(paths: BoxPaths, secrets: BoxSecrets) -> Ini:
    data = paths.data / "glance"
    default = _common(paths, "glance")
    del default["state_path"]
    default.update(
        {
            "enabled_backends": "fs:file",
            "workers": "1",
            "worker_self_reference_url": f"http://{HOST}:{PORTS['glance']}",
        }
    )
    return {
        "DEFAULT": default,
        "database": {"connection": db_url(secrets, "glance")},
        "glance_store": {"default_backend": "fs"},
        "fs": {"filesystem_store_datadir": f"{data / 'images'}/"},
        "os_glance_staging_store": {"filesystem_store_datadir": f"{data / 'staging'}/"},
        "os_glance_tasks_store": {"filesystem_store_datadir": f"{data / 'tasks'}/"},
        # Glance checks that uploaded bytes match disk_format (kept on: realistic).
        "image_format": {"require_image_format_match": "true"},
        "paste_deploy": {"flavor": "keystone"},
        "oslo_concurrency": {"lock_path": str(data / "locks")},
        "keystone_authtoken": _authtoken(secrets, "glance"),
    }


def nova_conf(paths: BoxPaths, secrets: BoxSecrets) -> Ini:
    data = paths.data / "nova"
    default = _common(paths, "nova")
    default.update(
        {
            "instances_path": str(data / "instances"),
            "my_ip": HOST,
            "host": SERVICE_HOST,
            "transport_url": transport_url(),
            # writes $state_path/compute_id like a real driver, so restarts keep the node
            "compute_driver": "fake.FakeDriverWithoutFakeNodes",
            # a heartbeat every 5 s: `up` waits for one newer than its start
            "report_interval": "5",
        }
    )
    service_user = _service_auth(secrets, "nova")
    service_user["send_service_user_token"] = "true"
    return {
        "DEFAULT": default,
        "api": {"auth_strategy": "keystone"},
        "wsgi": {"api_paste_config": str(paths.conf("nova", "api-paste.ini"))},
        "api_database": {"connection": db_url(secrets, "nova_api")},
        "database": {"connection": db_url(secrets, "nova_cell1")},
        "conductor": {"workers": "1"},
        "scheduler": {"workers": "1", "discover_hosts_in_cells_interval": "-1"},
        "oslo_concurrency": {"lock_path": str(data / "locks")},
        "oslo_messaging_notifications": {"driver": "noop"},
        "oslo_messaging_rabbit": dict(RABBIT),
        "vnc": {"enabled": "false"},
        "glance": {"region_name": REGION},
        "cinder": {"os_region_name": REGION},
        "keystone_authtoken": _authtoken(secrets, "nova"),
        "service_user": service_user,
        "placement": _service_auth(secrets, "placement"),
        "neutron": _service_auth(secrets, "neutron"),
    }


def volume_export(paths: BoxPaths) -> Path:
    """The directory that holds the volume files (the "NFS export")."""
    return paths.data / "cinder" / "volumes"


def volume_share(paths: BoxPaths) -> str:
    """The share as the NFS driver names it in its shares file."""
    return f"{HOST}:{volume_export(paths)}"


def volume_mount_base(paths: BoxPaths) -> Path:
    return paths.data / "cinder" / "mnt"


def volume_mountpoint(paths: BoxPaths) -> Path:
    """Where the NFS driver (os-brick) expects the share mounted: the base joined with
    the md5 of the share name. The box bind-mounts the export there."""
    digest = hashlib.md5(volume_share(paths).encode(), usedforsecurity=False).hexdigest()
    return volume_mount_base(paths) / digest


def cinder_conf(paths: BoxPaths, secrets: BoxSecrets, volume_driver: str | None) -> Ini:
    """``volume_driver``: the driver class of the one backend, or None without cinder-volume."""
    data = paths.data / "cinder"
    default = _common(paths, "cinder")
    default.update(
        {
            "auth_strategy": "keystone",
            "transport_url": transport_url(),
            "api_paste_config": str(paths.conf("cinder", "api-paste.ini")),
            "my_ip": HOST,
            "host": SERVICE_HOST,
            "osapi_volume_workers": "1",
            # the API filters a default Cinder allows (GET /volumes/detail?name=…); without
            # the file Cinder rejects every filter as invalid
            "resource_query_filters_file": str(paths.conf("cinder", "resource_filters.json")),
        }
    )
    ini: Ini = {
        "DEFAULT": default,
        "database": {"connection": db_url(secrets, "cinder")},
        "oslo_concurrency": {"lock_path": str(data / "locks")},
        "oslo_messaging_notifications": {"driver": "noop"},
        "oslo_messaging_rabbit": dict(RABBIT),
        "keystone_authtoken": _authtoken(secrets, "cinder"),
        "nova": _service_auth(secrets, "nova"),
    }
    if volume_driver:
        default["enabled_backends"] = VOLUME_BACKEND
        default["backup_driver"] = "cinder.backup.drivers.posix.PosixBackupDriver"
        default["backup_posix_path"] = str(data / "backups")
        # the chunked backup driver holds a whole chunk in memory (default 1.9 GB)
        default["backup_file_size"] = str(64 * 1024 * 1024)
        default["backup_compression_algorithm"] = "none"
        ini[VOLUME_BACKEND] = {
            "volume_driver": volume_driver,
            "volume_backend_name": VOLUME_BACKEND,
            "nfs_shares_config": str(paths.conf("cinder", "nfs_shares")),
            "nfs_mount_point_base": str(volume_mount_base(paths)),
            "nfs_sparsed_volumes": "true",
            "nfs_qcow2_volumes": "false",
            "nfs_snapshot_support": "true",
            # the box runs cinder as root on a local directory: no NAS security modes
            "nas_secure_file_operations": "false",
            "nas_secure_file_permissions": "false",
        }
        # as root without sudo: privsep helpers run from the venv directly
        helper = f"{paths.bin / 'privsep-helper'} --config-file {paths.conf('cinder')}"
        ini["privsep_osbrick"] = {"helper_command": helper}
        ini["cinder_sys_admin"] = {"helper_command": helper}
    return ini


def neutron_conf(paths: BoxPaths, secrets: BoxSecrets) -> Ini:
    """Neutron server with ML2 and no mechanism driver: every API works, ports stay
    unbound (no agents), so servers boot with ``networks="none"``."""
    data = paths.data / "neutron"
    default = _common(paths, "neutron")
    default.update(
        {
            "core_plugin": "ml2",
            "service_plugins": "router",
            "auth_strategy": "keystone",
            "transport_url": transport_url(),
            "api_paste_config": str(paths.conf("neutron", "api-paste.ini")),
            "notify_nova_on_port_status_changes": "false",
            "notify_nova_on_port_data_changes": "false",
            "api_workers": "1",
            "rpc_workers": "0",
            "rpc_state_report_workers": "0",
        }
    )
    return {
        "DEFAULT": default,
        "database": {"connection": db_url(secrets, "neutron")},
        "oslo_concurrency": {"lock_path": str(data / "locks")},
        "oslo_messaging_rabbit": dict(RABBIT),
        "keystone_authtoken": _authtoken(secrets, "neutron"),
        "nova": _service_auth(secrets, "nova"),
        "ml2": {
            "type_drivers": "flat,vlan,vxlan",
            "tenant_network_types": "vxlan",
            "mechanism_drivers": "",
            "extension_drivers": "port_security",
        },
        "ml2_type_vxlan": {"vni_ranges": "1:1000"},
        "ml2_type_flat": {"flat_networks": "public"},
        "ml2_type_vlan": {"network_vlan_ranges": "physnet1:100:200"},
    }


#: New policy defaults (member may use its project's resources), as a 2026.2 deployment
#: has them; Barbican's deprecated legacy rules would want a ``creator`` role instead.
POLICY = {"enforce_new_defaults": "true", "enforce_scope": "true"}


def barbican_conf(paths: BoxPaths, secrets: BoxSecrets) -> Ini:
    """Barbican API with the simple-crypto plugin: secrets are encrypted with a KEK from
    the box's secrets and stored in Barbican's own database. No worker or listener: the
    secret API is synchronous (orders, which need barbican-worker, are not offered)."""
    default = _common(paths, "barbican")
    del default["state_path"]
    default.update(
        {
            "host_href": f"http://{HOST}:{PORTS['barbican']}",
            "sql_connection": db_url(secrets, "barbican"),
            "db_auto_create": "false",
        }
    )
    return {
        "DEFAULT": default,
        "database": {"connection": db_url(secrets, "barbican")},
        "secretstore": {"enabled_secretstore_plugins": "store_crypto"},
        "crypto": {"enabled_crypto_plugins": "simple_crypto"},
        "simple_crypto_plugin": {"kek": secrets.kek},
        "oslo_policy": dict(POLICY),
        "oslo_messaging_notifications": {"driver": "noop"},
        "keystone_authtoken": _authtoken(secrets, "barbican"),
    }


def octavia_certs(paths: BoxPaths) -> Path:
    return paths.etc / "octavia" / "certs"


def octavia_conf(paths: BoxPaths, secrets: BoxSecrets) -> Ini:
    """Octavia API, worker and housekeeping. The amphora provider runs its real
    controller flows with Octavia's no-op amphora, compute, network, image and volume
    drivers: nothing is booted or plugged, yet load balancers, listeners and pools go
    through the same state machine and reach ACTIVE (Octavia's ``noop_driver`` provider
    would leave them PENDING_CREATE: it reports no status back)."""
    data = paths.data / "octavia"
    certs = octavia_certs(paths)
    default = _common(paths, "octavia")
    default["transport_url"] = transport_url()
    return {
        "DEFAULT": default,
        "api_settings": {
            "auth_strategy": "keystone",
            "default_provider_driver": "amphora",
            "enabled_provider_drivers": "amphora:The Octavia amphora driver (no-op data plane)",
        },
        "database": {"connection": db_url(secrets, "octavia")},
        "controller_worker": {
            "workers": "1",
            "loadbalancer_topology": "SINGLE",
            "amphora_driver": "amphora_noop_driver",
            "compute_driver": "compute_noop_driver",
            "network_driver": "network_noop_driver",
            "image_driver": "image_noop_driver",
            "volume_driver": "volume_noop_driver",
            "amp_boot_network_list": "00000000-0000-0000-0000-000000000000",
            "amp_image_tag": "amphora",
            # the compute flow reads it into the (no-op) amphora's config drive
            "client_ca": str(certs / "ca.pem"),
        },
        "task_flow": {"jobboard_enabled": "false"},
        "certificates": {
            "cert_generator": "local_cert_generator",
            "ca_certificate": str(certs / "ca.pem"),
            "ca_private_key": str(certs / "ca.key"),
        },
        "driver_agent": {
            "status_socket_path": str(paths.run / "octavia-status.sock"),
            "stats_socket_path": str(paths.run / "octavia-stats.sock"),
            "get_socket_path": str(paths.run / "octavia-get.sock"),
        },
        "house_keeping": {"cleanup_interval": "60"},
        "oslo_policy": dict(POLICY),
        "oslo_concurrency": {"lock_path": str(data / "locks")},
        "oslo_messaging_rabbit": dict(RABBIT),
        "keystone_authtoken": _authtoken(secrets, "octavia"),
        "service_auth": _service_auth(secrets, "octavia"),
    }


#: The Ceph identity RadosGW runs as (``client.<RGW_NAME>``).
RGW_NAME = "rgw.box"


def ceph_conf(paths: BoxPaths, secrets: BoxSecrets, fsid: str) -> Ini:
    """A one-node Ceph for RadosGW: one monitor and one BlueStore OSD on a sparse file in
    the box home, pools of size 1, no manager (pools and objects need none). RadosGW
    serves S3 and Swift on one port and asks Keystone for tokens and EC2 credentials,
    so the member's EC2 credentials are its S3 keys."""
    ceph = paths.ceph
    mon = f"[v2:{HOST}:{PORTS['ceph-mon']},v1:{HOST}:{PORTS['ceph-mon-v1']}]"
    daemon_log = {"log_to_file": "false", "log_to_stderr": "true", "err_to_stderr": "true"}
    return {
        "global": {
            "fsid": fsid,
            "mon_host": mon,
            "mon_initial_members": "a",
            "public_network": f"{HOST}/8",
            "ms_bind_ipv6": "false",
            "auth_cluster_required": "cephx",
            "auth_service_required": "cephx",
            "auth_client_required": "cephx",
            "keyring": str(ceph / "keyring"),
            "run_dir": str(paths.run / "ceph"),
            "admin_socket": str(paths.run / "ceph" / "$name.asok"),
            "log_file": str(paths.log / "ceph-client.log"),
            "osd_pool_default_size": "1",
            "osd_pool_default_min_size": "1",
            "osd_pool_default_pg_num": "8",
            "osd_pool_default_pgp_num": "8",
            "osd_pool_default_pg_autoscale_mode": "off",
            "osd_crush_chooseleaf_type": "0",
            "mon_allow_pool_size_one": "true",
            "mon_warn_on_pool_no_redundancy": "false",
        },
        "mon": {
            "mon_data": str(ceph / "mon"),
            "mon_data_avail_warn": "1",
            "mon_data_avail_crit": "0",
            **daemon_log,
        },
        "osd": {
            "osd_data": str(ceph / "osd"),
            "osd_objectstore": "bluestore",
            "bluestore_block_path": str(ceph / "osd.block"),
            "bluestore_block_create": "true",
            # sparse: only what is written takes disk space
            "bluestore_block_size": str(4 * 2**30),
            "bluestore_fsck_on_mkfs": "false",
            # the smallest cache BlueStore autotunes to; the default wants 4 GiB
            "osd_memory_target": str(512 * 2**20),
            "osd_max_object_name_len": "460",
            "osd_max_object_namespace_len": "64",
            **daemon_log,
        },
        f"client.{RGW_NAME}": {
            "rgw_data": str(ceph / "rgw"),
            "rgw_frontends": f"beast endpoint={HOST}:{PORTS['radosgw']}",
            "rgw_enable_apis": "s3, swift, swift_auth, admin",
            "rgw_swift_account_in_url": "true",
            "rgw_thread_pool_size": "16",
            "rgw_keystone_url": f"http://{HOST}:{PORTS['keystone']}",
            "rgw_keystone_api_version": "3",
            "rgw_keystone_admin_user": "rgw",
            "rgw_keystone_admin_password": secrets.service,
            "rgw_keystone_admin_project": "service",
            "rgw_keystone_admin_domain": "Default",
            "rgw_keystone_accepted_roles": "member, admin",
            "rgw_keystone_implicit_tenants": "true",
            "rgw_s3_auth_use_keystone": "true",
            **daemon_log,
        },
    }


def all_configs(paths: BoxPaths, secrets: BoxSecrets, volume_driver: str | None) -> dict[Path, Ini]:
    """Every INI file of the OpenStack services, by path (Ceph's needs the cluster id)."""
    return {
        paths.conf("keystone"): keystone_conf(paths, secrets),
        paths.conf("placement"): placement_conf(paths, secrets),
        paths.conf("glance", "glance-api.conf"): glance_conf(paths, secrets),
        paths.conf("nova"): nova_conf(paths, secrets),
        paths.conf("cinder"): cinder_conf(paths, secrets, volume_driver),
        paths.conf("neutron"): neutron_conf(paths, secrets),
        paths.conf("barbican"): barbican_conf(paths, secrets),
        paths.conf("octavia"): octavia_conf(paths, secrets),
    }


def _cloud(user: str, password: str, project: str) -> dict[str, object]:
    return {
        "auth": {
            "auth_url": KEYSTONE_URL,
            "username": user,
            "password": password,
            "project_name": project,
            "user_domain_name": "Default",
            "project_domain_name": "Default",
        },
        "region_name": REGION,
        "identity_api_version": 3,
        "interface": "public",
    }


def clouds(secrets: BoxSecrets) -> dict[str, object]:
    """The clouds.yaml mapping: the admin and the member (role ``member`` only)."""
    return {
        "clouds": {
            ADMIN_CLOUD: _cloud("admin", secrets.admin, "admin"),
            MEMBER_CLOUD: _cloud(MEMBER_USER, secrets.member, MEMBER_PROJECT),
        }
    }


def clouds_yaml(secrets: BoxSecrets) -> str:
    return yaml.safe_dump(clouds(secrets), sort_keys=False)
