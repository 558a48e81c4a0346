"""hwmon chips keyed by device path, mapped to disks, judged against max/crit."""

from __future__ import annotations

from pathlib import Path

from scs_iaas.checks.host_sensors import check
from scs_iaas.host.hwmon import chip_label, clean_name, read_hwmon
from scs_iaas.host.root import HostRoot
from scs_iaas.model.findings import Status

HOSTS = Path(__file__).parents[2] / "data" / "hosts"


def test_clean_name_like_node_exporter() -> None:
    assert clean_name("coretemp.0") == "coretemp_0"
    assert clean_name("0000:00:18.3") == "0000:00:18_3"
    assert clean_name("..Foo-Bar..") == "foo_bar"


def test_chip_label_prefers_device_path() -> None:
    assert chip_label(Path("/sys/devices/platform/coretemp.0"), "coretemp", "hwmon3") == (
        "platform_coretemp_0"
    )
    assert chip_label(None, "acpitz", "hwmon0") == "acpitz"
    assert chip_label(None, "", "hwmon7") == "hwmon7"


def test_epyc_k10temp_and_nvme_mapped_to_namespaces() -> None:
    hw = read_hwmon(HostRoot.of(HOSTS / "epyc-snp"))
    by_name = {(c.name, c.block_device): c for c in hw.chips}
    k10 = by_name[("k10temp", "")]
    assert k10.chip == "pci0000:00_0000:00:18_3"
    assert k10.device_path == "/sys/devices/pci0000:00/0000:00:18.3"
    assert [(s.label, s.value) for s in k10.sensors] == [
        ("Tctl", 48.625),
        ("Tccd1", 41.25),
        ("Tccd2", 43.0),
    ]
    nvme0 = by_name[("nvme", "nvme0n1")]
    assert nvme0.chip == "nvme_nvme0"
    composite = nvme0.sensors[0]
    assert (composite.label, composite.value, composite.max, composite.crit) == (
        "Composite",
        38.85,
        81.85,
        84.85,
    )
    assert ("nvme", "nvme1n1") in by_name
    assert hw.disks_without_sensor == ()


def test_drivetemp_maps_to_sd_disk_and_uncovered_disk_is_listed() -> None:
    hw = read_hwmon(HostRoot.of(HOSTS / "epyc-sev-off"))
    drive = next(c for c in hw.chips if c.name == "drivetemp")
    assert drive.block_device == "sda"
    assert drive.chip == "target0:0:0_0:0:0:0"
    assert drive.sensors[0].at_max and not drive.sensors[0].at_crit
    assert hw.disks_without_sensor == ("sdb",)


def test_fans_and_voltages_in_si_units() -> None:
    hw = read_hwmon(HostRoot.of(HOSTS / "xeon-sgx-tdx"))
    board = next(c for c in hw.chips if c.name == "nct6798")
    values = {s.sensor: (s.kind, s.label, s.value) for s in board.sensors}
    assert values["fan1"] == ("fan", "fan1", 1205.0)
    assert values["in0"] == ("in", "Vcore", 1.032)
    assert values["in1"] == ("in", "in1", 12.144)


def test_hwmon_numbers_sorted_naturally(tmp_path: Path) -> None:
    cls = tmp_path / "sys/class/hwmon"
    for n in (10, 2, 1):
        (cls / f"hwmon{n}").mkdir(parents=True)
        (cls / f"hwmon{n}/name").write_text(f"chip{n}\n")
        (cls / f"hwmon{n}/temp1_input").write_text("not a number\n")
    hw = read_hwmon(HostRoot.of(tmp_path))
    assert [c.hwmon for c in hw.chips] == ["hwmon1", "hwmon2", "hwmon10"]
    assert all(c.sensors == () for c in hw.chips)  # unreadable inputs are left out


def test_sensor_check_levels() -> None:
    xeon = check(read_hwmon(HostRoot.of(HOSTS / "xeon-sgx-tdx")))
    assert [(f.status, f.resource) for f in xeon] == [(Status.FAIL, "coretemp/Package id 0")]
    sev_off = check(read_hwmon(HostRoot.of(HOSTS / "epyc-sev-off")))
    assert [(f.status, f.resource) for f in sev_off] == [
        (Status.WARN, "drivetemp/temp1 (sda)"),
        (Status.WARN, "sdb"),
    ]
    assert "modprobe drivetemp" in sev_off[1].fix
    (ok,) = check(read_hwmon(HostRoot.of(HOSTS / "epyc-snp")))
    assert ok.status == Status.PASS
    assert ok.reason.startswith("7 temperature sensors on 3 chips")


def test_no_hwmon_is_a_skip_with_reason() -> None:
    hw = read_hwmon(HostRoot.of(HOSTS / "plain"))
    assert not hw.present
    (f,) = check(hw)
    assert f.status == Status.SKIP and "/sys/class/hwmon is missing" in f.reason


def test_live_machine() -> None:
    """This build machine has no hwmon at all; elsewhere the readings must at least parse."""
    hw = read_hwmon(HostRoot.of("/"))
    findings = check(hw)
    if not Path("/sys/class/hwmon").is_dir():
        assert not hw.present
        assert findings[0].status == Status.SKIP and "no hwmon" in findings[0].reason
    else:
        assert hw.present and findings


def test_old_driver_layout_and_natural_sensor_order(tmp_path: Path) -> None:
    """Sensor files in the device directory (old drivers), temp10 after temp2."""
    dev = tmp_path / "sys/devices/platform/it87.2608"
    hw_dir = dev / "hwmon/hwmon0"
    hw_dir.mkdir(parents=True)
    (hw_dir / "device").symlink_to("../../../it87.2608")
    (dev / "name").write_text("it8728\n")
    for n, milli in ((10, 30000), (2, 41000), (1, 39000)):
        (dev / f"temp{n}_input").write_text(f"{milli}\n")
    (tmp_path / "sys/class/hwmon").mkdir(parents=True)
    (tmp_path / "sys/class/hwmon/hwmon0").symlink_to(
        "../../devices/platform/it87.2608/hwmon/hwmon0"
    )
    (chip,) = read_hwmon(HostRoot.of(tmp_path)).chips
    assert (chip.name, chip.chip) == ("it8728", "platform_it87_2608")
    assert [(s.sensor, s.value) for s in chip.sensors] == [
        ("temp1", 39.0),
        ("temp2", 41.0),
        ("temp10", 30.0),
    ]
