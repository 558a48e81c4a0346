"""Instances path and Ceph OSDs → block device chain, encryption and rotational flag."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scs_iaas.checks.host_storage import check
from scs_iaas.errors import InputError
from scs_iaas.host.block import (
    lsblk_paths,
    mount_of,
    parse_ceph_lvs,
    parse_mountinfo,
    read_storage,
)
from scs_iaas.host.novaconf import read_nova_conf
from scs_iaas.host.root import HostRoot
from scs_iaas.model.findings import Status

HOSTS = Path(__file__).parents[2] / "data" / "hosts"
INSTANCES = "/var/lib/nova/instances"


def tree(name: str) -> HostRoot:
    return HostRoot.of(HOSTS / name)


def test_mountinfo_fields_and_escapes() -> None:
    mounts = parse_mountinfo(
        "36 35 98:0 /mnt1 /mnt\\040two rw,noatime master:1 - ext3 /dev/root rw,errors=continue\n"
        "garbage line\n"
    )
    assert len(mounts) == 1
    m = mounts[0]
    assert (m.mountpoint, m.source, m.fstype, m.maj_min) == (
        "/mnt two",
        "/dev/root",
        "ext3",
        "98:0",
    )


def test_mount_of_longest_prefix_not_string_prefix() -> None:
    mounts = parse_mountinfo((HOSTS / "epyc-snp/proc/self/mountinfo").read_text())

    def where(path: str) -> str:
        m = mount_of(path, mounts)
        assert m is not None
        return m.mountpoint

    assert where(INSTANCES + "/abc/disk") == INSTANCES
    assert where("/var/lib/nova/instances2") == "/"  # a prefix of the string is not a parent
    assert where("/boot/efi") == "/boot/efi"
    assert mount_of("/x", []) is None


def test_lsblk_paths_run_from_disk_to_node() -> None:
    doc = json.loads((HOSTS / "epyc-sev-off/_commands/lsblk.json").read_text())
    paths = lsblk_paths(doc, tree("epyc-sev-off"))
    names = [[d.name for d in p] for p in paths]
    assert ["sda", "sda1", "nova-instances"] in names
    assert ["sdb"] in names
    # util-linux 2.34 prints ROTA as the string "1"
    assert all(p[0].rotational is True for p in paths)


def test_epyc_instances_on_luks2_nvme() -> None:
    facts = read_storage(tree("epyc-snp"), INSTANCES)
    inst = next(t for t in facts.targets if t.role == "nova-instances")
    assert inst.device == "/dev/mapper/nova-instances"
    assert inst.encryption == "LUKS2"  # from /sys/block/dm-0/dm/uuid CRYPT-LUKS2-…
    assert inst.rotational is False
    assert [d.name for d in inst.disks] == ["nvme1n1"]


def test_epyc_ceph_osd_encrypted_by_ceph_volume() -> None:
    facts = read_storage(tree("epyc-snp"), INSTANCES)
    (osd,) = [t for t in facts.targets if t.role == "ceph-osd"]
    assert osd.label == "osd.3"
    assert osd.device == "/dev/ceph-5d6c1a1e-osd/osd-block-8f0b"
    assert osd.encrypted
    assert osd.chain[-1].type == "crypt"


def test_ceph_lvs_tags_only_block_lvs() -> None:
    doc = {
        "report": [
            {
                "lv": [
                    {"lv_name": "a", "vg_name": "v", "lv_tags": "ceph.osd_id=1,ceph.type=db"},
                    {"lv_name": "b", "vg_name": "v", "lv_tags": "ceph.osd_id=2,ceph.type=block"},
                    {"lv_name": "root", "vg_name": "system", "lv_tags": ""},
                ]
            }
        ]
    }
    assert [o["ceph.osd_id"] for o in parse_ceph_lvs(doc)] == ["2"]


def test_hdd_lvm_without_encryption() -> None:
    facts = read_storage(tree("epyc-sev-off"), INSTANCES)
    (inst,) = facts.targets
    assert not inst.encrypted
    assert inst.rotational is True
    assert [d.name for d in inst.chain] == ["sda", "sda1", "nova-instances"]


def test_luks1_seen_through_lsblk_fstype_and_parent_mount() -> None:
    facts = read_storage(tree("xeon-sgx-tdx"), INSTANCES)
    (inst,) = facts.targets
    assert inst.device == "/dev/mapper/luks-5e1d"  # /var/lib/nova is the mount
    assert inst.encryption == "LUKS"
    assert inst.rotational is False


def test_no_instances_path_is_a_note() -> None:
    facts = read_storage(tree("plain"), INSTANCES)
    assert facts.targets == ()
    assert facts.notes == (f"no Nova instances path {INSTANCES} on this host",)


def test_bad_lsblk_json_names_the_source(tmp_path: Path) -> None:
    (tmp_path / "_commands").mkdir()
    (tmp_path / "_commands/lsblk.json").write_text("{not json")
    with pytest.raises(InputError, match=r"lsblk\.json: not JSON"):
        read_storage(HostRoot.of(tmp_path), INSTANCES)


def test_storage_check_on_trees() -> None:
    snp = check(read_storage(tree("epyc-snp"), INSTANCES))
    assert [(f.id, f.status) for f in snp] == [
        ("scs-iaas-host-luks", Status.PASS),
        ("scs-iaas-host-luks", Status.PASS),
        ("scs-iaas-host-ssd", Status.PASS),
    ]
    assert all(f.standard == "scs-0110" for f in snp)
    assert "NVMe" in snp[2].reason
    hdd = {f.id: f for f in check(read_storage(tree("epyc-sev-off"), INSTANCES))}
    assert hdd["scs-iaas-host-luks"].status == Status.WARN
    assert "cryptsetup luksFormat" in hdd["scs-iaas-host-luks"].fix
    assert hdd["scs-iaas-host-ssd"].status == Status.WARN
    assert "rotational" in hdd["scs-iaas-host-ssd"].reason


def test_nova_per_disk_encryption_counts_as_encrypted() -> None:
    """epyc-sev-off uses images_type=lvm; with [ephemeral_storage_encryption] enabled Nova
    encrypts every ephemeral disk itself."""
    from dataclasses import replace

    root = tree("epyc-sev-off")
    nova = read_nova_conf(root)
    assert nova is not None and nova.images_type == "lvm"
    on = replace(nova, ephemeral_encryption_enabled=True)
    luks = [f for f in check(read_storage(root, INSTANCES), on) if f.id == "scs-iaas-host-luks"]
    assert luks[0].status == Status.PASS and "Nova encrypts" in luks[0].reason


def test_storage_check_skips_without_compute() -> None:
    findings = check(read_storage(tree("plain"), INSTANCES))
    assert {f.status for f in findings} == {Status.SKIP}


def test_live_machine_root_mount_resolves() -> None:
    """Every Linux host has a mount at /; lsblk may not list it (overlay in a container)."""
    facts = read_storage(HostRoot.of("/"), "/")
    if not facts.targets:
        pytest.skip(f"lsblk not usable here: {facts.notes}")
    (target,) = [t for t in facts.targets if t.role == "nova-instances"]
    assert target.note or target.chain
    findings = check(facts)
    assert all(f.status in (Status.PASS, Status.WARN, Status.SKIP) for f in findings)


def _escape(path: str) -> str:
    """How the kernel writes a path into mountinfo (show_mountinfo → mangle)."""
    return "".join(f"\\{ord(c):03o}" if c in " \t\n\\" else c for c in path)


@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x2FF) | st.sampled_from(" \t\\"), min_size=1).map(lambda s: "/" + s))  # fmt: skip
def test_mountinfo_escape_round_trip(path: str) -> None:
    line = f"40 1 8:1 / {_escape(path)} rw,relatime - ext4 {_escape('/dev/sda 1')} rw"
    (m,) = parse_mountinfo(line)
    assert (m.mountpoint, m.source) == (path, "/dev/sda 1")
