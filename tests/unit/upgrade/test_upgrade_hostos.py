"""Host OS (os-release under a root) and guest images against the target release."""

from __future__ import annotations

from pathlib import Path

import pytest

from scs_iaas.errors import InputError
from scs_iaas.model.findings import Status
from scs_iaas.upgrade import hostos
from scs_iaas.upgrade import releases as rel

HOSTS = Path(__file__).resolve().parents[2] / "data" / "upgrade" / "host"


@pytest.mark.parametrize(
    ("case", "id_", "version"),
    [
        ("ubuntu-20.04", "ubuntu", "20.04"),
        ("ubuntu-22.04", "ubuntu", "22.04"),
        ("ubuntu-24.04", "ubuntu", "24.04"),
        ("debian-12", "debian", "12"),
        ("usr-lib-only", "ubuntu", "24.04"),
    ],
)
def test_os_release_is_read_under_the_root(case: str, id_: str, version: str) -> None:
    host = hostos.read_os_release(HOSTS / case)
    assert (host.id, host.version_id) == (id_, version)


@pytest.mark.parametrize(
    ("case", "target", "status"),
    [
        ("ubuntu-22.04", "zed", Status.WARN),  # jammy-zed packages; Zed tested Ubuntu 20.04
        ("ubuntu-20.04", "zed", Status.PASS),
        ("ubuntu-22.04", "yoga", Status.WARN),  # jammy's own release, not a tested runtime
        ("ubuntu-20.04", "xena", Status.PASS),
        ("debian-12", "xena", Status.FAIL),
        ("ubuntu-22.04", "2023.1", Status.PASS),
        ("ubuntu-20.04", "2023.1", Status.WARN),  # kept for the upgrade from Zed only
        ("ubuntu-20.04", "2023.2", Status.FAIL),
        ("ubuntu-22.04", "2024.1", Status.PASS),
        ("ubuntu-24.04", "2024.1", Status.WARN),  # packaged (noble), not a tested runtime
        ("ubuntu-22.04", "2025.1", Status.WARN),  # kept for the SLURP upgrade only
        ("ubuntu-22.04", "2025.2", Status.FAIL),
        ("ubuntu-24.04", "2025.1", Status.PASS),
        ("ubuntu-24.04", "yoga", Status.FAIL),
        ("debian-12", "2024.1", Status.PASS),
        ("debian-12", "2026.1", Status.WARN),
        ("debian-12", "2026.2", Status.FAIL),
        ("ubuntu-24.04", "2027.1", Status.WARN),  # kept for the 2026.1 → 2027.1 SLURP step
        ("ubuntu-22.04", "2027.1", Status.FAIL),
    ],
)
def test_host_os_against_target(case: str, target: str, status: Status) -> None:
    f = hostos.judge_host(hostos.read_os_release(HOSTS / case), rel.parse_release(target))
    assert f.id == "scs-iaas-upgrade-host-os"
    assert f.status is status, f.reason


def test_failing_host_names_the_os_to_move_to() -> None:
    host = hostos.read_os_release(HOSTS / "ubuntu-22.04")
    f = hostos.judge_host(host, rel.parse_release("flamingo"))
    assert f.fix == "move the host to Ubuntu 24.04 first"
    assert (
        f.reason
        == "Ubuntu 22.04 is not a host OS of 2025.2 Flamingo (tested: Ubuntu 24.04, Debian 12)"
    )
    f = hostos.judge_host(hostos.read_os_release(HOSTS / "debian-12"), rel.parse_release("2026.1"))
    assert f.fix == "move the host to Debian 13 before the next step"
    f = hostos.judge_host(
        hostos.read_os_release(HOSTS / "ubuntu-24.04"), rel.parse_release("indri")
    )
    assert f.fix == "move the host to Ubuntu 26.04 before the next step"


def test_os_release_errors() -> None:
    with pytest.raises(InputError, match="no ID= line"):
        hostos.parse_os_release('NAME="x"\n')
    with pytest.raises(InputError, match="line 2: not KEY=value"):
        hostos.parse_os_release("ID=ubuntu\nthis is not\n")
    with pytest.raises(InputError, match="line 1: bad quoting in NAME"):
        hostos.parse_os_release('NAME="Ubuntu\nID=ubuntu\n')
    with pytest.raises(InputError, match="no etc/os-release"):
        hostos.read_os_release(HOSTS / "does-not-exist")


def test_os_release_quoting_and_comments() -> None:
    host = hostos.parse_os_release("# comment\n\nID='ubuntu'\nVERSION_ID=\"24.04\"\n")
    assert (host.id, host.version_id, host.pretty) == ("ubuntu", "24.04", "ubuntu")


IMAGES = [
    {"name": "Ubuntu 24.04", "os_distro": "ubuntu", "os_version": "24.04"},
    {"name": "Ubuntu 22.04", "os_distro": "ubuntu", "os_version": "22.04"},
    {"name": "Debian 12", "os_distro": "debian", "os_version": "12"},
    {"name": "ubuntu-capi-image-v1.31.4", "os_distro": "ubuntu", "os_version": "22.04"},
]


def test_images_all_supported() -> None:
    f = hostos.judge_images(IMAGES)
    assert f.status is Status.PASS
    assert f.reason == "all 3 Ubuntu/CAPI image(s) are Ubuntu ≥ 22.04"


def test_old_ubuntu_and_old_capi_images_fail() -> None:
    old = [
        *IMAGES,
        {"name": "Ubuntu 20.04", "os_distro": "ubuntu", "os_version": "20.04"},
        {"name": "ubuntu-capi-image-v1.27.3", "os_distro": None, "os_version": "20.04"},
    ]
    f = hostos.judge_images(old)
    assert f.status is Status.FAIL
    assert f.details["old"] == ["Ubuntu 20.04 (20.04)", "ubuntu-capi-image-v1.27.3 (20.04)"]


def test_version_from_the_name_and_unknown_versions() -> None:
    f = hostos.judge_images([{"name": "Ubuntu 18.04 minimal", "os_distro": "ubuntu"}])
    assert f.status is Status.FAIL and "18.04" in f.reason
    f = hostos.judge_images([{"name": "my-ubuntu", "os_distro": "ubuntu"}])
    assert f.status is Status.WARN and f.details["unknown_version"] == ["my-ubuntu"]


def test_no_ubuntu_images_is_a_skip() -> None:
    assert hostos.judge_images([IMAGES[2]]).status is Status.SKIP
    assert hostos.judge_images([]).status is Status.SKIP
