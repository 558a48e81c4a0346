"""Confidential-computing facts: AMD SEV/SEV-ES/SEV-SNP, Intel SGX and TDX.

Sources, each optional: ``/proc/cpuinfo`` flags (what the CPU and kernel announce),
``/sys/module/kvm_{amd,intel}/parameters/*`` (what KVM was loaded with), device nodes
(``/dev/sev``, ``/dev/sgx_*``), the kernel log (ASID ranges), ``/proc/cmdline`` and libvirt's
``virsh domcapabilities`` XML. The checks in ``checks/host_confidential_computing.py`` judge them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from scs_iaas.host.root import HostRoot

# The flags the checks look at; the rest of the (long) list is left out of the facts.
CC_FLAGS = frozenset(
    {"sme", "sev", "sev_es", "sev_snp", "sgx", "sgx_lc", "tdx_host_platform", "svm", "vmx"}
    | {"hypervisor"}
)
KVM_PARAMS = {
    "kvm_amd": ("sev", "sev_es", "sev_snp"),
    "kvm_intel": ("tdx", "sgx"),
}
DEVICE_NODES = ("/dev/sev", "/dev/sgx_enclave", "/dev/sgx_provision", "/dev/sgx_vepc", "/dev/kvm")
CMDLINE_KEYS = ("mem_encrypt", "kvm_amd.sev", "kvm_amd.sev_es", "kvm_amd.sev_snp", "kvm_intel.tdx")


@dataclass(frozen=True)
class CpuInfo:
    """The first processor block of /proc/cpuinfo (all cores share vendor and flags).

    ``flags`` holds only the confidential-computing and virtualisation flags (CC_FLAGS).
    """

    vendor: str = ""
    model_name: str = ""
    flags: tuple[str, ...] = ()

    def has(self, flag: str) -> bool:
        return flag in self.flags


@dataclass(frozen=True)
class KernelLog:
    """What the kernel log says about SEV and SGX (None: the log says nothing)."""

    sev_asids: int | None = None
    sev_es_asids: int | None = None
    sev_snp_asids: int | None = None
    sev_state: str | None = None  # enabled / disabled / unusable
    sev_es_state: str | None = None
    sev_snp_state: str | None = None
    sev_firmware: str | None = None
    sgx_epc_sections: int = 0
    tdx_initialized: bool = False
    readable: bool = False


@dataclass(frozen=True)
class LibvirtCaps:
    """``virsh domcapabilities`` for confidential guests."""

    sev_supported: bool = False
    sev_max_guests: int | None = None
    sev_max_es_guests: int | None = None
    sgx_supported: bool = False
    sgx_epc_kib: int | None = None
    sgx_flc: bool | None = None
    tdx_supported: bool = False
    source: str = ""


@dataclass(frozen=True)
class CcFacts:
    """Everything the confidential-computing check judges."""

    cpu: CpuInfo
    kvm_params: dict[str, dict[str, bool]] = field(default_factory=dict)
    devices: tuple[str, ...] = ()
    cmdline: dict[str, str] = field(default_factory=dict)
    kernel_log: KernelLog = field(default_factory=KernelLog)
    libvirt: LibvirtCaps | None = None

    def kvm(self, module: str, param: str) -> bool | None:
        """True/False as KVM was loaded; None when the module (or the parameter) is absent."""
        return self.kvm_params.get(module, {}).get(param)

    def has_device(self, node: str) -> bool:
        return node in self.devices


def parse_cpuinfo(text: str) -> CpuInfo:
    """Vendor, model and flags of the first processor in /proc/cpuinfo."""
    values: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            if values:
                break
            continue
        key, _, value = line.partition(":")
        values.setdefault(key.strip(), value.strip())
    return CpuInfo(
        vendor=values.get("vendor_id", ""),
        model_name=values.get("model name", ""),
        flags=tuple(sorted(set(values.get("flags", "").split()) & CC_FLAGS)),
    )


def parse_bool_param(value: str) -> bool | None:
    """KVM module parameters read ``Y``/``N`` (older kernels ``1``/``0``)."""
    v = value.strip().upper()
    if v in ("Y", "1", "ON", "TRUE"):
        return True
    if v in ("N", "0", "OFF", "FALSE", "-1"):
        return False
    return None


def parse_cmdline(text: str) -> dict[str, str]:
    """The CC-relevant ``key=value`` words of /proc/cmdline (a bare key reads as ``1``)."""
    found: dict[str, str] = {}
    for word in text.split():
        key, sep, value = word.partition("=")
        if key in CMDLINE_KEYS:
            found[key] = value if sep else "1"
    return found


_SEV_SUPPORTED = re.compile(r"\b(SEV|SEV-ES|SEV-SNP) supported: (\d+) ASIDs")
_SEV_STATE = re.compile(
    r"\b(SEV|SEV-ES|SEV-SNP) (enabled|disabled|unusable)(?: \(ASIDs (\d+) - (\d+)\))?"
)
_SEV_FW = re.compile(r"\bSEV(?:-SNP)? API:(\d+\.\d+) build:(\d+)")
_SGX_EPC = re.compile(r"\bsgx: EPC section 0x[0-9a-f]+-0x[0-9a-f]+", re.IGNORECASE)
_TDX_INIT = re.compile(r"\btdx: (?:TDX )?module initialized", re.IGNORECASE)


def parse_kernel_log(text: str) -> KernelLog:
    """SEV ASIDs and states, SEV firmware, SGX EPC sections, TDX module from dmesg text.

    Older kernels log ``SEV supported: 410 ASIDs``; newer ones ``SEV enabled (ASIDs 100 -
    509)``, ``SEV-ES disabled`` or ``SEV-SNP enabled (ASIDs 1 - 99)``.
    """
    asids: dict[str, int] = {}
    states: dict[str, str] = {}
    for m in _SEV_SUPPORTED.finditer(text):
        asids[m[1]] = int(m[2])
    for m in _SEV_STATE.finditer(text):
        states[m[1]] = m[2]
        if m[3] is not None:
            asids[m[1]] = int(m[4]) - int(m[3]) + 1
    fw = _SEV_FW.search(text)
    return KernelLog(
        sev_asids=asids.get("SEV"),
        sev_es_asids=asids.get("SEV-ES"),
        sev_snp_asids=asids.get("SEV-SNP"),
        sev_state=states.get("SEV"),
        sev_es_state=states.get("SEV-ES"),
        sev_snp_state=states.get("SEV-SNP"),
        sev_firmware=f"{fw[1]} build {fw[2]}" if fw else None,
        sgx_epc_sections=len(_SGX_EPC.findall(text)),
        tdx_initialized=bool(_TDX_INIT.search(text)),
        readable=True,
    )


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _kib(size: str | None, unit: str | None) -> int | None:
    value = _int(size)
    if value is None:
        return None
    scale = {"b": 1 / 1024, "kib": 1, "k": 1, "mib": 1024, "m": 1024, "gib": 1024**2}
    return int(value * scale.get((unit or "KiB").lower(), 1))


def parse_domcapabilities(xml_text: str, source: str = "") -> LibvirtCaps:
    """``<sev supported='yes'>`` (maxGuests, maxESGuests), ``<sgx>`` and ``<tdx>`` features."""
    try:
        root = ET.fromstring(xml_text)
    except ET.ParseError as exc:
        from scs_iaas.errors import InputError

        raise InputError(f"{source or 'virsh domcapabilities'}: not XML ({exc})") from exc
    features = root.find("features")
    if features is None:
        return LibvirtCaps(source=source)
    sev = features.find("sev")
    sgx = features.find("sgx")
    tdx = features.find("tdx")
    epc: int | None = None
    if sgx is not None:
        sections = sgx.findall("./sections/section")
        sizes = [_kib(s.get("size"), s.get("unit")) for s in sections]
        if sizes and all(s is not None for s in sizes):
            epc = sum(s for s in sizes if s is not None)
        else:
            total = sgx.find("section_size")
            epc = _kib(total.text, total.get("unit")) if total is not None else None
    return LibvirtCaps(
        sev_supported=sev is not None and sev.get("supported") == "yes",
        sev_max_guests=_int(sev.findtext("maxGuests")) if sev is not None else None,
        sev_max_es_guests=_int(sev.findtext("maxESGuests")) if sev is not None else None,
        sgx_supported=sgx is not None and sgx.get("supported") == "yes",
        sgx_epc_kib=epc,
        sgx_flc=(sgx.findtext("flc") == "yes")
        if sgx is not None and sgx.find("flc") is not None
        else None,
        tdx_supported=tdx is not None and tdx.get("supported") == "yes",
        source=source,
    )


def read_kvm_params(root: HostRoot) -> dict[str, dict[str, bool]]:
    """``{module: {param: bool}}`` for loaded KVM modules; absent modules are left out."""
    params: dict[str, dict[str, bool]] = {}
    for module, names in KVM_PARAMS.items():
        base = f"/sys/module/{module}/parameters"
        if not root.exists(base):
            continue
        values: dict[str, bool] = {}
        for name in names:
            raw = root.read_value(f"{base}/{name}")
            parsed = parse_bool_param(raw) if raw is not None else None
            if parsed is not None:
                values[name] = parsed
        params[module] = values
    return params


def read_confidential(root: HostRoot) -> CcFacts:
    """Gather every CC source under ``root``; missing sources simply contribute nothing."""
    cpu = parse_cpuinfo(root.read("/proc/cpuinfo") or "")
    log_out = root.command("dmesg.txt", ["dmesg"])
    kernel_log = (
        parse_kernel_log(log_out.stdout) if log_out is not None and log_out.ok else KernelLog()
    )
    caps_out = root.command(
        "virsh-domcapabilities.xml", ["virsh", "-c", "qemu:///system", "domcapabilities"]
    )
    libvirt = (
        parse_domcapabilities(caps_out.stdout, caps_out.source)
        if caps_out is not None and caps_out.ok
        else None
    )
    return CcFacts(
        cpu=cpu,
        kvm_params=read_kvm_params(root),
        devices=tuple(node for node in DEVICE_NODES if root.exists(node)),
        cmdline=parse_cmdline(root.read("/proc/cmdline") or ""),
        kernel_log=kernel_log,
        libvirt=libvirt,
    )
