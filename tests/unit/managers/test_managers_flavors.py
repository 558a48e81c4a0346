"""Flavor plans from literal snapshots: create, fix specs, stale keys, size drift, in use."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scs_iaas.errors import InputError
from scs_iaas.managers import flavors as fm
from scs_iaas.model.plan import Op
from scs_iaas.model.snapshot import FlavorRec, ServerRec, Snapshot

SPECS = {
    "scs:cpu-type": "shared-core",
    "scs:name-v1": "SCS-2V:4",
    "scs:name-v2": "SCS-2V-4",
}
WANT = fm.DesiredFlavor(name="SCS-2V-4", vcpus=2, ram=4096, disk=0, extra_specs=SPECS)
SSD = fm.DesiredFlavor(
    name="SCS-2V-4-20s",
    vcpus=2,
    ram=4096,
    disk=20,
    extra_specs={
        "scs:cpu-type": "shared-core",
        "scs:disk0-type": "ssd",
        "scs:name-v1": "SCS-2V:4:20s",
        "scs:name-v2": "SCS-2V-4-20s",
    },
)


def rec(d: fm.DesiredFlavor, **kw: object) -> FlavorRec:
    base = {
        "id": f"id-{d.name}",
        "name": d.name,
        "vcpus": d.vcpus,
        "ram": d.ram,
        "disk": d.disk,
        "extra_specs": dict(d.extra_specs),
    }
    base.update(kw)
    return FlavorRec(**base)  # type: ignore[arg-type]


def snap(*flavors: FlavorRec, servers: tuple[ServerRec, ...] | None = None) -> Snapshot:
    fetched = {"flavors"} | ({"servers"} if servers is not None else set())
    return Snapshot(
        cloud="test", flavors=flavors, servers=servers or (), fetched=frozenset(fetched)
    )


def test_missing_flavors_are_created_with_every_spec() -> None:
    plan = fm.plan_flavors([WANT, SSD], snap())
    assert [a.op for a in plan.actions] == [Op.CREATE, Op.CREATE]
    create = plan.actions[1]
    assert create.name == "SCS-2V-4-20s"
    assert (create.params.vcpus, create.params.ram, create.params.disk) == (2, 4096, 20)
    assert create.params.extra_specs == dict(SSD.extra_specs)
    assert create.params.is_public is True


def test_in_sync_is_a_noop() -> None:
    plan = fm.plan_flavors([WANT, SSD], snap(rec(WANT), rec(SSD)))
    assert plan.is_noop
    assert plan.in_sync == ("SCS-2V-4", "SCS-2V-4-20s")


def test_wrong_missing_and_stale_specs_are_fixed_foreign_keys_kept() -> None:
    have = {
        "scs:cpu-type": "dedicated-core",  # wrong
        "scs:name-v2": "SCS-2V-4",
        "scs:disk0-type": "ssd",  # stale: no disk
        "hw_rng:allowed": "true",  # not ours: stays
    }
    plan = fm.plan_flavors([WANT], snap(rec(WANT, extra_specs=have)))
    (act,) = plan.actions
    assert act.op is Op.UPDATE
    assert act.params.set_specs == {"scs:cpu-type": "shared-core", "scs:name-v1": "SCS-2V:4"}
    assert act.params.unset_specs == ("scs:disk0-type",)
    assert "'dedicated-core' -> 'shared-core'" in act.reason
    assert "stale scs:disk0-type" in act.reason


def test_size_drift_is_a_conflict_without_replace() -> None:
    plan = fm.plan_flavors([WANT], snap(rec(WANT, ram=1234)))
    (act,) = plan.actions
    assert act.op is Op.CONFLICT
    assert "ram 1234 (want 4096)" in act.reason and "--replace" in act.reason
    assert not fm.needs_servers([WANT], snap(rec(WANT, ram=1234)), replace=False)
    assert fm.needs_servers([WANT], snap(rec(WANT, ram=1234)), replace=True)
    assert not fm.needs_servers([WANT], snap(rec(WANT)), replace=True)


def test_replace_only_when_no_server_uses_it() -> None:
    drifted = rec(WANT, vcpus=3, is_public=False, extra_specs={**SPECS, "hw:cpu_policy": "shared"})
    used = (ServerRec(id="srv-1", name="vm", status="ACTIVE", flavor_name="SCS-2V-4"),)
    blocked = fm.plan_flavors([WANT], snap(drifted, servers=used), replace=True)
    assert blocked.actions[0].op is Op.CONFLICT
    assert "1 server(s) use it" in blocked.actions[0].reason

    unknown = fm.plan_flavors([WANT], snap(drifted), replace=True)
    assert unknown.actions[0].op is Op.CONFLICT
    assert "cannot tell" in unknown.actions[0].reason

    other = (ServerRec(id="srv-2", name="vm", status="ACTIVE", flavor_name="SCS-4V-16"),)
    free = fm.plan_flavors([WANT], snap(drifted, servers=other), replace=True)
    (act,) = free.actions
    assert act.op is Op.REPLACE
    assert act.params.vcpus == 2
    assert act.params.is_public is False  # private stays private; access is copied
    assert act.params.extra_specs["hw:cpu_policy"] == "shared"
    assert act.params.extra_specs["scs:cpu-type"] == "shared-core"


def test_definitions_sizes_specs_and_merge_with_standard(data_dir: Path) -> None:
    extra = fm.load_definitions(data_dir / "flavors-cc.yaml")
    by = {d.name: d for d in extra}
    cc = by["cc-4V-16-sev"]
    assert (cc.vcpus, cc.ram, cc.disk) == (4, 16384, 20)
    assert cc.extra_specs["hw:mem_encryption"] == "true"
    assert cc.source.endswith("flavors-cc.yaml:3")
    dedicated = by["SCS-2C-8-50n"]
    assert (dedicated.vcpus, dedicated.ram, dedicated.disk) == (2, 8192, 50)
    assert dedicated.extra_specs["scs:cpu-type"] == "dedicated-core"
    assert dedicated.extra_specs["scs:disk0-type"] == "network"
    assert dedicated.extra_specs["scs:name-v2"] == "SCS-2C-8-50n"
    assert dedicated.extra_specs["hw:cpu_policy"] == "dedicated"

    combined = {d.name: d for d in fm.combine([WANT], extra)}
    assert combined["SCS-2V-4"].extra_specs == {**SPECS, "hw_rng:allowed": "true"}
    assert set(combined) == {"SCS-2V-4", "cc-4V-16-sev", "SCS-2C-8-50n"}


def test_definition_cannot_resize_a_standard_flavor(tmp_path: Path) -> None:
    f = tmp_path / "f.yaml"
    f.write_text("flavors:\n  - name: SCS-2V-4\n    vcpus: 2\n    ram: 8192\n")
    extra = fm.load_definitions(f)
    with pytest.raises(InputError, match="cannot change its size"):
        fm.combine([WANT], extra)


def test_invented_scs_suffix_is_refused_with_line(data_dir: Path) -> None:
    with pytest.raises(InputError) as err:
        fm.load_definitions(data_dir / "flavors-bad-suffix.yaml")
    msg = str(err.value)
    assert msg.startswith(f"{data_dir / 'flavors-bad-suffix.yaml'}:5: flavors[1].name: ")
    assert "not a valid SCS flavor name" in msg


def test_schema_error_names_file_line_field(data_dir: Path) -> None:
    with pytest.raises(InputError) as err:
        fm.load_definitions(data_dir / "flavors-bad-type.yaml")
    assert str(err.value) == (
        f'{data_dir / "flavors-bad-type.yaml"}:6: flavors[1].vcpus: "two" must be of type integer'
    )


def test_scs_name_must_deliver_what_it_promises(tmp_path: Path) -> None:
    f = tmp_path / "f.yaml"
    f.write_text("flavors:\n  - name: SCS-4V-16\n    vcpus: 4\n    ram: 8192\n")
    with pytest.raises(InputError, match=r"f.yaml:4: flavors\[0\].ram: 8192 is less than"):
        fm.load_definitions(f)


def test_non_scs_flavor_needs_sizes_and_no_name_specs(tmp_path: Path) -> None:
    f = tmp_path / "f.yaml"
    f.write_text("flavors:\n  - name: custom\n    ram: 1024\n")
    with pytest.raises(InputError, match="vcpus is required"):
        fm.load_definitions(f)
    f.write_text(
        "flavors:\n  - name: custom\n    vcpus: 1\n    ram: 1024\n"
        "    extra_specs:\n      scs:name-v2: custom\n"
    )
    with pytest.raises(InputError, match=r":6: flavors\[0\].extra_specs.scs:name-v2"):
        fm.load_definitions(f)


# -- property: applying a plan's updates leaves nothing to do -------------------------------

KEYS = ["scs:cpu-type", "scs:name-v1", "scs:name-v2", "scs:disk0-type", "scs:x", "hw:foo"]
VALUES = ["shared-core", "SCS-2V:4", "SCS-2V-4", "ssd", "junk"]


def simulate(plan_actions: tuple, flavors: tuple[FlavorRec, ...]) -> tuple[FlavorRec, ...]:
    """What the cloud looks like after create/update/replace (the model apply follows)."""
    out = {f.name: f for f in flavors}
    for a in plan_actions:
        if a.op in (Op.CREATE, Op.REPLACE):
            out[a.name] = FlavorRec(
                id="new",
                name=a.name,
                vcpus=a.params.vcpus,
                ram=a.params.ram,
                disk=a.params.disk,
                is_public=a.params.is_public,
                extra_specs=dict(a.params.extra_specs),
            )
        elif a.op is Op.UPDATE:
            f = out[a.name]
            specs = {**f.extra_specs, **a.params.set_specs}
            for k in a.params.unset_specs:
                specs.pop(k)
            out[a.name] = replace(f, extra_specs=specs)
    return tuple(out.values())


@settings(max_examples=150, deadline=None)
@given(
    present=st.booleans(),
    specs=st.dictionaries(st.sampled_from(KEYS), st.sampled_from(VALUES), max_size=6),
    ram=st.sampled_from([4096, 4096, 2048]),
    replace_flag=st.booleans(),
)
def test_plan_then_apply_converges(
    present: bool, specs: dict[str, str], ram: int, replace_flag: bool
) -> None:
    flavors = (rec(WANT, ram=ram, extra_specs=specs),) if present else ()
    first = fm.plan_flavors([WANT], snap(*flavors, servers=()), replace=replace_flag)
    after = simulate(first.actions, flavors)
    second = fm.plan_flavors([WANT], snap(*after, servers=()), replace=replace_flag)
    assert not second.changes
    if second.conflicts:  # only size drift without --replace may remain
        assert not replace_flag and ram != 4096
    else:
        (f,) = after
        assert {k: v for k, v in f.extra_specs.items() if k.startswith("scs:")} == SPECS
        assert f.extra_specs.get("hw:foo") == (specs.get("hw:foo") if present else None)


def test_standard_sets_include_the_ssd_flavors() -> None:
    mandatory = {d.name: d for d in fm.standard_set("mandatory")}
    assert len(mandatory) == 15 and len(fm.standard_set("all")) == 31
    ssd = mandatory["SCS-4V-16-100s"]
    assert (ssd.vcpus, ssd.ram, ssd.disk) == (4, 16384, 100)
    assert ssd.extra_specs["scs:disk0-type"] == "ssd"
    assert mandatory["SCS-1V-4"].disk == 0
    plan = fm.plan_flavors(fm.standard_set("all"), snap())
    assert [a.op for a in plan.actions] == [Op.CREATE] * 31


def test_flavor_found_by_its_scs_name_v2_is_not_duplicated() -> None:
    alias = rec(WANT, id="m1", name="m1.small", extra_specs={**SPECS, "scs:cpu-type": "x"})
    plan = fm.plan_flavors([WANT], snap(alias))
    (act,) = plan.actions
    assert (act.op, act.name, act.resource_id) == (Op.UPDATE, "m1.small", "m1")
    assert act.params.set_specs == {"scs:cpu-type": "shared-core"}
    # a flavor that really has the name wins over an alias
    both = fm.plan_flavors([WANT], snap(alias, rec(WANT)))
    assert both.is_noop and both.in_sync == ("SCS-2V-4",)
    used = (ServerRec(id="s", name="vm", status="ACTIVE", flavor_name="m1.small"),)
    small = rec(WANT, id="m1", name="m1.small", ram=1)
    (blocked,) = fm.plan_flavors([WANT], snap(small, servers=used), replace=True).actions
    assert blocked.op is Op.CONFLICT and "server(s) use it" in blocked.reason


def test_several_disks_root_disk_is_one_of_them(tmp_path: Path) -> None:
    """SCS-2C-4-3x10s: three disks of 10 GB; the flavor's root disk is 10 GB (scs-0100)."""
    f = tmp_path / "f.yaml"
    f.write_text("flavors:\n  - name: SCS-2C-4-3x10s\n")
    [flavor] = fm.load_definitions(f)
    assert flavor.disk == 10
    assert flavor.extra_specs["scs:disk2-type"] == "ssd"


def test_scs_specs_on_a_custom_flavor_are_checked_at_load(tmp_path: Path) -> None:
    f = tmp_path / "f.yaml"
    f.write_text(
        "flavors:\n  - name: cc.large\n    vcpus: 2\n    ram: 4096\n"
        "    extra_specs:\n      scs:cpu-type: bogus\n"
    )
    with pytest.raises(InputError, match=r"f.yaml:6: .*scs:cpu-type.*'bogus' is not one of"):
        fm.load_definitions(f)


def test_spec_option_adds_a_key_to_every_flavor_but_never_scs_keys() -> None:
    desired = fm.with_specs(
        fm.standard_set("mandatory"), fm.parse_spec_args(["hw_rng:allowed=True"])
    )
    assert all(d.extra_specs["hw_rng:allowed"] == "True" for d in desired)
    assert all("scs:cpu-type" in d.extra_specs for d in desired)
    with pytest.raises(InputError, match="follow from the flavor names"):
        fm.with_specs(desired, {"scs:cpu-type": "dedicated-core"})
    with pytest.raises(InputError, match="expected KEY=VALUE"):
        fm.parse_spec_args(["hw_rng:allowed"])
