"""Where the box keeps its state, and the fixed loopback ports it uses.

Everything the box writes lives under one home directory, so `wipe` is one `rm -r`
and two boxes never share files. The ports are fixed (the catalog and clouds.yaml
name them), hence one box per machine.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"
REGION = "RegionOne"

#: TCP ports, all bound to 127.0.0.1.
PORTS: dict[str, int] = {
    "keystone": 5000,
    "nova-api": 8774,
    "cinder-api": 8776,
    "placement": 8778,
    "glance": 9292,
    "neutron": 9696,
    "rabbitmq": 5672,
    "epmd": 4369,
    "rabbitmq-dist": 25672,
    "mariadb": 3306,
    "barbican": 9311,
    "octavia-api": 9876,
    "radosgw": 8080,
    # not Ceph's default ports (3300/6789): a test cluster of the upgrade check uses those
    "ceph-mon": 3301,
    "ceph-mon-v1": 6790,
}

KEYSTONE_URL = f"http://{HOST}:{PORTS['keystone']}/v3"

#: Names of the clouds.yaml entries the box writes.
ADMIN_CLOUD = "box-admin"
MEMBER_CLOUD = "box-member"

#: The databases in MariaDB, one per service (nova needs three).
DATABASES = (
    "keystone",
    "placement",
    "glance",
    "nova_api",
    "nova_cell0",
    "nova_cell1",
    "cinder",
    "neutron",
    "barbican",
    "octavia",
)

HOME_ENV = "SCS_IAAS_BOX_HOME"


def default_home() -> Path:
    """``$SCS_IAAS_BOX_HOME`` or ``~/.local/share/scs-iaas/box``."""
    env = os.environ.get(HOME_ENV)
    if env:
        return Path(env).expanduser()
    return Path.home() / ".local" / "share" / "scs-iaas" / "box"


@dataclass(frozen=True)
class BoxPaths:
    """All paths under one box home; no I/O, so it can be built for any home."""

    home: Path

    @property
    def venv(self) -> Path:
        return self.home / "venv"

    @property
    def bin(self) -> Path:
        return self.venv / "bin"

    @property
    def etc(self) -> Path:
        return self.home / "etc"

    @property
    def data(self) -> Path:
        return self.home / "data"

    @property
    def log(self) -> Path:
        return self.home / "log"

    @property
    def run(self) -> Path:
        """Pid files and sockets."""
        return self.home / "run"

    @property
    def clouds_yaml(self) -> Path:
        return self.home / "clouds.yaml"

    @property
    def secrets(self) -> Path:
        return self.home / "secrets.json"

    @property
    def install_stamp(self) -> Path:
        return self.venv / ".scs-iaas-installed"

    @property
    def db_stamp(self) -> Path:
        """Written once every database is synced and Keystone is bootstrapped."""
        return self.data / ".initialized"

    @property
    def catalog_stamp(self) -> Path:
        return self.data / ".catalog"

    @property
    def selection(self) -> Path:
        """The optional service groups the last ``up --services`` chose (absent: all)."""
        return self.data / ".services"

    @property
    def ceph(self) -> Path:
        """The single-node Ceph cluster behind the object store: mon and OSD data."""
        return self.data / "ceph"

    @property
    def mariadb_datadir(self) -> Path:
        return self.data / "mariadb"

    @property
    def mariadb_socket(self) -> Path:
        return self.run / "mariadb" / "mysqld.sock"

    def conf(self, service: str, name: str | None = None) -> Path:
        """The main config file of a service, e.g. ``etc/nova/nova.conf``."""
        return self.etc / service / (name or f"{service}.conf")

    def pidfile(self, name: str) -> Path:
        return self.run / f"{name}.pid"

    def logfile(self, name: str) -> Path:
        return self.log / f"{name}.log"
