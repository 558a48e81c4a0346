"""Release detection from recorded version documents, and the path verdicts on top of it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scs_iaas.model.findings import Status
from scs_iaas.upgrade import openstack as o
from scs_iaas.upgrade import releases as rel

DATA = Path(__file__).resolve().parents[2] / "data" / "upgrade" / "openstack"


def docs(case: str) -> dict[str, Any]:
    return {p.stem: json.loads(p.read_text()) for p in (DATA / case).glob("*.json")}


@pytest.mark.parametrize(
    ("case", "text"),
    [
        ("yoga", "Yoga"),
        ("zed", "Zed"),
        ("2023.1", "2023.1 Antelope … 2023.2 Bobcat"),
        # nova 2.96 says 2024.1 … 2024.2; glance 2.16 says ≤ 2024.1 (2024.2 reports 2.17)
        ("2024.1", "2024.1 Caracal"),
        ("2026.2-live", "≥ 2026.2 Hibiscus"),
    ],
)
def test_detected_release_of_each_recorded_cloud(case: str, text: str) -> None:
    det = o.detect(docs(case))
    assert det.missing == ()
    assert det.cloud is not None
    assert det.cloud.text() == text


def test_live_cloud_names_its_release_from_the_nova_evidence() -> None:
    det = o.detect(docs("2026.2-live"))
    texts = [e.text for e in det.evidence]
    assert "nova max microversion 2.104 ⇒ ≥ 2026.2 Hibiscus" in texts
    assert "cinder max microversion 3.71 ⇒ ≥ 2024.1 Caracal" in texts
    assert det.services["compute"].text() == "≥ 2026.2 Hibiscus"
    assert det.cloud is not None and det.cloud.releases()[0].short == "2026.2"


def test_a_range_is_reported_where_the_maximum_did_not_change() -> None:
    det = o.detect(docs("2023.1"))
    by = {e.service: e for e in det.evidence}
    assert by["compute"].text == "nova max microversion 2.95 ⇒ 2023.1 Antelope … 2023.2 Bobcat"
    assert by["block-storage"].text == "cinder max microversion 3.70 ⇒ Zed … 2023.2 Bobcat"


def test_keystone_says_nothing_and_is_left_out_of_the_ranges() -> None:
    det = o.detect(docs("zed"))
    ks = next(e for e in det.evidence if e.service == "identity")
    assert ks.text == "keystone API version 3.14 ⇒ any release (no information)"
    assert "identity" not in det.services


def test_mixed_services_give_no_common_release_and_the_oldest_is_yoga() -> None:
    det = o.detect(docs("mixed-zed-nova-yoga-cinder"))
    assert det.cloud is None
    assert det.services["compute"].text() == "Zed"
    assert det.services["block-storage"].text() == "Yoga"
    assert det.oldest is not None and det.oldest.text() == "Yoga"
    found, plan = o.judge(det, rel.parse_release("zed"))
    by = {f.id: f for f in found}
    assert by["scs-iaas-upgrade-mixed-releases"].status is Status.FAIL
    assert "nova Zed" in by["scs-iaas-upgrade-mixed-releases"].reason
    assert "cinder Yoga" in by["scs-iaas-upgrade-mixed-releases"].reason
    assert plan == ["Yoga", "Zed"]


def test_glance_evidence_narrows_and_a_newer_glance_is_a_mixed_cloud() -> None:
    d = docs("zed")
    d["image"] = docs("2026.2-live")["image"]  # the real glance 33.0.0 answer: 2.17, ≥ 2024.2
    det = o.detect(d)
    glance = [e for e in det.evidence if e.service == "image"]
    assert [e.text for e in glance] == ["glance max API 2.17 ⇒ ≥ 2024.2 Dalmatian"]
    assert det.services["image"].text() == "≥ 2024.2 Dalmatian"
    assert det.cloud is None  # nova says Zed: glance was upgraded ahead of the rest


def test_missing_services_are_listed() -> None:
    d = docs("yoga")
    del d["network"], d["image"]
    det = o.detect(d)
    assert det.missing == ("image", "network")
    assert det.cloud is not None and det.cloud.text() == "Yoga"


@pytest.mark.parametrize(
    ("value", "text", "note"),
    [
        ("2.104", "≥ 2026.2 Hibiscus", ""),
        (
            "2.105",
            "≥ 2027.1 Indri",
            "newer than 2026.2 Hibiscus: a development build of 2027.1 Indri",
        ),
        ("2.91", "Zed", "between releases: a development build"),
        ("2.90", "Xena … Yoga", ""),
        ("2.96", "2024.1 Caracal … 2024.2 Dalmatian", ""),
    ],
)
def test_range_from_the_nova_table(value: str, text: str, note: str) -> None:
    r, why = o.range_from_table(value, rel.NOVA_MAX_MICROVERSION)
    assert r is not None and r.text() == text
    assert why == note


def test_values_below_the_table_and_at_its_open_bottom() -> None:
    r, why = o.range_from_table("2.87", rel.NOVA_MAX_MICROVERSION)
    assert r is None and why == "older than Wallaby"
    r, _ = o.range_from_table("2.88", rel.NOVA_MAX_MICROVERSION)
    assert r is not None and r.text() == "≤ Wallaby"
    r, _ = o.range_from_table("1.39", rel.PLACEMENT_MAX_MICROVERSION)
    assert r is not None and r.text() == "≥ Yoga"


def test_microversions_compare_as_numbers_not_strings() -> None:
    doc = {"versions": [{"id": "v2.1", "version": "2.100"}, {"id": "v2.0", "version": "2.99"}]}
    assert o.max_microversion(doc) == "2.100"
    assert o.max_id_version({"versions": [{"id": "v2.9"}, {"id": "v2.17"}]}) == "2.17"


def test_range_intersection() -> None:
    a, b = o.Range(2, None), o.Range(0, 3, open_low=True)
    both = a.intersect(b)
    assert both == o.Range(2, 3) and not both.open_low
    assert o.Range(4, 5).intersect(o.Range(6, None)) is None


@pytest.mark.parametrize(
    ("url", "root"),
    [
        ("http://127.0.0.1:8774/v2.1", "http://127.0.0.1:8774/"),
        ("http://127.0.0.1:8776/v3/b9ef91c1ec9d4e39a404b9819a894050", "http://127.0.0.1:8776/"),
        ("http://127.0.0.1:9292", "http://127.0.0.1:9292/"),
        ("https://cloud.example.com/compute/v2.1/", "https://cloud.example.com/compute/"),
        ("https://cloud.example.com:5000/v3", "https://cloud.example.com:5000/"),
        ("https://cloud.example.com/placement", "https://cloud.example.com/placement/"),
    ],
)
def test_unversioned_root_of_an_endpoint(url: str, root: str) -> None:
    assert o.unversioned(url) == root


@pytest.mark.parametrize(
    ("case", "target", "status", "plan"),
    [
        ("yoga", "zed", Status.PASS, ["Yoga", "Zed"]),
        ("yoga", "2023.1", Status.FAIL, ["Yoga", "Zed", "2023.1"]),
        ("zed", "antelope", Status.PASS, ["Zed", "2023.1"]),
        ("zed", "2024.1", Status.FAIL, ["Zed", "2023.1", "2024.1"]),
        # 2023.1 … 2023.2: to 2024.1 is one step from either (SLURP skip or next release)
        ("2023.1", "2024.1", Status.PASS, ["2023.1", "2024.1"]),
        # from 2023.1 the step to 2023.2 is allowed, from 2023.2 it is "already there"
        ("2023.1", "2023.2", Status.PASS, ["2023.1", "2023.2"]),
        # 2024.1 … 2024.2 → 2025.1: SLURP skip from 2024.1, next release from 2024.2
        ("2024.1", "epoxy", Status.PASS, ["2024.1", "2025.1"]),
        # 2024.1 … 2024.2 → 2025.2: from neither (2024.2 is no SLURP release)
        ("2024.1", "2025.2", Status.FAIL, ["2024.1", "2025.1", "2025.2"]),
        ("2026.2-live", "2026.2", Status.PASS, ["2026.2"]),
        ("2026.2-live", "caracal", Status.FAIL, []),
    ],
)
def test_path_verdicts(case: str, target: str, status: Status, plan: list[str]) -> None:
    found, got_plan = o.judge(o.detect(docs(case)), rel.parse_release(target))
    path = next(f for f in found if f.id == "scs-iaas-upgrade-path")
    assert path.status is status, path.reason
    assert got_plan == plan


def test_a_range_that_straddles_the_answer_is_a_warning() -> None:
    only_cinder = {"block-storage": docs("zed")["block-storage"]}  # 3.70: Zed … 2023.2
    found, plan = o.judge(o.detect(only_cinder), rel.parse_release("2023.2"))
    path = next(f for f in found if f.id == "scs-iaas-upgrade-path")
    assert path.status is Status.WARN
    assert "from Zed: not one allowed step" in path.reason
    assert "from 2023.1: one allowed step" in path.reason
    assert "from 2023.2: already there" in path.reason
    assert plan == ["Zed", "2023.1", "2023.2"]


def test_nothing_to_judge_is_an_abort() -> None:
    found, plan = o.judge(o.detect({}), rel.parse_release("zed"))
    assert [f.status for f in found] == [Status.ABORT] and plan == []


@pytest.mark.parametrize(
    ("value", "text"),
    [
        # glance 22/23 (multi-store off: 2.9, on: 2.12); the table starts at Wallaby
        ("2.9", "≤ Xena"),
        ("2.12", "≤ Xena"),
        # 2.16: Yoga from glance 24.1.0 with the image cache, up to 2024.1
        ("2.15", "Yoga … 2024.1 Caracal"),
        ("2.16", "Yoga … 2024.1 Caracal"),
        # 2.17 from 2024.2 whatever the cache setting; 2.18 only 33.0.0 with the cache
        ("2.17", "≥ 2024.2 Dalmatian"),
        ("2.18", "≥ 2026.2 Hibiscus"),
        ("2.19", "≥ 2027.1 Indri"),
    ],
)
def test_glance_maximum_to_releases(value: str, text: str) -> None:
    r, _ = o.range_from_sets(value, rel.GLANCE_MAX_API)
    assert r is not None and r.text() == text


def test_glance_value_no_release_reports_says_nothing() -> None:
    r, why = o.range_from_sets("2.14", rel.GLANCE_MAX_API)
    assert r is None and why == "no release reports it"
    d = docs("yoga")
    d["image"] = {"versions": [{"id": "v2.14", "status": "CURRENT"}]}
    det = o.detect(d)
    glance = [e for e in det.evidence if e.service == "image"]
    assert [(e.observed, e.range, e.sure) for e in glance] == [("2.14", None, False)]
    assert "image" not in det.services


def test_live_glance_cache_off_document_reads_2_17() -> None:
    """The recorded glance 33.0.0 answer (image cache off) lists 2.15 first and 2.17 later."""
    doc = docs("2026.2-live")["image"]
    assert doc["versions"][0]["id"] == "v2.15"
    assert o.max_id_version(doc) == "2.17"
