"""The confidential-computing check: SKIP without hardware, WARN with the fix, PASS with slots."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from scs_iaas.checks.host_confidential_computing import check, check_nova_sev
from scs_iaas.host.cpu import CpuInfo, read_confidential
from scs_iaas.host.novaconf import read_nova_conf
from scs_iaas.host.root import HostRoot
from scs_iaas.model.findings import Finding, Status

HOSTS = Path(__file__).parents[2] / "data" / "hosts"


def judged(name: str) -> dict[str, Finding]:
    root = HostRoot.of(HOSTS / name)
    return {f.id: f for f in check(read_confidential(root), read_nova_conf(root))}


def test_epyc_snp_all_usable_with_slots() -> None:
    f = judged("epyc-snp")
    assert f["scs-iaas-host-sev"].status == Status.PASS
    assert "907 guest slots" in f["scs-iaas-host-sev"].reason
    assert f["scs-iaas-host-sev-es"].details["guest_slots"] == 99
    assert f["scs-iaas-host-sev-snp"].status == Status.PASS
    assert "amd-sev-snp" in f["scs-iaas-host-sev-snp"].reason
    assert f["scs-iaas-host-sev-nova"].status == Status.PASS
    assert f["scs-iaas-host-sgx"].status == Status.SKIP
    assert f["scs-iaas-host-tdx"].status == Status.SKIP


def test_sev_supported_but_disabled_is_warn_with_kernel_parameter() -> None:
    f = judged("epyc-sev-off")
    sev = f["scs-iaas-host-sev"]
    assert sev.status == Status.WARN
    assert sev.reason == "CPU supports SEV, kvm_amd.sev=N"
    assert "mem_encrypt=on kvm_amd.sev=1" in sev.fix
    assert f["scs-iaas-host-sev-es"].status == Status.WARN
    assert "kvm_amd.sev_es=1" in f["scs-iaas-host-sev-es"].fix
    # EPYC 7302 (Rome) has no SNP: informational, not a failure
    snp = f["scs-iaas-host-sev-snp"]
    assert snp.status == Status.SKIP and "not supported by this CPU" in snp.reason
    assert "scs-iaas-host-sev-nova" not in f  # SEV off: Nova's SEV settings do not matter


def test_xeon_sgx_and_tdx() -> None:
    f = judged("xeon-sgx-tdx")
    assert f["scs-iaas-host-sgx"].status == Status.PASS
    assert "EPC 4096 MiB" in f["scs-iaas-host-sgx"].reason
    assert f["scs-iaas-host-tdx"].status == Status.PASS
    for sev in ("scs-iaas-host-sev", "scs-iaas-host-sev-es", "scs-iaas-host-sev-snp"):
        assert f[sev].status == Status.SKIP and "GenuineIntel" in f[sev].reason


def test_host_with_neither_is_all_skip() -> None:
    f = judged("plain")
    assert {x.status for x in f.values()} == {Status.SKIP}
    assert all("not supported by this CPU" in x.reason for x in f.values())


def test_snp_cpu_but_old_kernel_without_parameter() -> None:
    facts = read_confidential(HostRoot.of(HOSTS / "epyc-snp"))
    old = replace(facts, kvm_params={"kvm_amd": {"sev": True, "sev_es": True}})
    snp = {f.id: f for f in check(old)}["scs-iaas-host-sev-snp"]
    assert snp.status == Status.WARN
    assert "no sev_snp parameter" in snp.reason and "6.11" in snp.fix


def test_snp_param_off_names_the_kernel_parameter() -> None:
    facts = read_confidential(HostRoot.of(HOSTS / "epyc-snp"))
    off = replace(facts, kvm_params={"kvm_amd": {"sev": True, "sev_es": True, "sev_snp": False}})
    snp = {f.id: f for f in check(off)}["scs-iaas-host-sev-snp"]
    assert snp.status == Status.WARN
    assert snp.reason == "CPU supports SEV-SNP, kvm_amd.sev_snp=N"
    assert snp.fix.startswith("add kvm_amd.sev_snp=1 to the kernel command line")


def test_kvm_amd_not_loaded_and_missing_psp() -> None:
    facts = read_confidential(HostRoot.of(HOSTS / "epyc-snp"))
    unloaded = {f.id: f for f in check(replace(facts, kvm_params={}))}
    assert "kvm_amd is not loaded" in unloaded["scs-iaas-host-sev"].reason
    no_psp = {f.id: f for f in check(replace(facts, devices=("/dev/kvm",)))}
    assert no_psp["scs-iaas-host-sev"].status == Status.WARN
    assert "/dev/sev is missing" in no_psp["scs-iaas-host-sev"].reason


def test_kernel_log_unusable_overrides_parameter() -> None:
    facts = read_confidential(HostRoot.of(HOSTS / "epyc-snp"))
    log = replace(facts.kernel_log, sev_es_state="unusable")
    es = {f.id: f for f in check(replace(facts, kernel_log=log))}["scs-iaas-host-sev-es"]
    assert es.status == Status.WARN and "SEV-ES unusable" in es.reason


def test_sgx_without_launch_control_or_vepc() -> None:
    facts = read_confidential(HostRoot.of(HOSTS / "xeon-sgx-tdx"))
    no_lc = replace(facts, cpu=CpuInfo(facts.cpu.vendor, facts.cpu.model_name, ("sgx", "vmx")))
    sgx = {f.id: f for f in check(no_lc)}["scs-iaas-host-sgx"]
    assert sgx.status == Status.WARN and "Flexible Launch Control" in sgx.fix
    no_vepc = replace(facts, devices=("/dev/sgx_enclave", "/dev/kvm"))
    sgx = {f.id: f for f in check(no_vepc)}["scs-iaas-host-sgx"]
    assert sgx.status == Status.WARN and "sgx_vepc" in sgx.reason


def test_tdx_parameter_off() -> None:
    facts = read_confidential(HostRoot.of(HOSTS / "xeon-sgx-tdx"))
    tdx = {f.id: f for f in check(replace(facts, kvm_params={"kvm_intel": {"tdx": False}}))}
    assert tdx["scs-iaas-host-tdx"].status == Status.WARN
    assert "kvm_intel.tdx=1" in tdx["scs-iaas-host-tdx"].fix


def test_nova_sev_prerequisites_all_wrong() -> None:
    """SEV usable (epyc-snp) but the nova.conf of epyc-sev-off: every prerequisite broken."""
    facts = read_confidential(HostRoot.of(HOSTS / "epyc-snp"))
    nova = read_nova_conf(HostRoot.of(HOSTS / "epyc-sev-off"))
    f = check_nova_sev(facts, nova)
    assert f is not None and f.status == Status.WARN
    assert "ram_allocation_ratio 1.5" in f.reason
    assert "pc-i440fx-6.2" in f.reason
    assert "num_memory_encrypted_guests 1000 > 907 SEV ASIDs" in f.reason
    assert "x86_64=q35" in f.fix and "= 907" in f.fix


def test_nova_sev_without_nova_conf_is_skip() -> None:
    facts = read_confidential(HostRoot.of(HOSTS / "epyc-snp"))
    f = check_nova_sev(facts, None)
    assert f is not None and f.status == Status.SKIP


def test_live_machine_does_not_crash() -> None:
    findings = check(read_confidential(HostRoot.of("/")))
    assert {f.id for f in findings} >= {"scs-iaas-host-sev", "scs-iaas-host-sgx"}
    assert all(f.status in (Status.PASS, Status.WARN, Status.SKIP) for f in findings)


def test_inside_a_vm_says_so() -> None:
    facts = read_confidential(HostRoot.of(HOSTS / "epyc-snp"))
    vm = replace(facts, cpu=CpuInfo("AuthenticAMD", "AMD EPYC", ("hypervisor",)), libvirt=None)
    sev = {f.id: f for f in check(vm)}["scs-iaas-host-sev"]
    assert sev.status == Status.SKIP and "a virtual machine" in sev.reason
