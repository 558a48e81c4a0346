"""What the box runs: one record per process, with its command line, environment, port
and how to tell that it answers. Pure: building the table touches no file."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path

from scs_iaas.box.layout import HOST, PORTS, BoxPaths

RABBITMQ_SERVER = Path("/usr/lib/rabbitmq/bin/rabbitmq-server")


#: Optional service groups (``box up --services``) and the processes of each; every
#: other process is the core and always runs.
GROUPS: dict[str, tuple[str, ...]] = {
    "key-manager": ("barbican",),
    "load-balancer": ("octavia-api", "octavia-worker", "octavia-housekeeping"),
    "object-store": ("ceph-mon", "ceph-osd", "radosgw"),
}
ALL_GROUPS = frozenset(GROUPS)

#: What backs each process, for ``box status`` and the README.
BACKING: dict[str, str] = {
    "epmd": "Erlang port mapper (Debian rabbitmq-server)",
    "mariadb": "MariaDB (Debian): one database per service",
    "rabbitmq": "RabbitMQ (Debian): RPC of Nova, Cinder and Octavia",
    "keystone": "Keystone (PyPI) under uWSGI: identity, catalog, EC2 credentials",
    "placement": "Placement (PyPI) under uWSGI",
    "glance": "Glance (PyPI) under uWSGI: file store",
    "nova-api": "Nova API (PyPI) under uWSGI",
    "cinder-api": "Cinder API (PyPI) under uWSGI",
    "neutron": "Neutron server (PyPI) under uWSGI: ML2, no agents",
    "nova-conductor": "Nova conductor",
    "nova-scheduler": "Nova scheduler",
    "cinder-scheduler": "Cinder scheduler",
    "cinder-volume": "Cinder volume: NFS driver on a directory of the box home",
    "cinder-backup": "Cinder backup: POSIX driver on a directory of the box home",
    "nova-compute": "Nova compute: fake virt driver (no VMs)",
    "barbican": "Barbican API (PyPI) under uWSGI: simple-crypto plugin, own database",
    "octavia-api": "Octavia API (PyPI) under uWSGI: amphora provider, no-op data plane",
    "octavia-worker": "Octavia controller worker: no-op amphora, compute and network drivers",
    "octavia-housekeeping": "Octavia housekeeping: purges deleted objects",
    "ceph-mon": "Ceph monitor (Debian, Pacific): one-node cluster for RadosGW",
    "ceph-osd": "Ceph OSD (Debian): BlueStore on a sparse file in the box home",
    "radosgw": "Ceph RadosGW (Debian): S3 and Swift APIs, Keystone auth and EC2 credentials",
}


def parse_groups(text: str) -> frozenset[str]:
    """``--services`` value: a comma-separated list of groups, ``all`` or ``none``."""
    names = {part.strip() for part in text.split(",") if part.strip()}
    if names == {"all"}:
        return ALL_GROUPS
    if names in ({"none"}, set()):
        return frozenset()
    unknown = sorted(names - ALL_GROUPS)
    if unknown:
        raise ValueError(
            f"unknown service group {', '.join(unknown)} (known: {', '.join(sorted(GROUPS))}, "
            "all, none)"
        )
    return frozenset(names)


class Stage(Enum):
    """Start order: infrastructure, then the APIs, then the RPC workers. The workers call
    Keystone and Placement as they start (nova-conductor exits on a 401), so they start
    once the service users and catalog exist and Placement answers."""

    INFRA = 1
    APIS = 2
    WORKERS = 3
    #: Barbican and Octavia: started once the core's workers run, so their imports do not
    #: slow Keystone and Placement, which the core's start waits on; waited for like the APIs
    EXTRAS = 4
    #: started once everything else answers; nothing waits for it (periodic jobs only)
    LATE = 5


@dataclass(frozen=True)
class Service:
    name: str
    argv: tuple[str, ...]
    stage: Stage
    port: int | None = None
    #: URL whose answer (200/300/401) means "ready"; None: a TCP connect suffices
    probe_url: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    #: seconds to wait for TERM before KILL (nova services take 5-10 s)
    stop_timeout: float = 30.0

    @property
    def is_api(self) -> bool:
        return self.probe_url is not None


def _system_binary(name: str, fallback: str) -> str:
    return shutil.which(name) or fallback


def _uwsgi(paths: BoxPaths, name: str, module: str, env: dict[str, str], *extra: str) -> Service:
    """An API under uWSGI: one process, four threads, loopback only. ``Connection:
    close`` because keystoneauth reuses pooled sockets that uWSGI has already closed.
    ``module`` is a Python module, or ``config:<file>``: a paste pipeline to load."""
    port = PORTS[name]
    app = ("--paste", module) if module.startswith("config:") else ("--module", module)
    argv = (
        str(paths.bin / "uwsgi"),
        "--http-socket",
        f"{HOST}:{port}",
        "--add-header",
        "Connection: close",
        "--virtualenv",
        str(paths.venv),
        *app,
        "--master",
        "--processes",
        "1",
        "--threads",
        "4",
        "--enable-threads",
        "--lazy-apps",
        "--die-on-term",
        "--buffer-size",
        "65535",
        "--need-app",
        *extra,
    )
    return Service(name, argv, Stage.APIS, port=port, probe_url=f"http://{HOST}:{port}/", env=env)


def _daemon(paths: BoxPaths, name: str, conf: Path) -> Service:
    return Service(name, (str(paths.bin / name), "--config-file", str(conf)), Stage.WORKERS)


def python_env(paths: BoxPaths) -> dict[str, str]:
    """Environment of every OpenStack process: the service venv first on PATH, and
    eventlet/oslo deprecation warnings silenced (they flood the logs)."""
    return {
        "PATH": f"{paths.bin}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "PYTHONWARNINGS": "ignore",
        "LANG": "C.UTF-8",
        "HOME": str(paths.data),
    }


def rabbitmq_env(paths: BoxPaths) -> dict[str, str]:
    """RabbitMQ with its node, cookie (HOME), data and logs under the box home, every
    listener on loopback, and no plugins."""
    rabbit = paths.data / "rabbitmq"
    return {
        "PATH": "/usr/lib/rabbitmq/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME": str(rabbit),
        "LANG": "C.UTF-8",
        "RABBITMQ_NODENAME": "rabbit@localhost",
        "RABBITMQ_NODE_IP_ADDRESS": HOST,
        "RABBITMQ_NODE_PORT": str(PORTS["rabbitmq"]),
        "RABBITMQ_DIST_PORT": str(PORTS["rabbitmq-dist"]),
        "ERL_EPMD_ADDRESS": HOST,
        "ERL_EPMD_PORT": str(PORTS["epmd"]),
        "RABBITMQ_MNESIA_BASE": str(rabbit / "mnesia"),
        "RABBITMQ_LOG_BASE": str(paths.log),
        "RABBITMQ_LOGS": "-",
        "RABBITMQ_PID_FILE": str(paths.run / "rabbitmq-beam.pid"),
        "RABBITMQ_ENABLED_PLUGINS_FILE": str(paths.etc / "rabbitmq" / "enabled_plugins"),
        "RABBITMQ_CONFIG_FILE": str(paths.etc / "rabbitmq" / "rabbitmq.conf"),
        "RABBITMQ_ADVANCED_CONFIG_FILE": str(paths.etc / "rabbitmq" / "advanced.config"),
        "RABBITMQ_CONF_ENV_FILE": str(paths.etc / "rabbitmq" / "rabbitmq-env.conf"),
        # exec the VM instead of a wrapper shell: the pid we record is the broker's
        "RUNNING_UNDER_SYSTEMD": "true",
        "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": "-kernel inet_dist_use_interface {127,0,0,1}",
    }


def mariadb_argv(paths: BoxPaths) -> tuple[str, ...]:
    """mariadbd as user mysql, no system option files, datadir and socket in the home."""
    return (
        _system_binary("mariadbd", "/usr/sbin/mariadbd"),
        "--no-defaults",
        "--user=mysql",
        f"--datadir={paths.mariadb_datadir}",
        f"--socket={paths.mariadb_socket}",
        f"--pid-file={paths.mariadb_socket.parent / 'mariadbd.pid'}",
        f"--bind-address={HOST}",
        f"--port={PORTS['mariadb']}",
        "--skip-name-resolve",
        "--innodb-buffer-pool-size=64M",
        "--innodb-flush-log-at-trx-commit=0",
        "--max-connections=500",
        "--character-set-server=utf8mb4",
        f"--log-error={paths.logfile('mariadb')}",
    )


def ceph_argv(paths: BoxPaths, daemon: str, *args: str) -> tuple[str, ...]:
    """A Ceph daemon in the foreground (``-f``: the pid we record is the daemon's)."""
    conf = paths.etc / "ceph" / "ceph.conf"
    return (_system_binary(daemon, f"/usr/bin/{daemon}"), "-f", "-c", str(conf), *args)


def optional_services(paths: BoxPaths, groups: frozenset[str]) -> list[Service]:
    """The processes of the chosen optional groups."""
    py = python_env(paths)
    etc = paths.etc
    octavia_conf = paths.conf("octavia")
    result: list[Service] = []
    if "object-store" in groups:
        result += [
            Service(
                "ceph-mon",
                ceph_argv(paths, "ceph-mon", "-i", "a"),
                Stage.INFRA,
                port=PORTS["ceph-mon"],
                env=py,
            ),
            Service("ceph-osd", ceph_argv(paths, "ceph-osd", "-i", "0"), Stage.INFRA, env=py),
            Service(
                "radosgw",
                ceph_argv(paths, "radosgw", "-n", "client.rgw.box"),
                Stage.APIS,
                port=PORTS["radosgw"],
                probe_url=f"http://{HOST}:{PORTS['radosgw']}/",
                env=py,
            ),
        ]
    if "key-manager" in groups:
        # Barbican reads its config from the default places only (~/barbican.conf among
        # them), and its WSGI module a fixed /etc path: HOME and the paste file say where
        barbican = _uwsgi(
            paths,
            "barbican",
            f"config:{paths.conf('barbican', 'barbican-api-paste.ini')}",
            py | {"HOME": str(etc / "barbican")},
        )
        result.append(replace(barbican, stage=Stage.EXTRAS))
    if "load-balancer" in groups:
        api = _uwsgi(
            paths,
            "octavia-api",
            "octavia.wsgi.api:application",
            py,
            "--pyargv",
            f"--config-file {octavia_conf}",
        )
        worker = _with_env(_daemon(paths, "octavia-worker", octavia_conf), py)
        result += [replace(api, stage=Stage.EXTRAS), replace(worker, stage=Stage.EXTRAS)]
        housekeeping = _with_env(_daemon(paths, "octavia-housekeeping", octavia_conf), py)
        result.append(replace(housekeeping, stage=Stage.LATE))
    return result


def services(
    paths: BoxPaths, with_volume: bool, groups: frozenset[str] = ALL_GROUPS
) -> list[Service]:
    """Every process of the box in start order (``down`` stops them in reverse)."""
    py = python_env(paths)
    etc = paths.etc
    result = [
        Service(
            "epmd",
            (
                _system_binary("epmd", "/usr/bin/epmd"),
                "-address",
                HOST,
                "-port",
                str(PORTS["epmd"]),
            ),
            Stage.INFRA,
            port=PORTS["epmd"],
        ),
        Service(
            "mariadb",
            mariadb_argv(paths),
            Stage.INFRA,
            port=PORTS["mariadb"],
        ),
        Service(
            "rabbitmq",
            (str(RABBITMQ_SERVER),),
            Stage.INFRA,
            port=PORTS["rabbitmq"],
            env=rabbitmq_env(paths),
        ),
        _uwsgi(
            paths,
            "keystone",
            "keystone.wsgi.api:application",
            py | {"OS_KEYSTONE_CONFIG_DIR": str(etc / "keystone")},
        ),
        _uwsgi(
            paths,
            "placement",
            "placement.wsgi.api:application",
            py | {"OS_PLACEMENT_CONFIG_DIR": str(etc / "placement")},
        ),
        _uwsgi(
            paths,
            "glance",
            "glance.wsgi.api:application",
            py | {"OS_GLANCE_CONFIG_DIR": str(etc / "glance")},
            # as devstack runs it: streamed uploads
            "--http-auto-chunked",
            "--http-raw-body",
            "--chunked-input-limit",
            "10000000",
            "--thunder-lock",
        ),
        _uwsgi(
            paths,
            "nova-api",
            "nova.wsgi.osapi_compute:application",
            py | {"OS_NOVA_CONFIG_DIR": str(etc / "nova")},
        ),
        _uwsgi(
            paths,
            "cinder-api",
            "cinder.wsgi.api:application",
            py,
            # cinder has no config-dir variable
            "--pyargv",
            f"--config-file {paths.conf('cinder')}",
        ),
        _uwsgi(
            paths,
            "neutron",
            "neutron.wsgi.api:application",
            py
            | {
                "OS_NEUTRON_CONFIG_DIR": str(etc / "neutron"),
                "OS_NEUTRON_CONFIG_FILES": "neutron.conf",
            },
        ),
    ]
    for name in ("nova-conductor", "nova-scheduler"):
        result.append(_with_env(_daemon(paths, name, paths.conf("nova")), py))
    result.append(_with_env(_daemon(paths, "cinder-scheduler", paths.conf("cinder")), py))
    if with_volume:
        result.append(_with_env(_daemon(paths, "cinder-volume", paths.conf("cinder")), py))
        result.append(_with_env(_daemon(paths, "cinder-backup", paths.conf("cinder")), py))
    result.append(_with_env(_daemon(paths, "nova-compute", paths.conf("nova")), py))
    # each stage keeps its order: the optional ones follow the core in their stage
    extra = optional_services(paths, groups)
    return sorted(result + extra, key=lambda svc: svc.stage.value)


def _with_env(service: Service, env: dict[str, str]) -> Service:
    return Service(
        service.name,
        service.argv,
        service.stage,
        port=service.port,
        probe_url=service.probe_url,
        env=env,
        stop_timeout=service.stop_timeout,
    )
