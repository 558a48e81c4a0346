"""`scs-iaas check` against the real local cloud: run as a user would (a subprocess), parse
what it prints, and break resources on purpose to see them caught with the right id."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import pytest
from helpers_cli import run_cli

pytestmark = pytest.mark.integration
DATA = Path(__file__).parent.parent / "data"


def check_json(box, *args: str):
    proc = run_cli(box, "check", "-f", "json", *args, cloud=box.member_cloud)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout), proc


def official_ids() -> list[str]:
    lines = (DATA / "scs-api-test-ids.txt").read_text().splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def test_check_reports_every_official_test_id(box):
    doc, proc = check_json(box)
    results = doc["results"]
    missing = [i for i in official_ids() if i not in results]
    assert missing == []
    assert "scs-0117-test-backup" in results  # SKIP without --with-resources
    assert doc["versions"]["v5.1"]["main"] in ("PASS", "FAIL", "TENTATIVE")
    assert "Traceback" not in proc.stderr
    for f in doc["findings"]:
        assert f["status"] in ("PASS", "FAIL", "WARN", "SKIP", "ABORT")
        if f["status"] in ("FAIL", "ABORT"):
            assert f["reason"], f


def test_check_costs_a_handful_of_requests(box):
    doc, _ = check_json(box)
    # token + flavors + 2 image lists + volume types + default SG rules + networks, plus
    # version discovery; the official suite makes 8 for its 84 tests
    assert doc["api_requests"] <= 12, doc["api_requests"]


def test_admin_credentials_are_refused_unless_allowed(box):
    proc = run_cli(box, "check", "--tests", "scs-0123", cloud=box.admin_cloud)
    assert proc.returncode == 2
    assert "plain member" in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    ok = run_cli(box, "check", "--tests", "scs-0123", "--allow-admin", cloud=box.admin_cloud)
    assert ok.returncode in (0, 1), ok.stderr


def test_unknown_cloud_is_a_one_line_error(box):
    proc = run_cli(box, "check", cloud="no-such-cloud")
    assert proc.returncode == 2
    assert "no-such-cloud" in proc.stderr and "Traceback" not in proc.stderr
    assert "box-member" in proc.stderr  # lists the known entries


def test_broken_resources_are_caught(box, admin_conn):
    tag = secrets.token_hex(3)
    bad_flavor_name = f"SCS-2C-4ou-10n-{tag}"
    bad_type_name = f"scs-iaas-test-double-{tag}"
    bad_image_name = f"scs-iaas-test-baddate-{tag}"
    made = []
    try:
        made.append(
            (
                "flavor",
                admin_conn.compute.create_flavor(name=bad_flavor_name, vcpus=2, ram=4096, disk=10),
            )
        )
        made.append(
            (
                "type",
                admin_conn.block_storage.create_type(
                    name=bad_type_name, description="[scs:encrypted,encrypted] twice"
                ),
            )
        )
        img = admin_conn.image.create_image(
            name=bad_image_name,
            disk_format="raw",
            container_format="bare",
            visibility="public",
            image_build_date="2024-13-01",
            architecture="x86_64",
        )
        made.append(("image", img))
        doc, _ = check_json(
            box, "--tests", "scs-0100-syntax|scs-0114-syntax|scs-0102-prop-image_build_date"
        )
        by = {(f["id"], f["resource"]): f for f in doc["findings"]}
        syntax = by[("scs-0100-syntax-check", f"flavor {bad_flavor_name}")]
        assert syntax["status"] == "FAIL" and "position" in syntax["reason"]
        vt = by[("scs-0114-syntax-check", bad_type_name)]
        assert vt["status"] == "FAIL" and "encrypted" in vt["reason"]
        hits = [
            f
            for (i, r), f in by.items()
            if i == "scs-0102-prop-image_build_date" and bad_image_name in r
        ]
        assert hits and hits[0]["status"] == "FAIL", hits
        assert doc["results"]["scs-0100-syntax-check"] == "FAIL"
    finally:
        for kind, res in reversed(made):
            if kind == "flavor":
                admin_conn.compute.delete_flavor(res, ignore_missing=True)
            elif kind == "type":
                admin_conn.block_storage.delete_type(res, ignore_missing=True)
            else:
                admin_conn.image.delete_image(res, ignore_missing=True)


def test_standard_flavor_with_wrong_ram_is_caught(box, admin_conn):
    """Replace SCS-2V-4-20s by one with half the RAM, check, then put the right one back."""
    from scs_iaas.standards.flavors import standard_flavors

    want = next(f for f in standard_flavors("all") if f.name == "SCS-2V-4-20s")
    old = admin_conn.compute.find_flavor(want.name, ignore_missing=True)
    if old is not None:
        admin_conn.compute.delete_flavor(old)
    bad = admin_conn.compute.create_flavor(
        name=want.name, vcpus=want.vcpus, ram=want.ram_mib // 2, disk=want.disk_gb or 0
    )
    try:
        admin_conn.compute.create_flavor_extra_specs(bad, dict(want.extra_specs))
        doc, _ = check_json(box, "--tests", "scs-0103-flavor-2v-4-20s$")
        [f] = [f for f in doc["findings"] if f["id"] == "scs-0103-flavor-2v-4-20s"]
        assert f["status"] == "FAIL"
        assert f"ram {want.ram_mib // 2} MiB, expected {want.ram_mib}" in f["reason"]
        assert f["fix"].startswith("scs-iaas manage flavors")
    finally:
        admin_conn.compute.delete_flavor(bad, ignore_missing=True)
        good = admin_conn.compute.create_flavor(
            name=want.name, vcpus=want.vcpus, ram=want.ram_mib, disk=want.disk_gb or 0
        )
        admin_conn.compute.create_flavor_extra_specs(good, dict(want.extra_specs))


@pytest.mark.parametrize("fmt", ["junit", "html", "scs-yaml", "text"])
def test_every_format_renders_on_the_live_cloud(box, fmt, tmp_path):
    out = tmp_path / f"report.{fmt}"
    proc = run_cli(box, "check", "-f", fmt, "-o", str(out), cloud=box.member_cloud)
    assert proc.returncode in (0, 1), proc.stderr
    text = out.read_text()
    # every format carries the test ids or, for people, the verdict per certificate version
    assert ("scs-0103" in text) if fmt != "text" else ("main:" in text)


def test_with_resources_runs_backup_test_and_leaks_nothing(box, member_conn):
    proc = run_cli(
        box, "check", "-f", "json", "--tests", "scs-0116|scs-0117", "--with-resources",
        cloud=box.member_cloud, timeout=600,
    )  # fmt: skip
    assert proc.returncode in (0, 1), proc.stderr
    doc = json.loads(proc.stdout)
    [backup] = [f for f in doc["findings"] if f["id"] == "scs-0117-test-backup"]
    if box.volume_unavailable:
        # no cinder-volume on this machine: the test must fail with the API's reason
        assert backup["status"] == "FAIL", backup
    else:
        assert backup["status"] == "PASS", backup
    assert doc["results"]["scs-0116-permissions"] == "PASS"  # no key manager: nothing denied
    leftovers = [
        v.name
        for v in member_conn.block_storage.volumes()
        if (v.name or "").startswith("scs-iaas-check-")
    ]
    assert leftovers == []
    sweep = run_cli(box, "check", "--cleanup", cloud=box.member_cloud)
    assert sweep.returncode == 0 and "deleted 0 leftover" in sweep.stdout, (
        sweep.stdout + sweep.stderr
    )


def test_validate_is_check_on_one_area(box):
    proc = run_cli(box, "validate", "flavors", "-f", "json", cloud=box.member_cloud)
    assert proc.returncode in (0, 1), proc.stderr
    ids = {f["id"] for f in json.loads(proc.stdout)["findings"]}
    assert ids and all(i.startswith(("scs-0100-", "scs-0103-", "scs-iaas-flavor")) for i in ids)


def test_security_group_fallback_for_old_neutron_on_the_real_neutron(box, monkeypatch):
    """The box's Neutron has the default-rules API; the fallback (create a group, read its
    rules and the default group's, delete it) still runs against the real Neutron here."""
    from scs_iaas.checks import scs_0115_default_security_groups as c0115
    from scs_iaas.cloud.connection import connect
    from scs_iaas.cloud.probes import rules_of_new_security_groups

    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(box.clouds_yaml))
    cloud = connect(box.member_cloud)
    name = f"scs-iaas-check-default-sg-{secrets.token_hex(3)}"
    rules = rules_of_new_security_groups(cloud, name)
    assert any(r.used_in_non_default_sg and r.direction == "egress" for r in rules)
    assert any(r.used_in_default_sg and r.remote_group_id == "PARENT" for r in rules)
    [finding] = c0115.judge(rules, "fallback")
    assert finding.status.value == "PASS", finding.reason
    assert not [g for g in cloud.conn.network.security_groups() if g.name == name]


