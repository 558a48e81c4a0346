"""Hardware sensors: nothing at its critical temperature, every SATA disk has a sensor.

A reading at or above ``_crit`` is a FAIL (exit 1, so a timer or monitoring run alarms),
at or above ``_max`` a WARN. SATA disks (``sdX``) without a drivetemp chip are a WARN: since
hddtemp left Debian, drivetemp is how disk temperatures reach hwmon and node_exporter.
"""

from __future__ import annotations

from scs_iaas.checks.base import Check, Context
from scs_iaas.host.hwmon import UNITS, HwmonFacts
from scs_iaas.model.findings import Finding, Status, Test

ID = "scs-iaas-host-sensors"
STANDARD = "scs-iaas-host"
VERSION = "v1"
TEST = Test(
    ID,
    STANDARD,
    VERSION,
    "no sensor at its limit; every SATA disk has a temperature sensor",
    "check cooling and airflow",
    resource="host",
)


def check(facts: HwmonFacts) -> list[Finding]:
    if not facts.present:
        reason = (
            "no hwmon: /sys/class/hwmon is missing "
            "(kernel without CONFIG_HWMON, or a VM without sensors)"
        )
        return [TEST.finding(Status.SKIP, reason)]
    if not facts.chips:
        return [TEST.finding(Status.SKIP, "no hwmon chips registered")]
    findings: list[Finding] = []
    temps = 0
    hottest: tuple[float, str] | None = None
    for chip in facts.chips:
        for s in chip.sensors:
            where = f"{chip.name}/{s.label}"
            if chip.block_device:
                where += f" ({chip.block_device})"
            unit = UNITS[s.kind]
            if s.kind == "temp":
                temps += 1
                if hottest is None or s.value > hottest[0]:
                    hottest = (s.value, where)
            if s.at_crit:
                reason = f"{s.value:g} {unit} at or above its critical limit {s.crit:g} {unit}"
                fix = "check cooling and airflow now; the kernel may shut the device down"
                findings.append(
                    TEST.finding(Status.FAIL, reason, where, fix, chip=chip.chip, sensor=s.sensor)
                )
            elif s.at_max:
                reason = f"{s.value:g} {unit} at or above its max {s.max:g} {unit}"
                fix = "check cooling and airflow"
                findings.append(
                    TEST.finding(Status.WARN, reason, where, fix, chip=chip.chip, sensor=s.sensor)
                )
    for disk in facts.disks_without_sensor:
        reason = f"{disk} has no temperature sensor: drivetemp is not loaded (or the disk is SAS)"
        fix = "modprobe drivetemp && echo drivetemp >> /etc/modules"
        findings.append(TEST.finding(Status.WARN, reason, disk, fix))
    if not findings:
        top = f"; hottest {hottest[0]:g} °C at {hottest[1]}" if hottest else ""
        reason = f"{temps} temperature sensors on {len(facts.chips)} chips below their limits{top}"
        findings.append(TEST.finding(Status.PASS, reason))
    return findings


def run(ctx: Context) -> list[Finding]:
    assert ctx.host is not None and ctx.host.sensors is not None
    return check(ctx.host.sensors)


CHECK = Check(name="host sensors", tests=[TEST], needs=frozenset({"host:sensors"}), run=run)
