"""Pure parts of the box: services table, pid records, secrets, install key, volume probe."""

from __future__ import annotations

import base64
import datetime as dt
import os
import pwd
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scs_iaas.box import bootstrap, install
from scs_iaas.box.box import _may_search, _parse_time, log_tail, mounted
from scs_iaas.box.layout import DATABASES, PORTS, BoxPaths
from scs_iaas.box.procs import PidRecord
from scs_iaas.box.secrets import BoxSecrets, load_or_create
from scs_iaas.box.services import (
    ALL_GROUPS,
    BACKING,
    GROUPS,
    Stage,
    parse_groups,
    services,
)
from scs_iaas.box.volume import NFS_DRIVER, effective_capabilities, judge

DATA = Path(__file__).parents[2] / "data" / "box"
PATHS = BoxPaths(Path("/srv/box"))
SECRETS = BoxSecrets(admin="adm-1", member="mem-2", service="svc-3", database="db-4", kek="kek-5")


def test_services_start_infra_then_apis_then_workers() -> None:
    table = services(PATHS, with_volume=False)
    stages = [s.stage.value for s in table]
    assert stages == sorted(stages)
    names = [s.name for s in table]
    assert names[:3] == ["epmd", "mariadb", "rabbitmq"]
    assert "cinder-volume" not in names
    assert {s.name for s in table if s.stage is Stage.WORKERS} >= {
        "nova-conductor",
        "nova-scheduler",
        "nova-compute",
        "cinder-scheduler",
    }


def test_apis_listen_on_loopback_on_their_own_ports() -> None:
    apis = [s for s in services(PATHS, with_volume=False) if s.is_api]
    assert {s.name for s in apis} == {
        "keystone",
        "placement",
        "glance",
        "nova-api",
        "cinder-api",
        "neutron",
        "barbican",
        "octavia-api",
        "radosgw",
    }
    for svc in apis:
        assert svc.probe_url == f"http://127.0.0.1:{svc.port}/"
        if svc.name == "radosgw":  # Ceph's own HTTP server, bound by ceph.conf
            continue
        assert f"127.0.0.1:{svc.port}" in svc.argv
        assert "Connection: close" in svc.argv
    assert len({s.port for s in apis}) == len(apis)
    assert set(PORTS.values()) >= {s.port for s in apis}


def test_volume_services_only_when_supported() -> None:
    names = [s.name for s in services(PATHS, with_volume=True)]
    assert "cinder-volume" in names
    core = [n for n in names if n not in {m for ms in GROUPS.values() for m in ms}]
    assert core[-1] == "nova-compute"


def test_optional_groups_leave_out_their_processes() -> None:
    every = {s.name for s in services(PATHS, with_volume=False)}
    core = {s.name for s in services(PATHS, with_volume=False, groups=frozenset())}
    assert every - core == {m for ms in GROUPS.values() for m in ms}
    only_s3 = {s.name for s in services(PATHS, with_volume=False, groups={"object-store"})}
    assert only_s3 - core == {"ceph-mon", "ceph-osd", "radosgw"}
    for svc in services(PATHS, with_volume=False):
        assert svc.name in BACKING, f"box status cannot say what backs {svc.name}"


def test_service_groups_parse() -> None:
    assert parse_groups("all") == ALL_GROUPS
    assert parse_groups("none") == frozenset() == parse_groups("")
    assert parse_groups(" key-manager,object-store ") == {"key-manager", "object-store"}
    with pytest.raises(ValueError, match="unknown service group swift"):
        parse_groups("swift,key-manager")


def test_ceph_daemons_stay_in_the_foreground_with_the_box_config() -> None:
    for svc in services(PATHS, with_volume=False, groups={"object-store"}):
        if svc.name.startswith(("ceph-", "radosgw")):
            assert svc.argv[1:4] == ("-f", "-c", str(PATHS.etc / "ceph" / "ceph.conf"))


def test_mariadb_runs_as_mysql_with_its_data_in_the_home() -> None:
    (mariadb,) = [s for s in services(PATHS, with_volume=False) if s.name == "mariadb"]
    assert "--user=mysql" in mariadb.argv
    assert "--bind-address=127.0.0.1" in mariadb.argv
    assert f"--datadir={PATHS.mariadb_datadir}" in mariadb.argv
    assert mariadb.argv[1] == "--no-defaults"


