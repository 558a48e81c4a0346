"""Hardware sensors: nothing at its critical temperature, every SATA disk has a sensor.

A reading at or above ``_crit`` is a FAIL (exit 1, so a timer or monitoring run alarms),
at or above ``_max`` a WARN. SATA disks (``sdX``) without a drivetemp chip are a WARN: since
hddtemp left Debian, drivetemp is how disk temperatures reach hwmon and node_exporter.
"""

from __future__ import annotations

from scs_iaas.findings import Finding, Status
from scs_iaas.host.hwmon import HwmonFacts

ID = "scs-iaas-host-sensors"
STANDARD = "scs-iaas-host"
VERSION = "v1"
UNITS = {"temp": "°C", "fan": "RPM", "in": "V"}


def check(facts: HwmonFacts) -> list[Finding]:
    if not facts.present:
        return [
            Finding(
                ID, STANDARD, VERSION, Status.SKIP,
                "no hwmon: /sys/class/hwmon is missing (kernel without CONFIG_HWMON, or a VM "
                "without sensors)",
                "host",
            )
        ]  # fmt: skip
    if not facts.chips:
        return [Finding(ID, STANDARD, VERSION, Status.SKIP, "no hwmon chips registered", "host")]
    findings: list[Finding] = []
    temps = 0
    hottest: tuple[float, str] | None = None
    for chip in facts.chips:
        for s in chip.sensors:
            where = f"{chip.name}/{s.label}" + (
                f" ({chip.block_device})" if chip.block_device else ""
            )
            unit = UNITS[s.kind]
            if s.kind == "temp":
                temps += 1
                if hottest is None or s.value > hottest[0]:
                    hottest = (s.value, where)
            if s.at_crit:
                findings.append(
                    Finding(
                        ID, STANDARD, VERSION, Status.FAIL,
                        f"{s.value:g} {unit} at or above its critical limit {s.crit:g} {unit}",
                        where, "check cooling and airflow now; the kernel may shut the device down",
                        {"chip": chip.chip, "sensor": s.sensor},
                    )
                )  # fmt: skip
            elif s.at_max:
                findings.append(
                    Finding(
                        ID, STANDARD, VERSION, Status.WARN,
                        f"{s.value:g} {unit} at or above its max {s.max:g} {unit}",
                        where, "check cooling and airflow",
                        {"chip": chip.chip, "sensor": s.sensor},
                    )
                )  # fmt: skip
    for disk in facts.disks_without_sensor:
        findings.append(
            Finding(
                ID, STANDARD, VERSION, Status.WARN,
                f"{disk} has no temperature sensor: drivetemp is not loaded (or the disk is SAS)",
                disk, "modprobe drivetemp && echo drivetemp >> /etc/modules",
            )
        )  # fmt: skip
    if not findings:
        chips = len(facts.chips)
        top = f"; hottest {hottest[0]:g} °C at {hottest[1]}" if hottest else ""
        findings.append(
            Finding(
                ID, STANDARD, VERSION, Status.PASS,
                f"{temps} temperature sensors on {chips} chips below their limits{top}",
                "host",
            )
        )  # fmt: skip
    return findings
