"""scs-0101 entropy.

The API-level tests read the flavor and image attributes the implementation notes
(scs-0101-w1, "Warnings") ask for, so that guests can get a virtio-rng device: flavors
``hw_rng:allowed=True``, images ``hw_rng_model=virtio`` (recommended: a miss is a WARN).

The main targets, ``scs-0101-entropy-avail`` and ``scs-0101-fips-test``, look inside a guest
(with ``--with-resources``): one server per run, from the newest public Debian image (else
Ubuntu), whose user data prints ``entropy_avail`` and the output of ``rngtest -c 1000`` on
the console with the official suite's ``_scs-test-`` prefixes. ``cloud/vm_probe.py`` boots it
and returns the console; the judging here is pure and follows the official test
(``Tests/iaas/scs_0101_entropy/entropy_check.py``): entropy_avail must be 256; rngtest may
report at most 3 failures (up to 5 still passes, with a note).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from scs_iaas.checks.base import Check, Context, Test, std_url
from scs_iaas.findings import Finding

if TYPE_CHECKING:  # pragma: no cover
    from scs_iaas.cloud.snapshot import FlavorRec, ImageRec

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

#: The official suite's line prefix and end marker.
MARKER = "_scs-test-"
END = "_scs-test-end"
#: Written to the console by user data, in the form both cloud-init and the box's guest
#: init run (a script). rng-tools5 is installed where the image lacks it and a mirror is
#: reachable, as the official test's cloud-config does.
USER_DATA = """#!/bin/sh
# scs-iaas scs-0101 probe (same console lines as the official entropy test)
exec >/dev/console 2>&1
if ! command -v rngtest >/dev/null 2>&1; then
    echo "_scs-test-install: installing rng-tools5"
    (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y rng-tools5) \\
        >/dev/null 2>&1 || echo "_scs-test-install: failed (no mirror reachable?)"
fi
cat /proc/sys/kernel/random/entropy_avail 2>&1 | awk '$0="_scs-test-entropy-avail: "$0'
cat /dev/random | rngtest -c 1000 2>&1 | awk '$0="_scs-test-fips-test: "$0'
echo _scs-test-end
"""
#: Like the official test: up to this long for the lines to appear once the server is active.
CONSOLE_TIMEOUT = 300.0
#: Strictly at most 3 rngtest failures; up to 5 still passes, with a note.
FIPS_STRICT = 3
FIPS_LENIENT = 5
_FAILURES = re.compile(r"failures:\s(\d+)")
_SUCCESSES = re.compile(r"successes:\s(\d+)")

_DEBIAN_CODENAMES = {"buster": 10, "bullseye": 11, "bookworm": 12, "trixie": 13}


def collect(console: str) -> dict[str, list[str]]:
    """The console lines carrying the marker, by section (``entropy-avail``, ``fips-test``):
    the text after ``_scs-test-<section>:``, wherever on the line the marker starts (kernel
    messages may be interleaved)."""
    out: dict[str, list[str]] = {}
    for line in console.splitlines():
        idx = line.find(MARKER)
        if idx == -1:
            continue
        section, sep, payload = line[idx + len(MARKER) :].partition(":")
        if sep:
            out.setdefault(section, []).append(payload.strip())
    return out


def finished(console: str) -> bool:
    return END in console


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


# ------------------------------------------------------------------ what to boot


def _version_rank(distro: str, version: str) -> tuple[int, int]:
    """The official test's order: Debian before Ubuntu, newer versions first."""
    if distro == "debian":
        if re.fullmatch(r"\d+", version):
            return 2, int(version)
        return 2, _DEBIAN_CODENAMES.get(version, 0)
    if distro == "ubuntu":
        if re.fullmatch(r"\d\d\.\d\d", version):
            return 1, int(version.replace(".", ""))
        return 1, 0
    return 0, 0


