"""Taking back what the managers made: a plan that deletes named flavors, images and volume
types, but only those nothing uses (`scs-iaas demo --fresh` starts from an empty cloud so).

A flavor a server runs on, an image a server was booted from, a volume type a volume has:
each stays, with a note; what a plan deletes is printed before it is applied.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from scs_iaas.model.plan import Action, Op, Plan
from scs_iaas.model.snapshot import Snapshot


def plan_removal(
    snap: Snapshot,
    *,
    flavors: Collection[str] = (),
    image_prefixes: Sequence[str] = (),
    volume_types: Collection[str] = (),
    volumes_per_type: Mapping[str, int] | None = None,
) -> Plan:
    """DELETE actions for the flavors named ``flavors``, the images whose name starts with one
    of ``image_prefixes`` and the volume types named ``volume_types`` that are not in use.
    ``snap`` must hold the servers (what "in use" means for flavors and images);
    ``volumes_per_type`` counts the volumes of each volume type id (all projects)."""
    used_flavors = {s.flavor_name for s in snap.servers}
    used_images = {s.image_id for s in snap.servers}
    counts = volumes_per_type or {}
    actions: list[Action] = []
    notes: list[str] = []
    for f in snap.flavors:
        if f.name not in flavors:
            continue
        if f.name in used_flavors:
            notes.append(f"flavor {f.name} kept: a server uses it")
        else:
            actions.append(Action(Op.DELETE, "flavor", f.name, "no server uses it", f.id))
    prefixes = tuple(image_prefixes)
    for img in snap.images:
        if not prefixes or not img.name.startswith(prefixes):
            continue
        if img.id in used_images:
            notes.append(f"image {img.name} ({img.id}) kept: a server was booted from it")
        else:
            actions.append(Action(Op.DELETE, "image", img.name, "no server uses it", img.id))
    for t in snap.volume_types:
        if t.name not in volume_types:
            continue
        n = counts.get(t.id)
        if n is None or n:
            why = "volume usage unknown" if n is None else f"{n} volume(s) use it"
            notes.append(f"volume type {t.name} kept: {why}")
        else:
            actions.append(Action(Op.DELETE, "volume_type", t.name, "no volume uses it", t.id))
    return Plan(kind="removal", actions=tuple(actions), notes=tuple(notes))
