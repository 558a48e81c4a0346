"""Hostile definition files end in one line naming file, line and field, before any request:
names with control characters (NUL, BEL, ESC, DEL, C1) and nesting deep enough to exhaust a
recursive parser."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from scs_iaas.errors import InputError
from scs_iaas.managers import flavors, images, volume_types

LOADERS = {
    "flavors": (flavors.load_definitions, "flavors:\n  - name: {name}\n    vcpus: 1\n    ram: 1024\n    disk: 0\n"),
    "volume_types": (volume_types.load_definitions, "volume_types:\n  - name: {name}\n"),
    "images": (
        images.load_definitions,
        "images:\n  - name: {name}\n    format: raw\n    min_disk: 1\n    min_ram: 512\n"
        "    os_distro: ubuntu\n    os_version: '24.04'\n    architecture: x86_64\n"
        "    hw_disk_bus: scsi\n    replace_frequency: monthly\n    provided_until: none\n"
        "    uuid_validity: last-3\n    image_description: https://example.com\n"
        "    image_original_user: ubuntu\n    image_source: private\n"
        "    versions:\n      - build_date: '2026-11-01'\n        url: file:///dev/null\n",
    ),
}  # fmt: skip
CONTROL = ["\x00", "\x07", "\x1b", "\x7f", "\x9b", "\n", "\t"]


@pytest.mark.parametrize("kind", LOADERS)
@pytest.mark.parametrize("char", CONTROL, ids=lambda c: f"U+{ord(c):04X}")
def test_a_name_with_a_control_character_is_refused(tmp_path, kind, char):
    load, template = LOADERS[kind]
    path = tmp_path / f"{kind}.yaml"
    path.write_text(template.format(name=json.dumps(f"my-bad{char}name")))
    with pytest.raises(InputError) as err:
        load(str(path))
    text = str(err.value)
    assert f"{path}:2: {kind}[0].name: contains the control character U+{ord(char):04X}" in text
    assert "\n" not in text


@pytest.mark.parametrize("kind", LOADERS)
def test_a_printable_name_is_accepted(tmp_path, kind):
    load, template = LOADERS[kind]
    path = tmp_path / f"{kind}.yaml"
    path.write_text(template.format(name=json.dumps("my-flavor ünïcode ✓")))
    assert load(str(path))


@pytest.mark.parametrize("kind", LOADERS)
def test_deep_nesting_is_one_line(tmp_path, kind):
    load, _ = LOADERS[kind]
    path = tmp_path / "deep.yaml"
    path.write_text(f"{kind}: " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(InputError, match="nested too deeply"):
        load(str(path))


def test_flavor_name_parse_jsonl_deep_nesting_is_one_line(tmp_path):
    path = tmp_path / "deep.jsonl"
    path.write_text('{"name": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    proc = subprocess.run(
        [sys.executable, "-m", "scs_iaas", "flavor-name", "parse", "--jsonl", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"scs-iaas: error: {path}: line 1: JSON nested too deeply"


def test_volume_type_names_from_flags_are_checked_before_connecting():
    proc = subprocess.run(
        [sys.executable, "-m", "scs_iaas", "manage", "volume-types", "--encrypted-name",
         "LUKS\x1b[2J", "--os-cloud", "does-not-exist"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 2
    assert "--encrypted-name" in proc.stderr and "U+001B" in proc.stderr
    assert "\x1b" not in proc.stderr
