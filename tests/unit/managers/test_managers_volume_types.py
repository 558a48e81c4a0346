"""Volume-type plans (scs-0114): encrypted LUKS type, replicated declarations, drift."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scs_iaas.errors import InputError
from scs_iaas.managers import volume_types as vm
from scs_iaas.model.plan import Op, VolumeTypeChange
from scs_iaas.model.snapshot import Snapshot, VolumeTypeRec

LUKS = dict(vm.LUKS)


def snap(*types: VolumeTypeRec, enc: dict[str, Any] | None = None) -> Snapshot:
    return Snapshot(
        cloud="t",
        volume_types=types,
        volume_encryption=enc or {},
        fetched=frozenset({"volume_types", "volume_encryption"}),
    )


DEFAULT = VolumeTypeRec(id="t-def", name="__DEFAULT__", description="Default Volume Type")
GOOD = VolumeTypeRec(
    id="t-luks", name="LUKS", description=f"[scs:encrypted] {vm.DEFAULT_ENCRYPTED_TEXT}"
)


def test_fresh_cloud_creates_the_encrypted_type() -> None:
    plan = vm.plan_volume_types(vm.default_types(), snap(DEFAULT))
    (act,) = plan.actions
    assert act.op is Op.CREATE and act.name == "LUKS"
    assert act.params.description.startswith("[scs:encrypted] ")
    assert act.params.encryption == LUKS


def test_in_sync() -> None:
    plan = vm.plan_volume_types(vm.default_types(), snap(DEFAULT, GOOD, enc={"t-luks": LUKS}))
    assert plan.is_noop and plan.in_sync == ("LUKS",)


def test_missing_encryption_is_added_unless_in_use() -> None:
    s = snap(GOOD)
    assert vm.needs_usage(vm.default_types(), s) == ["t-luks"]
    (act,) = vm.plan_volume_types(vm.default_types(), s, in_use={"t-luks": 0}).actions
    assert act.op is Op.UPDATE
    assert act.params.encryption == LUKS and act.params.encryption_exists is False
    # in use: cannot be encrypted now, so its description must stop claiming it
    fix, busy = vm.plan_volume_types(vm.default_types(), s, in_use={"t-luks": 2}).actions
    assert busy.op is Op.CONFLICT and "no encryption spec" in busy.reason
    assert "2 volume(s)" in busy.reason
    assert fix.op is Op.UPDATE and fix.params == VolumeTypeChange(
        description=vm.DEFAULT_ENCRYPTED_TEXT
    )


def test_wrong_encryption_in_use_is_a_conflict_else_fixed() -> None:
    wrong = {**LUKS, "cipher": "aes-cbc-essiv:sha256", "key_size": "512"}
    types = vm.default_types()
    s = snap(GOOD, enc={"t-luks": wrong})
    assert vm.needs_usage(types, s) == ["t-luks"]
    (busy,) = vm.plan_volume_types(types, s, in_use={"t-luks": 3}).actions
    assert busy.op is Op.CONFLICT and "3 volume(s)" in busy.reason and "aes-cbc" in busy.reason
    (unknown,) = vm.plan_volume_types(types, s).actions
    assert unknown.op is Op.CONFLICT and "unknown" in unknown.reason
    (fix,) = vm.plan_volume_types(types, s, in_use={"t-luks": 0}).actions
    assert fix.op is Op.UPDATE and fix.params.encryption_exists is True


def test_key_size_as_string_is_not_drift() -> None:
    s = snap(GOOD, enc={"t-luks": {**LUKS, "key_size": "256"}})
    assert vm.plan_volume_types(vm.default_types(), s).is_noop


def test_replicated_declaration_prefixes_existing_description() -> None:
    desired = vm.declare_replicated(vm.default_types(), ["__DEFAULT__"])
    plan = vm.plan_volume_types(desired, snap(DEFAULT, GOOD, enc={"t-luks": LUKS}))
    (act,) = plan.actions
    assert act.name == "__DEFAULT__"
    assert act.params == VolumeTypeChange(description="[scs:replicated] Default Volume Type")


def test_replicated_and_encrypted_sorted_and_bad_prefix_rewritten() -> None:
    messy = VolumeTypeRec(id="t-luks", name="LUKS", description="[scs:replicated,encrypted] x")
    desired = vm.declare_replicated(vm.default_types(), ["LUKS"])
    (act,) = vm.plan_volume_types(desired, snap(messy, enc={"t-luks": LUKS})).actions
    assert act.params.description == f"[scs:encrypted, replicated] {vm.DEFAULT_ENCRYPTED_TEXT}"


def test_declared_replicated_type_must_exist() -> None:
    desired = vm.declare_replicated(vm.default_types(), ["ceph"])
    plan = vm.plan_volume_types(desired, snap(GOOD, enc={"t-luks": LUKS}))
    (act,) = plan.actions
    assert act.op is Op.CONFLICT and act.name == "ceph"


def test_false_encryption_claim_is_reported() -> None:
    liar = VolumeTypeRec(id="t-x", name="fast", description="[scs:encrypted] fast")
    plan = vm.plan_volume_types(vm.default_types(), snap(GOOD, liar, enc={"t-luks": LUKS}))
    assert plan.is_noop  # not ours to change: the 0114 check reports it
    (note,) = plan.notes
    assert "'fast' claims [scs:encrypted] but has no encryption spec" in note


def test_definitions(data_dir: Path) -> None:
    desired = vm.load_definitions(data_dir / "volume-types.yaml")
    plan = vm.plan_volume_types(desired, snap(DEFAULT))
    by = {a.name: a for a in plan.actions}
    assert by["ceph-replicated"].params.description == "[scs:replicated] three copies in Ceph"
    assert by["ceph-replicated"].params.extra_specs == {"volume_backend_name": "ceph"}
    assert by["ceph-replicated"].params.encryption is None
    assert by["LUKS"].params.encryption == LUKS


def test_definitions_refuse_a_prefix_in_the_text(tmp_path: Path) -> None:
    f = tmp_path / "v.yaml"
    f.write_text("volume_types:\n  - name: x\n    description: '[scs:encrypted] x'\n")
    with pytest.raises(InputError, match=r"v.yaml:3: volume_types\[0\].description: write"):
        vm.load_definitions(f)
