"""Secrets against the real Keystone of the box: a password that YAML reads as a list, a map
or an int, a wrong password, an auth_url with user:password@ — none of them ever appears in
output, with or without --debug. A region or interface the catalog does not have is one line,
exit 2 (not 84 ABORTs)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.integration

WRONG = "Wr0ng-but-distinctive-4711"


def _clouds(box, tmp_path: Path, **changes) -> tuple[Path, str]:
    config = yaml.safe_load(Path(box.clouds_yaml).read_text())
    entry = config["clouds"][box.member_cloud]
    real = entry["auth"]["password"]
    auth = changes.pop("auth", {})
    entry = {**entry, **changes, "auth": {**entry["auth"], **auth}}
    path = tmp_path / "clouds.yaml"
    path.write_text(yaml.safe_dump({"clouds": {"t": entry}}))
    return path, real


def _run(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, OS_CLIENT_CONFIG_FILE=str(path))
    env.pop("OS_CLOUD", None)
    return subprocess.run(
        [sys.executable, "-m", "scs_iaas", *args, "--os-cloud", "t"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _real(box) -> str:
    return yaml.safe_load(Path(box.clouds_yaml).read_text())["clouds"][box.member_cloud]["auth"][
        "password"
    ]


@pytest.mark.parametrize("shape", ["list", "map", "int", "nested"])
@pytest.mark.parametrize("debug", [False, True])
def test_password_of_any_yaml_type_never_shows(box, tmp_path, shape, debug):
    real = _real(box)
    value = {"list": [real], "map": {"p": real}, "int": 918273645, "nested": [{"p": [real]}]}
    path, _ = _clouds(box, tmp_path, auth={"password": value[shape]})
    proc = _run(path, *(["--debug"] if debug else []), "check")
    assert proc.returncode == 2
    shown = proc.stdout + proc.stderr
    assert real not in shown and "918273645" not in shown
    assert "password must be a string" in proc.stderr.splitlines()[-1]


@pytest.mark.parametrize("debug", [False, True])
def test_wrong_password_never_shows(box, tmp_path, debug):
    path, _ = _clouds(box, tmp_path, auth={"password": WRONG})
    proc = _run(path, *(["--debug"] if debug else []), "check")
    assert proc.returncode == 2
    assert "authentication failed" in proc.stderr
    assert WRONG not in proc.stdout + proc.stderr


def test_debug_output_masks_user_and_password_in_urls(box, tmp_path):
    real = _real(box)
    config = yaml.safe_load(Path(box.clouds_yaml).read_text())
    url = config["clouds"][box.member_cloud]["auth"]["auth_url"]
    with_userinfo = url.replace("://", f"://member:{real}@", 1)
    path, _ = _clouds(box, tmp_path, auth={"auth_url": with_userinfo})
    proc = _run(path, "--debug", "check", "--tests", "^scs-0103-flavor-1v-4$", "-f", "json")
    shown = proc.stdout + proc.stderr
    assert real not in shown, shown[-2000:]
    assert "member:" not in shown


def test_wrong_region_is_one_line_exit_2(box, tmp_path):
    path, _ = _clouds(box, tmp_path, region_name="NoSuchRegion")
    proc = _run(path, "check")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "NoSuchRegion" in lines[0] and "RegionOne" in lines[0], lines
    assert proc.stdout == ""


def test_wrong_interface_is_one_line_exit_2(box, tmp_path):
    path, _ = _clouds(box, tmp_path, interface="private")
    proc = _run(path, "check")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "interface must be one of public, internal, admin" in lines[0]
