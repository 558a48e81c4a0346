"""Taking back what the managers made: only what nothing uses is deleted, the rest is noted."""

from __future__ import annotations

from scs_iaas.managers.removal import plan_removal
from scs_iaas.model.plan import CREATED_MARK, Op
from scs_iaas.model.snapshot import FlavorRec, ImageRec, ServerRec, Snapshot, VolumeTypeRec

MARK = {CREATED_MARK: "true"}


def test_only_unused_resources_are_deleted_and_the_rest_is_noted() -> None:
    snap = Snapshot(
        cloud="t",
        flavors=(
            FlavorRec("f1", "SCS-1V-2", 1, 2048, 0, extra_specs=MARK),
            FlavorRec("f2", "SCS-2V-4", 2, 4096, 0, extra_specs=MARK),
            FlavorRec("f3", "my-own", 1, 512, 0, extra_specs=MARK),
        ),
        images=(
            ImageRec("i1", "Ubuntu 24.04", properties=MARK),
            ImageRec("i2", "Ubuntu 24.04 20261101", properties=MARK),
            ImageRec("i3", "Debian 12", properties=MARK),
            ImageRec("i4", "someone else's", properties=MARK),
        ),
        volume_types=(
            VolumeTypeRec("t1", "LUKS", extra_specs=MARK),
            VolumeTypeRec("t2", "__DEFAULT__", extra_specs=MARK),
        ),
        servers=(ServerRec("s1", "vm", "ACTIVE", flavor_name="SCS-2V-4", image_id="i3"),),
        fetched=frozenset({"flavors", "images", "volume_types", "servers"}),
    )
    plan = plan_removal(
        snap,
        flavors={"SCS-1V-2", "SCS-2V-4"},
        image_prefixes=["Ubuntu 24.04", "Debian 12"],
        volume_types={"LUKS"},
        volumes_per_type={"t1": 0},
    )
    assert [(a.op, a.kind, a.resource_id) for a in plan.actions] == [
        (Op.DELETE, "flavor", "f1"),
        (Op.DELETE, "image", "i1"),
        (Op.DELETE, "image", "i2"),
        (Op.DELETE, "volume_type", "t1"),
    ]
    assert any("SCS-2V-4 kept" in n for n in plan.notes)
    assert any("Debian 12 (i3) kept" in n for n in plan.notes)
    used = plan_removal(snap, volume_types={"LUKS"}, volumes_per_type={"t1": 2})
    assert used.actions == () and used.notes == ("volume type LUKS kept: 2 volume(s) use it",)
    unknown = plan_removal(snap, volume_types={"LUKS"})
    assert unknown.actions == () and "usage unknown" in unknown.notes[0]


def test_a_look_alike_scs_iaas_did_not_create_stays() -> None:
    """Another project's public "Ubuntu 24.04", a flavor or LUKS type made by hand: unmarked,
    unused, named like the demo's, and still kept (issue 11: --fresh deleted by name)."""
    snap = Snapshot(
        cloud="t",
        flavors=(FlavorRec("f1", "SCS-1V-2", 1, 2048, 0),),
        images=(ImageRec("i1", "Ubuntu 24.04", owner="other-project"),),
        volume_types=(VolumeTypeRec("t1", "LUKS"),),
        fetched=frozenset({"flavors", "images", "volume_types", "servers"}),
    )
    plan = plan_removal(
        snap,
        flavors={"SCS-1V-2"},
        image_prefixes=["Ubuntu 24.04"],
        volume_types={"LUKS"},
        volumes_per_type={"t1": 0},
    )
    assert plan.actions == ()
    assert sorted(plan.notes) == [
        "flavor SCS-1V-2 kept: not created by scs-iaas",
        "image Ubuntu 24.04 (i1) kept: not created by scs-iaas",
        "volume type LUKS kept: not created by scs-iaas",
    ]
