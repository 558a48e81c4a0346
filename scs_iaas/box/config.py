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
SERVICE_USERS = ("nova", "placement", "glance", "cinder", "neutron")
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


def all_configs(paths: BoxPaths, secrets: BoxSecrets, volume_driver: str | None) -> dict[Path, Ini]:
    """Every INI file the box writes, by path."""
    return {
        paths.conf("keystone"): keystone_conf(paths, secrets),
        paths.conf("placement"): placement_conf(paths, secrets),
        paths.conf("glance", "glance-api.conf"): glance_conf(paths, secrets),
        paths.conf("nova"): nova_conf(paths, secrets),
        paths.conf("cinder"): cinder_conf(paths, secrets, volume_driver),
        paths.conf("neutron"): neutron_conf(paths, secrets),
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
