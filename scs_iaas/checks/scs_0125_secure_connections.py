"""scs-0125 secure connections (draft): every catalog endpoint speaks HTTPS with a certificate
that verifies, TLS 1.2 or newer, and no TLS 1.0/1.1 (Mozilla's "intermediate" profile).

Draft standard: findings are WARN, never FAIL, and are outside the certificate scope.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scs_iaas.checks.base import Check, Context, std_url
from scs_iaas.model.findings import Finding, Test

URL = std_url("scs-0125-v1-secure-connections")
HTTPS = Test(
    "scs-0125-https-endpoints",
    "scs-0125",
    "draft",
    "every public catalog endpoint uses HTTPS",
    "terminate TLS in front of the API and re-register the endpoint with an https:// URL",
    URL,
)
TLS = Test(
    "scs-0125-tls-profile",
    "scs-0125",
    "draft",
    "HTTPS endpoints offer TLS 1.2+ only, with a certificate that verifies",
    "configure the TLS terminator with Mozilla's 'intermediate' profile (TLS 1.2 and 1.3) and a "
    "certificate from a trusted CA",
    URL,
)
GOOD_VERSIONS = ("TLSv1.2", "TLSv1.3")


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
            out.append(HTTPS.passed("HTTPS", resource))
        else:
            out.append(
                HTTPS.warned(f"public endpoint uses {scheme or 'no scheme'}, not HTTPS", resource)
            )
    if not out:
        out.append(HTTPS.skipped("no public endpoints in the catalog"))
    for target, facts in sorted(ctx.snapshot.tls.items()):
        problems = []
        if facts.error:
            problems.append(facts.error)
        if facts.version and facts.version not in GOOD_VERSIONS:
            problems.append(f"negotiated {facts.version}")
        if facts.legacy_accepted:
            problems.append("still accepts TLS 1.0/1.1")
        if facts.verify_error:
            problems.append(f"certificate does not verify: {facts.verify_error}")
        if facts.not_after and facts.not_after < ctx.now:
            problems.append(f"certificate expired {facts.not_after:%Y-%m-%d}")
        if problems:
            out.append(TLS.warned("; ".join(problems), target))
        else:
            until = (
                f", certificate valid until {facts.not_after:%Y-%m-%d}" if facts.not_after else ""
            )
            out.append(TLS.passed(f"{facts.version}, {facts.cipher}{until}", target))
    return out


CHECK = Check(
    name="scs-0125 secure connections", tests=[HTTPS, TLS], needs=frozenset({"tls"}), run=run
)
