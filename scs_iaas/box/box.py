"""The Cloud-in-a-Box: install, start, watch and stop real OpenStack services on loopback.

``Box(home).up()`` brings up MariaDB, RabbitMQ, Keystone, Placement, Glance, Nova (API,
conductor, scheduler, compute with the fake virt driver), Cinder and Neutron, waits until
every API answers and the compute node is usable, and returns where clouds.yaml is.
A second ``up`` on a running box returns at once; ``down`` stops exactly the processes
recorded in the pid files.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import functools
import os
import pwd
import re
import shutil
import stat
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
from rich.console import Console

from scs_iaas.box import bootstrap, ceph, config, install, libvirt, pki, procs
from scs_iaas.box.layout import (
    ADMIN_CLOUD,
    HOST,
    MEMBER_CLOUD,
    PORTS,
    BoxPaths,
    default_home,
)
from scs_iaas.box.secrets import BoxSecrets, load_or_create, write_private
from scs_iaas.box.services import (
    ALL_GROUPS,
    GROUPS,
    Service,
    Stage,
    python_env,
    services,
)
from scs_iaas.box.volume import VolumeSupport, volume_support
from scs_iaas.errors import ScsIaasError

START_TIMEOUT = 120.0
#: a loaded machine (a test run on 2 cores) can delay an API's answer: every process of
#: the box alive means "running" unless one still does not answer after this long
ANSWER_GRACE = 60.0
COMPUTE_TIMEOUT = 120.0


@dataclass(frozen=True)
class BoxInfo:
    """What a caller needs to use a running box."""

    clouds_yaml: Path
    admin_cloud: str = ADMIN_CLOUD
    member_cloud: str = MEMBER_CLOUD
    #: why volumes cannot be created, or None when cinder-volume runs
    volume_unavailable: str | None = None
    #: why servers are no real guests (the fake driver), or None with libvirt
    guests_unavailable: str | None = None

    def env_lines(self) -> str:
        return f"export OS_CLIENT_CONFIG_FILE={self.clouds_yaml} OS_CLOUD={self.member_cloud}"


@dataclass(frozen=True)
class ServiceState:
    name: str
    pid: int | None
    port: int | None
    alive: bool
    #: None: not probed (no port and no service record to ask)
    answering: bool | None


@dataclass(frozen=True)
class BoxStatus:
    home: Path
    services: tuple[ServiceState, ...]
    volume: str
    #: optional service groups left out by ``up --services``
    left_out: tuple[str, ...] = ()
    #: the compute driver and why (libvirt.ComputeChoice.describe)
    compute: str = ""

    @property
    def running(self) -> bool:
        return bool(self.services) and all(
            s.alive and s.answering is not False for s in self.services
        )

    @property
    def all_alive(self) -> bool:
        return bool(self.services) and all(s.alive for s in self.services)

    @property
    def stopped(self) -> bool:
        return not any(s.alive for s in self.services)


def http_answers(url: str, timeout: float = 2.0) -> bool:
    """An API answers when it returns 200, 300 (version list) or 401 (needs a token)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return int(resp.status) in (200, 300)
    except urllib.error.HTTPError as exc:
        return exc.code in (300, 401)
    except (OSError, ValueError):
        return False


def log_tail(path: Path, lines: int = 3) -> str:
    """The last non-empty lines of a log, joined on one line (for one-line errors)."""
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - 8192))
            text = fh.read().decode(errors="replace")
    except OSError:
        return "(no log)"
    kept = [line.strip() for line in text.splitlines() if line.strip()][-lines:]
    return " | ".join(kept)[:400] or "(empty log)"


def connect(clouds_yaml: Path, cloud: str, **kwargs: Any) -> Any:
    """An openstacksdk connection from the box's clouds.yaml only (no other config files)."""
    import openstack.connection
    from openstack.config import loader

    cfg = loader.OpenStackConfig(config_files=[str(clouds_yaml)], vendor_files=[])
    return openstack.connection.Connection(config=cfg.get_one(cloud=cloud, **kwargs))


