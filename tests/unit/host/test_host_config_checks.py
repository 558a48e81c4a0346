"""The configuration checks (scs-0101/0116/0117/0121/0125/0127/0302) on recorded trees."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from scs_iaas.checks import host_config
from scs_iaas.host.config import read_config_facts
from scs_iaas.host.root import HostRoot
from scs_iaas.model.findings import Finding, Status

HOSTS = Path(__file__).parents[2] / "data" / "hosts"


def judge(tree: str | Path) -> list[Finding]:
    path = tree if isinstance(tree, Path) else HOSTS / tree
    return host_config.check(read_config_facts(HostRoot.of(path)))


def by_id(findings: list[Finding]) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = {}
    for f in findings:
        out.setdefault(f.id, []).append(f)
    return out


def test_kolla_control_all_pass_and_only_its_services() -> None:
    findings = judge("kolla-control-good")
    assert {f.status for f in findings} == {Status.PASS}
    services = {f.resource.split()[0] for f in findings}
    # a controller: no nova-compute, so no entropy or live-migration verdicts
    assert "nova-compute" not in services and "nova-libvirt" not in services
    assert not any(f.id.startswith("scs-iaas-host-entropy") for f in findings)
    assert {"keystone", "barbican-api", "cinder-backup", "neutron-dhcp-agent"} <= services
    assert all(f.resource.split()[1].startswith("/etc/kolla/") for f in findings)


def test_kolla_compute_bad_names_every_problem() -> None:
    ids = by_id(judge("kolla-compute-bad"))
    assert ids["scs-iaas-host-entropy-cpu"][0].status is Status.FAIL
    guest = ids["scs-iaas-host-entropy-guest-cpu"][0]
    assert guest.status is Status.FAIL and "Westmere" in guest.reason
    assert guest.fix and "cpu_mode" in guest.fix
    assert ids["scs-iaas-host-cross-az-attach"][0].status is Status.WARN
    assert "= True" in ids["scs-iaas-host-cross-az-attach"][0].reason
    listen = ids["scs-iaas-host-libvirt-listen"][0]
    assert listen.status is Status.WARN and 'auth_tcp = "none"' in listen.reason
    assert ids["scs-iaas-host-tls-live-migration"][0].status is Status.WARN
    internal = ids["scs-iaas-host-tls-internal-endpoints"][0]
    assert "http://api-int.example.cloud:5000" in internal.reason
    # the node runs neither keystone nor a database client: those standards are not judged
    assert "scs-iaas-host-keystone-policy-scope" not in ids
    assert "scs-iaas-host-tls-database" not in ids


def test_packaged_control_bad_judges_running_services_only() -> None:
    findings = judge("packaged-control-bad")
    ids = by_id(findings)
    services = {f.resource.split()[0] for f in findings}
    # /etc/nova and /etc/glance are there, but no nova or glance process runs
    assert not services & {"nova-api", "nova-compute", "glance-api"}
    kek = ids["scs-iaas-host-barbican-kek"][0]
    assert kek.status is Status.FAIL and "simple_crypto" in kek.reason
    assert kek.standard == "scs-0116"
    policy = ids["scs-iaas-host-keystone-policy-scope"][0]
    assert policy.status is Status.FAIL and "enforce_new_defaults = False" in policy.reason
    backup = ids["scs-iaas-host-backup-separate-storage"][0]
    assert backup.status is Status.WARN and "ceph" in backup.reason
    assert ids["scs-iaas-host-dnsmasq-local-resolv"][0].status is Status.WARN
    assert ids["scs-iaas-host-dns-integration"][0].status is Status.WARN
    assert {f.status for f in ids["scs-iaas-host-tls-database"]} == {Status.WARN}
    # secrets never show: the recorded tree is redacted, and reasons carry no userinfo
    assert not any("openstack:" in f.reason or "<redacted>" in f.reason for f in findings)


def test_packaged_arm64_compute_passes() -> None:
    ids = by_id(judge("packaged-compute-good"))
    assert ids["scs-iaas-host-entropy-cpu"][0].reason == "arm64 CPU offers RNDR"
    assert all(f.status is Status.PASS for fs in ids.values() for f in fs)
    assert "?ssl=1" in ids["scs-iaas-host-tls-messaging"][0].reason


def test_standards_and_versions() -> None:
    findings = judge("kolla-compute-bad") + judge("packaged-control-bad")
    standards = {f.id: f.standard for f in findings}
    assert standards["scs-iaas-host-entropy-cpu"] == "scs-0101"
    assert standards["scs-iaas-host-cross-az-attach"] == "scs-0121"
    assert standards["scs-iaas-host-tls-messaging"] == "scs-0125"
    assert standards["scs-iaas-host-dnsmasq-local-resolv"] == "scs-0127"
    assert standards["scs-iaas-host-keystone-policy-scope"] == "scs-0302"
    assert standards["scs-iaas-host-backup-separate-storage"] == "scs-0117"
    # drafts never FAIL
    assert not [f for f in findings if f.version == "draft" and f.status is Status.FAIL]


def test_defaults_are_judged_as_defaults(tmp_path: Path) -> None:
    tree = tmp_path / "node"
    (tree / "proc").mkdir(parents=True)
    shutil.copy(HOSTS / "plain" / "proc" / "cpuinfo", tree / "proc" / "cpuinfo")
    for d in ("nova-compute", "neutron-dhcp-agent", "keystone", "barbican-api", "cinder-backup"):
        (tree / "etc" / "kolla" / d).mkdir(parents=True)
    # no config files at all: every option at its default
    ids = by_id(judge(tree))
    assert ids["scs-iaas-host-entropy-guest-cpu"][0].status is Status.PASS  # host-model
    assert "default (host-model)" in ids["scs-iaas-host-entropy-guest-cpu"][0].reason
    assert ids["scs-iaas-host-cross-az-attach"][0].status is Status.WARN  # default True
    assert ids["scs-iaas-host-dnsmasq-local-resolv"][0].status is Status.PASS  # default False
    assert ids["scs-iaas-host-keystone-policy-scope"][0].status is Status.WARN  # release-dependent
    kek = ids["scs-iaas-host-barbican-kek"][0]
    assert kek.status is Status.FAIL and "sample KEK" in kek.reason
    backup = ids["scs-iaas-host-backup-separate-storage"][0]
    assert backup.status is Status.PASS and "Swift" in backup.reason


def test_unreadable_and_malformed_files_abort(tmp_path: Path) -> None:
    tree = tmp_path / "node"
    shutil.copytree(HOSTS / "kolla-compute-bad", tree)
    # the collector recorded that it could not read the file on the node
    (tree / "_collect.json").write_text(
        '{"errors": {"/etc/kolla/nova-compute/nova.conf": "Permission denied"}}'
    )
    ids = by_id(judge(tree))
    guest = ids["scs-iaas-host-entropy-guest-cpu"][0]
    assert guest.status is Status.ABORT
    assert guest.reason == "/etc/kolla/nova-compute/nova.conf: cannot be read (Permission denied)"
    # libvirtd.conf is still judged
    assert ids["scs-iaas-host-libvirt-listen"][0].status is Status.WARN
    (tree / "_collect.json").unlink()
    conf = tree / "etc" / "kolla" / "nova-compute" / "nova.conf"
    conf.write_text("[cinder]\ncross_az_attach = perhaps\npassword = hunter2\n")
    cross = by_id(judge(tree))["scs-iaas-host-cross-az-attach"][0]
    assert cross.status is Status.ABORT and "not a boolean" in cross.reason
    conf.write_text("no section header\npassword = hunter2\n")
    findings = judge(tree)
    aborted = [f for f in findings if f.status is Status.ABORT]
    assert aborted and all("nova.conf:1: not a valid INI file" in f.reason for f in aborted)
    assert not any("hunter2" in f.reason for f in findings)


@pytest.mark.parametrize(
    ("mode", "models", "extra", "status"),
    [
        ("host-passthrough", "", "", Status.PASS),
        ("host-model", "", "-rdrand,-rdseed", Status.FAIL),
        ("host-model", "", "-rdseed", Status.WARN),
        ("none", "", "", Status.FAIL),
        ("custom", "Westmere", "+rdrand", Status.PASS),
        ("custom", "Haswell-noTSX-IBRS", "", Status.PASS),
        ("custom", "Cascadelake-Server", "", Status.PASS),
        ("custom", "Nehalem,EPYC", "", Status.FAIL),
        ("custom", "", "", Status.FAIL),
    ],
)
def test_cpu_mode_table(tmp_path: Path, mode: str, models: str, extra: str, status: Status) -> None:
    tree = tmp_path / "node"
    conf = tree / "etc" / "kolla" / "nova-compute" / "nova.conf"
    conf.parent.mkdir(parents=True)
    (tree / "proc").mkdir()
    shutil.copy(HOSTS / "plain" / "proc" / "cpuinfo", tree / "proc" / "cpuinfo")
    lines = ["[libvirt]", f"cpu_mode = {mode}"]
    if models:
        lines.append(f"cpu_models = {models}")
    if extra:
        lines.append(f"cpu_model_extra_flags = {extra}")
    conf.write_text("\n".join(lines) + "\n")
    guest = by_id(judge(tree))["scs-iaas-host-entropy-guest-cpu"][0]
    assert guest.status is status, guest.reason


def test_summary_counts_of_the_recorded_trees() -> None:
    counts = {t: Counter(f.status.value for f in judge(t)) for t in ("kolla-compute-bad",)}
    assert counts["kolla-compute-bad"] == {"FAIL": 2, "WARN": 5}


def test_api_facts_manager_role_and_extensions() -> None:
    from scs_iaas.checks import host_scs_0127_dns, host_scs_0302_domain_manager
    from scs_iaas.model.host_api import HostApiFacts

    good = HostApiFacts("c", ("admin", "manager", "member"), "", ("dns-integration",), "")
    (role,) = host_scs_0302_domain_manager.check_api(good)
    assert role.status is Status.PASS and role.standard == "scs-0302"
    ext = {f.id: f.status for f in host_scs_0127_dns.check_api(good)}
    assert ext == {
        "scs-iaas-host-dns-integration": Status.PASS,
        "scs-iaas-host-dns-domain-ports": Status.WARN,
    }
    bad = HostApiFacts("c", ("admin", "member"), "", None, "403 Forbidden")
    (role,) = host_scs_0302_domain_manager.check_api(bad)
    assert role.status is Status.FAIL and "admin, member" in role.reason
    assert {f.status for f in host_scs_0127_dns.check_api(bad)} == {Status.ABORT}
    refused = HostApiFacts("c", None, "403: You are not authorized", (), "")
    (role,) = host_scs_0302_domain_manager.check_api(refused)
    assert role.status is Status.ABORT and "403" in role.reason


def test_config_file_arguments_of_the_process_are_read(tmp_path: Path) -> None:
    """A service started with --config-file elsewhere is judged from those files, merged in
    order; a packaged service that runs without its file is an ABORT, not a guess."""
    import tarfile

    from scs_iaas.host.collect import collect

    tree = tmp_path / "node"
    shutil.copytree(HOSTS / "packaged-compute-good", tree)
    etc = tree / "srv" / "box" / "etc" / "nova"
    etc.mkdir(parents=True)
    shutil.move(tree / "etc" / "nova" / "nova.conf", etc / "nova.conf")
    (etc / "driver.conf").write_text("[cinder]\ncross_az_attach = true\n")
    (tree / "_commands" / "processes.txt").write_text(
        "nova-compute: master process [/usr/bin/nova-compute --config-file "
        "/srv/box/etc/nova/nova.conf --config-file=/srv/box/etc/nova/driver.conf]\n"
        "/usr/bin/uwsgi --ini keystone-uwsgi.ini --module keystone.wsgi.api:application\n"
    )
    ids = by_id(judge(tree))
    cross = ids["scs-iaas-host-cross-az-attach"][0]
    assert cross.resource == (
        "nova-compute /srv/box/etc/nova/nova.conf + /srv/box/etc/nova/driver.conf"
    )
    assert cross.status is Status.WARN and "= True" in cross.reason  # the later file wins
    assert ids["scs-iaas-host-entropy-guest-cpu"][0].status is Status.PASS  # host-passthrough
    policy = ids["scs-iaas-host-keystone-policy-scope"][0]
    assert policy.status is Status.ABORT and "names no --config-file" in policy.reason
    # the collector takes those files along (redacted like the others)
    archive = tmp_path / "n.tar.gz"
    collect(str(archive), str(tree))
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert {"srv/box/etc/nova/nova.conf", "srv/box/etc/nova/driver.conf"} <= names


def test_api_catalog_internal_and_admin_endpoints() -> None:
    from scs_iaas.checks import host_scs_0125_secure_connections as s0125
    from scs_iaas.model.host_api import HostApiFacts

    api = HostApiFacts(
        "c",
        endpoints=(
            ("compute", "admin", "http://ctl:8774/v2.1"),
            ("compute", "internal", "https://int.example:8774/v2.1"),
            ("compute", "public", "http://api.example:8774/v2.1"),
        ),
    )
    found = {f.resource: f.status for f in s0125.check_api(api)}
    assert found == {
        "catalog (c) compute admin http://ctl:8774": Status.WARN,
        "catalog (c) compute internal https://int.example:8774": Status.PASS,
    }  # public endpoints are the cloud check's
    assert s0125.api_tls_targets(api) == {("int.example", 8774): ["catalog: compute internal"]}
    refused = s0125.check_api(HostApiFacts("c", endpoints_error="403"))
    assert [f.status for f in refused] == [Status.ABORT]


def test_a_malformed_url_is_judged_not_a_crash(tmp_path: Path) -> None:
    tree = tmp_path / "node"
    shutil.copytree(HOSTS / "packaged-compute-good", tree)
    conf = tree / "etc" / "nova" / "nova.conf"
    conf.write_text(
        conf.read_text().replace(
            "auth_url = https://keystone.int.example.cloud:5000",
            "auth_url = http://keystone.int.example.cloud:50x0",
        )
    )
    internal = by_id(judge(tree))["scs-iaas-host-tls-internal-endpoints"][0]
    assert internal.status is Status.WARN
    assert "http://keystone.int.example.cloud (" in internal.reason
