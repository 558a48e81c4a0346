from __future__ import annotations

from helpers_checks import ctx

from scs_iaas.checks import scs_iaas_capi_images as capi
from scs_iaas.cloud.snapshot import ImageRec
from scs_iaas.findings import Status


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
    from scs_iaas.cloud.snapshot import FlavorRec

    flavors = (
        FlavorRec(
            id="1", name="a", vcpus=1, ram=1024, disk=0, extra_specs={"hw_rng:allowed": "True"}
        ),
        FlavorRec(id="2", name="b", vcpus=1, ram=1024, disk=0),
        FlavorRec(id="3", name="private", vcpus=1, ram=1024, disk=0, is_public=False),
    )
    images = (ImageRec(id="1", name="x", properties={"hw_rng_model": "virtio"}),)
    from scs_iaas.checks.runner import grade

    res = {f.id: f for f in grade(c0101.run(ctx(flavors=flavors, images=images)))}
    fl = res["scs-0101-flavor-property"]
    assert fl.status == Status.WARN and fl.details["official"] == "FAIL"
    assert "1 of 2 public flavors" in fl.reason and ": b" in fl.reason
    assert res["scs-0101-image-property"].status == Status.PASS
