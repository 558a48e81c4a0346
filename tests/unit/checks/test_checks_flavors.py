"""scs-0100 naming/semantics and our deeper flavor and confidential-computing checks."""

from __future__ import annotations

from helpers_checks import ctx

from scs_iaas.checks import scs_0100_flavor_naming as c0100
from scs_iaas.checks import scs_iaas_confidential_computing as cc
from scs_iaas.checks import scs_iaas_flavor_semantics as sem
from scs_iaas.model.findings import Status
from scs_iaas.model.snapshot import FlavorRec, ImageRec


def flavor(name, vcpus=2, ram=4096, disk=20, **specs):
    return FlavorRec(id=name, name=name, vcpus=vcpus, ram=ram, disk=disk, extra_specs=specs)


def statuses(findings, test_id):
    return {f.resource: f.status for f in findings if f.id == test_id}


def test_0100_syntax_pass_tolerated_fail_and_ignored():
    flavors = (
        flavor("SCS-2V-4-20s"),
        flavor("SCS-2V:4:20s"),
        flavor("SCS-2C-4ou-10n"),
        flavor("m1.small"),
    )
    res = statuses(c0100.run(ctx(flavors=flavors)), "scs-0100-syntax-check")
    assert res == {
        "flavor SCS-2V-4-20s": Status.PASS,
        "flavor SCS-2V:4:20s": Status.WARN,
        "flavor SCS-2C-4ou-10n": Status.FAIL,
    }


def test_0100_syntax_failure_says_where():
    [f] = [
        f
        for f in c0100.run(ctx(flavors=(flavor("SCS-2C-4ou-10n"),)))
        if f.id == "scs-0100-syntax-check"
    ]
    assert "position" in f.reason


def test_0100_semantics_overpromise_fails_underpromise_passes():
    flavors = (
        flavor("SCS-2V-4-20s", vcpus=1, ram=4096, disk=20),
        flavor("SCS-2V-8", vcpus=2, ram=8192 - 100, disk=0),  # 7.9 GiB < 8
        flavor("SCS-1V-2", vcpus=4, ram=8192, disk=50),  # gives more than promised
        flavor("SCS-2V-4", vcpus=2, ram=4096 - 51, disk=0),  # within the suite's 51 MiB slack
    )
    res = {
        f.resource: f for f in c0100.run(ctx(flavors=flavors)) if f.id == "scs-0100-semantics-check"
    }
    assert res["flavor SCS-2V-4-20s"].status == Status.FAIL
    assert "1 vCPUs < 2" in res["flavor SCS-2V-4-20s"].reason
    assert res["flavor SCS-2V-8"].status == Status.FAIL
    assert res["flavor SCS-1V-2"].status == Status.PASS
    assert res["flavor SCS-2V-4"].status == Status.PASS


def test_0100_ram_rounding_matches_official_formula():
    assert c0100.ram_gib_as_checked(4096) == 4.0
    assert c0100.ram_gib_as_checked(4045) == 4.0
    assert c0100.ram_gib_as_checked(4044) == 3.9


def test_0100_no_scs_flavors_is_vacuous_pass():
    found = c0100.run(ctx(flavors=(flavor("m1.tiny"),)))
    assert {f.status for f in found} == {Status.PASS}


def test_cpu_policy_for_dedicated_names():
    flavors = (
        flavor("SCS-2C-4", disk=0),
        flavor("SCS-2C-8", disk=0, **{"hw:cpu_policy": "dedicated"}),
        flavor(
            "SCS-2C-16", disk=0, **{"hw:cpu_policy": "dedicated", "hw:cpu_thread_policy": "isolate"}
        ),
        flavor("SCS-2T-4", disk=0, **{"hw:cpu_policy": "dedicated"}),
        flavor("SCS-2V-4", disk=0),
    )
    res = statuses(sem.run(ctx(flavors=flavors)), "scs-iaas-flavor-cpu-policy")
    assert res == {
        "flavor SCS-2C-4": Status.FAIL,
        "flavor SCS-2C-8": Status.WARN,
        "flavor SCS-2C-16": Status.PASS,
        "flavor SCS-2T-4": Status.PASS,
    }


