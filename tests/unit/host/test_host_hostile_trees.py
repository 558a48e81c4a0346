"""Hostile host trees: `host check --root` must end, and judge only what it could read.
A FIFO where /proc/self/mountinfo should be (a plain open would block forever), a binary
cpuinfo, a sensor reading NaN. Copies of the recorded trees; real FIFOs; no mocks."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HOSTS = Path(__file__).parents[2] / "data" / "hosts"


def _tree(tmp_path: Path, name: str) -> Path:
    root = tmp_path / name
    shutil.copytree(HOSTS / name, root, symlinks=True)
    return root


def _host_check(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scs_iaas", "host", "check", "--root", str(root), "-f", "json"],
        capture_output=True,
        text=True,
        timeout=60,  # a hang fails here instead of blocking the suite
    )


@pytest.mark.parametrize("where", ["proc/self/mountinfo", "proc/cmdline"])
def test_a_fifo_in_the_tree_does_not_hang(tmp_path, where):
    root = _tree(tmp_path, "plain")
    target = root / where
    target.unlink()
    os.mkfifo(target)
    proc = _host_check(root)
    assert proc.returncode in (0, 1), proc.stderr
    json.loads(proc.stdout)


def test_a_binary_cpuinfo_is_refused_in_one_line(tmp_path):
    root = _tree(tmp_path, "plain")
    (root / "proc" / "cpuinfo").write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4)
    proc = _host_check(root)
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        f"scs-iaas: error: --root {root}: proc/cpuinfo is not text (binary or not UTF-8)"
    )


@pytest.mark.parametrize("reading", ["NaN", "nan", "-", "12abc"])
def test_a_temperature_that_is_not_a_number_is_not_a_pass(tmp_path, reading):
    root = _tree(tmp_path, "epyc-sev-off")
    inputs = sorted(root.glob("sys/devices/**/hwmon0/temp1_input"))
    assert inputs, "the recorded tree has a temp1_input"
    inputs[0].write_text(f"{reading}\n")
    proc = _host_check(root)
    doc = json.loads(proc.stdout)
    sensors = [f for f in doc["findings"] if f["id"] == "scs-iaas-host-sensors"]
    assert sensors and "PASS" not in {f["status"] for f in sensors}, sensors
    assert any("temp1_input does not read as a number" in f["reason"] for f in sensors)
