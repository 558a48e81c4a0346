"""The tests of `scs-iaas upgrade check`: their ids and titles as data, beside nothing else;
every upgrade finding is built from one of these (``Test.finding`` and friends)."""

from __future__ import annotations

from scs_iaas.model.findings import Test

STANDARD = "scs-iaas upgrade"
VERSION = "1"


def _t(test_id: str, title: str, resource: str = "") -> Test:
    return Test(test_id, STANDARD, VERSION, title, resource=resource)


PATH = _t("scs-iaas-upgrade-path", "the path to the target release is allowed")
MIXED = _t("scs-iaas-upgrade-mixed-releases", "all services run one release")
TARGET_RELEASED = _t("scs-iaas-upgrade-target-released", "the target release is released")
HOST_OS = _t("scs-iaas-upgrade-host-os", "the host OS is a runtime of the target", "host")
IMAGE_OS = _t("scs-iaas-upgrade-image-os", "Ubuntu/CAPI images are recent enough", "images")
CEPH_VERSIONS = _t("scs-iaas-upgrade-ceph-versions", "Ceph runs one release", "ceph")
CEPH_PATH = _t("scs-iaas-upgrade-ceph-path", "the Ceph upgrade step is allowed", "ceph")
CEPH_REQUIRE_OSD = _t(
    "scs-iaas-upgrade-ceph-require-osd-release", "require_osd_release is current", "ceph"
)
CEPH_HEALTH = _t("scs-iaas-upgrade-ceph-health", "the Ceph cluster is healthy", "ceph")
CEPH_BLOCKERS = _t("scs-iaas-upgrade-ceph-blockers", "no known blocker of the target", "ceph")

BY_ID = {
    t.id: t
    for t in (
        PATH,
        MIXED,
        TARGET_RELEASED,
        HOST_OS,
        IMAGE_OS,
        CEPH_VERSIONS,
        CEPH_PATH,
        CEPH_REQUIRE_OSD,
        CEPH_HEALTH,
        CEPH_BLOCKERS,
    )
}


def test_for(test_id: str) -> Test:
    return BY_ID[test_id]
