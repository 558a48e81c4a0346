"""hwmon readings as Prometheus text for node_exporter's textfile collector.

Metric and label names are node_exporter's hwmon collector's (``node_hwmon_temp_celsius
{chip,sensor}``, ``node_hwmon_chip_names{chip,chip_name}`` …), so dashboards and alerts
written for node_exporter work unchanged. Run node_exporter with ``--no-collector.hwmon``
where it can read /sys itself, or the same series would come from two collectors.
``scs_iaas_hwmon_block_device{chip,device}`` says which disk a drivetemp/nvme chip measures.
"""

from __future__ import annotations

from pathlib import Path

from prometheus_client import CollectorRegistry, Gauge, generate_latest, write_to_textfile

from scs_iaas.errors import ScsIaasError
from scs_iaas.host.hwmon import HwmonFacts, clean_name

TEXTFILE_NAME = "scs_iaas_hwmon.prom"


def registry_for(facts: HwmonFacts) -> CollectorRegistry:
    """A fresh registry holding one gauge family per node_exporter hwmon metric."""
    reg = CollectorRegistry(auto_describe=True)
    labels = ["chip", "sensor"]
    temp = Gauge(
        "node_hwmon_temp_celsius", "Hardware monitor for temperature (input)", labels, registry=reg
    )
    crit = Gauge(
        "node_hwmon_temp_crit_celsius",
        "Hardware monitor for temperature (crit)",
        labels,
        registry=reg,
    )
    tmax = Gauge(
        "node_hwmon_temp_max_celsius",
        "Hardware monitor for temperature (max)",
        labels,
        registry=reg,
    )
    fan = Gauge(
        "node_hwmon_fan_rpm",
        "Hardware monitor for fan revolutions per minute (input)",
        labels,
        registry=reg,
    )
    volts = Gauge(
        "node_hwmon_in_volts", "Hardware monitor for voltage (input)", labels, registry=reg
    )
    names = Gauge(
        "node_hwmon_chip_names",
        "Annotation metric for human-readable chip names",
        ["chip", "chip_name"],
        registry=reg,
    )
    label = Gauge(
        "node_hwmon_sensor_label",
        "Label for given chip and sensor",
        ["chip", "sensor", "label"],
        registry=reg,
    )
    block = Gauge(
        "scs_iaas_hwmon_block_device",
        "Block device a drive temperature chip measures",
        ["chip", "device"],
        registry=reg,
    )
    for chip in facts.chips:
        names.labels(chip.chip, clean_name(chip.name)).set(1)
        if chip.block_device:
            block.labels(chip.chip, chip.block_device).set(1)
        for s in chip.sensors:
            if s.label != s.sensor:
                label.labels(chip.chip, s.sensor, s.label).set(1)
            if s.kind == "temp":
                temp.labels(chip.chip, s.sensor).set(s.value)
                if s.crit is not None:
                    crit.labels(chip.chip, s.sensor).set(s.crit)
                if s.max is not None:
                    tmax.labels(chip.chip, s.sensor).set(s.max)
            elif s.kind == "fan":
                fan.labels(chip.chip, s.sensor).set(s.value)
            elif s.kind == "in":
                volts.labels(chip.chip, s.sensor).set(s.value)
    return reg


def render(facts: HwmonFacts) -> str:
    return generate_latest(registry_for(facts)).decode()


def write_textfile(facts: HwmonFacts, directory: Path) -> Path:
    """Write ``DIR/scs_iaas_hwmon.prom`` atomically (prometheus_client: temp file + rename)."""
    if not directory.is_dir():
        raise ScsIaasError(f"--textfile {directory}: not a directory")
    target = directory / TEXTFILE_NAME
    try:
        write_to_textfile(str(target), registry_for(facts))
    except OSError as exc:
        raise ScsIaasError(f"--textfile {target}: cannot write ({exc.strerror})") from exc
    return target