@given(st.integers(1, 2**22), st.floats(1e9, 2e9, allow_nan=False))
def test_pid_record_round_trips(pid: int, created: float) -> None:
    parsed = PidRecord.parse(PidRecord(pid, created).render())
    assert parsed is not None
    assert parsed.pid == pid
    assert abs(parsed.create_time - created) <= 0.005


def test_garbled_pid_record_is_stale() -> None:
    assert PidRecord.parse("") is None
    assert PidRecord.parse("12x 1.0") is None
    assert PidRecord.parse("123") is None


def test_secrets_are_random_and_hidden_in_repr() -> None:
    one, two = BoxSecrets.generate(), BoxSecrets.generate()
    assert one != two
    assert len({one.admin, one.member, one.service, one.database}) == 4
    assert one.admin not in repr(one)


def test_secrets_are_created_once_and_private(tmp_path: Path) -> None:
    path = tmp_path / "secrets.json"
    first = load_or_create(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create(path) == first


def test_secrets_of_an_older_box_gain_the_new_ones(tmp_path: Path) -> None:
    path = tmp_path / "secrets.json"
    path.write_text('{"admin": "a", "member": "m", "service": "s", "database": "d"}')
    loaded = load_or_create(path)
    assert (loaded.admin, loaded.member, loaded.service, loaded.database) == ("a", "m", "s", "d")
    # Barbican's simple-crypto KEK is a Fernet key: url-safe base64 of 32 bytes
    assert len(base64.urlsafe_b64decode(loaded.kek)) == 32
    assert load_or_create(path) == loaded  # stored, not made anew
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_install_key_follows_constraints_packages_and_python() -> None:
    base = install.install_key("a==1\n", ("x",), "3.11.7")
    assert base == install.install_key("a==1\n", ("x",), "3.11.7")
    assert base != install.install_key("a==2\n", ("x",), "3.11.7")
    assert base != install.install_key("a==1\n", ("x", "y"), "3.11.7")
    assert base != install.install_key("a==1\n", ("x",), "3.12.1")


def test_shipped_constraints_pin_the_service_releases() -> None:
    pins = dict(
        line.split("==", 1) for line in install.constraints_text().splitlines() if "==" in line
    )
    for package in install.PIP_PACKAGES:
        if "==" in package:
            name, version = package.split("==")
            assert pins[name] == version
    assert pins["SQLAlchemy"] == "2.1.9"


def test_volume_backend_needs_root_with_cap_sys_admin() -> None:
    root = (DATA / "status-root.txt").read_text()
    user = (DATA / "status-user.txt").read_text()
    assert effective_capabilities(root) & (1 << 21)
    assert effective_capabilities(user) == 0
    ok = judge(root, euid=0)
    assert ok.driver == NFS_DRIVER and ok.reason is None
    assert set(ok.apt_packages) == {"nfs-common", "qemu-utils"}
    no_cap = judge(user, euid=0)
    assert no_cap.driver is None and no_cap.reason and "CAP_SYS_ADMIN" in no_cap.reason
    not_root = judge(root, euid=1000)
    assert not_root.driver is None and not_root.reason and "root" in not_root.reason


def test_mount_points_from_a_mounts_table(tmp_path: Path) -> None:
    table = tmp_path / "mounts"
    table.write_text(
        "/dev/vda / ext4 rw,relatime 0 0\n"
        "/dev/vda /srv/box/data/cinder/mnt/ab12 ext4 rw,relatime 0 0\n"
    )
    assert mounted(Path("/srv/box/data/cinder/mnt/ab12"), table)
    assert not mounted(Path("/srv/box/data/cinder/mnt"), table)
    assert not mounted(Path("/"), tmp_path / "missing")


def test_database_setup_covers_every_service() -> None:
    sql = bootstrap.databases_sql(SECRETS)
    for db in DATABASES:
        assert f"CREATE DATABASE IF NOT EXISTS {db} " in sql
    assert "'os'@'127.0.0.1'" in sql


def test_sync_step_labels_never_carry_the_admin_password() -> None:
    chains = bootstrap.sync_steps(PATHS, SECRETS).values()
    labels = [label for chain in chains for label, _ in chain]
    assert all(SECRETS.admin not in label for label in labels)
    # the password does reach keystone-manage bootstrap
    argv = next(a for chain in chains for label, a in chain if label.endswith("bootstrap"))
    assert f"--bootstrap-password={SECRETS.admin}" in argv


def test_catalog_registers_cinder_under_both_types() -> None:
    types = {entry.type for entry in bootstrap.CATALOG}
    assert types == {
        "compute",
        "placement",
        "image",
        "block-storage",
        "volumev3",
        "network",
        "key-manager",
        "load-balancer",
        "object-store",
        "object-store-s3",
    }


def test_object_store_and_s3_share_the_radosgw_host() -> None:
    """scs-0123 v1 probes S3 at the scheme and host of the object-store endpoint."""
    urls = {entry.type: entry.url for entry in bootstrap.CATALOG}
    assert urls["object-store"].startswith(urls["object-store-s3"] + "/swift/v1/AUTH_")


def test_schemas_sync_only_for_services_not_yet_synced(tmp_path: Path) -> None:
    paths = BoxPaths(tmp_path)
    assert bootstrap.synced(paths) == set()
    paths.data.mkdir()
    # a stamp written before the stamp named services: the six core services
    paths.db_stamp.write_text("ok\n")
    assert bootstrap.synced(paths) == {
        "keystone",
        "nova",
        "neutron",
        "cinder",
        "glance",
        "placement",
    }
    assert set(bootstrap.sync_steps(paths, SECRETS)) - bootstrap.synced(paths) == {
        "barbican",
        "octavia",
    }


def test_log_tail_keeps_the_last_lines(tmp_path: Path) -> None:
    log = tmp_path / "x.log"
    log.write_text("one\n\ntwo\nthree\nfour\n")
    assert log_tail(log, lines=2) == "three | four"
    assert log_tail(tmp_path / "missing.log") == "(no log)"


def test_parse_service_time() -> None:
    assert _parse_time("2026-11-24T09:40:12.000000") == dt.datetime(2026, 11, 24, 9, 40, 12)
    assert _parse_time(None) == dt.datetime.min


def _stat(mode: int, uid: int, gid: int) -> os.stat_result:
    return os.stat_result((stat.S_IFDIR | mode, 0, 0, 2, uid, gid, 0, 0, 0, 0))


def test_search_permission_by_owner_group_other() -> None:
    mysql = pwd.struct_passwd(("mysql", "x", 103, 107, "", "/nonexistent", "/bin/false"))
    assert not _may_search(_stat(0o700, 0, 0), mysql)
    assert _may_search(_stat(0o711, 0, 0), mysql)
    assert _may_search(_stat(0o700, 103, 0), mysql)
    assert _may_search(_stat(0o710, 0, 107), mysql)
    assert not _may_search(_stat(0o701, 0, 107), mysql)


def test_daemons_held_only_while_apt_runs(tmp_path: Path) -> None:
    policy = tmp_path / "policy-rc.d"
    with install.daemons_held(policy):
        assert "exit 101" in policy.read_text()
        assert policy.stat().st_mode & 0o111
    assert not policy.exists()
    policy.write_text("#!/bin/sh\nexit 0\n")  # the machine's own policy stays untouched
    with install.daemons_held(policy):
        pass
    assert policy.read_text() == "#!/bin/sh\nexit 0\n"


def test_a_readiness_probe_waits_on_a_refused_connection_but_not_on_refused_credentials():
    """Not up yet (connection refused, 503) reads as "wait"; a 401 from the box's own
    credentials fails at once instead of looking like a timeout minutes later."""
    import keystoneauth1.exceptions as ksa
    import openstack.exceptions as os_exc
    import pytest

    from scs_iaas.box.box import _probe
    from scs_iaas.errors import ScsIaasError

    def raises(exc: Exception):
        def ask():
            raise exc

        return ask

    assert _probe("nova", lambda: ["up"]) == ["up"]
    assert _probe("nova", raises(ksa.ConnectFailure("refused"))) is None
    assert _probe("nova", raises(ConnectionRefusedError(111, "refused"))) is None
    assert _probe("nova", raises(os_exc.HttpException("busy", http_status=503))) is None
    with pytest.raises(ScsIaasError, match=r"nova: the box's own credentials were refused"):
        _probe("nova", raises(ksa.Unauthorized("The request you have made requires auth")))
    with pytest.raises(ScsIaasError, match=r"HTTP 403"):
        _probe("nova", raises(os_exc.ForbiddenException("policy", http_status=403)))
    with pytest.raises(ZeroDivisionError):  # a bug is not "not ready yet"
        _probe("nova", lambda: 1 / 0)
