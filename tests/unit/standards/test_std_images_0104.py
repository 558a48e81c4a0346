"""scs-0104 standard images: the v1 lists, checked against the recorded image
list (and the v2 draft's CAPI rule, standards/images.capi_ubuntu)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from scs_iaas.checks import scs_0104_standard_images as c0104
from scs_iaas.model.findings import Finding, Status, fold, official
from scs_iaas.standards import images as im
from scs_iaas.standards.images import ImageFacts
from scs_iaas.standards.scope import default_scope, get_version, grade
from scs_iaas.standards.scope import packaged_text as scope_packaged

# the certificate version whose modules include each list
CERT = {"v1": "v5.1", "scs-0104-v1-1": "v4"}


def check_standard_images(images: list[ImageFacts], *, version: str = "v1") -> list[Finding]:
    """As the app grades: by the targets of the certificate version that includes the list."""
    found = c0104.check_standard_images(images, version=version)
    return grade(found, get_version(CERT[version]).modules)


DATA = Path(__file__).resolve().parents[2] / "data" / "standard_images.yaml"
NOW = datetime(2026, 8, 1, tzinfo=UTC)
NOBLE = "https://cloud-images.ubuntu.com/releases/noble/release-20260715/ubuntu-24.04-server-cloudimg-amd64.img"
BOOKWORM = (
    "https://cloud.debian.org/images/cloud/bookworm/20260710-1/debian-12-genericcloud-amd64.qcow2"
)
TRIXIE = "https://cloud.debian.org/images/cloud/trixie/latest/debian-13-genericcloud-amd64.qcow2"
CAPI = "https://nbg1.your-objectstorage.com/osism/openstack-k8s-capi-images/ubuntu-2404-kube-v1.33/x.qcow2"


def image(name: str, source: str | None = None, **props: Any) -> ImageFacts:
    top = {k: props.pop(k) for k in list(props) if k in ("visibility", "os_hidden")}
    if source is not None:
        props["image_source"] = source
    return ImageFacts(id=f"id-{name}", name=name, properties=props, **top)


def results(images: list[ImageFacts], version: str = "v1") -> dict[str, Finding]:
    """Per test id the first finding (enough for single-image cases)."""
    out: dict[str, Finding] = {}
    for f in check_standard_images(images, version=version):
        out.setdefault(f.id, f)
    return out


# --- the lists as data ------------------------------------------------------------------------


def recorded() -> dict[str, Any]:
    return dict(yaml.safe_load(DATA.read_text(encoding="utf-8")))


def test_v1_list_matches_the_recorded_image_list() -> None:
    listed = [s for s in im.standard_images("v1") if s.listed]
    expected = recorded()["images"]
    assert [(s.name, s.status, s.source_prefixes, s.name_scheme) for s in listed] == [
        (e["name"], e["status"], tuple(e["source_prefixes"]), e.get("name_scheme"))
        for e in expected
    ]


def test_v4_list_matches_the_recorded_older_file() -> None:
    listed = [s for s in im.standard_images("scs-0104-v1-1") if s.listed]
    expected = recorded()["older_v4_file"]["images"]
    assert [(s.name, s.status, s.source_prefixes, s.name_scheme) for s in listed] == [
        (e["name"], e["status"], tuple(e["source_prefixes"]), e.get("name_scheme"))
        for e in expected
    ]


def test_suite_only_specs_match_the_recorded_code_side_specs() -> None:
    code_specs = {s["key"]: s for s in recorded()["code_side_specs"]["specs"]}
    capi1 = code_specs["ubuntu-capi-image-1"]
    debian13 = code_specs["Debian 13"]
    suite_only = {s.source_test_id: s for s in im.standard_images("v1") if not s.listed}
    assert suite_only["scs-0104-source-capi-1"].name_scheme == capi1["name_scheme"]
    assert suite_only["scs-0104-source-capi-1"].source_prefixes == tuple(capi1["source_prefixes"])
    assert suite_only["scs-0104-source-debian-13"].source_prefixes == tuple(
        debian13["source_prefixes"]
    )


def test_v1_list_covers_every_official_0104_id_of_its_module() -> None:
    module = get_version("v5.1").module("scs-0104-v1-2")
    ids = {i for s in im.standard_images("v1") for i in (s.image_test_id, s.source_test_id) if i}
    assert set(module.main) <= ids
    recorded_ids = recorded()["scs_compatible_iaas_v5_1_tests"]
    assert set(module.main) == set(recorded_ids["module scs-0104-v1-2 (main/mandatory)"])
    rec = default_scope().modules["scs-0104-v1-2-rec"]
    assert set(rec.recommended) == set(recorded_ids["module scs-0104-v1-2-rec (recommended)"])


def test_status_per_image_in_v5_list() -> None:
    status = {(s.name, s.name_scheme): s.status for s in im.standard_images() if s.listed}
    assert status[("Ubuntu 24.04", None)] == "mandatory"
    assert status[("Debian 12", None)] == "recommended"
    assert status[("ubuntu-capi-image", im.CAPI_SCHEME_2)] == "recommended"


def test_unknown_list_is_refused_with_valid_names() -> None:
    with pytest.raises(ValueError, match="scs-0104-v1-1"):
        im.standard_images("v2")


# --- check_standard_images --------------------------------------------------------------------


def test_all_present_with_upstream_sources() -> None:
    imgs = [
        image("Ubuntu 24.04", NOBLE),
        image("Debian 12", BOOKWORM),
        image("ubuntu-capi-image-v1.33.2", CAPI),
    ]
    findings = check_standard_images(imgs)
    assert {f.status for f in findings if f.id.startswith("scs-0104-source")} == {Status.PASS}
    got = results(imgs)
    for test_id in (
        "scs-0104-image-ubuntu-2404",
        "scs-0104-image-debian-12",
        "scs-0104-image-capi-2",
    ):
        assert got[test_id].status is Status.PASS
    module = get_version("v5.1").module("scs-0104-v1-2")
    official = fold(findings)
    assert all(official[i] is Status.PASS for i in module.main + module.recommended)


def test_mandatory_missing_fails() -> None:
    f = results([image("Debian 12", BOOKWORM)])["scs-0104-image-ubuntu-2404"]
    assert f.status is Status.FAIL
    assert "'Ubuntu 24.04'" in f.reason and "Ubuntu 24.04" in f.fix


def test_recommended_missing_warns_but_the_suite_fails_it() -> None:
    f = results([image("Ubuntu 24.04", NOBLE)])["scs-0104-image-debian-12"]
    assert (f.status, official(f)) == (Status.WARN, Status.FAIL)


def test_optional_missing_is_skipped() -> None:
    f = results([image("Ubuntu 24.04", NOBLE)])["scs-0104-image-ubuntu-2204"]
    assert (f.status, official(f)) == (Status.SKIP, Status.FAIL)


def test_exact_name_lookup() -> None:
    got = results([image("Ubuntu 24.04 LTS", NOBLE), image("ubuntu 24.04", NOBLE)])
    assert got["scs-0104-image-ubuntu-2404"].status is Status.FAIL


def test_private_images_are_not_looked_at() -> None:
    got = results([image("Ubuntu 24.04", NOBLE, visibility="private")])
    assert got["scs-0104-image-ubuntu-2404"].status is Status.FAIL
    got = results([image("Ubuntu 24.04", NOBLE, visibility="community")])
    assert got["scs-0104-image-ubuntu-2404"].status is Status.PASS


def test_wrong_source_fails_for_any_status() -> None:
    mirror = "https://mirror.example.com/noble.img"
    f = results([image("Ubuntu 24.04", mirror)])["scs-0104-source-ubuntu-2404"]
    assert f.status is Status.FAIL
    assert mirror in f.reason
    assert "https://cloud-images.ubuntu.com/releases/noble/" in f.fix
    # an optional image present with a wrong source fails its source test as well
    f = results([image("Ubuntu 20.04", mirror)])["scs-0104-source-ubuntu-2004"]
    assert f.status is Status.FAIL


def test_second_source_prefix_is_accepted() -> None:
    got = results([image("Ubuntu 24.04", "https://cloud-images.ubuntu.com/noble/current/x.img")])
    assert got["scs-0104-source-ubuntu-2404"].status is Status.PASS
    got = results(
        [image("Debian 12", "https://cdimage.debian.org/cdimage/cloud/bookworm/latest/x")]
    )
    assert got["scs-0104-source-debian-12"].status is Status.PASS


def test_missing_image_source_would_abort_the_suite() -> None:
    f = results([image("Ubuntu 24.04")])["scs-0104-source-ubuntu-2404"]
    assert (f.status, official(f)) == (Status.FAIL, Status.ABORT)


def test_source_test_without_match_passes_vacuously() -> None:
    f = results([])["scs-0104-source-debian-11"]
    assert f.status is Status.PASS and "no image" in f.reason


def test_capi_schemes_are_told_apart() -> None:
    dash = image("ubuntu-capi-image-v1.33.2", CAPI)
    blank = image("ubuntu-capi-image v1.32", CAPI)
    assert results([dash])["scs-0104-image-capi-2"].status is Status.PASS
    assert results([dash])["scs-0104-image-capi-1"].status is Status.SKIP
    assert results([blank])["scs-0104-image-capi-1"].status is Status.PASS
    assert results([blank])["scs-0104-image-capi-2"].status is Status.WARN


def test_name_scheme_is_anchored_at_the_start_only() -> None:
    # re.match semantics: a suffix after the version still matches, a prefix does not
    assert (
        results([image("ubuntu-capi-image-v1.33.2-rc1", CAPI)])["scs-0104-image-capi-2"].status
        is Status.PASS
    )
    assert (
        results([image("my-ubuntu-capi-image-v1.33", CAPI)])["scs-0104-image-capi-2"].status
        is Status.WARN
    )


def test_every_scheme_match_gets_a_source_finding() -> None:
    imgs = [
        image("ubuntu-capi-image-v1.32.1", CAPI),
        image("ubuntu-capi-image-v1.33.0", "https://example.org/capi.qcow2"),
    ]
    srcs = [f for f in check_standard_images(imgs) if f.id == "scs-0104-source-capi-2"]
    assert {f.resource: f.status for f in srcs} == {
        "ubuntu-capi-image-v1.32.1": Status.PASS,
        "ubuntu-capi-image-v1.33.0": Status.FAIL,
    }


def test_v4_list_makes_ubuntu_2204_mandatory() -> None:
    got = results([image("Ubuntu 24.04", NOBLE)], version="scs-0104-v1-1")
    assert got["scs-0104-image-ubuntu-2204"].status is Status.FAIL
    # the v4 module has no 24.04 id: its list carries only what its ids need
    assert "scs-0104-image-ubuntu-2404" not in got


def test_lists_are_read_from_the_packaged_image_spec_files() -> None:
    """Entries, statuses and sources come from scope_data/scs-0104-v1-images*.yaml (the files
    the scope passes as image_spec); the test ids follow the suite's naming from the names."""
    v5 = yaml.safe_load(scope_packaged("scs-0104-v1-images-v5.yaml"))
    listed = [s for s in im.standard_images("v1") if s.listed]
    assert [s.name for s in listed] == [e["name"] for e in v5["images"]]
    by = {(s.name, s.name_scheme): s for s in listed}
    assert by[("ubuntu-capi-image", im.CAPI_SCHEME_2)].image_test_id == "scs-0104-image-capi-2"
    assert by[("Debian 10", None)].source_test_id == "scs-iaas-0104-source-debian-10"
    assert by[("Ubuntu 20.04", None)].image_test_id is None  # the scope has no such id


