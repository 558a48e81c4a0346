"""Confidential computing on a compute host: AMD SEV/SEV-ES/SEV-SNP, Intel SGX and TDX.

Per technology the check walks four steps — supported by the CPU, enabled in the kernel,
usable by KVM, guest slots — and names the first one missing with its fix. A CPU without
the technology is not a failure (SKIP "not supported by this CPU"); a CPU that has it while
the kernel or KVM keeps it off is a WARN with the kernel parameter to set.
"""

from __future__ import annotations

from dataclasses import dataclass

from scs_iaas.checks.base import Check, Context
from scs_iaas.host.cpu import CcFacts
from scs_iaas.host.novaconf import NovaConf
from scs_iaas.model.findings import Finding, Status, Test

STANDARD = "scs-iaas-host"
VERSION = "v1"


@dataclass(frozen=True)
class SevKind:
    """One of the SEV generations: its names in cpuinfo, kvm_amd, dmesg and Nova."""

    id: str
    name: str
    flag: str
    param: str
    model: str  # hw:mem_encryption_model
    kernel_hint: str


SEV_KINDS = (
    SevKind("scs-iaas-host-sev", "SEV", "sev", "sev", "amd-sev", "mem_encrypt=on kvm_amd.sev=1"),
    SevKind("scs-iaas-host-sev-es", "SEV-ES", "sev_es", "sev_es", "amd-sev-es", "kvm_amd.sev_es=1"),
    SevKind(
        "scs-iaas-host-sev-snp", "SEV-SNP", "sev_snp", "sev_snp", "amd-sev-snp", "kvm_amd.sev_snp=1"
    ),
)


TESTS = {
    t.id: t
    for t in (
        *(
            Test(k.id, STANDARD, VERSION, f"{k.name} usable by KVM guests", resource="host")
            for k in SEV_KINDS
        ),
        Test("scs-iaas-host-sev-nova", STANDARD, VERSION, "nova.conf meets SEV prerequisites",
             resource="host"),
        Test("scs-iaas-host-sgx", STANDARD, VERSION, "SGX usable by KVM guests", resource="host"),
        Test("scs-iaas-host-tdx", STANDARD, VERSION, "TDX usable by KVM guests", resource="host"),
    )
}  # fmt: skip


def _test(test_id: str) -> Test:
    return TESTS[test_id]


def _sev_slots(facts: CcFacts, kind: SevKind) -> int | None:
    """Guest slots (ASIDs): kernel log first, else libvirt's maxGuests/maxESGuests."""
    log = facts.kernel_log
    by_log = {"SEV": log.sev_asids, "SEV-ES": log.sev_es_asids, "SEV-SNP": log.sev_snp_asids}
    if by_log[kind.name] is not None:
        return by_log[kind.name]
    if facts.libvirt is None:
        return None
    if kind.name == "SEV":
        return facts.libvirt.sev_max_guests
    return facts.libvirt.sev_max_es_guests  # ES and SNP guests share the ES ASID pool


def _sev_log_state(facts: CcFacts, kind: SevKind) -> str | None:
    log = facts.kernel_log
    return {"SEV": log.sev_state, "SEV-ES": log.sev_es_state, "SEV-SNP": log.sev_snp_state}[
        kind.name
    ]


