"""CAPI (Kubernetes Cluster API) node images run a supported Ubuntu LTS (≥ 22.04); the rule is
``standards/images.capi_ubuntu`` (the scs-0104 v2 draft)."""

from __future__ import annotations

from scs_iaas.checks.base import Check, Context
from scs_iaas.model.findings import Finding, Test
from scs_iaas.standards.images import capi_ubuntu, is_capi_image

TEST = Test(
    "scs-iaas-capi-ubuntu",
    "scs-0104",
    "v2",
    "CAPI images are on Ubuntu 22.04 or newer",
    "scs-iaas manage images --definitions capi.yaml --apply with a current ubuntu-capi-image",
    "https://docs.scs.community/standards/scs-0104-v2-standard-images",
)


def run(ctx: Context) -> list[Finding]:
    out = []
    for image in ctx.snapshot.images:
        if image.os_hidden or not is_capi_image(image.name, image.properties):
            continue
        res = capi_ubuntu(image.properties)
        judged = TEST.passed if res.ok else TEST.failed
        out.append(judged(res.reason, f"image {image.name}"))
    return out


CHECK = Check(name="scs-iaas CAPI images", tests=[TEST], needs=frozenset({"images"}), run=run)
