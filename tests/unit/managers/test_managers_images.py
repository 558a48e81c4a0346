"""Image plans from literal snapshots: upload, rotation, drift in one PATCH, leftovers, expiry."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scs_iaas.errors import InputError
from scs_iaas.managers import images as im
from scs_iaas.model.plan import Op
from scs_iaas.model.snapshot import ImageRec, ServerRec, Snapshot

TODAY = date(2026, 11, 24)
OPERATOR = "operator-project"
MEMBER = "member-project"
DEFS = Path(__file__).resolve().parents[2] / "data" / "managers" / "images.yaml"


@pytest.fixture
def defs(data_dir: Path) -> dict[str, im.DesiredImage]:
    return {d.name: d for d in im.load_definitions(data_dir / "images.yaml")}


def managed(
    d: im.DesiredImage, build: str, current: bool, *, status: str = "active", **over: Any
) -> ImageRec:
    """An image exactly as scs-iaas leaves it (then changed by ``over``)."""
    version = next((v for v in d.versions if v.build_date == build), None)
    core, props = im.want_state(d, build, current, version)
    props.update(over.pop("props", {}))
    fields: dict[str, Any] = {
        "id": f"img-{build}",
        "owner": OPERATOR,
        "status": status,
        "disk_format": d.disk_format,
        **core,
        "properties": props,
    }
    fields.update(over)
    return ImageRec(**fields)


def snap(*images: ImageRec, servers: tuple[ServerRec, ...] | None = None) -> Snapshot:
    fetched = {"images"} | ({"servers"} if servers is not None else set())
    return Snapshot(
        cloud="t",
        project_id=OPERATOR,
        images=images,
        servers=servers or (),
        fetched=frozenset(fetched),
    )


def test_definitions_load(defs: dict[str, im.DesiredImage]) -> None:
    u = defs["Ubuntu 24.04"]
    assert [v.build_date for v in u.versions] == ["2026-11-01", "2026-10-01", "2026-09-01"]
    assert u.versions[0].image_source.startswith("https://cloud-images.ubuntu.com/releases/")
    assert u.properties["os_version"] == "24.04"
    assert u.properties["hw_scsi_model"] == "virtio-scsi"
    assert u.uuid_validity == "last-2"
    tiny = defs["Tiny Raw"]
    assert tiny.versions[0].url == "file:///tmp/tiny.raw"
    assert tiny.versions[0].checksum is None
    assert tiny.versions[0].image_source == "private"


def test_fresh_cloud_uploads_only_the_newest_version(defs: dict[str, im.DesiredImage]) -> None:
    plan = im.plan_images(list(defs.values()), snap(), today=TODAY)
    assert [(a.op, a.name) for a in plan.actions] == [
        (Op.CREATE, "Ubuntu 24.04"),
        (Op.CREATE, "Tiny Raw"),
    ]
    p = plan.actions[0].params
    assert p.checksum == "sha256:" + "2" * 64
    assert p.core == {
        "name": "Ubuntu 24.04",
        "visibility": "public",
        "os_hidden": False,
        "protected": False,
        "min_disk": 8,
        "min_ram": 512,
    }
    assert p.properties["image_build_date"] == "2026-11-01"
    assert p.properties["os_purpose"] == "generic"
    assert p.properties[im.NAME_PROP] == "Ubuntu 24.04"
    assert p.properties[im.CHECKSUM_PROP] == "sha256:" + "2" * 64


def test_in_sync_no_op(defs: dict[str, im.DesiredImage]) -> None:
    u = defs["Ubuntu 24.04"]
    plan = im.plan_images([u], snap(managed(u, "2026-11-01", True)), today=TODAY)
    assert plan.is_noop
    assert plan.in_sync == ("Ubuntu 24.04",)


def test_new_version_rotates_the_old_one(defs: dict[str, im.DesiredImage]) -> None:
    u = defs["Ubuntu 24.04"]
    old = managed(u, "2026-10-01", True)  # was current until now
    plan = im.plan_images([u], snap(old), today=TODAY)
    assert [a.op for a in plan.actions] == [Op.CREATE, Op.HIDE]
    hide = plan.actions[1]
    assert hide.resource_id == "img-2026-10-01"
    ops = {o["path"]: o["value"] for o in hide.params.patch}
    assert ops == {
        "/name": "Ubuntu 24.04 20261001",
        "/os_hidden": True,
        "/os_purpose": "oldgeneric",
    }


def test_metadata_drift_is_one_patch(defs: dict[str, im.DesiredImage]) -> None:
    u = defs["Ubuntu 24.04"]
    drifted = managed(
        u,
        "2026-11-01",
        True,
        min_ram=128,
        props={"hw_rng_model": "none", "os_distro": "windows", "image_source": "file:x"},
    )
    plan = im.plan_images([u], snap(drifted), today=TODAY)
    (act,) = plan.actions
    assert act.op is Op.UPDATE
    assert sorted(o["path"] for o in act.params.patch) == [
        "/hw_rng_model",
        "/image_source",
        "/min_ram",
        "/os_distro",
    ]
    assert all(o["op"] == "replace" for o in act.params.patch)
    assert "os_distro='ubuntu'" in act.reason


def test_leftover_upload_is_deleted_and_redone(defs: dict[str, im.DesiredImage]) -> None:
    u = defs["Ubuntu 24.04"]
    pending = managed(
        u, "2026-11-01", True, status="queued", os_hidden=True, props={im.PENDING_PROP: "true"}
    )
    active_pending = managed(u, "2026-11-01", True, id="img-b", props={im.PENDING_PROP: "true"})
    plan = im.plan_images([u], snap(pending, active_pending), today=TODAY)
    assert [(a.op, a.resource_id) for a in plan.actions] == [
        (Op.DELETE, "img-2026-11-01"),
        (Op.DELETE, "img-b"),
        (Op.CREATE, None),
    ]
    assert "interrupted upload" in plan.actions[0].reason


def test_last_n_expiry_needs_delete_and_respects_servers(defs: dict[str, im.DesiredImage]) -> None:
    u = defs["Ubuntu 24.04"]  # last-2: current + one older stay
    cloud = (
        managed(u, "2026-11-01", True),
        managed(u, "2026-10-01", False),
        managed(u, "2026-09-01", False),  # rank 2: expired
    )
    keep = im.plan_images([u], snap(*cloud), today=TODAY)
    assert keep.is_noop  # the expired one stays (renamed, hidden) without --delete
    assert any("--delete would remove it" in n for n in keep.notes)

    assert im.needs_servers([u], snap(*cloud), delete=True, today=TODAY)
    assert not im.needs_servers([u], snap(*cloud), delete=False, today=TODAY)

    gone = im.plan_images([u], snap(*cloud, servers=()), delete=True, today=TODAY)
    assert [(a.op, a.resource_id) for a in gone.actions] == [(Op.DELETE, "img-2026-09-01")]

    used = (ServerRec(id="s1", name="vm", status="ACTIVE", image_id="img-2026-09-01"),)
    kept = im.plan_images([u], snap(*cloud, servers=used), delete=True, today=TODAY)
    assert not kept.actions
    assert any("1 server(s) use it" in n for n in kept.notes)

    blind = im.plan_images([u], snap(*cloud), delete=True, today=TODAY)
    assert [a.op for a in blind.actions] == [Op.CONFLICT]

    # an expired version that still holds the plain name is renamed and hidden all the same
    named = (cloud[0], cloud[1], managed(u, "2026-09-01", True))
    (hide,) = im.plan_images([u], snap(*named), today=TODAY).actions
    assert hide.op is Op.HIDE and hide.resource_id == "img-2026-09-01"


def test_unmanaged_image_with_the_name_is_a_conflict(defs: dict[str, im.DesiredImage]) -> None:
    u = defs["Ubuntu 24.04"]
    stranger = ImageRec(
        id="x", name="Ubuntu 24.04", owner=OPERATOR, properties={"os_distro": "ubuntu"}
    )
    plan = im.plan_images([u], snap(stranger), today=TODAY)
    (act,) = plan.actions
    assert act.op is Op.CONFLICT and "not managed by scs-iaas" in act.reason
    # a user's private image of that name is theirs, not in the way
    private = replace(stranger, visibility="private", owner="someone")
    (create,) = im.plan_images([u], snap(private), today=TODAY).actions
    assert create.op is Op.CREATE


def test_changed_checksum_for_same_build_is_a_conflict(defs: dict[str, im.DesiredImage]) -> None:
    u = defs["Ubuntu 24.04"]
    img = managed(u, "2026-11-01", True, props={im.CHECKSUM_PROP: "sha256:" + "9" * 64})
    (act,) = im.plan_images([u], snap(img), today=TODAY).actions
    assert act.op is Op.CONFLICT and "checksum" in act.reason


@pytest.mark.parametrize(
    ("validity", "rank", "today", "want"),
    [
        ("last-2", 1, TODAY, False),
        ("last-2", 2, TODAY, True),
        ("last-1", 1, TODAY, True),
        ("none", 1, TODAY, True),
        ("forever", 9, TODAY, False),
        ("notice", 9, TODAY, False),
        ("2026-12-31", 3, TODAY, False),
        ("2026-11-01", 3, TODAY, True),
        ("none", 0, TODAY, False),  # the current version never expires
    ],
)
def test_expired(validity: str, rank: int, today: date, want: bool) -> None:
    assert im.expired(validity, rank, today) is want


def test_patch_ops_add_replace_remove_and_escape() -> None:
    ops = im.patch_ops(
        {"name": "a", "os_hidden": False},
        {"x": "1", "gone": "y", "a/b": "old"},
        {"name": "b", "os_hidden": False},
        {"x": "1", "new": "2", "a/b": "new"},
        remove=["gone", "absent"],
    )
    assert ops == [
        {"op": "replace", "path": "/name", "value": "b"},
        {"op": "add", "path": "/new", "value": "2"},
        {"op": "replace", "path": "/a~1b", "value": "new"},
        {"op": "remove", "path": "/gone"},
    ]


def test_float_version_error_says_quote_it(data_dir: Path) -> None:
    with pytest.raises(InputError) as err:
        im.load_definitions(data_dir / "images-float-version.yaml")
    assert str(err.value) == (
        f"{data_dir / 'images-float-version.yaml'}:7: images[0].os_version: "
        "12.0 must be of type string (quote it)"
    )


def test_https_source_needs_checksum(data_dir: Path) -> None:
    with pytest.raises(InputError) as err:
        im.load_definitions(data_dir / "images-no-checksum.yaml")
    assert ":16: images[0].versions[0].url: a checksum" in str(err.value)


def test_standard_tables_check_values(tmp_path: Path, data_dir: Path) -> None:
    text = (
        (data_dir / "images.yaml")
        .read_text()
        .replace("architecture: x86_64", "architecture: amd64", 1)
    )
    f = tmp_path / "i.yaml"
    f.write_text(text)
    with pytest.raises(
        InputError, match=r"i.yaml:9: images\[0\].architecture: 'amd64' must be one of"
    ):
        im.load_definitions(f)


def test_file_source_needs_image_source(tmp_path: Path, data_dir: Path) -> None:
    text = (data_dir / "images.yaml").read_text().replace("    image_source: private\n", "")
    f = tmp_path / "i.yaml"
    f.write_text(text)
    with pytest.raises(
        InputError, match=r"i.yaml:30: images\[1\].image_source: required for a file:// source"
    ):
        im.load_definitions(f)


# -- property: plan, apply (modelled), plan again -> nothing left to do ----------------------


def simulate(actions: tuple[Any, ...], images: tuple[ImageRec, ...]) -> tuple[ImageRec, ...]:
    """The effect apply has on Glance, as records: create, JSON-patch, delete."""
    out = {i.id: i for i in images}
    for n, a in enumerate(actions):
        if a.op is Op.DELETE:
            out.pop(a.resource_id)
        elif a.op is Op.CREATE:
            p = a.params
            out[f"new-{n}"] = ImageRec(
                id=f"new-{n}", owner=OPERATOR, status="active", disk_format=p.disk_format,
                properties=dict(p.properties), **p.core,
            )  # fmt: skip
        elif a.op in (Op.UPDATE, Op.HIDE):
            img = out[a.resource_id]
            core = im.core_of(img)
            props = dict(img.properties)
            for op in a.params.patch:
                key = op["path"][1:].replace("~1", "/").replace("~0", "~")
                if key in core:
                    core[key] = op["value"]
                elif op["op"] == "remove":
                    props.pop(key)
                else:
                    props[key] = op["value"]
            out[img.id] = ImageRec(
                id=img.id, owner=img.owner, status=img.status, disk_format=img.disk_format,
                properties=props, **core,
            )  # fmt: skip
    return tuple(out.values())


@settings(max_examples=200, deadline=None)
@given(
    present=st.lists(st.sampled_from(["2026-11-01", "2026-10-01", "2026-09-01", "2026-08-01"]),
                     unique=True),
    as_current=st.lists(st.booleans(), min_size=4, max_size=4),
    drift=st.lists(st.booleans(), min_size=4, max_size=4),
    leftover=st.booleans(),
    delete=st.booleans(),
    validity=st.sampled_from(["last-2", "none", "forever", "2026-01-01"]),
)  # fmt: skip
def test_plan_apply_converges(
    present: list[str],
    as_current: list[bool],
    drift: list[bool],
    leftover: bool,
    delete: bool,
    validity: str,
) -> None:
    (u,) = [d for d in im.load_definitions(DEFS) if d.name == "Ubuntu 24.04"]
    u = replace(u, properties={**u.properties, "uuid_validity": validity})
    cloud = []
    for i, build in enumerate(present):
        over: dict[str, Any] = {"props": {"os_distro": "windows"}} if drift[i] else {}
        cloud.append(managed(u, build, as_current[i], **over))
    if leftover:
        cloud.append(managed(u, "2026-11-01", True, id="half", status="saving"))
    s = snap(*cloud, servers=())
    first = im.plan_images([u], s, delete=delete, today=TODAY)
    assert not first.conflicts
    after = simulate(first.actions, s.images)
    second = im.plan_images([u], snap(*after, servers=()), delete=delete, today=TODAY)
    assert second.is_noop, second.actions
    names = [i.name for i in after]
    assert names.count("Ubuntu 24.04") == 1  # exactly one image holds the plain name
    current = next(i for i in after if i.name == "Ubuntu 24.04")
    assert current.properties["image_build_date"] == "2026-11-01" and not current.os_hidden
    for i in after:
        if i is not current:
            assert i.os_hidden and i.properties["os_purpose"] == "oldgeneric"
    if delete and validity == "none":
        assert len(after) == 1


def test_adopted_image_without_build_date_is_a_conflict(defs: dict[str, im.DesiredImage]) -> None:
    u = defs["Ubuntu 24.04"]
    adopted = ImageRec(
        id="old", name="Ubuntu 24.04", owner=OPERATOR, properties={im.NAME_PROP: "Ubuntu 24.04"}
    )
    (act,) = im.plan_images([u], snap(adopted), today=TODAY).actions
    assert act.op is Op.CONFLICT and "image_build_date" in act.reason


# -- issue 16: ownership, content, promises, rollback, the definition's own rules ----------------


def test_another_projects_claim_is_reported_never_managed(
    defs: dict[str, im.DesiredImage],
) -> None:
    """A member's image with scs-iaas:name and the defined build date (and checksum stamp), a
    claim on an undefined build date, and a community image with the plain name: notes only."""
    u = defs["Ubuntu 24.04"]
    claim = replace(managed(u, "2026-11-01", True), id="evil-1", owner=MEMBER, visibility="private")
    newer = replace(
        managed(u, "2026-10-15", False), id="evil-2", owner=MEMBER, visibility="private"
    )
    community = ImageRec(id="evil-3", name="Ubuntu 24.04", owner=MEMBER, visibility="community")
    plan = im.plan_images([u], snap(claim, newer, community), today=TODAY)
    assert [(a.op, a.resource_id) for a in plan.actions] == [(Op.CREATE, None)]
    assert not plan.conflicts
    text = "\n".join(plan.notes)
    assert all(i in text for i in ("evil-1", "evil-2", "evil-3")) and "not touched" in text


def test_own_image_is_adopted_only_when_its_data_is_the_definitions(
    defs: dict[str, im.DesiredImage],
) -> None:
    u = defs["Ubuntu 24.04"]
    props = {im.NAME_PROP: u.name, im.BUILD_DATE: "2026-11-01"}
    base = ImageRec(
        id="adopt", name="my upload", owner=OPERATOR, visibility="private", disk_format="qcow2",
        properties=props, os_hash_algo="sha256",
    )  # fmt: skip
    wrong = replace(base, os_hash_value="9" * 64)
    (act,) = im.plan_images([u], snap(wrong), today=TODAY).actions
    assert act.op is Op.CONFLICT and "its data is not build 2026-11-01" in act.reason
    right = replace(base, os_hash_value="2" * 64)
    (upd,) = im.plan_images([u], snap(right), today=TODAY).actions
    assert upd.op is Op.UPDATE and {"op": "replace", "path": "/visibility", "value": "public"} in (
        upd.params.patch
    )
    unknown = replace(base, os_hash_algo="sha512", os_hash_value="1" * 128)  # no stamp
    (act,) = im.plan_images([u], snap(unknown), today=TODAY).actions
    assert act.op is Op.CONFLICT and "cannot verify its data" in act.reason


def test_published_versions_keep_their_uuid_validity(defs: dict[str, im.DesiredImage]) -> None:
    u = replace(defs["Ubuntu 24.04"], properties={**defs["Ubuntu 24.04"].properties})
    last3 = replace(u, properties={**u.properties, "uuid_validity": "last-3"})
    images = (
        managed(last3, "2026-11-01", True),
        managed(last3, "2026-10-01", False),
        managed(last3, "2026-09-01", False),
    )
    last2 = replace(u, properties={**u.properties, "uuid_validity": "last-2"})
    plan = im.plan_images([last2], snap(*images, servers=()), delete=True, today=TODAY)
    assert plan.is_noop, plan.actions  # no rewrite of the promise, nothing deletable at once
    assert any("keeps uuid_validity 'last-3'" in n for n in plan.notes)
    assert im.stronger_promise("last-3", "last-5") == "last-5"  # a longer promise is taken
    assert im.stronger_promise("2026-12-31", "2026-06-30") == "2026-12-31"
    assert im.stronger_promise("forever", "none") == "forever"
    assert im.stronger_promise("none", "last-2") == "last-2"


def test_removing_the_newest_version_is_no_silent_rollback(
    defs: dict[str, im.DesiredImage],
) -> None:
    u = defs["Ubuntu 24.04"]
    images = (managed(u, "2026-11-01", True), managed(u, "2026-10-01", False))
    older = replace(u, versions=u.versions[1:])
    plan = im.plan_images([older], snap(*images), today=TODAY)
    assert [a.op for a in plan.actions] == [Op.CONFLICT]
    assert "does not roll back silently" in plan.actions[0].reason


def test_same_day_with_another_time_is_the_same_version(defs: dict[str, im.DesiredImage]) -> None:
    u = defs["Ubuntu 24.04"]
    noon = managed(u, "2026-11-01", True, props={im.BUILD_DATE: "2026-11-01 12:00"})
    (act,) = im.plan_images([u], snap(noon), today=TODAY).actions
    assert act.op is Op.UPDATE
    assert [dict(o) for o in act.params.patch] == [
        {"op": "replace", "path": "/image_build_date", "value": "2026-11-01"}
    ]


def test_dropped_property_is_removed_hand_added_reported(
    defs: dict[str, im.DesiredImage],
) -> None:
    u = defs["Ubuntu 24.04"]
    img = managed(u, "2026-11-01", True)
    with_qemu = replace(u, properties={**u.properties, "hypervisor_type": "qemu"})
    img = managed(with_qemu, "2026-11-01", True, props={"hand_made": "x"})
    plan = im.plan_images([u], snap(img), today=TODAY)
    (act,) = plan.actions
    assert {"op": "remove", "path": "/hypervisor_type"} in act.params.patch
    assert not any("hand_made" in str(op) for op in act.params.patch)
    assert any("hand_made" in n for n in plan.notes)


def test_protected_is_drift_and_expired_versions_are_hidden_before_delete(
    defs: dict[str, im.DesiredImage],
) -> None:
    u = defs["Ubuntu 24.04"]
    cur = managed(u, "2026-11-01", True)
    # an expired version that still holds the plain name, visible and protected
    old = managed(u, "2026-09-01", True, protected=True)
    plan = im.plan_images([u], snap(cur, old, servers=()), delete=True, today=TODAY)
    ops = [(a.op, a.resource_id) for a in plan.actions]
    assert ops == [(Op.HIDE, "img-2026-09-01"), (Op.DELETE, "img-2026-09-01")]
    patch = {op["path"]: op.get("value") for op in plan.actions[0].params.patch}
    assert patch["/protected"] is False and patch["/os_hidden"] is True
    assert patch["/name"] == "Ubuntu 24.04 20260901"


def test_another_runs_upload_is_not_a_leftover(defs: dict[str, im.DesiredImage]) -> None:
    u = defs["Ubuntu 24.04"]
    saving = managed(u, "2026-11-01", False, status="saving", props={im.PENDING_PROP: "true"})
    lock = ImageRec(id="lock", name="scs-iaas image lock", owner=OPERATOR, status="queued",
                    properties={"scs-iaas:lock": "other-host:1:abc"})  # fmt: skip
    plan = im.plan_images([u], snap(saving, lock), today=TODAY)
    assert plan.is_noop and "in progress by another run" in plan.notes[0]
    held = im.plan_images([u], snap(saving, lock), today=TODAY, locked=True)
    assert [a.op for a in held.actions][:2] == [Op.DELETE, Op.CREATE]  # killed run's leftover
    assert held.actions[0].params.leftover


def test_each_definition_is_its_own_unit(defs: dict[str, im.DesiredImage]) -> None:
    plan = im.plan_images(list(defs.values()), snap(), today=TODAY)
    assert [a.unit for a in plan.actions] == ["Ubuntu 24.04", "Tiny Raw"]


def test_future_build_date_is_refused_with_its_line(tmp_path: Path, data_dir: Path) -> None:
    from datetime import UTC, datetime

    f = tmp_path / "i.yaml"
    f.write_text((data_dir / "images.yaml").read_text())
    with pytest.raises(InputError, match=r"i.yaml:24: images\[0\].versions\[1\].build_date: "
                       r"2026-11-01 is in the future"):  # fmt: skip
        im.load_definitions(f, now=datetime(2026, 10, 15, tzinfo=UTC))


def test_two_public_generic_definitions_for_one_release_are_refused(
    tmp_path: Path, data_dir: Path
) -> None:
    text = (data_dir / "images.yaml").read_text()
    first = text.split("  - name: Tiny Raw")[0].split("images:\n", 1)[1]
    f = tmp_path / "i.yaml"
    f.write_text("images:\n" + first + first.replace("Ubuntu 24.04\n", "Ubuntu 24.04 b\n", 1))
    with pytest.raises(InputError, match=r"i.yaml:\d+: images\[1\].os_purpose: a second public "
                       r"generic image for ubuntu 24.04 x86_64 \(also Ubuntu 24.04\)"):  # fmt: skip
        im.load_definitions(f)


def test_file_source_without_checksum_gets_the_files_sha512(tmp_path: Path) -> None:
    import hashlib

    data = os.urandom(3000)
    (tmp_path / "x.raw").write_bytes(data)
    v = im.Version("2026-11-01", (tmp_path / "x.raw").as_uri(), None, "private")
    gone = im.Version("2026-10-01", (tmp_path / "gone.raw").as_uri(), None, "private")
    d = im.DesiredImage(name="X", disk_format="raw", versions=(v, gone))
    (out,) = im.with_local_checksums([d])
    assert out.versions[0].checksum == "sha512:" + hashlib.sha512(data).hexdigest()
    assert out.versions[1].checksum is None
