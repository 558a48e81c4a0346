"""Confidential-computing readers on recorded host trees and literal kernel output."""

from __future__ import annotations

from pathlib import Path

import pytest

from scs_iaas.errors import InputError
from scs_iaas.host.cpu import (
    parse_bool_param,
    parse_cmdline,
    parse_cpuinfo,
    parse_domcapabilities,
    parse_kernel_log,
    read_confidential,
    read_kvm_params,
)
from scs_iaas.host.root import HostRoot

HOSTS = Path(__file__).parents[2] / "data" / "hosts"


def tree(name: str) -> HostRoot:
    return HostRoot.of(HOSTS / name)


def test_cpuinfo_keeps_vendor_model_and_only_cc_flags() -> None:
    cpu = parse_cpuinfo((HOSTS / "epyc-snp/proc/cpuinfo").read_text())
    assert cpu.vendor == "AuthenticAMD"
    assert cpu.model_name == "AMD EPYC 9354 32-Core Processor"
    assert set(cpu.flags) == {"sme", "sev", "sev_es", "sev_snp", "svm"}
    assert not cpu.has("avx2")  # not a CC flag: left out of the facts


def test_cpuinfo_intel_sgx_tdx() -> None:
    cpu = parse_cpuinfo((HOSTS / "xeon-sgx-tdx/proc/cpuinfo").read_text())
    assert cpu.vendor == "GenuineIntel"
    assert {"sgx", "sgx_lc", "tdx_host_platform", "vmx"} <= set(cpu.flags)


def test_cpuinfo_empty_text() -> None:
    assert parse_cpuinfo("").flags == ()


@pytest.mark.parametrize(
    ("raw", "value"),
    [("Y\n", True), ("N", False), ("1", True), ("0", False), ("-1", False), ("auto", None)],
)
def test_kvm_parameter_spellings(raw: str, value: bool | None) -> None:
    assert parse_bool_param(raw) is value


def test_kvm_params_from_trees() -> None:
    assert read_kvm_params(tree("epyc-snp")) == {
        "kvm_amd": {"sev": True, "sev_es": True, "sev_snp": True}
    }
    # an older kernel: kvm_amd loaded without a sev_snp parameter
    assert read_kvm_params(tree("epyc-sev-off")) == {"kvm_amd": {"sev": False, "sev_es": False}}
    assert read_kvm_params(tree("xeon-sgx-tdx")) == {"kvm_intel": {"tdx": True}}
    assert read_kvm_params(tree("plain")) == {}


def test_cmdline_picks_cc_keys() -> None:
    text = "ro quiet mem_encrypt=on kvm_amd.sev=1 kvm_intel.tdx kvm_amd.nested=0"
    assert parse_cmdline(text) == {"mem_encrypt": "on", "kvm_amd.sev": "1", "kvm_intel.tdx": "1"}


def test_kernel_log_newer_kernel_asid_ranges() -> None:
    log = parse_kernel_log((HOSTS / "epyc-snp/_commands/dmesg.txt").read_text())
    assert (log.sev_asids, log.sev_es_asids, log.sev_snp_asids) == (907, 99, 99)
    assert (log.sev_state, log.sev_es_state, log.sev_snp_state) == ("enabled",) * 3
    assert log.sev_firmware == "1.55 build 21"
    assert log.readable


def test_kernel_log_older_kernel_and_unusable() -> None:
    log = parse_kernel_log(
        "[ 5.1] SEV supported: 410 ASIDs\n[ 5.2] SEV-ES supported: 99 ASIDs\n"
        "[ 5.3] kvm_amd: SEV-SNP unusable\n"
    )
    assert (log.sev_asids, log.sev_es_asids, log.sev_snp_asids) == (410, 99, None)
    assert log.sev_snp_state == "unusable"


def test_kernel_log_sgx_and_tdx() -> None:
    log = parse_kernel_log((HOSTS / "xeon-sgx-tdx/_commands/dmesg.txt").read_text())
    assert log.sgx_epc_sections == 2
    assert log.tdx_initialized
    assert log.sev_asids is None


def test_domcapabilities_sev() -> None:
    caps = parse_domcapabilities(
        (HOSTS / "epyc-snp/_commands/virsh-domcapabilities.xml").read_text(), "recorded"
    )
    assert caps.sev_supported
    assert (caps.sev_max_guests, caps.sev_max_es_guests) == (907, 99)
    assert not caps.sgx_supported and not caps.tdx_supported


def test_domcapabilities_sgx_tdx() -> None:
    caps = parse_domcapabilities(
        (HOSTS / "xeon-sgx-tdx/_commands/virsh-domcapabilities.xml").read_text()
    )
    assert caps.sgx_supported and caps.sgx_flc is True
    assert caps.sgx_epc_kib == 4 * 1024 * 1024
    assert caps.tdx_supported
    assert not caps.sev_supported


def test_domcapabilities_without_features_and_bad_xml() -> None:
    assert not parse_domcapabilities("<domainCapabilities/>").sev_supported
    with pytest.raises(InputError, match=r"virsh-out\.xml: not XML"):
        parse_domcapabilities("<domainCapabilities>", "virsh-out.xml")


def test_read_confidential_gathers_every_source() -> None:
    facts = read_confidential(tree("epyc-snp"))
    assert facts.devices == ("/dev/sev", "/dev/kvm")
    assert facts.cmdline["kvm_amd.sev_snp"] == "1"
    assert facts.kernel_log.sev_snp_asids == 99
    assert facts.libvirt is not None and facts.libvirt.sev_max_guests == 907


def test_read_confidential_neither() -> None:
    facts = read_confidential(tree("plain"))
    assert facts.kvm_params == {}
    assert facts.devices == ()
    assert facts.libvirt is None
    assert not facts.kernel_log.readable  # no dmesg recorded, and a tree never runs commands


def test_read_confidential_live_machine() -> None:
    facts = read_confidential(HostRoot.of("/"))
    cpuinfo = Path("/proc/cpuinfo").read_text()
    assert facts.cpu.vendor and facts.cpu.vendor in cpuinfo
    for flag in facts.cpu.flags:
        assert f" {flag}" in cpuinfo
