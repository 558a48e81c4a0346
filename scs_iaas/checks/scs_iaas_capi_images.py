"""CAPI (Kubernetes Cluster API) node images run a supported Ubuntu LTS (≥ 22.04): the release
plan moves hosts and images to Ubuntu 22.04, and scs-0104 v2 wants CAPI images as k8snode."""

from __future__ import annotations

from scs_iaas.checks.base import Check, Context
from scs_iaas.model.findings import Finding, Test

TEST = Test(
    "scs-iaas-capi-ubuntu",
    "scs-0104",
    "v2",
    "CAPI images are on Ubuntu 22.04 or newer",
    "scs-iaas manage images --definitions capi.yaml --apply with a current ubuntu-capi-image",
    "https://docs.scs.community/standards/scs-0104-v2-standard-images",
)
MIN_UBUNTU = (22, 4)


def _version(text: str) -> tuple[int, int] | None:
    try:
        major, _, minor = str(text).partition(".")
        return int(major), int(minor or 0)
    except ValueError:
        return None


def run(ctx: Context) -> list[Finding]:
    out = []
    for image in ctx.snapshot.images:
        props = image.properties
        capi = image.name.startswith("ubuntu-capi-image") or props.get("os_purpose") == "k8snode"
        if not capi or image.os_hidden:
            continue
        res = f"image {image.name}"
        distro = str(props.get("os_distro", "")).lower()
        version = _version(str(props.get("os_version", "")))
        if distro != "ubuntu":
            out.append(TEST.failed(f"os_distro={distro or 'unset'}, expected ubuntu", res))
        elif version is None:
            out.append(TEST.failed(f"os_version={props.get('os_version')!r} is not a version", res))
        elif version < MIN_UBUNTU:
            out.append(
                TEST.failed(f"Ubuntu {version[0]}.{version[1]:02d} is older than 22.04", res)
            )
        else:
            out.append(TEST.passed(f"Ubuntu {version[0]}.{version[1]:02d}", res))
    return out


CHECK = Check(name="scs-iaas CAPI images", tests=[TEST], needs=frozenset({"images"}), run=run)
