"""scs-0117 v1 "Standard": "The volume backup target storage SHOULD be a separate storage system
from the one used for volumes themselves."

Judged on nodes that run cinder-backup, against the volume back ends of the same node's
cinder.conf (cinder-volume's where it runs here; Kolla writes the same back ends into both).
Same storage: Ceph backups (``backup_ceph_conf``) to a cluster that an RBD back end uses
(``rbd_ceph_conf``), NFS backups to a share a volume back end also uses, POSIX backups under a
volume back end's directory. Swift, S3 and GCS are other storage systems. SHOULD: a WARN.
"""

from __future__ import annotations

from scs_iaas.checks.base import Check, Context, std_url
from scs_iaas.checks.host_config import unreadable, where
from scs_iaas.host.config import ConfigFacts
from scs_iaas.host.ini import IniFile
from scs_iaas.model.findings import Finding, Test

SEPARATE = Test(
    "scs-iaas-host-backup-separate-storage",
    "scs-0117",
    "v1",
    "volume backups go to a storage system other than the volumes'",
    "point cinder-backup at another system: backup_driver = cinder.backup.drivers.swift or s3, "
    "or backup_ceph_conf = a second Ceph cluster",
    std_url("scs-0117-v1-volume-backup-service"),
)
DEFAULT_DRIVER = "cinder.backup.drivers.swift.SwiftBackupDriver"
CEPH_CONF = "/etc/ceph/ceph.conf"


def _backends(conf: IniFile | None) -> list[tuple[str, str, str]]:
    """(back end, driver, where its data lives) for each enabled back end."""
    if conf is None:
        return []
    out = []
    for name in conf.get_list("DEFAULT", "enabled_backends") or ():
        driver = conf.get(name, "volume_driver") or ""
        place = ""
        if "rbd" in driver.lower():
            place = f"ceph:{conf.get(name, 'rbd_ceph_conf') or CEPH_CONF}"
        elif "nfs" in driver.lower():
            place = f"nfs:{conf.get(name, 'nfs_shares_config') or '/etc/cinder/nfs_shares'}"
        out.append((name, driver.rsplit(".", 1)[-1], place))
    return out


def check(facts: ConfigFacts) -> list[Finding]:
    svc = facts.services.get("cinder-backup")
    if svc is None:
        return []
    bad = unreadable(SEPARATE, svc)
    if bad is not None:
        return [bad]
    conf = svc.ini()
    volume_svc = facts.services.get("cinder-volume")
    volume_conf = (volume_svc.ini() if volume_svc else None) or conf
    res = where(svc)
    driver = (conf.get("DEFAULT", "backup_driver") if conf else None) or DEFAULT_DRIVER
    short = driver.split(".")[-1] if "." in driver else driver
    backends = _backends(volume_conf)
    low = driver.lower()
    if "ceph" in low:
        target = f"ceph:{(conf.get('DEFAULT', 'backup_ceph_conf') if conf else None) or CEPH_CONF}"
    elif "nfs" in low:
        share = conf.get("DEFAULT", "backup_share") if conf else None
        target = f"nfs-share:{share or ''}"
    elif "posix" in low:
        target = f"posix:{(conf.get('DEFAULT', 'backup_posix_path') if conf else None) or ''}"
    else:
        return [
            SEPARATE.passed(
                f"backup_driver {short}: an object store, not the volumes' storage", res
            )
        ]
    same = [name for name, _, place in backends if place and place == target]
    if same:
        return [
            SEPARATE.warned(
                f"backup_driver {short} writes to {target.split(':', 1)[1]}, the storage of "
                f"volume back end {', '.join(same)}",
                res,
            )
        ]
    if not backends:
        return [
            SEPARATE.skipped(
                f"backup_driver {short} to {target.split(':', 1)[1]}; no volume back end "
                "configured on this node to compare with",
                res,
            )
        ]
    used = ", ".join(f"{n} ({d})" for n, d, _ in backends)
    return [
        SEPARATE.passed(
            f"backup_driver {short} to {target.split(':', 1)[1]}; volumes on {used}", res
        )
    ]


def run(ctx: Context) -> list[Finding]:
    assert ctx.host is not None and ctx.host.config is not None
    return check(ctx.host.config)


CHECK = Check(
    name="scs-0117 backup storage",
    tests=[SEPARATE],
    needs=frozenset({"host:config"}),
    run=run,
)