def test_extra_specs_values_and_understatement():
    flavors = (
        flavor("SCS-2V-4-20s", **{"scs:cpu-type": "shared-core", "scs:disk0-type": "nvme"}),
        flavor("SCS-2C-4-20s", **{"scs:cpu-type": "shared-core"}),  # says less than the name
        flavor("SCS-2V-4-20n", **{"scs:disk0-type": "ssd"}),  # contradicts 'n'
        flavor("custom", **{"scs:cpu-type": "turbo", "scs:name-v1": "SCS-2X-4"}),
        flavor("custom2", **{"scs:colour": "blue"}),
    )
    found = {
        f.resource: f
        for f in sem.run(ctx(flavors=flavors))
        if f.id == "scs-iaas-flavor-extra-specs"
    }
    assert found["flavor SCS-2V-4-20s"].status == Status.PASS  # NVMe sold as SSD is allowed
    assert "promises less" in found["flavor SCS-2C-4-20s"].reason
    assert "contradicts" in found["flavor SCS-2V-4-20n"].reason
    assert (
        "'turbo'" in found["flavor custom"].reason
        and "scs:name-v1" in found["flavor custom"].reason
    )
    assert "not an SCS extra spec" in found["flavor custom2"].reason
    assert all(found[r].status == Status.FAIL for r in found if r != "flavor SCS-2V-4-20s")


def test_hwv_wants_a_trait():
    flavors = (
        flavor("SCS-2V-4_hwv", disk=0),
        flavor("SCS-2V-8_hwv", disk=0, **{"trait:HW_CPU_X86_VMX": "required"}),
    )
    res = statuses(sem.run(ctx(flavors=flavors)), "scs-iaas-flavor-hwv")
    assert res == {"flavor SCS-2V-4_hwv": Status.WARN, "flavor SCS-2V-8_hwv": Status.PASS}


def image(name, **props):
    return ImageRec(id=name, name=name, properties=props)


def test_cc_image_prerequisites():
    images = (
        image("good", hw_mem_encryption="True", hw_firmware_type="uefi", hw_machine_type="q35",
              hw_disk_bus="virtio"),
        image("bios", hw_mem_encryption="true", hw_firmware_type="bios", hw_disk_bus="ide"),
        image("nomachine", hw_mem_encryption="true", hw_firmware_type="uefi"),
        image("plain"),
    )  # fmt: skip
    res = {
        f.resource: f for f in cc.run(ctx(images=images, flavors=())) if f.id == "scs-iaas-cc-image"
    }
    assert set(res) == {"image good", "image bios", "image nomachine"}
    assert res["image good"].status == Status.PASS
    assert res["image bios"].status == Status.FAIL
    assert "uefi" in res["image bios"].reason and "ide" in res["image bios"].reason
    assert res["image nomachine"].status == Status.WARN


def test_cc_flavor_coherence():
    flavors = (
        flavor("SCS-2V-4_z3", disk=0, **{"hw:mem_encryption": "true"}),
        flavor("SCS-2V-8_i3", disk=0, **{"hw:mem_encryption": "true"}),
        flavor(
            "cc-bad", disk=0, **{"hw:mem_encryption": "maybe", "hw:mem_encryption_model": "tdx"}
        ),
    )
    res = {f.resource: f for f in cc.run(ctx(flavors=flavors, images=()))}
    assert res["flavor SCS-2V-4_z3"].status == Status.PASS
    assert (
        res["flavor SCS-2V-8_i3"].status == Status.FAIL
        and "AMD" in res["flavor SCS-2V-8_i3"].reason
    )
    assert "not a boolean" in res["flavor cc-bad"].reason and "tdx" in res["flavor cc-bad"].reason


def test_0100_gpu_without_cu_before_ib_warns_outside_the_certificate():
    flavors = (flavor("SCS-2V-4_GNa_ib"), flavor("SCS-2V-4_GNa-8_ib"), flavor("SCS-2V-4-20s"))
    found = c0100.run(ctx(flavors=flavors))
    # the standard allows the name: the certificate's test passes ...
    assert statuses(found, "scs-0100-syntax-check")["flavor SCS-2V-4_GNa_ib"] == Status.PASS
    # ... and the operator is told that the official checker will FAIL it, and how to rename
    [warn] = [f for f in found if f.id == "scs-iaas-0100-official-parser"]
    assert (warn.status, warn.resource) == (Status.WARN, "flavor SCS-2V-4_GNa_ib")
    assert "scs-0100-syntax-check FAIL" in warn.reason
    assert "SCS-2V-4_GNa-<CUs>_ib" in warn.fix


def test_0100_no_misread_name_is_one_pass():
    found = c0100.run(ctx(flavors=(flavor("SCS-2V-4_GNa-8_ib"),)))
    assert statuses(found, "scs-iaas-0100-official-parser") == {"flavors": Status.PASS}