def check_sev(facts: CcFacts, kind: SevKind) -> Finding:
    cpu = facts.cpu.has(kind.flag) or (
        kind.name == "SEV" and facts.libvirt is not None and facts.libvirt.sev_supported
    )
    slots = _sev_slots(facts, kind)
    state = _sev_log_state(facts, kind)
    param = facts.kvm("kvm_amd", kind.param)
    steps: dict[str, object] = {
        "cpu_supported": cpu,
        "kernel_enabled": None,
        "kvm_usable": param,
        "guest_slots": slots,
    }
    if not cpu:
        why = "not supported by this CPU"
        if facts.cpu.vendor and facts.cpu.vendor != "AuthenticAMD":
            why += f" ({facts.cpu.vendor})"
        elif facts.cpu.has("hypervisor"):
            why += f" (a virtual machine: no {kind.flag} flag passed through)"
        else:
            # the kernel clears sme/sev* when the BIOS leaves memory encryption off
            why += f" (no {kind.flag} flag in /proc/cpuinfo; on EPYC: is SME/SEV on in the BIOS?)"
        return _test(kind.id).finding(Status.SKIP, why, details=steps)
    if "kvm_amd" not in facts.kvm_params:
        return _test(kind.id).finding(
            Status.WARN,
            f"CPU supports {kind.name}, but kvm_amd is not loaded",
            fix=f"modprobe kvm_amd {kind.param}=1 and add {kind.kernel_hint} "
            "to the kernel command line",
            details=steps,
        )
    if param is None:
        return _test(kind.id).finding(
            Status.WARN,
            f"CPU supports {kind.name}, but this kernel's kvm_amd has no {kind.param} parameter",
            fix="boot a kernel with KVM host support for "
            + kind.name
            + (" (Linux ≥ 6.11)" if kind.name == "SEV-SNP" else ""),
            details=steps,
        )
    if param is False:
        return _test(kind.id).finding(
            Status.WARN,
            f"CPU supports {kind.name}, kvm_amd.{kind.param}=N",
            fix=f"add {kind.kernel_hint} to the kernel command line "
            f"(and enable {kind.name} in the BIOS)",
            details=steps,
        )
    if state in ("disabled", "unusable"):
        return _test(kind.id).finding(
            Status.WARN,
            f"kvm_amd.{kind.param}=Y but the kernel log says {kind.name} {state}",
            fix="check the BIOS: SEV enabled, SNP/ES ASID space ('Minimum SEV non-ES ASID') > 1",
            details={**steps, "kernel_enabled": False},
        )
    if kind.name == "SEV" and not facts.has_device("/dev/sev"):
        return _test(kind.id).finding(
            Status.WARN,
            "kvm_amd.sev=Y but /dev/sev is missing: the PSP (ccp) driver has no SEV firmware",
            fix="load the ccp module, enable SEV/SME in the BIOS and update the SEV firmware",
            details=steps,
        )
    steps["kernel_enabled"] = True
    where = f"{slots} guest slots (ASIDs)" if slots is not None else "guest slots unknown"
    return _test(kind.id).finding(
        Status.PASS,
        f"{kind.name} usable by KVM: {where}; flavors use hw:mem_encryption_model={kind.model}",
        details=steps,
    )


def check_nova_sev(facts: CcFacts, nova: NovaConf | None) -> Finding | None:
    """Nova's SEV prerequisites, when SEV is usable and nova.conf is there."""
    if facts.kvm("kvm_amd", "sev") is not True or not facts.cpu.has("sev"):
        return None
    fid = "scs-iaas-host-sev-nova"
    if nova is None:
        return _test(fid).finding(Status.SKIP, "no nova.conf here: Nova's SEV settings not checked")
    problems: list[tuple[str, str]] = []
    ratio = nova.ram_allocation_ratio
    if ratio is None or ratio != 1.0:
        shown = "unset (initial_ram_allocation_ratio 1.5 applies)" if ratio is None else ratio
        problems.append(
            (
                f"ram_allocation_ratio {shown}: SEV guest memory is pinned, no overcommit",
                "[DEFAULT] ram_allocation_ratio = 1.0",
            )
        )
    machine = nova.machine_type_for("x86_64")
    if not machine or "q35" not in machine:
        problems.append(
            (
                f"[libvirt] hw_machine_type {machine or 'unset (pc)'}: SEV guests need q35",
                "[libvirt] hw_machine_type = x86_64=q35 "
                "(or hw_machine_type=q35 on every SEV image)",
            )
        )
    slots = _sev_slots(facts, SEV_KINDS[0])
    guests = nova.num_memory_encrypted_guests
    if guests is not None and slots is not None and guests > slots:
        problems.append(
            (
                f"[libvirt] num_memory_encrypted_guests {guests} > {slots} SEV ASIDs",
                f"[libvirt] num_memory_encrypted_guests = {slots} (or unset with libvirt ≥ 8.0)",
            )
        )
    details: dict[str, object] = {
        "nova_conf": nova.path,
        "ram_allocation_ratio": ratio,
        "hw_machine_type": nova.hw_machine_type,
        "num_memory_encrypted_guests": guests,
        "sev_asids": slots,
    }
    if problems:
        return _test(fid).finding(
            Status.WARN,
            "; ".join(p for p, _ in problems),
            fix="; ".join(f for _, f in problems) + f" in {nova.path}",
            details=details,
        )
    return _test(fid).finding(
        Status.PASS, f"{nova.path} meets Nova's SEV prerequisites", details=details
    )


