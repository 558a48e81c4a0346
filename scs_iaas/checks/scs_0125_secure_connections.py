"""scs-0125 secure connections (draft): every catalog endpoint speaks HTTPS.

Draft standard: findings are WARN, never FAIL, and are outside the certificate scope.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scs_iaas.checks.base import Check, Context, Test, std_url
from scs_iaas.findings import Finding

TEST = Test(
    "scs-0125-https-endpoints",
    "scs-0125",
    "draft",
    "every public catalog endpoint uses HTTPS",
    "terminate TLS (Mozilla 'intermediate' profile) in front of the API and re-register the "
    "endpoint with an https:// URL",
    std_url("scs-0125-v1-secure-connections"),
)


def run(ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    seen: set[str] = set()
    for service, interface, url in sorted(ctx.snapshot.endpoints()):
        if interface != "public" or url in seen:
            continue
        seen.add(url)
        scheme = urlsplit(url).scheme
        resource = f"{service} {url}"
        if scheme == "https":
            out.append(TEST.passed("HTTPS", resource))
        else:
            out.append(
                TEST.warned(f"public endpoint uses {scheme or 'no scheme'}, not HTTPS", resource)
            )
    if not out:
        out.append(TEST.skipped("no public endpoints in the catalog"))
    return out


CHECK = Check(name="scs-0125 secure connections", tests=[TEST], needs=frozenset(), run=run)
