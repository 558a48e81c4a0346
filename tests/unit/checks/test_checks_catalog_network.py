"""scs-0115, 0116, 0123, 0125, 0126 on literal snapshots."""

from __future__ import annotations

from helpers_checks import ctx, services

from scs_iaas.app import grading
from scs_iaas.checks import (
    scs_0115_default_security_groups as c0115,
)
from scs_iaas.checks import (
    scs_0116_key_manager as c0116,
)
from scs_iaas.checks import (
    scs_0123_mandatory_services as c0123,
)
from scs_iaas.checks import (
    scs_0125_secure_connections as c0125,
)
from scs_iaas.checks import (
    scs_0126_provider_networks as c0126,
)
from scs_iaas.model.findings import Status
from scs_iaas.model.snapshot import NetworkRec, SecurityGroupRuleRec

FULL = ("compute", "identity", "image", "network", "load-balancer", "placement", "volumev3",
        "object-store-s3")  # fmt: skip


def by_id(findings):
    return {f.id: f for f in findings}


def test_0123_all_services_pass():
    res = by_id(c0123.run(ctx(services=services(*FULL))))
    assert {f.status for f in res.values()} == {Status.PASS}
    assert set(res) == {t.id for t in c0123.TESTS}


def test_0123_missing_load_balancer_and_s3_fail_with_listing():
    res = by_id(c0123.run(ctx(services=services("compute", "identity", "image", "network",
                                                    "placement", "block-storage"))))  # fmt: skip
    assert res["scs-0123-service-load-balancer"].status == Status.FAIL
    assert "it lists: block-storage, compute" in res["scs-0123-service-load-balancer"].reason
    assert res["scs-0123-service-s3"].status == Status.FAIL
    assert res["scs-0123-storage-apis"].status == Status.PASS
    assert res["scs-0123-service-compute"].status == Status.PASS
    assert res["scs-0123-service-load-balancer"].fix  # a failure says how to fix it


def test_0123_no_storage_fails():
    res = by_id(c0123.run(ctx(services=services("compute"))))
    assert res["scs-0123-storage-apis"].status == Status.FAIL


def rule(direction, ethertype, *, group=None, prefix=None, default=True, custom=True, proto=None):
    return SecurityGroupRuleRec(
        id=f"{direction}-{ethertype}-{group}-{prefix}",
        direction=direction,
        ethertype=ethertype,
        protocol=proto,
        remote_group_id=group,
        remote_ip_prefix=prefix,
        used_in_default_sg=default,
        used_in_non_default_sg=custom,
    )


NEUTRON_DEFAULTS = (
    rule("egress", "IPv4"),
    rule("egress", "IPv6"),
    rule("ingress", "IPv4", group="PARENT", custom=False),
    rule("ingress", "IPv6", group="PARENT", custom=False),
)


def test_0115_neutron_defaults_pass():
    [f] = c0115.run(ctx(default_sg_rules=NEUTRON_DEFAULTS))
    assert f.status == Status.PASS


def test_0115_open_ssh_fails():
    rules = (*NEUTRON_DEFAULTS, rule("ingress", "IPv4", prefix="0.0.0.0/0", proto="tcp"))
    [f] = c0115.run(ctx(default_sg_rules=rules))
    assert f.status == Status.FAIL
    assert "from 0.0.0.0/0" in f.reason


def test_0115_parent_rule_in_custom_groups_fails():
    rules = (rule("egress", "IPv4"), rule("egress", "IPv6"),
             rule("ingress", "IPv4", group="PARENT", custom=True))  # fmt: skip
    [f] = c0115.run(ctx(default_sg_rules=rules))
    assert f.status == Status.FAIL and "custom security groups" in f.reason


def test_0115_missing_ipv6_egress_fails():
    rules = (rule("egress", "IPv4"),)
    [f] = c0115.run(ctx(default_sg_rules=rules))
    assert f.status == Status.FAIL
    assert "no IPv6 egress rule for default" in f.reason


def test_0116_without_key_manager():
    res = by_id(grading.grade(c0116.run(ctx(services=services("compute")))))
    # presence is a recommended target: our WARN, the official suite's FAIL
    assert res["scs-0116-presence"].status == Status.WARN
    assert res["scs-0116-presence"].details["official"] == "FAIL"
    assert res["scs-0116-permissions"].status == Status.PASS


def test_0116_permissions_need_resources_flag():
    res = by_id(c0116.run(ctx(services=services("key-manager"))))
    assert res["scs-0116-presence"].status == Status.PASS
    assert res["scs-0116-permissions"].status == Status.SKIP
    assert "--with-resources" in res["scs-0116-permissions"].reason


def test_0125_http_endpoints_warn_https_pass():
    warn = c0125.run(ctx(services=services("compute", "image")))
    assert [f.status for f in warn] == [Status.WARN, Status.WARN]
    ok = c0125.run(ctx(services=services("compute", scheme="https")))
    assert [f.status for f in ok] == [Status.PASS]


def net(name, external=False, default=False):
    return NetworkRec(id=name, name=name, is_router_external=external, is_default=default)


def test_0126_one_default_external_network():
    [f] = c0126.run(ctx(networks=(net("public", True, True), net("private"))))
    assert f.status == Status.PASS
    [f] = c0126.run(ctx(networks=(net("a", True, True), net("b", True, True))))
    assert f.status == Status.WARN and "2 external networks" in f.reason
    [f] = c0126.run(ctx(networks=(net("private"),)))
    assert f.status == Status.WARN


