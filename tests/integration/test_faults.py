"""Faults of the real local cloud, injected by a proxy on loopback (never by stopping the shared
box's processes): a frozen API, 503/500 answers, connection resets. Every run ends in bounded
time with one line; a kind that cannot be read ABORTs only the tests that need it; reads are
retried, writes never; a manager whose read fails changes nothing.

The test clouds.yaml is the box's, with ``<service>_endpoint_override`` of compute, image,
block-storage and network pointing at one proxy each (Keystone stays direct).
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from faultproxy import FaultProxy

pytestmark = pytest.mark.integration

# --timeout of the runs under test: the read timeout per attempt. Not shorter: a token from
# the shared box's Keystone can take a few seconds while other suites run on its 2 cores.
TIMEOUT = 5.0
# keystoneauth: 3 attempts x (connect + read timeout) + 0.5 + 1 s backoff, per request; a run
# may make a few such requests one after the other (a list, then its next page)
BOUND = 75.0  # 3 x (5 + 5) + 1.5 s per frozen request; a run may wait on two in a row
PREFIX = f"s11-fault-{secrets.token_hex(3)}-"

SERVICES = {  # override key in clouds.yaml -> catalog service type
    "compute": "compute",
    "image": "image",
    "block_storage": "block-storage",
    "network": "network",
}


class Proxied:
    def __init__(self, box, tmp: Path) -> None:
        from scs_iaas.cloud.connection import connect

        os.environ["OS_CLIENT_CONFIG_FILE"] = str(box.clouds_yaml)
        cloud = connect(box.admin_cloud)
        urls = {}
        for s in cloud.catalog:
            for ep in s["endpoints"]:
                if ep["interface"] == "public":
                    urls[s["type"]] = ep["url"]
        self.proxies: dict[str, FaultProxy] = {}
        overrides = {}
        for key, stype in SERVICES.items():
            parts = urlsplit(urls[stype])
            proxy = FaultProxy(parts.port or 80).start()
            self.proxies[key] = proxy
            path = parts.path
            if key == "block_storage":  # the catalog URL carries the project id
                path = "/".join(path.split("/")[:2]) + "/%(project_id)s"
            overrides[f"{key}_endpoint_override"] = proxy.url + path
        config = yaml.safe_load(Path(box.clouds_yaml).read_text())
        clouds = {}
        for name in (box.admin_cloud, box.member_cloud):
            clouds[f"px-{name}"] = {**config["clouds"][name], **overrides}
        self.clouds_yaml = tmp / "clouds.yaml"
        self.clouds_yaml.write_text(yaml.safe_dump({"clouds": clouds}))
        self.admin = f"px-{box.admin_cloud}"
        self.member = f"px-{box.member_cloud}"
        self.tmp = tmp

    def run(self, *args: str, cloud: str, timeout: float = 300) -> tuple[int, str, str, float]:
        env = dict(os.environ, OS_CLIENT_CONFIG_FILE=str(self.clouds_yaml))
        env.pop("OS_CLOUD", None)
        cmd = [sys.executable, "-m", "scs_iaas", "--timeout", str(TIMEOUT), *args]
        cmd += ["--os-cloud", cloud]
        started = time.monotonic()
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
        return proc.returncode, proc.stdout, proc.stderr, time.monotonic() - started

    def close(self) -> None:
        for p in self.proxies.values():
            p.close()


@pytest.fixture
def px(box, tmp_path) -> Iterator[Proxied]:
    proxied = Proxied(box, tmp_path)
    try:
        yield proxied
    finally:
        proxied.close()


def _one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def _report(stdout: str) -> dict:
    return json.loads(stdout)


# -- 1. a frozen API: bounded time, ABORT only what needs it --------------------------------


def test_check_with_frozen_compute_aborts_only_compute_tests(px):
    px.proxies["compute"].inject("freeze")
    rc, out, err, took = px.run("check", "-f", "json", cloud=px.member)
    assert took < BOUND, took
    assert rc in (0, 1), err
    doc = _report(out)
    results = doc["results"]
    aborted = {i for i, s in results.items() if s == "ABORT"}
    assert "scs-0103-flavor-2v-4-20s" in aborted
    assert "scs-0100-syntax-check" in aborted
    # images, volume types and security groups are read from services that answer
    assert results["scs-0114-encrypted-type"] != "ABORT"
    assert not any(i.startswith("scs-0104-") for i in aborted), aborted
    reasons = {f["reason"] for f in doc["findings"] if f["id"] == "scs-0103-flavor-2v-4-20s"}
    assert any("timed out" in r for r in reasons), reasons


def test_manage_flavors_with_frozen_compute_stops_in_bounded_time(px):
    px.proxies["compute"].inject("freeze")
    rc, _out, err, took = px.run("manage", "flavors", "--apply", cloud=px.admin)
    assert took < BOUND, took
    assert rc == 2
    line = _one_line(err)
    assert "flavors" in line and "timed out" in line, line
    seen = px.proxies["compute"].seen
    assert seen and {s.method for s in seen} == {"GET"}  # stopped before any write


def test_manage_images_with_frozen_glance_writes_nothing(px, tmp_path):
    from scs_iaas.app.demo import demo_images

    definitions = demo_images(tmp_path)
    px.proxies["image"].inject("freeze")
    rc, _out, err, took = px.run(
        "manage", "images", "--definitions", str(definitions), "--apply", cloud=px.admin
    )
    assert took < BOUND, took
    assert rc == 2
    assert "timed out" in _one_line(err)
    assert {s.method for s in px.proxies["image"].seen} == {"GET"}


def test_upgrade_check_with_frozen_compute_ends_in_one_line(px):
    px.proxies["compute"].inject("freeze")
    rc, out, err, took = px.run("upgrade", "check", "--to", "2025.1", cloud=px.admin)
    assert took < BOUND, took
    assert rc == 2, (out, err)
    assert "nova" in _one_line(err).lower() and "timed out" in err


# -- 6. transient faults are retried (reads only) -------------------------------------------


@pytest.mark.parametrize(
    ("mode", "status"), [("status", 503), ("status", 502), ("status", 504), ("reset", 0)]
)
def test_transient_fault_on_a_read_is_retried(px, mode, status):
    proxy = px.proxies["compute"]
    proxy.inject(mode, 2, status=status)
    rc, out, err, _took = px.run("check", "-f", "json", "--tests", "^scs-0103-", cloud=px.member)
    assert rc in (0, 1), err
    results = _report(out)["results"]
    assert "ABORT" not in set(results.values()), results
    assert len(proxy.faults()) == 2  # both faults were met, and the third try got through
    assert proxy.seen[-1].fault == "pass"


def test_a_500_is_not_retried_and_aborts_only_its_kind(px):
    proxy = px.proxies["image"]
    proxy.inject("status", None, status=500)
    rc, out, err, _took = px.run(
        "check", "-f", "json", "--tests", "^scs-0104-|^scs-0103-", cloud=px.member
    )
    assert rc in (0, 1), err
    doc = _report(out)
    results = doc["results"]
    assert results["scs-0104-image-ubuntu-2404"] == "ABORT"
    assert "ABORT" not in {s for i, s in results.items() if i.startswith("scs-0103-")}
    # Glance is read twice (visible and hidden images), each read once: no retry of a 500
    assert len(proxy.faults()) <= 2


def test_list_reads_go_through_the_endpoint_override(px):
    rc, _out, err, _ = px.run(
        "check", "-f", "json", "--tests", "^scs-0103-|^scs-0104-", cloud=px.member
    )
    assert rc in (0, 1), err
    assert any("/flavors/detail" in s.path for s in px.proxies["compute"].seen)
    assert any("/v2/images" in s.path for s in px.proxies["image"].seen)


@pytest.mark.parametrize("mode", ["status", "reset"])
def test_a_write_is_never_repeated(px, tmp_path, mode):
    """A create whose answer is a 503 or a reset is sent once: it may have happened."""
    name = f"{PREFIX}{mode}"
    defs = tmp_path / "flavors.yaml"
    defs.write_text(
        yaml.safe_dump({"flavors": [{"name": name, "vcpus": 1, "ram": 512, "disk": 0}]})
    )
    proxy = px.proxies["compute"]
    # the first POST meets the fault; GETs before it pass
    proxy.inject(mode, 1, status=503, method="POST")
    try:
        rc, out, err, _ = px.run(
            "manage",
            "flavors",
            "--set",
            "none",
            "--definitions",
            str(defs),
            "--apply",
            cloud=px.admin,
        )
        assert rc == 2, (out, err)
        _one_line(err)
        posts = [s for s in proxy.seen if s.method == "POST"]
        assert len(posts) == 1, posts
    finally:
        _delete_flavor(px, name)


def _delete_flavor(px, name: str) -> None:
    from scs_iaas.cloud.connection import connect

    os.environ["OS_CLIENT_CONFIG_FILE"] = str(px.clouds_yaml)
    proxy = px.proxies["compute"]
    proxy.inject("pass")
    conn = connect(px.admin).conn
    for f in conn.compute.flavors(is_public=None):
        if f.name == name:
            conn.compute.delete_flavor(f)


def test_a_slow_but_healthy_api_is_not_cut_off(px):
    """Every list answer of Nova takes 1.5 s, under the read timeout: nothing ABORTs."""
    proxy = px.proxies["compute"]
    proxy.inject("delay", None, delay=1.5)
    rc, out, err, took = px.run("check", "-f", "json", "--tests", "^scs-0103-", cloud=px.member)
    assert rc in (0, 1), err
    assert "ABORT" not in set(_report(out)["results"].values())
    assert not [s for s in proxy.seen if s.fault not in ("delay",)]
    assert took >= 1.5


def test_keystone_reset_on_the_token_request_is_retried(px, box):
    """The token request is a read of sorts (a second token harms nothing): a reset of the
    connection to Keystone is retried too."""
    config = yaml.safe_load(px.clouds_yaml.read_text())
    entry = config["clouds"][px.member]
    auth_url = urlsplit(entry["auth"]["auth_url"])
    keystone = FaultProxy(auth_url.port or 80).start()
    try:
        entry["auth"]["auth_url"] = keystone.url + auth_url.path
        px.clouds_yaml.write_text(yaml.safe_dump(config))
        keystone.inject("reset", 1, method="POST")
        rc, _out, err, _ = px.run("check", "-f", "json", "--tests", "^scs-0103-", cloud=px.member)
        assert rc in (0, 1), err
        posts = [s for s in keystone.seen if s.method == "POST"]
        assert [s.fault for s in posts[:2]] == ["reset", "pass"]
    finally:
        keystone.close()
