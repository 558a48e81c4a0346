"""Broken clouds.yaml shapes end in one line naming the file and the field, exit 2, never
"error (internal)" and never the value (it may be a secret). Real files, a refused port."""

from __future__ import annotations

import subprocess
import sys

import pytest

from scs_iaas.cloud.redact import redact, remember_secrets

SECRET = "Zq9-distinctive-pw"
AUTH = (
    'auth_url: "http://127.0.0.1:9/v3", username: u, project_name: p, '
    "user_domain_name: Default, project_domain_name: Default"
)
SHAPES = {
    "clouds-null": ("clouds: ~", "clouds must be a mapping"),
    "clouds-list": ("clouds: [a]", "clouds must be a mapping"),
    "entry-null": ("clouds: {x: ~}", "clouds.x must be a mapping"),
    "entry-string": ("clouds: {x: foo}", "clouds.x must be a mapping"),
    "auth-null": ("clouds: {x: {auth: ~}}", "clouds.x.auth must be a mapping"),
    "auth-list": ("clouds: {x: {auth: [1]}}", "clouds.x.auth must be a mapping"),
    "no-password": (f"clouds: {{x: {{auth: {{{AUTH}}}}}}}", "clouds.x.auth.password is missing"),
    "auth-url-int": ("clouds: {x: {auth: {auth_url: 5}}}", "clouds.x.auth.auth_url must be"),
    "password-list": (
        f"clouds: {{x: {{auth: {{{AUTH}, password: [{SECRET}]}}}}}}",
        "clouds.x.auth.password must be a string, not a list",
    ),
    "password-map": (
        f"clouds: {{x: {{auth: {{{AUTH}, password: {{k: {SECRET}}}}}}}}}",
        "clouds.x.auth.password must be a string, not a mapping",
    ),
    "password-int": (
        f"clouds: {{x: {{auth: {{{AUTH}, password: 918273645}}}}}}",
        "clouds.x.auth.password must be a string, not a number (quote it)",
    ),
    "region-list": (f"clouds: {{x: {{region_name: [a], auth: {{{AUTH}}}}}}}", "region_name"),
    "regions-int": (f"clouds: {{x: {{regions: 5, auth: {{{AUTH}}}}}}}", "clouds.x.regions"),
    "interface-int": (f"clouds: {{x: {{interface: 5, auth: {{{AUTH}}}}}}}", "clouds.x.interface"),
    "interface-bad": (
        f"clouds: {{x: {{interface: private, auth: {{{AUTH}}}}}}}",
        "clouds.x.interface must be one of",
    ),
    "timeout-text": (f"clouds: {{x: {{api_timeout: abc, auth: {{{AUTH}}}}}}}", "api_timeout"),
    "verify-int": (f"clouds: {{x: {{verify: 3, auth: {{{AUTH}}}}}}}", "clouds.x.verify"),
    "cacert-missing": (
        f"clouds: {{x: {{cacert: /nonexistent.pem, auth: {{{AUTH}}}}}}}",
        "clouds.x.cacert names a file that does not exist: /nonexistent.pem",
    ),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_broken_shape_names_file_and_field(tmp_path, shape):
    text, expected = SHAPES[shape]
    path = tmp_path / "clouds.yaml"
    path.write_text(text + "\n")
    env = {"OS_CLIENT_CONFIG_FILE": str(path), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-m", "scs_iaas", "check", "--os-cloud", "x"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "error (internal)" not in lines[0]
    assert str(path) in lines[0] and expected in lines[0], lines[0]
    assert SECRET not in proc.stderr + proc.stdout and "918273645" not in proc.stderr


@pytest.mark.parametrize(
    "value", [[SECRET], {"k": SECRET}, 918273645, ["a", {"b": SECRET}], (SECRET,)], ids=str
)
def test_a_secret_of_any_yaml_type_is_masked_in_any_rendering(value):
    remember_secrets({"clouds": {"x": {"auth": {"password": value}}}})
    for shown in (str(value), repr(value), f"password: {value}", f"body={{'password': {value!r}}}"):
        masked = redact(f"error: {shown} was refused")
        assert SECRET not in masked and "918273645" not in masked, masked


def test_userinfo_in_any_url_is_masked():
    text = redact("GET http://admin:p%40ss%2Fw0rd@127.0.0.1:5000/v3 and https://u:x@h/")
    assert "p%40ss" not in text and "w0rd" not in text and ":x@" not in text