class Box:
    """One box, identified by its home directory."""

    def __init__(self, home: Path | str | None = None, *, console: Console | None = None):
        self.paths = BoxPaths(Path(home).expanduser().resolve() if home else default_home())
        self.console = console or Console(stderr=True, highlight=False)
        self._volume: VolumeSupport | None = None
        self._compute: libvirt.ComputeChoice | None = None
        self._lock_depth = 0

    # ------------------------------------------------------------------ public API
    @property
    def home(self) -> Path:
        return self.paths.home

    @property
    def volume(self) -> VolumeSupport:
        if self._volume is None:
            self._volume = volume_support()
        return self._volume

    @property
    def groups(self) -> frozenset[str]:
        """The optional service groups this box runs: the last ``up --services`` choice,
        all of them when none was made."""
        try:
            names = set(self.paths.selection.read_text().split())
        except FileNotFoundError:
            return ALL_GROUPS
        return frozenset(names & ALL_GROUPS)

    @property
    def compute(self) -> libvirt.ComputeChoice:
        """The compute driver the box runs (chosen at ``up``, recorded in the home)."""
        if self._compute is None:
            self._compute = libvirt.recorded(self.paths) or libvirt.ComputeChoice(
                "fake", None, "not chosen yet (box not started since compute was chosen)"
            )
        return self._compute

    def services(self) -> list[Service]:
        found = services(self.paths, with_volume=self.volume.driver is not None, groups=self.groups)
        return libvirt.adjust_services(found, self.paths, self.compute)

    def info(self) -> BoxInfo:
        compute = self.compute
        return BoxInfo(
            self.paths.clouds_yaml,
            volume_unavailable=self.volume.reason,
            guests_unavailable=compute.describe() if compute.driver != "libvirt" else None,
        )

    def install(self) -> install.InstallResult:
        """Debian packages and the service venv; a no-op (well under 2 s) when current."""
        log = self.paths.logfile("install")
        wanted = install.APT_PACKAGES | self.volume.apt_packages | libvirt.APT_PACKAGES
        if "object-store" in self.groups:
            wanted |= ceph.APT_PACKAGES
        missing = install.missing_apt_packages(wanted)
        if missing:
            with self._step(f"apt-get install {' '.join(missing)}"):
                install.apt_install(missing, log)
        fresh = not install.venv_is_current(self.paths)
        if fresh:
            with self._step("pip install OpenStack 2026.2 into the box venv (about 70 s)"):
                install.install_venv(self.paths, log)
        if libvirt.LIBVIRTD.exists() and not libvirt.binding_present(self.paths):
            try:
                with self._step(f"pip install {libvirt.BINDING} into the box venv (about 40 s)"):
                    libvirt.install_binding(self.paths, log)
            except ScsIaasError as exc:  # the box still runs, on the fake driver (up says so)
                self.console.print(f"no libvirt binding, Nova keeps the fake driver: {exc}")
        return install.InstallResult(tuple(missing), fresh)

    def up(self, groups: frozenset[str] | None = None) -> BoxInfo:
        """Start the box. ``groups``: the optional service groups to run (None: those of
        the last start, all on the first); a running box with other groups restarts."""
        t0 = time.monotonic()
        self.paths.home.mkdir(parents=True, exist_ok=True)
        with self.lock():
            if groups is not None and groups != self.groups:
                if not self.status(probe_rpc=False).stopped:
                    self.console.print("other service groups wanted: stopping the box first")
                    self._down()
                self.paths.data.mkdir(parents=True, exist_ok=True)
                self.paths.selection.write_text("".join(f"{g}\n" for g in sorted(groups)))
            current = self.status(probe_rpc=False)
            if current.all_alive and self._answers_soon(current, ANSWER_GRACE):
                self.console.print(f"box already running ({self.home})")
                return self.info()
            if not current.stopped:
                self.console.print("box partly running: stopping it first")
                self._down()
            self._clear_stale()
            self.install()
            self._compute = libvirt.choose(self.paths, say=self.console.print)
            libvirt.record(self.paths, self._compute)
            self.console.print(self._compute.describe())
            secrets = load_or_create(self.paths.secrets)
            self._write_files(secrets)
            self._start(secrets)
        self.console.print(f"[bold]box up[/] in {time.monotonic() - t0:.1f} s")
        return self.info()

    def down(self) -> None:
        if not self.paths.home.exists():
            return
        with self.lock():
            self._down()

    def wipe(self) -> None:
        self.down()
        if self.paths.home.exists():
            shutil.rmtree(self.paths.home)
            self.console.print(f"removed {self.home}")

    def status(self, *, probe_rpc: bool = True) -> BoxStatus:
        """Per process: pid, port, alive, answering (APIs by HTTP, infrastructure by TCP,
        RPC workers by their service record, when ``probe_rpc``)."""
        records = self._rpc_states() if probe_rpc else {}
        states = []
        for svc in self.services():
            proc = procs.process_of(procs.read_pidfile(self.paths.pidfile(svc.name)))
            answering: bool | None
            if proc is None:
                answering = False if svc.port else None
            elif svc.probe_url:
                answering = http_answers(svc.probe_url)
            elif svc.port:
                answering = procs.port_open(svc.port)
            else:
                answering = records.get(svc.name)
            states.append(
                ServiceState(
                    svc.name, proc.pid if proc else None, svc.port, proc is not None, answering
                )
            )
        if self.volume.driver:
            share = "mounted" if mounted(config.volume_mountpoint(self.paths)) else "not mounted"
            volume = f"cinder-volume: {self.volume.describe} (share {share})"
        else:
            volume = f"cinder-volume not run: {self.volume.reason}"
        left_out = tuple(sorted(set(GROUPS) - self.groups))
        return BoxStatus(self.home, tuple(states), volume, left_out, self.compute.describe())

    def memory(self) -> tuple[int, int]:
        """(RSS, PSS) in bytes of every process the box started, directly or through the
        services (workers, detached privsep helpers): all that carry its marker."""
        return procs.memory(procs.marked(self.home))

    # ------------------------------------------------------------------ internals
    def _answers_soon(self, current: BoxStatus, grace: float) -> bool:
        """Whether every probed process answers within ``grace`` seconds."""
        deadline = time.monotonic() + grace
        waiting = [s for s in current.services if s.answering is False]
        by_name = {svc.name: svc for svc in self.services()}
        while waiting:
            if time.monotonic() > deadline:
                names = ", ".join(s.name for s in waiting)
                self.console.print(f"box processes alive but not answering: {names}")
                return False
            time.sleep(0.5)
            waiting = [s for s in waiting if not self._answers(by_name[s.name])]
        return True

    @staticmethod
    def _answers(svc: Service) -> bool:
        if svc.probe_url:
            return http_answers(svc.probe_url)
        return svc.port is None or procs.port_open(svc.port)

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the box: one up/down at a time per home (two test sessions may start it
        together). Re-entrant within this object, so a caller (a benchmark) can hold it
        across ``down`` and ``up`` and keep other sessions waiting meanwhile."""
        if self._lock_depth:
            self._lock_depth += 1
            try:
                yield
            finally:
                self._lock_depth -= 1
            return
        self.paths.home.mkdir(parents=True, exist_ok=True)
        with open(self.paths.home / ".lock", "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            self._lock_depth = 1
            try:
                yield
            finally:
                self._lock_depth = 0
                fcntl.flock(fh, fcntl.LOCK_UN)

    @contextlib.contextmanager
    def _step(self, what: str) -> Iterator[None]:
        t0 = time.monotonic()
        self.console.print(f"{what} …", end=" ")
        try:
            yield
        except BaseException:
            self.console.print("[red]failed[/]")
            raise
        self.console.print(f"[green]ok[/] {time.monotonic() - t0:.1f} s")

    def _rpc_states(self) -> dict[str, bool]:
        """Service records of the RPC workers (state up/down), if Keystone answers."""
        if not self.paths.clouds_yaml.exists() or not http_answers(
            f"http://{HOST}:{PORTS['keystone']}/v3"
        ):
            return {}
        import keystoneauth1.exceptions as ksa
        import openstack.exceptions as os_exc

        try:
            conn = connect(self.paths.clouds_yaml, ADMIN_CLOUD)
            found = {s.binary: s.state == "up" for s in conn.compute.services()}
            found.update({s.binary: s.state == "up" for s in conn.block_storage.services()})
            return found
        except (ksa.ClientException, os_exc.SDKException, OSError):
            return {}  # status must not fail because one API is down (a bug still surfaces)

    def _clear_stale(self) -> None:
        """Remove pid files of dead processes; stop orphans of this box that still hold
        a port; refuse when a foreign process holds one."""
        for svc in self.services():
            pidfile = self.paths.pidfile(svc.name)
            if pidfile.exists() and procs.process_of(procs.read_pidfile(pidfile)) is None:
                pidfile.unlink()
        # the ports of the groups left out may belong to something else meanwhile
        unused = {name for group in set(GROUPS) - self.groups for name in GROUPS[group]}
        if "ceph-mon" in unused:
            unused.add("ceph-mon-v1")
        for name, port in PORTS.items():
            if name in unused:
                continue
            holders = procs.listeners(port)
            ours = [p for p in holders if procs.owned_by(p, self.home)]
            if ours:
                self.console.print(f"stopping leftovers of an earlier run on port {port}")
                procs.terminate(ours, timeout=15)
            for proc in holders:
                if proc in ours:
                    continue
                try:
                    what = f"pid {proc.pid} ({proc.name()})"
                except psutil.Error:
                    continue
                raise ScsIaasError(
                    f"port {port} ({name}) is in use by {what}, which this box did not start"
                )

    def _write_files(self, secrets: BoxSecrets) -> None:
        p = self.paths
        for d in (p.etc, p.log, p.run, p.data):
            d.mkdir(parents=True, exist_ok=True)
        # the setup logs too: the Ceph CLI appends to ceph-client.log on every call
        for name in [svc.name for svc in self.services()] + ["ceph-setup", "ceph-client"]:
            procs.rotate(p.logfile(name))
        os.chmod(p.home, 0o700)
        for sub in ("glance/images", "glance/staging", "glance/tasks", "glance/locks"):
            (p.data / sub).mkdir(parents=True, exist_ok=True)
        for sub in ("nova/instances", "nova/locks", "cinder/locks", "cinder/backups"):
            (p.data / sub).mkdir(parents=True, exist_ok=True)
        for sub in ("neutron/locks", "keystone", "placement", "rabbitmq", "octavia/locks"):
            (p.data / sub).mkdir(parents=True, exist_ok=True)
        for path, sections in config.all_configs(p, secrets, self.volume.driver).items():
            write_private(path, config.render_ini(sections))
        libvirt.write_compute_conf(p, self.compute)
        certs = config.octavia_certs(p)
        pki.make_ca(certs / "ca.pem", certs / "ca.key")
        if "object-store" in self.groups:
            (p.run / "ceph").mkdir(parents=True, exist_ok=True)
            conf = config.ceph_conf(p, secrets, ceph.fsid(p))
            write_private(ceph.conf_path(p), config.render_ini(conf))
        # paste pipelines are the services' own files, shipped in the venv
        site_etc = p.venv / "etc"
        for service, name in (
            ("nova", "api-paste.ini"),
            ("glance", "glance-api-paste.ini"),
            ("cinder", "api-paste.ini"),
            ("neutron", "api-paste.ini"),
            ("barbican", "barbican-api-paste.ini"),
            ("cinder", "resource_filters.json"),
        ):
            shutil.copyfile(site_etc / service / name, p.conf(service, name))
        rabbit_etc = p.etc / "rabbitmq"
        rabbit_etc.mkdir(exist_ok=True)
        (rabbit_etc / "enabled_plugins").write_text("[].\n")
        write_private(p.clouds_yaml, config.clouds_yaml(secrets))
        if self.volume.driver:
            config.volume_export(p).mkdir(parents=True, exist_ok=True)
            config.volume_mountpoint(p).mkdir(parents=True, exist_ok=True)
            p.conf("cinder", "nfs_shares").write_text(config.volume_share(p) + "\n")
        self._prepare_mariadb()

    def _prepare_mariadb(self) -> None:
        p = self.paths
        mysql = pwd.getpwnam("mysql")
        for d in (p.mariadb_datadir, p.mariadb_socket.parent):
            d.mkdir(parents=True, exist_ok=True)
            os.chown(d, mysql.pw_uid, mysql.pw_gid)
        logfile = p.logfile("mariadb")
        logfile.touch()
        os.chown(logfile, mysql.pw_uid, mysql.pw_gid)
        grant_traverse(p.mariadb_datadir, mysql, self.console)
        if not (p.mariadb_datadir / "mysql").exists():
            with self._step("mariadb-install-db"):
                bootstrap.run_logged(
                    [
                        shutil.which("mariadb-install-db") or "/usr/bin/mariadb-install-db",
                        "--no-defaults",
                        "--user=mysql",
                        f"--datadir={p.mariadb_datadir}",
                        "--auth-root-authentication-method=normal",
                        "--skip-test-db",
                    ],
                    p.logfile("mariadb-install"),
                    "mariadb-install-db",
                    dict(os.environ),
                )

    def _spawn(self, svc: Service) -> psutil.Process:
        env = svc.env or {"PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")}
        return procs.spawn(
            svc.argv,
            env=env,
            logfile=self.paths.logfile(svc.name),
            pidfile=self.paths.pidfile(svc.name),
            owner=self.home,
            cwd=self.paths.data,
        )

    def _wait(
        self,
        svc: Service,
        ready: Callable[[], bool],
        watch: list[Service],
        timeout: float = START_TIMEOUT,
    ) -> None:
        """Poll ``ready`` until it holds; fail at once when any process in ``watch`` died."""
        deadline = time.monotonic() + timeout
        while True:
            if ready():
                return
            for other in watch:
                if procs.process_of(procs.read_pidfile(self.paths.pidfile(other.name))) is None:
                    self._died(other)
            if time.monotonic() > deadline:
                log = self.paths.logfile(svc.name)
                raise ScsIaasError(
                    f"{svc.name} did not answer within {timeout:.0f} s: {log_tail(log)} "
                    f"(log: {log})"
                )
            time.sleep(0.25)

    def _died(self, svc: Service) -> None:
        log = self.paths.logfile(svc.name)
        raise ScsIaasError(f"{svc.name} died: {log_tail(log)} (log: {log})")

    def _start(self, secrets: BoxSecrets) -> None:
        p = self.paths
        by_stage: dict[Stage, list[Service]] = {s: [] for s in Stage}
        for svc in self.services():
            by_stage[svc.stage].append(svc)
        started: dict[str, tuple[Service, psutil.Process, float]] = {}

        def start(svc: Service) -> None:
            started[svc.name] = (svc, self._spawn(svc), time.monotonic())

        def wait(name: str, ready: Callable[[], bool], timeout: float = START_TIMEOUT) -> None:
            svc, _proc, t_start = started[name]
            self.console.print(f"starting {name} …", end=" ")
            try:
                self._wait(svc, ready, [item[0] for item in started.values()], timeout)
            except ScsIaasError:
                self.console.print("[red]failed[/]")
                raise
            self.console.print(f"[green]ok[/] {time.monotonic() - t_start:.1f} s")

        # infrastructure: epmd first (the broker registers with it); the APIs need only
        # MariaDB, so they start while RabbitMQ boots
        env = python_env(p)
        osd = [svc for svc in by_stage[Stage.INFRA] if svc.name == "ceph-osd"]
        for svc in by_stage[Stage.INFRA]:
            if svc.name == "ceph-mon" and not ceph.mon_made(p):
                with self._step("Ceph monitor store (first start)"):
                    ceph.make_mon(p, env)
            if svc not in osd:  # the OSD registers with a running monitor
                start(svc)
            if svc.name == "epmd":
                wait("epmd", lambda: procs.port_open(PORTS["epmd"]))
        if osd:
            wait("ceph-mon", lambda: procs.port_open(PORTS["ceph-mon"]))
            if not ceph.osd_made(p):
                with self._step("Ceph OSD (first start, BlueStore on a sparse file)"):
                    ceph.make_osd(p, env)
            start(osd[0])
        wait("mariadb", lambda: p.mariadb_socket.exists() and procs.port_open(PORTS["mariadb"]))
        bootstrap.mariadb_sql(p, bootstrap.databases_sql(secrets))
        first_start = not p.db_stamp.exists()
        if set(bootstrap.sync_steps(p, secrets)) - bootstrap.synced(p):
            with self._step("database schemas (first start, about 20 s)"):
                bootstrap.sync_databases(p, secrets, env)

        for svc in by_stage[Stage.APIS]:
            start(svc)
        keystone = started["keystone"][0]
        wait("keystone", lambda: http_answers(keystone.probe_url or ""))
        key = bootstrap.catalog_key()
        if not p.catalog_stamp.exists() or p.catalog_stamp.read_text().strip() != key:
            with self._step("users, projects and service catalog"):
                bootstrap.register(connect(p.clouds_yaml, ADMIN_CLOUD), secrets)
            p.catalog_stamp.write_text(key + "\n")
        placement = started["placement"][0]
        wait("placement", lambda: http_answers(placement.probe_url or ""))
        wait("rabbitmq", lambda: procs.port_open(PORTS["rabbitmq"]))

        # The workers create their Placement client as they start, so they start now.
        # nova-compute pings the conductor first; a ping sent before the conductor's
        # queue exists is lost and costs a 10 s retry. The queues are durable, so that
        # only matters on the first start, where compute waits for the conductor.
        if self.volume.driver:
            self._mount_volumes()
        since = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
        held = [
            svc for svc in by_stage[Stage.WORKERS] if first_start and svc.name == "nova-compute"
        ]
        for svc in by_stage[Stage.WORKERS]:
            if svc not in held:
                start(svc)
        for svc in by_stage[Stage.EXTRAS]:
            start(svc)
        for svc in by_stage[Stage.APIS] + by_stage[Stage.EXTRAS]:
            if svc.probe_url and svc.name not in ("keystone", "placement"):
                wait(svc.name, functools.partial(http_answers, svc.probe_url))
        admin = connect(p.clouds_yaml, ADMIN_CLOUD)
        if held:
            wait("nova-conductor", lambda: _service_seen(admin, "nova-conductor"))
            for svc in held:
                start(svc)
        wait("nova-compute", lambda: self._compute_ready(admin, since), COMPUTE_TIMEOUT)
        if self.volume.driver:
            wait("cinder-volume", lambda: _volume_up(admin, since), COMPUTE_TIMEOUT)
        for svc in by_stage[Stage.LATE]:
            start(svc)
        for name, (svc, _proc, _t) in started.items():
            if procs.process_of(procs.read_pidfile(p.pidfile(name))) is None:
                self._died(svc)

    def _mount_volumes(self) -> None:
        """Bind-mount the volume directory where the NFS driver expects its share."""
        point = config.volume_mountpoint(self.paths)
        if mounted(point):
            return
        proc = subprocess.run(
            ["mount", "--bind", str(config.volume_export(self.paths)), str(point)],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            raise ScsIaasError(
                f"cannot bind-mount the volume directory at {point}: {proc.stderr.strip()}"
            )

    def _unmount_volumes(self) -> None:
        point = config.volume_mountpoint(self.paths)
        if mounted(point):
            proc = subprocess.run(["umount", str(point)], capture_output=True, text=True)
            if proc.returncode != 0:
                self.console.print(f"could not unmount {point}: {proc.stderr.strip()}")

    def _compute_ready(self, conn: Any, since: dt.datetime) -> bool:
        """nova-compute has sent a heartbeat since this start (it reached the conductor),
        its host is mapped to cell1, and Placement has its resource provider."""
        fresh = _probe(
            "nova-compute",
            lambda: [
                s
                for s in conn.compute.services()
                if s.binary == "nova-compute"
                and s.state == "up"
                and _parse_time(s.updated_at) >= since
            ],
        )
        if not fresh:
            return False
        if (
            config.SERVICE_HOST
            not in bootstrap.mariadb_sql(
                self.paths, "SELECT host FROM nova_api.host_mappings"
            ).split()
        ):
            bootstrap.run_logged(
                [
                    str(self.paths.bin / "nova-manage"),
                    "--config-file",
                    str(self.paths.conf("nova")),
                    "cell_v2",
                    "discover_hosts",
                ],
                self.paths.logfile("nova-manage"),
                "nova-manage cell_v2 discover_hosts",
                python_env(self.paths),
            )
            return False
        return bool(
            _probe("placement", lambda: any(True for _ in conn.placement.resource_providers()))
        )

    def _down(self) -> None:
        t0 = time.monotonic()
        if self.compute.driver == "libvirt" and procs.process_of(
            procs.read_pidfile(self.paths.pidfile("libvirtd"))
        ):
            stopped = libvirt.destroy_domains()
            if stopped:
                self.console.print(f"stopped {stopped} guest(s)")
        stages = sorted({s.stage for s in self.services()}, key=lambda s: s.value, reverse=True)
        stopped_any = False
        for stage in stages:
            batch: list[tuple[Service, psutil.Process]] = []
            for svc in self.services():
                if svc.stage != stage:
                    continue
                pidfile = self.paths.pidfile(svc.name)
                proc = procs.process_of(procs.read_pidfile(pidfile))
                if proc is not None:
                    batch.append((svc, proc))
                pidfile.unlink(missing_ok=True)
            if stage is Stage.INFRA:
                # the broker and the database before epmd, which they are registered with;
                # the Ceph OSD before its monitor
                batch.sort(key=lambda item: (item[0].name == "epmd", item[0].name == "ceph-mon"))
                for svc, proc in batch:
                    self._stop([(svc, proc)])
            elif batch:
                # nova-compute first: while it shuts down it still calls the conductor
                first = [item for item in batch if item[0].name == "nova-compute"]
                rest = [item for item in batch if item[0].name != "nova-compute"]
                for group in (first, rest):
                    if group:
                        self._stop(group)
            stopped_any = stopped_any or bool(batch)
        leftovers = procs.marked(self.home)
        if leftovers:
            with self._step(f"stopping {len(leftovers)} detached helper process(es)"):
                procs.terminate(leftovers, timeout=10)
        self._unmount_volumes()
        if stopped_any:
            self.console.print(f"box stopped in {time.monotonic() - t0:.1f} s")
        else:
            self.console.print("box was not running")

    def _stop(self, batch: list[tuple[Service, psutil.Process]]) -> None:
        names = ", ".join(svc.name for svc, _ in batch)
        with self._step(f"stopping {names}"):
            timeout = max(svc.stop_timeout for svc, _ in batch)
            killed = procs.terminate([proc for _, proc in batch], timeout=timeout)
        if killed:
            what = ", ".join(killed)
            self.console.print(f"  killed after TERM was ignored: {what}")


def mounted(path: Path, mounts: Path = Path("/proc/mounts")) -> bool:
    """Whether ``path`` is a mount point (as /proc/mounts lists it)."""
    try:
        lines = mounts.read_text().splitlines()
    except OSError:
        return False
    return any(len(f) > 1 and f[1] == str(path) for f in (line.split() for line in lines))


def _probe(what: str, ask: Callable[[], Any]) -> Any:
    """One readiness probe through the API: what ``ask`` returns, or None while the API is
    not up yet (connection refused or timed out, a 5xx, an endpoint still missing). Refused
    credentials (401/403) are no reason to wait: that fails at once, in one line."""
    import keystoneauth1.exceptions as ksa
    import openstack.exceptions as os_exc

    try:
        return ask()
    except (ksa.ClientException, os_exc.SDKException) as exc:
        status = getattr(exc, "status_code", None) or getattr(exc, "http_status", None)
        if status in (401, 403) or isinstance(exc, ksa.AuthorizationFailure | ksa.Unauthorized):
            text = " ".join(str(exc).split())[:200] or type(exc).__name__
            raise ScsIaasError(
                f"{what}: the box's own credentials were refused (HTTP {status or 401}): {text}"
            ) from None
        return None
    except OSError:
        return None


def _service_seen(conn: Any, binary: str) -> bool:
    """A service record for ``binary`` exists (the service has registered itself)."""
    return bool(_probe(binary, lambda: any(s.binary == binary for s in conn.compute.services())))


def _volume_up(conn: Any, since: dt.datetime) -> bool:
    return bool(
        _probe(
            "cinder-volume",
            lambda: any(
                s.binary == "cinder-volume"
                and s.state == "up"
                and _parse_time(s.updated_at) >= since
                for s in conn.block_storage.services()
            ),
        )
    )


def _parse_time(value: str | None) -> dt.datetime:
    """A service record's ``updated_at`` (naive UTC ISO time) as a datetime."""
    if not value:
        return dt.datetime.min
    return dt.datetime.fromisoformat(value.replace("Z", "")).replace(tzinfo=None)


