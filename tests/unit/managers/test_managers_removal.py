"""Taking back what the managers made: only what nothing uses is deleted, the rest is noted."""

from __future__ import annotations

from scs_iaas.managers.removal import plan_removal
from scs_iaas.model.plan import Op
from scs_iaas.model.snapshot import FlavorRec, ImageRec, ServerRec, Snapshot, VolumeTypeRec


def test_only_unused_resources_are_deleted_and_the_rest_is_noted() -> None:
    snap = Snapshot(
        cloud="t",
        flavors=(
            FlavorRec("f1", "SCS-1V-2", 1, 2048, 0),
            FlavorRec("f2", "SCS-2V-4", 2, 4096, 0),
            FlavorRec("f3", "my-own", 1, 512, 0),
        ),
        images=(
            ImageRec("i1", "Ubuntu 24.04"),
            ImageRec("i2", "Ubuntu 24.04 20261101"),
            ImageRec("i3", "Debian 12"),
            ImageRec("i4", "someone else's"),
        ),
        volume_types=(VolumeTypeRec("t1", "LUKS"), VolumeTypeRec("t2", "__DEFAULT__")),
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
