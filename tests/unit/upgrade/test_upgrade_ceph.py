"""Ceph readiness from recorded ``ceph … -f json`` outputs (real Pacific ones and derived ones)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scs_iaas.errors import InputError
from scs_iaas.model.findings import Finding, Status
from scs_iaas.upgrade import ceph
from scs_iaas.upgrade import releases as rel

DATA = Path(__file__).resolve().parents[2] / "data" / "upgrade" / "ceph"


def statuses(found: list[Finding]) -> dict[str, Status]:
    out: dict[str, Status] = {}
    for f in found:  # the worst status per id (blockers may give several findings)
        order = [Status.PASS, Status.SKIP, Status.WARN, Status.FAIL, Status.ABORT]
        if f.id not in out or order.index(f.status) > order.index(out[f.id]):
            out[f.id] = f.status
    return out


def test_real_pacific_cluster_is_read_as_recorded() -> None:
    state = ceph.read_dir(DATA / "pacific-ok-real")
    assert state.running is not None and state.running.name == "pacific"
    assert {(d.kind, d.version, d.count) for d in state.daemons} == {
        ("mon", "16.2.15", 1),
        ("mgr", "16.2.15", 1),
        ("osd", "16.2.15", 1),
    }
    assert state.require_osd_release == "pacific"
    assert state.health_status == "HEALTH_OK"
    assert state.osd_objectstores == {0: "bluestore"}
    assert state.cache_tiers == ()


def test_healthy_pacific_may_go_to_quincy() -> None:
    state = ceph.read_dir(DATA / "pacific-ok-real")
    target = ceph.default_target(state)
    assert target is not None and target.name == "quincy"
    got = statuses(ceph.judge(state, target))
    assert got == {
        "scs-iaas-upgrade-ceph-versions": Status.PASS,
        "scs-iaas-upgrade-ceph-path": Status.PASS,
        "scs-iaas-upgrade-ceph-require-osd-release": Status.PASS,
        "scs-iaas-upgrade-ceph-health": Status.PASS,
        "scs-iaas-upgrade-ceph-blockers": Status.PASS,
    }


@pytest.mark.parametrize(("to", "status"), [("reef", Status.PASS), ("squid", Status.FAIL)])
def test_ceph_allows_at_most_two_releases_forward(to: str, status: Status) -> None:
    state = ceph.read_dir(DATA / "pacific-ok-real")
    found = ceph.judge(state, rel.ceph_release(to))
    path = next(f for f in found if f.id == "scs-iaas-upgrade-ceph-path")
    assert path.status is status
    if status is Status.FAIL:
        assert path.fix == "upgrade to reef first"


def test_real_health_warning_blocks() -> None:
    found = ceph.judge(ceph.read_dir(DATA / "pacific-warn-real"), rel.ceph_release("quincy"))
    health = next(f for f in found if f.id == "scs-iaas-upgrade-ceph-health")
    assert health.status is Status.FAIL
    assert "AUTH_INSECURE_GLOBAL_ID_RECLAIM_ALLOWED" in health.reason


def test_filestore_osd_blocks_reef_but_only_warns_for_quincy() -> None:
    state = ceph.read_dir(DATA / "pacific-filestore-cachetier-real")
    assert state.osd_objectstores == {0: "bluestore", 1: "filestore"}
    assert state.cache_tiers == ("hot",)
    reef = [f for f in ceph.judge(state, rel.ceph_release("reef")) if "blockers" in f.id]
    assert {(f.details["blocker"], f.status) for f in reef} == {
        ("filestore", Status.FAIL),
        ("leveldb", Status.WARN),
        ("cache-tier", Status.WARN),
    }
    assert any("osd.1" in f.reason for f in reef)
    quincy = [f for f in ceph.judge(state, rel.ceph_release("quincy")) if "blockers" in f.id]
    assert {(f.details["blocker"], f.status) for f in quincy} == {
        ("filestore", Status.WARN),
        ("leveldb", Status.WARN),
    }


def test_mixed_versions_block_and_require_osd_release_waits() -> None:
    state = ceph.read_dir(DATA / "mixed-pacific-quincy")
    assert state.running is None
    assert state.oldest is not None and state.oldest.name == "pacific"
    found = ceph.judge(state, ceph.default_target(state))
    got = statuses(found)
    assert got["scs-iaas-upgrade-ceph-versions"] is Status.FAIL
    assert got["scs-iaas-upgrade-ceph-require-osd-release"] is Status.SKIP
    versions = next(f for f in found if f.id == "scs-iaas-upgrade-ceph-versions")
    assert "pacific: 4 osd 16.2.15" in versions.reason
    assert "quincy: 3 mon 17.2.7, 2 mgr 17.2.7, 2 osd 17.2.7" in versions.reason


def test_quincy_health_warning_lists_checks_but_not_muted_ones() -> None:
    state = ceph.read_dir(DATA / "quincy-health-warn")
    assert set(state.health_checks) == {"OSDMAP_FLAGS", "RECENT_CRASH"}
    found = ceph.judge(state, rel.ceph_release("reef"))
    got = statuses(found)
    assert got["scs-iaas-upgrade-ceph-health"] is Status.FAIL
    assert got["scs-iaas-upgrade-ceph-require-osd-release"] is Status.PASS
    blockers = next(f for f in found if f.id == "scs-iaas-upgrade-ceph-blockers")
    assert "no osd metadata: FileStore unchecked" in blockers.reason


def test_lagging_require_osd_release_is_named_with_its_fix() -> None:
    found = ceph.judge(
        ceph.read_dir(DATA / "quincy-require-osd-release-lagging"), rel.ceph_release("reef")
    )
    req = next(f for f in found if f.id == "scs-iaas-upgrade-ceph-require-osd-release")
    assert req.status is Status.FAIL
    assert req.fix == "ceph osd require-osd-release quincy"


def test_lagging_require_osd_release_blocks_a_two_step_jump() -> None:
    state = ceph.read_dir(DATA / "quincy-require-osd-release-lagging")
    found = ceph.judge(state, rel.ceph_release("squid"))
    blockers = [f for f in found if f.id == "scs-iaas-upgrade-ceph-blockers"]
    assert [f.status for f in blockers] == [Status.FAIL]
    assert "needs require_osd_release ≥ quincy, it is pacific" in blockers[0].reason


def test_finished_quincy_is_ready_for_reef() -> None:
    found = ceph.judge(ceph.read_dir(DATA / "quincy-ok"), rel.ceph_release("reef"))
    assert {f.status for f in found} == {Status.PASS}


def test_filestore_health_check_counts_without_metadata() -> None:
    base = DATA / "quincy-ok"
    health = {
        "status": "HEALTH_WARN",
        "checks": {"OSD_FILESTORE": {"summary": {"message": "2 osds use filestore"}}},
    }
    state = ceph.CephState.from_json(
        json.loads((base / "versions.json").read_text()),
        health,
        json.loads((base / "osd_dump.json").read_text()),
    )
    blockers = [f for f in ceph.judge(state, rel.ceph_release("reef")) if "blockers" in f.id]
    assert [(f.status, "OSD_FILESTORE" in f.reason) for f in blockers] == [
        (Status.FAIL, True),
        (Status.WARN, True),
    ]


def test_bad_inputs_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a directory"):
        ceph.read_dir(tmp_path / "nope")
    (tmp_path / "versions.json").write_text("{}")
    with pytest.raises(InputError, match=r"health\.json missing"):
        ceph.read_dir(tmp_path)
    (tmp_path / "health.json").write_text('{"status": "HEALTH_OK"}')
    (tmp_path / "osd_dump.json").write_text("{\n  oops")
    with pytest.raises(InputError, match=r"osd_dump.json: line 2: not JSON"):
        ceph.read_dir(tmp_path)
    (tmp_path / "osd_dump.json").write_text('{"require_osd_release": "pacific"}')
    with pytest.raises(InputError, match="versions: no daemons listed"):
        ceph.read_dir(tmp_path)
    (tmp_path / "versions.json").write_text('{"mon": {"ceph version garbage": 1}}')
    with pytest.raises(InputError, match="cannot read 'ceph version garbage'"):
        ceph.read_dir(tmp_path)


def test_tentacle_cluster_gets_umbrella_as_its_default_target() -> None:
    state = ceph.read_dir(DATA / "tentacle-ok")
    assert state.running is not None and state.running.name == "tentacle"
    target = ceph.default_target(state)
    assert target is not None and (target.name, target.major) == ("umbrella", 21)
    found = ceph.judge(state, target)
    assert all(f.status is Status.PASS for f in found), [f.reason for f in found]
    path = next(f for f in found if f.id == "scs-iaas-upgrade-ceph-path")
    assert path.reason == "tentacle → umbrella is an allowed jump (N+1)"


@pytest.mark.parametrize(
    ("case", "status", "reason"),
    [
        ("quincy-ok", Status.FAIL, "quincy → umbrella skips 3 releases"),
        ("tentacle-ok", Status.PASS, "tentacle → umbrella is an allowed jump (N+1)"),
        ("umbrella-ok", Status.PASS, "target umbrella is not newer than umbrella"),
    ],
)
def test_paths_to_umbrella(case: str, status: Status, reason: str) -> None:
    found = ceph.judge(ceph.read_dir(DATA / case), rel.ceph_release("umbrella"))
    path = next(f for f in found if f.id == "scs-iaas-upgrade-ceph-path")
    assert path.status is status and path.reason.startswith(reason), path.reason


def test_squid_may_jump_to_umbrella_and_reef_needs_squid_first() -> None:
    squid, reef = rel.ceph_release("squid"), rel.ceph_release("reef")
    assert rel.ceph_release("umbrella").major - squid.major == rel.CEPH_MAX_JUMP
    assert rel.ceph_release("umbrella").major - reef.major > rel.CEPH_MAX_JUMP


def test_umbrella_cluster_has_no_default_target_and_its_path_is_skipped() -> None:
    state = ceph.read_dir(DATA / "umbrella-ok")
    assert state.running is not None and state.running.name == "umbrella"
    assert ceph.default_target(state) is None
    found = ceph.judge(state, None)
    assert "scs-iaas-upgrade-ceph-path" not in {f.id for f in found}