def grant_traverse(target: Path, user: pwd.struct_passwd, console: Console) -> None:
    """Let ``user`` reach ``target`` through ancestors it cannot search (e.g. a 0700
    /root): an ACL entry granting search (x) only, on just those directories."""
    for directory in reversed(target.parents):
        st = directory.stat()
        if _may_search(st, user):
            continue
        acl = subprocess.run(
            ["getfacl", "-cp", str(directory)], capture_output=True, text=True, check=False
        ).stdout
        known = re.search(rf"^user:{re.escape(user.pw_name)}:..x", acl, re.MULTILINE)
        setfacl = shutil.which("setfacl")
        if setfacl is None:
            raise ScsIaasError(
                f"user {user.pw_name} cannot reach {target}: {directory} is not searchable "
                "for it and setfacl is missing (apt-get install acl, or use --home elsewhere)"
            )
        # run even when the entry exists: a chmod since may have narrowed the ACL mask
        subprocess.run([setfacl, "-m", f"u:{user.pw_name}:x", str(directory)], check=True)
        if not known:
            console.print(f"granted user {user.pw_name} search permission on {directory} (ACL)")


def _may_search(st: os.stat_result, user: pwd.struct_passwd) -> bool:
    if st.st_uid == user.pw_uid:
        return bool(st.st_mode & stat.S_IXUSR)
    if st.st_gid == user.pw_gid:
        return bool(st.st_mode & stat.S_IXGRP)
    return bool(st.st_mode & stat.S_IXOTH)
