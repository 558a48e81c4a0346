"""scs-0103 / scs-0110 standard flavors, derived from the names, equal the reference's YAML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from scs_iaas.standards import flavor_names, flavors
from scs_iaas.standards.flavors import StandardFlavor

DATA = Path(__file__).resolve().parents[2] / "data" / "standard_flavors.yaml"


def _expected() -> dict[str, Any]:
    with DATA.open(encoding="utf-8") as handle:
        doc: dict[str, Any] = yaml.safe_load(handle)
    return doc


def _as_yaml_entry(f: StandardFlavor) -> dict[str, Any]:
    """Our record in the YAML's shape (ram in MiB, disk key absent without a root disk)."""
    entry: dict[str, Any] = {"name": f.name, "status": f.status, "cpus": f.vcpus, "ram": f.ram_mib}
    if f.disk_gb is not None:
        entry["disk"] = f.disk_gb
    entry.update(f.extra_specs)
    return entry


def test_standard_flavors_equal_the_reference_yaml() -> None:
    doc = _expected()
    ours = [_as_yaml_entry(f) for f in flavors.standard_flavors()]
    assert ours == doc["flavors"]  # same flavors, same order, same keys and values
    assert len(flavors.MANDATORY) == doc["counts"]["mandatory"] == 15
    assert len(flavors.RECOMMENDED) == doc["counts"]["recommended"] == 16


def test_selection() -> None:
    assert flavors.standard_flavors("mandatory") == flavors.MANDATORY
    assert flavors.standard_flavors("recommended") == flavors.RECOMMENDED
    assert {f.status for f in flavors.MANDATORY} == {"mandatory"}
    assert {f.status for f in flavors.RECOMMENDED} == {"recommended"}
    with pytest.raises(ValueError, match="which must be"):
        flavors.standard_flavors("optional")


def test_ssd_flavors_of_scs_0110() -> None:
    assert [f.name for f in flavors.SSD_FLAVORS] == ["SCS-2V-4-20s", "SCS-4V-16-100s"]
    for f in flavors.SSD_FLAVORS:
        assert f.status == "mandatory"
        assert f.extra_specs["scs:disk0-type"] == "ssd"


def test_sizes_are_derived_from_the_names() -> None:
    for f in flavors.standard_flavors():
        parsed = flavor_names.parse(f.name)
        assert f.vcpus == parsed.cpus
        assert f.ram_mib == parsed.ram * 1024
        assert f.disk_gb == parsed.disk
        assert dict(f.extra_specs) == flavor_names.extra_specs(parsed)
        assert f.extra_specs["scs:name-v2"] == f.name
        assert all(isinstance(v, str) for v in f.extra_specs.values())


def test_test_ids() -> None:
    ids = [flavors.test_id(f) for f in flavors.standard_flavors()]
    assert ids[0] == "scs-0103-flavor-1v-4"
    assert "scs-0103-flavor-2v-4-20s" in ids
    assert "scs-0103-flavor-16v-128" in ids
    assert len(set(ids)) == 31


def test_records_are_immutable() -> None:
    f = flavors.MANDATORY[0]
    with pytest.raises(TypeError):
        f.extra_specs["scs:cpu-type"] = "dedicated-core"  # type: ignore[index]


def test_standard_and_version_are_cited() -> None:
    assert (flavors.STANDARD, flavors.VERSION) == ("scs-0103", "v1")
    assert (flavors.SSD_STANDARD, flavors.SSD_VERSION) == ("scs-0110", "v1")
    assert flavor_names.STANDARD == "scs-0100"
