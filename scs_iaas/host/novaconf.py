"""The parts of nova.conf (oslo.config ini) that the host checks need.

Read with the one oslo.config reader of the host checks (``host/ini.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from scs_iaas.errors import InputError
from scs_iaas.host.ini import parse_ini
from scs_iaas.host.root import HostRoot

DEFAULT_PATH = "/etc/nova/nova.conf"
DEFAULT_INSTANCES_PATH = "/var/lib/nova/instances"


@dataclass(frozen=True)
class NovaConf:
    """Values as written (None: not set, so Nova's default applies)."""

    path: str
    ram_allocation_ratio: float | None = None
    instances_path: str | None = None
    virt_type: str | None = None
    hw_machine_type: str | None = None
    num_memory_encrypted_guests: int | None = None
    cpu_mode: str | None = None
    images_type: str | None = None
    ephemeral_encryption_enabled: bool | None = None
    ephemeral_encryption_cipher: str | None = None
    ephemeral_encryption_key_size: int | None = None

    def machine_type_for(self, arch: str = "x86_64") -> str | None:
        """``hw_machine_type = x86_64=q35,aarch64=virt`` → the entry for ``arch``."""
        if not self.hw_machine_type:
            return None
        for item in self.hw_machine_type.split(","):
            key, sep, value = item.strip().partition("=")
            if sep and key.strip() == arch:
                return value.strip()
            if not sep and key.strip():
                return key.strip()
        return None


def _number(
    path: str, key: str, value: str | None, kind: type[int] | type[float]
) -> int | float | None:
    if value is None:
        return None
    try:
        return kind(value)
    except ValueError as exc:
        raise InputError(f"{path}: {key} = {value!r} is not a number") from exc


def parse_nova_conf(text: str, path: str = DEFAULT_PATH) -> NovaConf:
    """Parse nova.conf text; a malformed file is an InputError naming the file and line
    (the one oslo.config reader, ``host/ini.py``: never echoes a line)."""
    ini = parse_ini(text, path)
    _get = ini.get
    ratio = _number(path, "ram_allocation_ratio", _get("DEFAULT", "ram_allocation_ratio"), float)
    guests = _number(
        path,
        "[libvirt] num_memory_encrypted_guests",
        _get("libvirt", "num_memory_encrypted_guests"),
        int,
    )
    key_size = _number(
        path,
        "[ephemeral_storage_encryption] key_size",
        _get("ephemeral_storage_encryption", "key_size"),
        int,
    )
    enabled = _get("ephemeral_storage_encryption", "enabled")
    return NovaConf(
        path=path,
        ram_allocation_ratio=float(ratio) if ratio is not None else None,
        instances_path=_get("DEFAULT", "instances_path"),
        virt_type=_get("libvirt", "virt_type"),
        hw_machine_type=_get("libvirt", "hw_machine_type"),
        num_memory_encrypted_guests=int(guests) if guests is not None else None,
        cpu_mode=_get("libvirt", "cpu_mode"),
        images_type=_get("libvirt", "images_type"),
        ephemeral_encryption_enabled=(
            enabled.lower() in ("true", "yes", "1", "on") if enabled is not None else None
        ),
        ephemeral_encryption_cipher=_get("ephemeral_storage_encryption", "cipher"),
        ephemeral_encryption_key_size=int(key_size) if key_size is not None else None,
    )


def read_nova_conf(root: HostRoot, path: str = DEFAULT_PATH) -> NovaConf | None:
    """nova.conf under ``root``, or None when it is not there (not a compute host)."""
    text = root.read(path)
    return None if text is None else parse_nova_conf(text, path)
