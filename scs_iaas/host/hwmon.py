"""Hardware sensors from /sys/class/hwmon: the hddtemp successor (drivetemp, nvme, k10temp…).

``hwmonN`` numbers change between boots, so a chip is keyed by its name plus the resolved
``device`` link. The ``chip`` label follows node_exporter's hwmon collector (device type and
device name from the device path, e.g. ``platform_coretemp_0``), so the textfile metrics join
with node_exporter's own ``node_hwmon_*`` series.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from scs_iaas.host.root import HostRoot

UNITS = {"temp": "°C", "fan": "RPM", "in": "V"}  # the unit of each sensor kind

HWMON_CLASS = "/sys/class/hwmon"
_SENSOR_FILE = re.compile(r"^(temp|fan|in)(\d+)_input$")
_INVALID = re.compile(r"[^a-z0-9:_]")


@dataclass(frozen=True)
class Sensor:
    """One reading in SI-ish units: °C for temp, RPM for fan, V for in."""

    kind: str  # temp | fan | in
    sensor: str  # temp1, fan2, in0
    label: str
    value: float
    max: float | None = None
    crit: float | None = None

    @property
    def at_crit(self) -> bool:
        return self.crit is not None and self.value >= self.crit

    @property
    def at_max(self) -> bool:
        return self.max is not None and self.value >= self.max


@dataclass(frozen=True)
class Chip:
    """One hwmon chip; ``block_device`` is set for drivetemp/nvme chips (``sda``, ``nvme0n1``)."""

    chip: str
    name: str
    hwmon: str
    device_path: str
    block_device: str
    sensors: tuple[Sensor, ...]


@dataclass(frozen=True)
class HwmonFacts:
    chips: tuple[Chip, ...]
    present: bool  # /sys/class/hwmon exists at all
    disks_without_sensor: tuple[str, ...] = ()


def clean_name(name: str) -> str:
    """node_exporter's cleanMetricName: lower case, invalid characters to ``_``, trimmed."""
    return _INVALID.sub("_", name.lower()).strip("_")


def chip_label(device: Path | None, name: str, hwmon: str) -> str:
    """``<device type>_<device name>`` from the device path, else the chip name, else hwmonN."""
    if device is not None:
        dev_name = clean_name(device.name)
        dev_type = clean_name(device.parent.name)
        if dev_type and dev_name:
            return f"{dev_type}_{dev_name}"
        if dev_name:
            return dev_name
    return clean_name(name) or hwmon


def _milli(root: HostRoot, path: str, scale: float) -> float | None:
    raw = root.read_value(path)
    if raw is None:
        return None
    try:
        return int(raw) / scale
    except ValueError:
        return None


def _block_device(device: Path | None, name: str) -> str:
    """drivetemp: device (SCSI device) has ``block/sdX``; nvme: ``nvmeN`` has ``nvmeNn1``."""
    if device is None:
        return ""
    block = device / "block"
    if block.is_dir():
        entries = sorted(p.name for p in block.iterdir())
        if entries:
            return entries[0]
    if name == "nvme":
        namespaces = sorted(
            p.name for p in device.iterdir() if re.fullmatch(rf"{device.name}n\d+", p.name)
        )
        if namespaces:
            return namespaces[0]
    return ""


def _read_sensors(root: HostRoot, base: str) -> list[Sensor]:
    """Every ``{temp,fan,in}N_input`` in one directory, with its label, max and crit."""
    sensors = []
    for entry in sorted(os.listdir(root.file(base)), key=_sort_key):
        m = _SENSOR_FILE.match(entry)
        if not m:
            continue
        kind, index = m[1], m[2]
        sensor = f"{kind}{index}"
        scale = {"temp": 1000.0, "fan": 1.0, "in": 1000.0}[kind]
        value = _milli(root, f"{base}/{entry}", scale)
        if value is None:
            continue  # a sensor that cannot be read right now (ENODATA from a sleeping disk)
        sensors.append(
            Sensor(
                kind=kind,
                sensor=sensor,
                label=root.read_value(f"{base}/{sensor}_label") or sensor,
                value=value,
                max=_milli(root, f"{base}/{sensor}_max", scale),
                crit=_milli(root, f"{base}/{sensor}_crit", scale),
            )
        )
    return sensors


def read_chip(root: HostRoot, hwmon_dir: Path) -> Chip:
    """Name, device and every temp/fan/in input of one hwmonN directory.

    Old drivers keep ``name`` and the sensor files in the device directory instead of the
    hwmon one; like node_exporter, both are read (the hwmon directory wins on duplicates).
    """
    base = root.relative(hwmon_dir.resolve())
    device_link = hwmon_dir / "device"
    device = device_link.resolve() if device_link.exists() else None
    dev_base = root.relative(device) if device is not None else None
    name = root.read_value(f"{base}/name") or ""
    if not name and dev_base is not None:
        name = root.read_value(f"{dev_base}/name") or ""
    sensors = _read_sensors(root, base)
    if dev_base is not None:
        seen = {s.sensor for s in sensors}
        sensors += [s for s in _read_sensors(root, dev_base) if s.sensor not in seen]
    return Chip(
        chip=chip_label(device, name, hwmon_dir.name),
        name=name,
        hwmon=hwmon_dir.name,
        device_path=root.relative(device) if device is not None else "",
        block_device=_block_device(device, name),
        sensors=tuple(sensors),
    )


def _sort_key(name: str) -> tuple[str, int, str]:
    """Natural order: hwmon2 before hwmon10, temp2_input before temp10_input."""
    m = re.match(r"(\D*)(\d*)(.*)", name)
    assert m is not None
    return (m[1], int(m[2] or 0), m[3])


def read_hwmon(root: HostRoot) -> HwmonFacts:
    """Every chip under /sys/class/hwmon, plus SATA/SAS disks no drivetemp chip covers."""
    cls = root.file(HWMON_CLASS)
    if not cls.is_dir():
        return HwmonFacts((), False)
    chips = tuple(read_chip(root, cls / entry) for entry in sorted(os.listdir(cls), key=_sort_key))
    covered = {c.block_device for c in chips if c.block_device}
    sys_block = root.file("/sys/block")
    disks = sorted(os.listdir(sys_block)) if sys_block.is_dir() else []
    uncovered = tuple(d for d in disks if re.fullmatch(r"sd[a-z]+", d) and d not in covered)
    return HwmonFacts(chips, True, uncovered)
