"""scs-0101 entropy.

The API-level tests read the flavor and image attributes the implementation notes
(scs-0101-w1, "Warnings") ask for, so that guests can get a virtio-rng device: flavors
``hw_rng:allowed=True``, images ``hw_rng_model=virtio`` (recommended: a miss is a WARN).

The main targets, ``scs-0101-entropy-avail`` and ``scs-0101-fips-test``, look inside a guest
(with ``--with-resources``): one server per run, from the newest public Debian image (else
Ubuntu), whose user data prints ``entropy_avail`` and the output of ``rngtest -c 1000`` on
the console with the official suite's ``_scs-test-`` prefixes (``standards/entropy.py``).
``cloud/vm_probe.py`` boots it and returns the console; the judging here follows the official test
(``Tests/iaas/scs_0101_entropy/entropy_check.py``): entropy_avail must be 256; rngtest may
report at most 3 failures (up to 5 still passes, with a note).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from scs_iaas.checks.base import Check, Context, std_url
from scs_iaas.model.findings import Finding, Status, Test
from scs_iaas.standards.entropy import FIPS_LENIENT, FIPS_STRICT, collect

URL = std_url("scs-0101-w1-entropy-implementation-testing")
FLAVOR = Test(
    "scs-0101-flavor-property",
    "scs-0101",
    "v1",
    "flavors allow a virtio-rng device",
    "openstack flavor set --property hw_rng:allowed=True FLAVOR",
    URL,
)
IMAGE = Test(
    "scs-0101-image-property",
    "scs-0101",
    "v1",
    "images ask for a virtio-rng device",
    "openstack image set --property hw_rng_model=virtio IMAGE",
    URL,
)
RNGD = Test("scs-0101-rngd", "scs-0101", "v1", "images run rngd", "", URL)
ENTROPY = Test(
    "scs-0101-entropy-avail",
    "scs-0101",
    "v1",
    "a guest has entropy_avail = 256",
    "run guests on a kernel >= 5.18 (entropy_avail is fixed at 256) or give them a "
    "virtio-rng device (flavor hw_rng:allowed=True, image hw_rng_model=virtio)",
    URL,
)
FIPS = Test(
    "scs-0101-fips-test",
    "scs-0101",
    "v1",
    "a guest passes the FIPS 140-2 rngtest",
    "give guests a virtio-rng device backed by the host's /dev/urandom "
    "(flavor hw_rng:allowed=True, image hw_rng_model=virtio)",
    URL,
)
VM_TESTS = (ENTROPY, FIPS)
RNGD_REASON = (
    "not judged: the official suite defines no evaluation for it (scs-0101 v1.1 main "
    "targets are scs-0101-entropy-avail and scs-0101-fips-test)"
)

PROBE = "guest_console"  # cloud/vm_probe.py: one server, its console, deleted again
_FAILURES = re.compile(r"failures:\s(\d+)")
_SUCCESSES = re.compile(r"successes:\s(\d+)")


def judge_entropy(lines: Sequence[str], resource: str) -> Finding:
    if not lines:
        return ENTROPY.aborted("the console shows no '_scs-test-entropy-avail:' line", resource)
    quoted = f"_scs-test-entropy-avail: {lines[0]}"
    if lines[0].strip() != "256":
        return ENTROPY.failed(
            f"entropy_avail is {lines[0].strip()!r}, expected 256 (console: {quoted!r})",
            resource,
            console=[quoted],
        )
    return ENTROPY.passed(f"entropy_avail is 256 (console: {quoted!r})", resource, console=[quoted])


def judge_fips(lines: Sequence[str], resource: str) -> Finding:
    text = "\n".join(lines)
    quoted = [f"_scs-test-fips-test: {line}" for line in lines if "FIPS 140-2 " in line][:2]
    failures = _FAILURES.search(text)
    if failures is None:
        shown = "; ".join(line for line in lines if line)[:200] or "no such lines"
        return FIPS.aborted(
            f"could not read the rngtest failure count from the console ({shown})", resource
        )
    count = int(failures.group(1))
    successes = _SUCCESSES.search(text)
    of = f"{count} of {count + int(successes.group(1))}" if successes else str(count)
    shown = "; ".join(repr(q) for q in quoted)
    if count <= FIPS_STRICT:
        return FIPS.passed(
            f"rngtest: {of} blocks failed FIPS 140-2 (<= {FIPS_STRICT}; console: {shown})",
            resource,
            console=quoted,
        )
    if count <= FIPS_LENIENT:
        return FIPS.passed(
            f"rngtest: {of} blocks failed FIPS 140-2: more than the strict {FIPS_STRICT}, "
            f"within the lenient {FIPS_LENIENT} (console: {shown})",
            resource,
            console=quoted,
            note=f"failures above the strict limit of {FIPS_STRICT}",
        )
    return FIPS.failed(
        f"rngtest: {of} blocks failed FIPS 140-2, more than {FIPS_LENIENT} (console: {shown})",
        resource,
        console=quoted,
    )


def judge_console(console: str, resource: str) -> list[Finding]:
    """Both VM tests from one console text."""
    collected = collect(console)
    return [
        judge_entropy(collected.get("entropy-avail", []), resource),
        judge_fips(collected.get("fips-test", []), resource),
    ]


# ------------------------------------------------------------------ the check


def run(ctx: Context) -> list[Finding]:
    out: list[Finding] = [RNGD.skipped(RNGD_REASON)] if ctx.wants(RNGD.id) else []
    out.extend(_vm_tests(ctx))
    flavors = [f.name for f in ctx.snapshot.flavors if f.is_public]
    lacking = [
        f.name
        for f in ctx.snapshot.flavors
        if f.is_public and str(f.extra_specs.get("hw_rng:allowed", "")).lower() != "true"
    ]
    out.append(_judge(FLAVOR, "public flavors", flavors, lacking, "hw_rng:allowed=True"))
    images = [i for i in ctx.snapshot.images if i.visibility in ("public", "community")]
    lacking = [i.name for i in images if i.properties.get("hw_rng_model") != "virtio"]
    out.append(
        _judge(IMAGE, "public images", [i.name for i in images], lacking, "hw_rng_model=virtio")
    )
    return out


def _vm_tests(ctx: Context) -> list[Finding]:
    wanted = [t for t in VM_TESTS if ctx.wants(t.id)]
    if not wanted:
        return []
    probe = ctx.snapshot.probes.get(PROBE)
    if probe is None:
        return [
            t.skipped("needs --with-resources (boots a server and reads its console)")
            for t in wanted
        ]
    if not probe.ok:  # the cloud could not boot the server: nothing to judge
        return [t.aborted(probe.reason, probe.resource) for t in wanted]
    findings = judge_console(probe.console, probe.resource)
    if not probe.details.get("finished", True):
        why = probe.reason
        findings = [
            f if f.status is not Status.ABORT else t.aborted(f"{why}; {f.reason}", f.resource)
            for f, t in zip(findings, VM_TESTS, strict=True)
        ]
    keep = {t.id for t in wanted}
    return [replace(f, details={**f.details, **probe.details}) for f in findings if f.id in keep]


def _judge(test: Test, what: str, names: list[str], lacking: list[str], wanted: str) -> Finding:
    resource = what.split()[-1]
    if not names:
        return test.passed(f"no {what}", resource)
    if lacking:
        shown = ", ".join(sorted(lacking)[:8]) + (" …" if len(lacking) > 8 else "")
        return test.failed(
            f"{len(lacking)} of {len(names)} {what} lack {wanted}: {shown}", resource
        )
    return test.passed(f"all {len(names)} {what} have {wanted}", resource)


CHECK = Check(
    name="scs-0101 entropy",
    tests=[FLAVOR, IMAGE, RNGD, *VM_TESTS],
    needs=frozenset({"flavors", "images"}),
    run=run,
    probes={t.id: PROBE for t in VM_TESTS},
)
