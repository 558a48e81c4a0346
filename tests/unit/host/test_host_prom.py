"""The node_exporter textfile: written atomically, parsed back by prometheus_client."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from scs_iaas.errors import ScsIaasError
from scs_iaas.host.hwmon import read_hwmon
from scs_iaas.host.prom import TEXTFILE_NAME, render, write_textfile
from scs_iaas.host.root import HostRoot

HOSTS = Path(__file__).parents[2] / "data" / "hosts"


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def test_textfile_round_trip(tmp_path: Path) -> None:
    hw = read_hwmon(HostRoot.of(HOSTS / "xeon-sgx-tdx"))
    path = write_textfile(hw, tmp_path)
    assert path == tmp_path / TEXTFILE_NAME
    assert os.listdir(tmp_path) == [TEXTFILE_NAME]  # the temp file was renamed, not left over
    got = samples(path.read_text())
    core = (("chip", "platform_coretemp_0"), ("sensor", "temp1"))
    assert got[("node_hwmon_temp_celsius", core)] == 100.0
    assert got[("node_hwmon_temp_crit_celsius", core)] == 100.0
    assert got[("node_hwmon_temp_max_celsius", core)] == 93.0
    board = "platform_nct6775_656"
    assert got[("node_hwmon_fan_rpm", (("chip", board), ("sensor", "fan1")))] == 1205.0
    assert got[("node_hwmon_in_volts", (("chip", board), ("sensor", "in0")))] == 1.032
    names = (("chip", "target0:0:0_0:0:0:0"), ("chip_name", "drivetemp"))
    assert got[("node_hwmon_chip_names", names)] == 1.0
    label = (("chip", "platform_coretemp_0"), ("label", "Package id 0"), ("sensor", "temp1"))
    assert got[("node_hwmon_sensor_label", label)] == 1.0
    disk = (("chip", "target0:0:0_0:0:0:0"), ("device", "sda"))
    assert got[("scs_iaas_hwmon_block_device", disk)] == 1.0


def test_every_temperature_reading_exported() -> None:
    hw = read_hwmon(HostRoot.of(HOSTS / "epyc-snp"))
    got = samples(render(hw))
    temps = {k: v for k, v in got.items() if k[0] == "node_hwmon_temp_celsius"}
    expected = {
        (c.chip, s.sensor): s.value for c in hw.chips for s in c.sensors if s.kind == "temp"
    }
    assert {(dict(k[1])["chip"], dict(k[1])["sensor"]): v for k, v in temps.items()} == expected


def test_no_sensors_still_valid_text() -> None:
    hw = read_hwmon(HostRoot.of(HOSTS / "plain"))
    assert [f.name for f in text_string_to_metric_families(render(hw))]  # families, no samples


def test_textfile_dir_must_exist(tmp_path: Path) -> None:
    hw = read_hwmon(HostRoot.of(HOSTS / "plain"))
    with pytest.raises(ScsIaasError, match="not a directory"):
        write_textfile(hw, tmp_path / "missing")
