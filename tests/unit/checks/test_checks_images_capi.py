from __future__ import annotations

from helpers_checks import ctx

from scs_iaas.checks import scs_iaas_capi_images as capi
from scs_iaas.model.findings import Status
from scs_iaas.model.snapshot import ImageRec


def test_capi_images_need_ubuntu_2204_or_newer():
    images = (
        ImageRec(id="1", name="ubuntu-capi-image-v1.30.4", properties={"os_distro": "ubuntu", "os_version": "22.04"}),
        ImageRec(id="2", name="ubuntu-capi-image-v1.24.0", properties={"os_distro": "ubuntu", "os_version": "20.04"}),
        ImageRec(id="3", name="k8s node", properties={"os_purpose": "k8snode", "os_distro": "debian", "os_version": "12"}),
        ImageRec(id="4", name="ubuntu-capi-image-old", os_hidden=True, properties={"os_version": "18.04"}),
        ImageRec(id="5", name="Ubuntu 24.04", properties={"os_distro": "ubuntu", "os_version": "24.04"}),
    )  # fmt: skip
    res = {f.resource: f.status for f in capi.run(ctx(images=images))}
    assert res == {
        "image ubuntu-capi-image-v1.30.4": Status.PASS,
        "image ubuntu-capi-image-v1.24.0": Status.FAIL,
        "image k8s node": Status.FAIL,
    }


def test_0101_rng_properties_are_recommended_warnings():
    from scs_iaas.checks import scs_0101_entropy as c0101
    from scs_iaas.model.snapshot import FlavorRec

    flavors = (
        FlavorRec(
            id="1", name="a", vcpus=1, ram=1024, disk=0, extra_specs={"hw_rng:allowed": "True"}
        ),
        FlavorRec(id="2", name="b", vcpus=1, ram=1024, disk=0),
        FlavorRec(id="3", name="private", vcpus=1, ram=1024, disk=0, is_public=False),
    )
    images = (ImageRec(id="1", name="x", properties={"hw_rng_model": "virtio"}),)
    from scs_iaas.app.grading import grade

    res = {f.id: f for f in grade(c0101.run(ctx(flavors=flavors, images=images)))}
    fl = res["scs-0101-flavor-property"]
    assert fl.status == Status.WARN and fl.details["official"] == "FAIL"
    assert "1 of 2 public flavors" in fl.reason and ": b" in fl.reason
    assert res["scs-0101-image-property"].status == Status.PASS


def test_0102_check_feeds_snapshot_images_to_the_rules():
    from datetime import timedelta

    from helpers_checks import NOW

    from scs_iaas.checks import scs_0102_image_metadata as c0102

    good = ImageRec(
        id="1", name="Ubuntu 24.04", visibility="public", size=2 * 1024**3, min_disk=8,
        min_ram=512, created_at=NOW - timedelta(days=2), os_hash_algo="sha512",
        properties={
            "architecture": "x86_64", "os_distro": "ubuntu", "os_version": "24.04",
            "hw_disk_bus": "scsi", "replace_frequency": "monthly", "provided_until": "none",
            "uuid_validity": "last-3", "os_purpose": "generic",
            "image_source": "https://cloud-images.ubuntu.com/releases/noble/x.img",
            "image_description": "https://ubuntu.com", "image_original_user": "ubuntu",
            "image_build_date": (NOW - timedelta(days=3)).strftime("%Y-%m-%d"),
        },
    )  # fmt: skip
    bad = ImageRec(id="2", name="Old", visibility="public", properties={"architecture": "m68k"})
    hidden_private = ImageRec(id="3", name="mine", visibility="private")
    found = c0102.run(ctx(images=(good, bad, hidden_private)))
    assert not [f for f in found if "Ubuntu" in f.resource and f.status == Status.FAIL]
    arch = [f for f in found if f.id == "scs-0102-prop-architecture" and "Old" in f.resource]
    assert arch and arch[0].status == Status.FAIL and "m68k" in arch[0].reason
    assert not [f for f in found if "mine" in f.resource]  # private images are not judged
    hash_algo = [f for f in found if f.id == "scs-0102-prop-hash_algo" and "Ubuntu" in f.resource]
    assert hash_algo and hash_algo[0].status == Status.PASS  # os_hash_algo from the record


def test_0117_without_resources_is_skipped_with_the_reason():
    from scs_iaas.checks import scs_0117_volume_backup as c0117

    [f] = c0117.run(ctx())
    assert f.status == Status.SKIP and "--with-resources" in f.reason
