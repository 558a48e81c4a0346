"""Whether this machine can run cinder-volume with a backend that needs no hardware.

LVM on a loop file is the real thing, but it needs the kernel's device-mapper, which
some VMs and containers lack. The answer, with its reason, is shown by `box status`
and used by the tests that need volumes to skip with that reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class VolumeSupport:
    #: cinder volume driver class, or None: no cinder-volume
    driver: str | None
    #: why there is no cinder-volume (None when there is one)
    reason: str | None
    describe: str = ""
    #: extra Debian packages needed (package -> file it installs)
    apt_packages: dict[str, str] = field(default_factory=dict)


def has_device_mapper(proc: Path = Path("/proc")) -> bool:
    """The kernel offers device-mapper (LVM logical volumes need it)."""
    try:
        devices = (proc / "devices").read_text()
        misc = (proc / "misc").read_text()
    except OSError:
        return False
    return "device-mapper" in devices or "device-mapper" in misc


def volume_support(proc: Path = Path("/proc")) -> VolumeSupport:
    if not has_device_mapper(proc):
        return VolumeSupport(
            None,
            "this kernel has no device-mapper (not in /proc/devices or /proc/misc), "
            "so LVM on a loop file cannot create volumes",
        )
    return VolumeSupport(None, "cinder-volume with LVM is not set up by this box yet")
