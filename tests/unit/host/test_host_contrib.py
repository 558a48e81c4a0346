"""The shipped systemd units: well-formed, and their command line is one scs-iaas accepts."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path

from scs_iaas.cli import build_parser

CONTRIB = Path(__file__).parents[3] / "contrib"


def unit(name: str) -> configparser.ConfigParser:
    cp = configparser.ConfigParser(interpolation=None, strict=True)
    cp.optionxform = str  # type: ignore[assignment,method-assign]
    cp.read_string((CONTRIB / name).read_text(), source=name)
    return cp


def test_service_runs_a_valid_sensors_command() -> None:
    service = unit("scs-iaas-sensors.service")
    assert service["Service"]["Type"] == "oneshot"
    argv = shlex.split(service["Service"]["ExecStart"])
    assert Path(argv[0]).name == "scs-iaas"
    args = build_parser().parse_args(argv[1:])
    assert (args.command, args.host_command) == ("host", "sensors")
    assert args.textfile == Path("/var/lib/prometheus/node-exporter")
    assert str(args.textfile) in service["Service"]["ReadWritePaths"]


def test_timer_every_minute() -> None:
    timer = unit("scs-iaas-sensors.timer")
    assert timer["Timer"]["OnUnitActiveSec"] == "1min"
    assert timer["Install"]["WantedBy"] == "timers.target"
