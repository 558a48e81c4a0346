"""Whether this machine can run cinder-volume with a backend that needs no hardware.

LVM on a loop file needs the kernel's device-mapper, which small VMs (this project's
2-core class among them) lack. Cinder's NFS driver needs only files: the box gives it
a directory of the home as its "share", bind-mounted where the driver expects the
mounted export, so the driver's own code creates, deletes, backs up and restores
volumes as sparse files. A bind mount needs root with CAP_SYS_ADMIN; without it there
is no cinder-volume, and `box status` and the volume tests say why.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

NFS_DRIVER = "cinder.volume.drivers.nfs.NfsDriver"
CAP_SYS_ADMIN = 21

#: Debian packages the NFS driver calls (it refuses to start without mount.nfs; it
#: inspects volume files with qemu-img).
NFS_APT_PACKAGES = {"nfs-common": "/usr/sbin/mount.nfs", "qemu-utils": "/usr/bin/qemu-img"}


@dataclass(frozen=True)
class VolumeSupport:
    #: cinder volume driver class, or None: no cinder-volume
    driver: str | None
    #: why there is no cinder-volume (None when there is one)
    reason: str | None
    describe: str = ""
    #: extra Debian packages needed (package -> file it installs)
    apt_packages: dict[str, str] = field(default_factory=dict)


def effective_capabilities(status_text: str) -> int:
    """The CapEff bit mask from the text of /proc/<pid>/status (0 when absent)."""
    for line in status_text.splitlines():
        if line.startswith("CapEff:"):
            return int(line.split()[1], 16)
    return 0


def judge(status_text: str, euid: int) -> VolumeSupport:
    """Pure decision from this process's /proc status text and effective uid."""
    if euid != 0:
        return VolumeSupport(
            None, "cinder-volume needs root: the box bind-mounts its volume directory"
        )
    if not effective_capabilities(status_text) & (1 << CAP_SYS_ADMIN):
        return VolumeSupport(
            None, "no CAP_SYS_ADMIN here, so the box cannot bind-mount its volume directory"
        )
    return VolumeSupport(
        NFS_DRIVER,
        None,
        "NFS driver on a bind-mounted directory of the box home; backups: POSIX driver",
        dict(NFS_APT_PACKAGES),
    )


def volume_support(status_file: Path = Path("/proc/self/status")) -> VolumeSupport:
    try:
        text = status_file.read_text()
    except OSError:
        text = ""
    return judge(text, os.geteuid())