def test_old_neutron_error_runs_the_fallback_probe_and_the_check_judges_it(box, monkeypatch):
    """The whole fallback path on the real Neutron: a snapshot whose default-rules read failed
    the way an old Neutron makes it fail (the error read_snapshot builds for a 404), the probe,
    and the check judging the probe's rules instead of ABORT."""
    from dataclasses import replace
    from datetime import UTC, datetime

    from scs_iaas.checks import scs_0115_default_security_groups as c0115
    from scs_iaas.checks.base import Context
    from scs_iaas.cloud.connection import connect
    from scs_iaas.cloud.probes import run_probes
    from scs_iaas.cloud.snapshot import (
        NO_DEFAULT_RULES_API,
        Unsupported,
        read_error,
        read_snapshot,
    )

    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(box.clouds_yaml))
    cloud = connect(box.member_cloud)
    snap = read_snapshot(cloud, {"default_sg_rules"})
    old = read_error("default_sg_rules", Unsupported(NO_DEFAULT_RULES_API))
    snap = replace(snap, default_sg_rules=(), errors={"default_sg_rules": old})
    prefix = f"scs-iaas-check-{secrets.token_hex(3)}-"
    snap = run_probes(cloud, snap, [c0115.PROBE], prefix)
    [finding] = c0115.run(Context(snapshot=snap, now=datetime.now(UTC), with_resources=True))
    assert finding.status.value == "PASS", finding.reason
    assert finding.resource == f"rules of new group {prefix}default-sg"
