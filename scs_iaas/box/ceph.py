"""First-start work of the box's one-node Ceph (the cluster behind RadosGW): the cluster
id, one keyring for every daemon, the monitor's store, and the OSD's BlueStore.

Each step is skipped when its result exists, so a warm start runs none of them. The
monitor imports every key of the keyring when its store is made, so the OSD and RadosGW
are authorised from the start; only registering the OSD in the OSD map needs the
running monitor.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

from scs_iaas.box.bootstrap import run_logged
from scs_iaas.box.config import RGW_NAME
from scs_iaas.box.layout import HOST, PORTS, BoxPaths

#: Debian package → a file it installs (present = installed): Ceph Pacific from Debian 12,
#: as OSISM deploys RadosGW (the monitor tools come with ceph-base, a dependency).
APT_PACKAGES = {
    "ceph-mon": "/usr/bin/ceph-mon",
    "ceph-osd": "/usr/bin/ceph-osd",
    "ceph-common": "/usr/bin/ceph",
    "radosgw": "/usr/bin/radosgw",
}

OSD_ID = "0"
MON_ID = "a"

#: entity → capabilities, every key in one keyring (readable by root only)
KEYS: dict[str, dict[str, str]] = {
    "mon.": {"mon": "allow *"},
    "client.admin": {"mon": "allow *", "osd": "allow *", "mgr": "allow *"},
    f"osd.{OSD_ID}": {"mon": "allow profile osd", "osd": "allow *"},
    f"client.{RGW_NAME}": {"mon": "allow rw", "osd": "allow rwx"},
}


def binary(name: str) -> str:
    return shutil.which(name) or f"/usr/bin/{name}"


def conf_path(paths: BoxPaths) -> Path:
    return paths.etc / "ceph" / "ceph.conf"


def keyring(paths: BoxPaths) -> Path:
    return paths.ceph / "keyring"


def fsid(paths: BoxPaths) -> str:
    """The cluster id, made once and kept with the cluster's data."""
    path = paths.ceph / "fsid"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        value = str(uuid.uuid4())
        path.write_text(value + "\n")
        return value


def mon_made(paths: BoxPaths) -> bool:
    return (paths.ceph / "mon" / "store.db").exists()


def osd_made(paths: BoxPaths) -> bool:
    return (paths.ceph / "osd" / "mkfs_done").exists()


def make_mon(paths: BoxPaths, env: dict[str, str]) -> None:
    """Keyring, monitor map and the monitor's store (about 1 s)."""
    log = paths.logfile("ceph-setup")
    ring = keyring(paths)
    ring.unlink(missing_ok=True)
    for entity, caps in KEYS.items():
        argv = [binary("ceph-authtool"), str(ring), "--gen-key", "-n", entity]
        if not ring.exists():
            argv.insert(2, "--create-keyring")
        for daemon, cap in caps.items():
            argv += ["--cap", daemon, cap]
        run_logged(argv, log, f"ceph-authtool {entity}", env)
    ring.chmod(0o600)
    monmap = paths.ceph / "monmap"
    addr = f"[v2:{HOST}:{PORTS['ceph-mon']},v1:{HOST}:{PORTS['ceph-mon-v1']}]"
    run_logged(
        [
            binary("monmaptool"),
            "--create",
            "--clobber",
            "--addv",
            MON_ID,
            addr,
            "--fsid",
            fsid(paths),
            str(monmap),
        ],
        log,
        "monmaptool --create",
        env,
    )
    mon = paths.ceph / "mon"
    if mon.exists():
        shutil.rmtree(mon)  # a half-made store from an interrupted first start
    mon.mkdir(parents=True)
    conf = str(conf_path(paths))
    run_logged(
        [
            binary("ceph-mon"),
            "-c",
            conf,
            "--mkfs",
            "-i",
            MON_ID,
            "--monmap",
            str(monmap),
            "--keyring",
            str(ring),
        ],
        log,
        "ceph-mon --mkfs",
        env,
    )


def make_osd(paths: BoxPaths, env: dict[str, str]) -> None:
    """Register OSD 0 with the running monitor and make its BlueStore (about 3 s)."""
    log = paths.logfile("ceph-setup")
    conf = str(conf_path(paths))
    # kept: `osd new` is idempotent for the same id and uuid (an interrupted first start)
    uuid_file = paths.ceph / "osd-uuid"
    if not uuid_file.exists():
        uuid_file.write_text(str(uuid.uuid4()) + "\n")
    osd_uuid = uuid_file.read_text().strip()
    osd = paths.ceph / "osd"
    if osd.exists():
        shutil.rmtree(osd)
    (paths.ceph / "osd.block").unlink(missing_ok=True)
    osd.mkdir(parents=True)
    run_logged(
        [binary("ceph"), "-c", conf, "--connect-timeout", "30", "osd", "new", osd_uuid, OSD_ID],
        log,
        "ceph osd new",
        env,
    )
    run_logged(
        [binary("ceph-osd"), "-c", conf, "-i", OSD_ID, "--mkfs", "--osd-uuid", osd_uuid],
        log,
        "ceph-osd --mkfs",
        env,
    )
