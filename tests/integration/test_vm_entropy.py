"""scs-0101's VM tests for real: the box's guest image booted directly under QEMU, and
`check --with-resources` booting it through Nova on libvirt and reading its console."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from helpers_cli import run_cli

from scs_iaas.box import BoxInfo, guest
from scs_iaas.checks import scs_0101_entropy as e
from scs_iaas.cloud.probes import RESOURCE_PREFIX
from scs_iaas.model.findings import Status
from scs_iaas.standards import entropy

VM_TESTS = "scs-0101-(entropy-avail|fips-test)"


@pytest.fixture(scope="module")
def image() -> guest.GuestImage:
    missing = guest.missing_tools()
    if missing or os.geteuid() != 0:
        why = f"needs root and {', '.join(missing)}" if missing else "needs root (mmdebstrap)"
        pytest.skip(f"cannot build the guest image here: {why} (scs-iaas box install)")
    return guest.build()


def test_guest_image_boots_under_emulation_and_passes(image: guest.GuestImage) -> None:
    result = guest.boot(image, entropy.USER_DATA, entropy.finished, 180, accel="tcg")
    assert result.done, result.console[-2000:]
    assert "scs-guest-init: running the user data script" in result.console
    avail, fips = e.judge_console(result.console, "direct boot")
    assert avail.status is Status.PASS, avail.reason
    assert fips.status is Status.PASS, fips.reason


def test_guest_without_user_data_script_says_so(image: guest.GuestImage) -> None:
    result = guest.boot(
        image, "#cloud-config\n{}\n", lambda text: "scs-guest-init: idle" in text, 180
    )
    assert result.done, result.console[-2000:]
    assert "is not a script (#!): not run" in result.console
    assert entropy.collect(result.console) == {}


@pytest.fixture(scope="module")
def published(box: BoxInfo, admin_conn: Any, image: guest.GuestImage) -> str:
    if box.guests_unavailable:
        pytest.skip(f"the box runs no real guests: {box.guests_unavailable}")
    return guest.publish(admin_conn, image)


def test_check_boots_a_guest_and_passes_both(
    box: BoxInfo, member_conn: Any, published: str
) -> None:
    proc = run_cli(
        box,
        "check",
        "--with-resources",
        "--tests",
        VM_TESTS,
        "-f",
        "json",
        cloud=box.member_cloud,
        timeout=600,
    )
    assert proc.returncode in (0, 1), proc.stderr
    doc = json.loads(proc.stdout)
    by_id = {f["id"]: f for f in doc["findings"]}
    for test_id in ("scs-0101-entropy-avail", "scs-0101-fips-test"):
        assert by_id[test_id]["status"] == "PASS", by_id[test_id]["reason"]
        assert by_id[test_id]["details"]["console"], by_id[test_id]
        assert by_id[test_id]["details"]["boot_seconds"] <= 180
    assert "'_scs-test-entropy-avail: 256'" in by_id["scs-0101-entropy-avail"]["reason"]
    left = [s.name for s in member_conn.compute.servers() if s.name.startswith(RESOURCE_PREFIX)]
    assert left == []


def test_cleanup_sweeps_probe_leftovers(box: BoxInfo, member_conn: Any) -> None:
    net = member_conn.network.create_network(name=f"{RESOURCE_PREFIX}0101-leftover-net")
    try:
        proc = run_cli(box, "check", "--cleanup", cloud=box.member_cloud)
        assert proc.returncode == 0, proc.stderr
        assert member_conn.network.find_network(net.id, ignore_missing=True) is None
    finally:
        member_conn.network.delete_network(net, ignore_missing=True)
