"""clouds.yaml problems end in one line naming the cloud, never a traceback or a secret.
Real files, a real (refused) TCP connection on loopback; no mocks."""

from __future__ import annotations

import subprocess
import sys

import pytest

from scs_iaas.cloud.connection import connect
from scs_iaas.cloud.redact import redact, redact_mapping
from scs_iaas.errors import CloudError

SECRET = "s3cr3t-Passw0rd"


@pytest.fixture
def clouds(tmp_path, monkeypatch):
    path = tmp_path / "clouds.yaml"
    path.write_text(
        f"""clouds:
  refused:
    auth:
      auth_url: http://127.0.0.1:9/v3
      username: u
      password: {SECRET}
      project_name: p
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
    identity_api_version: 3
  other:
    auth:
      auth_url: http://127.0.0.1:9/v3
"""
    )
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(path))
    monkeypatch.delenv("OS_CLOUD", raising=False)
    return path


def test_unknown_cloud_lists_known_ones(clouds):
    with pytest.raises(CloudError) as err:
        connect("nope")
    text = str(err.value)
    assert "'nope'" in text and "refused" in text and "other" in text
    assert "\n" not in text


def test_unreachable_keystone(clouds):
    with pytest.raises(CloudError, match=r"cannot reach Keystone at http://127.0.0.1:9/v3"):
        connect("refused")


def test_cli_error_is_one_line_exit_2_without_secret(clouds):
    proc = subprocess.run(
        [sys.executable, "-m", "scs_iaas", "check", "--os-cloud", "refused"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("scs-iaas: error: ")
    assert len(proc.stderr.strip().splitlines()) == 1
    assert SECRET not in proc.stderr + proc.stdout
    assert "Traceback" not in proc.stderr


def test_bad_tests_regex_is_input_error(clouds):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "scs_iaas",
            "check",
            "--tests",
            "scs-(0100",
            "--os-cloud",
            "refused",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and "--tests: bad regular expression" in proc.stderr


def test_redact_hides_passwords_tokens_and_secrets():
    text = "password=hunter2 'application_credential_secret': 'abc' X-Auth-Token: gAAAA123"
    out = redact(text)
    assert "hunter2" not in out and "abc" not in out and "gAAAA123" not in out
    assert redact_mapping({"auth": {"password": "x", "username": "u"}}) == {
        "auth": {"password": "***", "username": "u"}
    }


def test_broken_clouds_yaml_names_file_and_line(tmp_path, monkeypatch):
    path = tmp_path / "clouds.yaml"
    path.write_text("clouds:\n  a:\n    auth:\n   bad: [\n")
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(path))
    with pytest.raises(CloudError, match=rf"{path}:4: not valid YAML"):
        connect("a")


def test_password_in_auth_url_is_not_shown(tmp_path, monkeypatch):
    path = tmp_path / "clouds.yaml"
    path.write_text(
        "clouds:\n  u:\n    auth:\n      auth_url: http://member:URLSECRET@127.0.0.1:9/v3\n"
        "      username: u\n      password: p\n      project_name: p\n"
        "      user_domain_name: Default\n      project_domain_name: Default\n"
    )
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(path))
    with pytest.raises(CloudError) as err:
        connect("u")
    assert "URLSECRET" not in str(err.value) and "***@127.0.0.1:9" in str(err.value)


def test_full_stdout_is_a_one_line_error(clouds):
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "scs_iaas", "flavor-name", "describe", "SCS-2V-4"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    assert proc.returncode == 2
    assert "No space left on device" in proc.stderr and "Traceback" not in proc.stderr
