"""The operator's loop on the real local cloud: an empty cloud fails the flavor and image
tests; the managers bring it in line; the same tests then pass, and a rerun changes nothing."""

from __future__ import annotations

import json

import pytest
from helpers_cli import run_cli

from scs_iaas.app.demo import demo_images, empty

pytestmark = pytest.mark.integration
AREAS = r"^scs-01(00|02|03|04|14)-"


def _check(box) -> dict:
    proc = run_cli(box, "check", "-f", "json", "--tests", AREAS, cloud=box.member_cloud)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def test_empty_cloud_fails_then_managers_make_it_pass(box, tmp_path):
    # the demo's --fresh (standard flavors, demo images, LUKS type), through a printed plan
    empty(box.admin_cloud, str(box.clouds_yaml))
    before = _check(box)
    assert before["results"]["scs-0103-flavor-2v-4-20s"] == "FAIL"
    assert before["results"]["scs-0104-image-ubuntu-2404"] == "FAIL"
    assert before["versions"]["v5.1"]["main"] == "FAIL"

    definitions = demo_images(tmp_path)
    for step in (
        ["manage", "flavors", "--set", "all", "--apply"],
        ["manage", "volume-types", "--apply"],
        ["manage", "images", "--definitions", str(definitions), "--apply"],
    ):
        proc = run_cli(box, *step, cloud=box.admin_cloud, timeout=600)
        assert proc.returncode == 0, (step, proc.stdout[-2000:], proc.stderr[-2000:])

    after = _check(box)
    results = after["results"]
    flavor_ids = [i for i in results if i.startswith("scs-0103-")]
    assert len(flavor_ids) == 31
    assert {results[i] for i in flavor_ids} == {"PASS"}
    assert results["scs-0100-syntax-check"] == "PASS"
    assert results["scs-0100-semantics-check"] == "PASS"
    assert results["scs-0104-image-ubuntu-2404"] == "PASS"
    assert results["scs-0104-source-ubuntu-2404"] == "PASS"
    assert results["scs-0104-image-debian-12"] == "PASS"
    assert results["scs-0114-encrypted-type"] == "PASS"
    failing = sorted(
        i for i, s in results.items() if s in ("FAIL", "ABORT") and i.startswith("scs-0102")
    )
    assert failing == [], [
        (f["id"], f["resource"], f["reason"]) for f in after["findings"] if f["id"] in failing
    ]
    # within these areas every main target now passes
    main = after["versions"]["v5.1"]["targets"]["main"]
    assert main["failed"] == [] and main["aborted"] == []

    again = run_cli(box, "manage", "flavors", "--set", "all", "--debug", cloud=box.admin_cloud)
    assert again.returncode == 0 and "in sync" in again.stdout, again.stdout