def test_0114_duplicate_aspect_fails_and_encrypted_type_found():
    from scs_iaas.checks import scs_0114_volume_types as c0114
    from scs_iaas.model.snapshot import VolumeTypeRec

    types = (
        VolumeTypeRec(id="1", name="LUKS", description="[scs:encrypted] LUKS"),
        VolumeTypeRec(id="2", name="bad", description="[scs:encrypted,encrypted] twice"),
    )
    found = grading.grade(c0114.run(ctx(volume_types=types)))
    syntax = {f.resource: f for f in found if f.id == "scs-0114-syntax-check"}
    assert syntax["LUKS"].status == Status.PASS
    assert syntax["bad"].status == Status.FAIL
    [enc] = [f for f in found if f.id == "scs-0114-encrypted-type"]
    assert enc.status == Status.PASS and "LUKS" in enc.reason
    [rep] = [f for f in found if f.id == "scs-0114-replicated-type"]
    assert rep.status == Status.WARN and rep.details["official"] == "FAIL"


def test_0114_missing_encrypted_type_points_at_the_manager():
    from scs_iaas.checks import scs_0114_volume_types as c0114
    from scs_iaas.model.snapshot import VolumeTypeRec

    found = grading.grade(c0114.run(ctx(volume_types=(VolumeTypeRec(id="1", name="__DEFAULT__"),))))
    [enc] = [f for f in found if f.id == "scs-0114-encrypted-type"]
    assert enc.status == Status.WARN
    assert enc.fix.startswith("scs-iaas manage volume-types --apply")


def _old_neutron_error():
    """The error read_snapshot records when Neutron (before 2023.2) answers 404 for the
    default-rules API: built by the same function, so its text is the real one."""
    from scs_iaas.cloud.snapshot import NO_DEFAULT_RULES_API, Unsupported, read_error

    return read_error("default_sg_rules", Unsupported(NO_DEFAULT_RULES_API))


def test_0115_old_neutron_error_is_marked_unsupported():
    error = _old_neutron_error()
    assert error.unsupported and error.status == 404
    assert error.reason.startswith("listing default_sg_rules failed: HTTP 404: Neutron has no")


def test_0115_old_neutron_without_resources_aborts_with_the_way_out():
    snap = ctx(services=services("network"), errors={"default_sg_rules": _old_neutron_error()})
    [f] = c0115.run(snap)
    assert f.status == Status.ABORT and "--with-resources" in f.reason


def test_0115_old_neutron_with_resources_judges_the_rules_of_a_new_group():
    """The fallback runs on the error read_snapshot really stores (it used to compare the
    text with the bare constant, so a real 404 gave ABORT even with --with-resources)."""
    from dataclasses import replace

    from scs_iaas.model.snapshot import ProbeResult

    egress = [
        SecurityGroupRuleRec(f"e{i}", "egress", eth, **{scope: True})
        for i, (eth, scope) in enumerate(
            (e, s)
            for e in ("IPv4", "IPv6")
            for s in ("used_in_default_sg", "used_in_non_default_sg")
        )
    ]
    open_ssh = SecurityGroupRuleRec(
        "ssh", "ingress", "IPv4", "tcp", remote_ip_prefix="0.0.0.0/0", used_in_default_sg=True
    )
    for rules, status in ((egress, Status.PASS), ([*egress, open_ssh], Status.FAIL)):
        c = ctx(services=services("network"), errors={"default_sg_rules": _old_neutron_error()})
        probe = ProbeResult(True, "rules of new group g", "g", tuple(rules))
        c = replace(c, snapshot=replace(c.snapshot, probes={c0115.PROBE: probe}))
        [f] = c0115.run(c)
        assert f.status == status, f.reason


def test_0115_other_read_errors_abort():
    from scs_iaas.model.snapshot import ReadError

    error = ReadError("default_sg_rules", "listing failed: HTTP 500", status=500)
    [f] = c0115.run(ctx(services=services("network"), errors={"default_sg_rules": error}))
    assert f.status == Status.ABORT and "HTTP 500" in f.reason


def test_0123_swift_s3_from_the_probe_in_the_snapshot():
    from scs_iaas.model.snapshot import S3Probe

    with_swift = services(*FULL, "object-store")
    s3 = S3Probe("http://swift.example:8080/", 403, True)
    plain = S3Probe("http://swift.example:8080/", 401, False)
    assert (
        by_id(c0123.run(ctx(services=with_swift, s3_probe=s3)))["scs-0123-swift-s3"].status
        == Status.PASS
    )
    f = by_id(c0123.run(ctx(services=with_swift, s3_probe=plain)))["scs-0123-swift-s3"]
    assert f.status == Status.FAIL and "HTTP 401" in f.reason
    assert (
        by_id(c0123.run(ctx(services=services(*FULL))))["scs-0123-swift-s3"].status == Status.PASS
    )


def test_resource_tests_run_only_when_selected():
    from dataclasses import replace

    from scs_iaas.checks import scs_0117_volume_backup as c0117

    c = replace(ctx(services=services("key-manager")), with_resources=True,
                selected=frozenset({"scs-0116-presence"}))  # fmt: skip
    assert [f.id for f in c0116.run(c)] == ["scs-0116-presence"]
    assert c0117.run(c) == []
