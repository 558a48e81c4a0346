"""The release tables against what the packages say: the recorded output of
``tools/release_facts.py all --json`` (tests/data/upgrade/release-facts/all.json)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from scs_iaas.upgrade import openstack as o
from scs_iaas.upgrade import releases as rel

DATA = Path(__file__).resolve().parents[2] / "data" / "upgrade"
RECORDED = json.loads((DATA / "release-facts" / "all.json").read_text())
FACTS: dict[str, dict[str, Any]] = {
    rel.parse_release(f["release"]).key: f for f in RECORDED["facts"]
}
RELEASED = [r.key for r in rel.RELEASED]


def _v(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.split("."))


def test_every_series_was_read_and_the_one_in_development_has_no_packages() -> None:
    assert list(FACTS) == [r.key for r in rel.RELEASES]
    for key in RELEASED:
        assert FACTS[key]["missing"] == [], key
    assert sorted(FACTS["2027.1"]["missing"]) == sorted(rel.PACKAGE_MAJOR)


@pytest.mark.parametrize("key", RELEASED)
def test_package_majors_are_the_series_packages(key: str) -> None:
    release = rel.by_key(key)
    for package, shown in FACTS[key]["packages"].items():
        first = shown.split(" … ")[0]
        assert _v(first)[0] == rel.package_major(package, release), (package, shown)


@pytest.mark.parametrize("key", RELEASED[1:])  # keystone 19 (Wallaby)'s notes stop at Ussuri
def test_each_sdist_names_its_series_in_its_release_notes(key: str) -> None:
    assert set(FACTS[key]["named_series"].values()) == {key}


@pytest.mark.parametrize("key", RELEASED)
def test_api_maxima_are_the_packages_constants(key: str) -> None:
    f = FACTS[key]
    assert rel.NOVA_MAX_MICROVERSION[key] == f["nova"]
    assert rel.CINDER_MAX_MICROVERSION[key] == f["cinder"]
    assert rel.PLACEMENT_MAX_MICROVERSION[key] == f["placement"]
    assert rel.KEYSTONE_VERSION[key] == f["keystone"]


@pytest.mark.parametrize("key", RELEASED)
def test_glance_maxima_are_what_versions_py_answers(key: str) -> None:
    seen = {
        max(ids, key=_v) for settings in FACTS[key]["glance"].values() for ids in settings.values()
    }
    assert set(rel.GLANCE_MAX_API[key]) == seen


def test_yoga_got_2_16_with_glance_24_1_and_only_with_the_image_cache() -> None:
    g = FACTS["yoga"]["glance"]
    first, newest = list(g)
    assert first == "24.0.0" and newest.startswith("24.")
    assert {max(ids, key=_v) for ids in g[first].values()} == {"2.15"}
    assert max(g[newest]["cache on, multi-store on"], key=_v) == "2.16"
    assert max(g[newest]["cache off, multi-store on"], key=_v) == "2.15"


def test_2_17_from_2024_2_whatever_the_cache_and_2_18_only_with_it() -> None:
    for key in RELEASED[RELEASED.index("2024.2") :]:
        for version, settings in FACTS[key]["glance"].items():
            assert max(settings["cache off, multi-store on"], key=_v) == "2.17", (key, version)
    (only,) = FACTS["2026.2"]["glance"].values()
    assert max(only["cache on, multi-store off"], key=_v) == "2.18"


@pytest.mark.parametrize("marker", rel.NEUTRON_MARKERS, ids=lambda m: m.what)
def test_each_marker_is_first_in_its_series_and_from_the_named_file(marker: rel.Marker) -> None:
    having = [k for k in RELEASED if marker.what in FACTS[k]["neutron_aliases"]]
    assert having[0] == marker.since
    # once there, it stays (a marker only says "at least")
    assert having == RELEASED[RELEASED.index(marker.since) :]
    path = FACTS[marker.since]["neutron_aliases"][marker.what]
    assert marker.source.endswith(" " + path)
    major = rel.package_major("neutron", rel.by_key(marker.since))
    assert marker.source.startswith(f"neutron {major}.0.0 ")


def test_floating_ip_distributed_is_exposed_by_no_neutron() -> None:
    assert not any("floating-ip-distributed" in FACTS[k]["neutron_aliases"] for k in RELEASED)


def test_the_recorded_live_extension_list_is_within_the_2026_2_aliases() -> None:
    """The real neutron 29 of the box lists a subset of what neutron/extensions defines."""
    live = json.loads((DATA / "openstack" / "2026.2-live" / "network.json").read_text())
    aliases = {e["alias"] for e in live["extensions"]}
    assert aliases <= set(FACTS["2026.2"]["neutron_aliases"])
    assert not aliases <= set(FACTS["2026.1"]["neutron_aliases"])


@pytest.mark.parametrize("case", ["yoga", "zed", "2023.1", "2024.1"])
def test_written_extension_lists_hold_only_aliases_of_their_series(case: str) -> None:
    doc = json.loads((DATA / "openstack" / case / "network.json").read_text())
    key = rel.parse_release(case).key
    assert {e["alias"] for e in doc["extensions"]} <= set(FACTS[key]["neutron_aliases"])


@pytest.mark.parametrize("key", RELEASED)
def test_every_series_full_alias_list_is_detected_as_at_least_that_series_marker(
    key: str,
) -> None:
    """Fed a series' whole alias list, the neutron evidence never claims a later series."""
    doc = {"extensions": [{"alias": a} for a in FACTS[key]["neutron_aliases"]]}
    det = o.detect({"network": doc})
    rng = det.services.get("network")
    if rng is None:
        assert rel.index(rel.by_key(key)) < rel.index(rel.by_key("2023.2"))
        return
    assert rng.lo <= rel.index(rel.by_key(key))
    assert key in [r.key for r in rng.releases()]


@pytest.mark.parametrize("key", RELEASED)
def test_every_glance_answer_of_a_series_is_detected_as_a_range_holding_it(key: str) -> None:
    """The version lists glance/api/versions.py builds (every point release read, every
    cache/multi-store setting), fed as documents: the range always holds the series."""
    for version, settings in FACTS[key]["glance"].items():
        for setting, ids in settings.items():
            doc = {"versions": [{"id": f"v{i}", "status": "SUPPORTED"} for i in ids]}
            det = o.detect({"image": doc})
            rng = det.services["image"]
            assert key in [r.key for r in rng.releases()], (version, setting, rng.text())


@pytest.mark.parametrize("key", RELEASED)
def test_each_series_own_maxima_bracket_it(key: str) -> None:
    f = FACTS[key]
    docs = {
        "compute": {"versions": [{"id": "v2.1", "version": f["nova"]}]},
        "block-storage": {"versions": [{"id": "v3.0", "version": f["cinder"]}]},
        "placement": {"versions": [{"id": "v1.0", "max_version": f["placement"]}]},
        "identity": {"versions": {"values": [{"id": f"v{f['keystone']}"}]}},
    }
    det = o.detect(docs)
    assert det.cloud is not None
    assert key in [r.key for r in det.cloud.releases()], det.cloud.text()


def test_every_alias_new_in_a_series_from_2023_1_on_is_a_marker_of_that_series() -> None:
    new: dict[str, str] = {}
    for before, key in itertools.pairwise(RELEASED):
        if rel.index(rel.by_key(key)) >= rel.index(rel.by_key("2023.1")):
            for alias in set(FACTS[key]["neutron_aliases"]) - set(FACTS[before]["neutron_aliases"]):
                new[alias] = key
    assert {m.what: m.since for m in rel.NEUTRON_MARKERS} == new