def check_sgx(facts: CcFacts) -> Finding:
    fid = "scs-iaas-host-sgx"
    libvirt = facts.libvirt
    cpu = facts.cpu.has("sgx") or (libvirt is not None and libvirt.sgx_supported)
    steps: dict[str, object] = {
        "cpu_supported": cpu,
        "launch_control": facts.cpu.has("sgx_lc"),
        "kernel_enabled": facts.has_device("/dev/sgx_enclave"),
        "kvm_usable": facts.has_device("/dev/sgx_vepc"),
        "epc_kib": libvirt.sgx_epc_kib if libvirt is not None else None,
        "epc_sections": facts.kernel_log.sgx_epc_sections,
    }
    if not cpu:
        return _test(fid).finding(
            Status.SKIP, "not supported by this CPU (no sgx flag)", details=steps
        )
    if not facts.cpu.has("sgx_lc"):
        return _test(fid).finding(
            Status.WARN,
            "CPU supports SGX without flexible launch control (sgx_lc): the Linux driver needs it",
            fix="enable SGX Flexible Launch Control in the BIOS",
            details=steps,
        )
    if not steps["kernel_enabled"]:
        return _test(fid).finding(
            Status.WARN,
            "CPU supports SGX, but /dev/sgx_enclave is missing: the kernel SGX driver is off",
            fix="enable SGX (with an EPC/PRMRR size) in the BIOS; Linux ≥ 5.11 with CONFIG_X86_SGX",
            details=steps,
        )
    if not steps["kvm_usable"]:
        return _test(fid).finding(
            Status.WARN,
            "SGX enabled, but /dev/sgx_vepc is missing: KVM cannot give guests EPC",
            fix="Linux ≥ 5.13 with CONFIG_X86_SGX_KVM",
            details=steps,
        )
    epc = steps["epc_kib"]
    size = f"EPC {int(epc) // 1024} MiB" if isinstance(epc, int) else "EPC size unknown"
    return _test(fid).finding(
        Status.PASS,
        f"SGX usable by KVM ({size}); upstream Nova has no SGX support: "
        "select hosts with trait:HW_CPU_X86_SGX=required",
        details=steps,
    )


def check_tdx(facts: CcFacts) -> Finding:
    fid = "scs-iaas-host-tdx"
    param = facts.kvm("kvm_intel", "tdx")
    libvirt_tdx = facts.libvirt is not None and facts.libvirt.tdx_supported
    cpu = facts.cpu.has("tdx_host_platform") or param is not None or libvirt_tdx
    steps: dict[str, object] = {
        "cpu_supported": cpu,
        "kernel_enabled": facts.kernel_log.tdx_initialized or None,
        "kvm_usable": param,
        "libvirt": libvirt_tdx,
    }
    if not cpu:
        return _test(fid).finding(
            Status.SKIP,
            "not supported by this CPU (or kernel: no tdx_host_platform)",
            details=steps,
        )
    if param is not True:
        return _test(fid).finding(
            Status.WARN,
            "CPU supports TDX, kvm_intel.tdx="
            + ("N" if param is False else "absent (kvm_intel not loaded or too old)"),
            fix="add kvm_intel.tdx=1 to the kernel command line "
            "(Linux ≥ 6.16, TDX enabled in the BIOS)",
            details=steps,
        )
    return _test(fid).finding(
        Status.PASS,
        "TDX usable by KVM; flavors use hw:mem_encryption_model=intel-tdx "
        "(Nova ≥ 34.0.0, libvirt ≥ 11.6, QEMU ≥ 10.1)",
        details=steps,
    )


def check(facts: CcFacts, nova: NovaConf | None = None) -> list[Finding]:
    """All confidential-computing findings for one host."""
    findings = [check_sev(facts, kind) for kind in SEV_KINDS]
    nova_finding = check_nova_sev(facts, nova)
    if nova_finding is not None:
        findings.append(nova_finding)
    findings.append(check_sgx(facts))
    findings.append(check_tdx(facts))
    return findings


def run(ctx: Context) -> list[Finding]:
    assert ctx.host is not None and ctx.host.cc is not None
    return check(ctx.host.cc, ctx.host.nova)


CHECK = Check(
    name="host confidential computing",
    tests=list(TESTS.values()),
    needs=frozenset({"host:cc"}),
    run=run,
)
