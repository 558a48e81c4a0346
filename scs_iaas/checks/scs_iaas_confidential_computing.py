"""Confidential-computing coherence: a flavor or image that asks Nova for memory encryption
(AMD SEV) must also meet Nova's SEV prerequisites, or the guest never boots.

Nova's rules (libvirt driver, "AMD SEV" docs): UEFI firmware, the q35 machine type, and a
boot disk on virtio, scsi or sata (not ide/usb/fdc); ``hw:mem_encryption`` must be a boolean
and ``hw:mem_encryption_model`` (2025.1+) one of amd-sev / amd-sev-es.
"""

from __future__ import annotations

from scs_iaas.checks.base import Check, Context
from scs_iaas.model.findings import Finding, Test
from scs_iaas.standards import flavor_names as fn

DOC = "https://docs.openstack.org/nova/latest/admin/sev.html"
FLAVOR = Test(
    "scs-iaas-cc-flavor",
    "scs-iaas-cc",
    "v1",
    "memory-encrypted flavors are coherent",
    "fix the hw:mem_encryption* extra specs (see Nova's SEV guide)",
    DOC,
)
IMAGE = Test(
    "scs-iaas-cc-image",
    "scs-iaas-cc",
    "v1",
    "memory-encrypted images meet Nova's SEV prerequisites",
    "openstack image set --property hw_firmware_type=uefi --property hw_machine_type=q35 "
    "--property hw_disk_bus=virtio IMAGE",
    DOC,
)
BOOLS = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}
MODELS = {"amd-sev", "amd-sev-es"}
SEV_BUSES = {"virtio", "scsi", "sata"}


def _bool(value: object) -> bool | None:
    return BOOLS.get(str(value).strip().lower())


def run(ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    for flavor in ctx.snapshot.flavors:
        specs = flavor.extra_specs
        if "hw:mem_encryption" not in specs and "hw:mem_encryption_model" not in specs:
            continue
        res = f"flavor {flavor.name}"
        problems = []
        enc = _bool(specs.get("hw:mem_encryption", "false"))
        if enc is None:
            problems.append(f"hw:mem_encryption={specs['hw:mem_encryption']!r} is not a boolean")
        model = specs.get("hw:mem_encryption_model")
        if model is not None and model not in MODELS:
            problems.append(
                f"hw:mem_encryption_model={model!r} is not one of {', '.join(sorted(MODELS))}"
            )
        if model is not None and enc is False:
            problems.append("hw:mem_encryption_model set but hw:mem_encryption is false")
        if enc and fn.is_scs_name(flavor.name):
            try:
                parsed, _ = fn.parse_tolerant(flavor.name)
                if parsed.cpu_vendor not in (None, "z"):
                    problems.append(
                        "SEV memory encryption needs AMD hosts, but the name's CPU brand is not _z"
                    )
            except fn.FlavorNameError:
                pass
        out.append(
            FLAVOR.failed("; ".join(problems), res) if problems else FLAVOR.passed("coherent", res)
        )
    for image in ctx.snapshot.images:
        props = image.properties
        if not _bool(props.get("hw_mem_encryption", "false")):
            continue
        res = f"image {image.name}"
        problems = []
        warnings = []
        if props.get("hw_firmware_type") != "uefi":
            problems.append(
                f"hw_firmware_type={props.get('hw_firmware_type', 'unset')}, SEV needs uefi"
            )
        machine = str(props.get("hw_machine_type", ""))
        if not machine:
            warnings.append("hw_machine_type unset: boots only where the host default is q35")
        elif "q35" not in machine:
            problems.append(f"hw_machine_type={machine}, SEV needs q35")
        bus = props.get("hw_disk_bus")
        if bus is not None and bus not in SEV_BUSES:
            problems.append(f"hw_disk_bus={bus}, SEV needs one of {', '.join(sorted(SEV_BUSES))}")
        if problems:
            out.append(IMAGE.failed("; ".join(problems + warnings), res))
        elif warnings:
            out.append(IMAGE.warned("; ".join(warnings), res))
        else:
            out.append(IMAGE.passed("SEV prerequisites met", res))
    return out


CHECK = Check(
    name="scs-iaas confidential computing",
    tests=[FLAVOR, IMAGE],
    needs=frozenset({"flavors", "images"}),
    run=run,
)