def choose_image(images: Iterable[ImageRec]) -> ImageRec | None:
    """The newest public Debian image (else Ubuntu), as the official test picks it; among
    images of the same version the most recently created."""
    ranked = []
    for img in images:
        if img.status != "active" or img.visibility not in ("public", "community"):
            continue
        if img.os_hidden:
            continue
        distro = str(img.properties.get("os_distro") or "").strip().lower()
        version = str(img.properties.get("os_version") or "").strip().lower()
        rank = _version_rank(distro, version)
        if rank == (0, 0):
            continue
        created = img.created_at.timestamp() if img.created_at else 0.0
        ranked.append((rank, created, img))
    if not ranked:
        return None
    return max(ranked, key=lambda item: (item[0], item[1]))[2]


def choose_flavor(flavors: Iterable[FlavorRec], image: ImageRec) -> tuple[FlavorRec, bool] | None:
    """The most frugal public flavor with the RAM the image needs (preferring
    ``hw_rng:allowed=True``, as the official test does), and whether the server boots from
    a volume: only when no flavor has a root disk big enough for the image."""
    fits = [f for f in flavors if f.is_public and not f.is_disabled and f.ram >= image.min_ram]
    if not fits:
        return None
    with_rng = [f for f in fits if str(f.extra_specs.get("hw_rng:allowed", "")).lower() == "true"]
    pool = with_rng or fits
    disk = [f for f in pool if f.disk > 0 and f.disk >= image.min_disk]

    def cost(f: FlavorRec) -> tuple[float, str]:
        return (f.vcpus + f.ram / 3.0 + f.disk / 10.0, f.name)

    if disk:
        return min(disk, key=cost), False
    return min(pool, key=cost), True


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
    if not ctx.with_resources or ctx.cloud is None:
        return [
            t.skipped("needs --with-resources (boots a server and reads its console)")
            for t in wanted
        ]
    from scs_iaas.cloud import vm_probe

    image = choose_image(ctx.snapshot.images)
    if image is None:
        return [
            t.aborted("no public Debian or Ubuntu image (os_distro/os_version)") for t in wanted
        ]
    choice = choose_flavor(ctx.snapshot.flavors, image)
    if choice is None:
        return [
            t.aborted(f"no public flavor has the {image.min_ram} MiB RAM image {image.name} needs")
            for t in wanted
        ]
    flavor, from_volume = choice
    try:
        result = vm_probe.console_of_server(
            ctx.cloud,
            name=f"{ctx.prefix}0101-{vm_probe.tag()}",
            image_id=image.id,
            flavor_id=flavor.id,
            user_data=USER_DATA,
            done=finished,
            console_timeout=CONSOLE_TIMEOUT,
            volume_size=max(image.min_disk, 8) if from_volume else None,
        )
    except vm_probe.ProbeError as exc:
        return [t.aborted(str(exc), f"image {image.name}") for t in wanted]
    resource = f"server from image {image.name!r}, flavor {flavor.name}"
    findings = judge_console(result.console, resource)
    if not result.finished:
        why = f"no '{END}' within {CONSOLE_TIMEOUT:.0f} s of the server becoming active"
        findings = [
            f if f.status.value != "ABORT" else t.aborted(f"{why}; {f.reason}", resource)
            for f, t in zip(findings, VM_TESTS, strict=True)
        ]
    details: dict[str, Any] = {"boot_seconds": result.seconds, "server": result.server_id}
    return [_with_details(f, details) for f in findings if f.id in {t.id for t in wanted}]


def _with_details(f: Finding, extra: dict[str, Any]) -> Finding:
    from dataclasses import replace

    return replace(f, details={**f.details, **extra})


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


def cleanup(cloud: Any, prefix: str) -> int:
    from scs_iaas.cloud import vm_probe

    return vm_probe.cleanup(cloud, prefix)


CHECK = Check(
    name="scs-0101 entropy",
    tests=[FLAVOR, IMAGE, RNGD, *VM_TESTS],
    needs=frozenset({"flavors", "images"}),
    run=run,
    creates_resources=True,
    cleanup=cleanup,
)