@pytest.mark.parametrize(
    ("props", "ok", "reason"),
    [
        ({"os_distro": "ubuntu", "os_version": "22.04"}, True, "Ubuntu 22.04"),
        ({"os_distro": "Ubuntu", "os_version": "24.04"}, True, "Ubuntu 24.04"),
        ({"os_distro": "ubuntu", "os_version": "20.04"}, False, "Ubuntu 20.04 is older than 22.04"),
        ({"os_distro": "debian", "os_version": "12"}, False, "os_distro=debian, expected ubuntu"),
        ({"os_version": "22.04"}, False, "os_distro=unset, expected ubuntu"),
        (
            {"os_distro": "ubuntu", "os_version": "noble"},
            False,
            "os_version='noble' is not a version",
        ),
    ],
)
def test_capi_images_run_ubuntu_2204_or_newer(props: dict[str, str], ok: bool, reason: str) -> None:
    out = im.capi_ubuntu(props)
    assert (out.ok, out.reason) == (ok, reason)


def test_capi_images_are_found_by_name_or_purpose() -> None:
    assert im.is_capi_image("ubuntu-capi-image-v1.32.4", {})
    assert im.is_capi_image("k8s node", {"os_purpose": "k8snode"})
    assert not im.is_capi_image("Ubuntu 24.04", {"os_purpose": "generic"})
