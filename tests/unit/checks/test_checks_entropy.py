"""scs-0101's VM tests judged from real console text (captured from the box's guest image
booted under QEMU/TCG), and the image/flavor choice made the official suite's way."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers_checks import ctx

from scs_iaas.checks import scs_0101_entropy as e
from scs_iaas.model.findings import Status
from scs_iaas.model.snapshot import FlavorRec, ImageRec, ProbeResult
from scs_iaas.standards import entropy

DATA = Path(__file__).parents[2] / "data" / "scs-0101"
CONSOLE = (DATA / "console-debian12-tcg-qemu.log").read_text(errors="replace")


def test_real_console_passes_both_and_quotes_the_lines() -> None:
    avail, fips = e.judge_console(CONSOLE, "vm")
    assert avail.status is Status.PASS
    assert "'_scs-test-entropy-avail: 256'" in avail.reason
    assert fips.status is Status.PASS
    assert "1 of 1000 blocks failed" in fips.reason
    assert fips.details["console"] == [
        "_scs-test-fips-test: rngtest: FIPS 140-2 successes: 999",
        "_scs-test-fips-test: rngtest: FIPS 140-2 failures: 1",
    ]
    assert entropy.finished(CONSOLE)


def test_collect_finds_markers_inside_interleaved_kernel_lines() -> None:
    text = "[   70.4] cloud-init[513]: _scs-test-entropy-avail: 256\nnoise _scs-test-end\n"
    assert entropy.collect(text) == {"entropy-avail": ["256"]}


def _with_failures(n: int) -> str:
    return CONSOLE.replace("successes: 999", f"successes: {1000 - n}").replace(
        "FIPS 140-2 failures: 1", f"FIPS 140-2 failures: {n}"
    )


@pytest.mark.parametrize(
    ("failures", "status", "note"),
    [(0, Status.PASS, False), (3, Status.PASS, False), (4, Status.PASS, True),
     (5, Status.PASS, True), (6, Status.FAIL, False)],
)  # fmt: skip
def test_fips_limits_as_the_official_test(failures: int, status: Status, note: bool) -> None:
    fips = e.judge_console(_with_failures(failures), "vm")[1]
    assert fips.status is status
    assert ("note" in fips.details) is note
    assert f"{failures} of 1000" in fips.reason


def test_entropy_other_than_256_fails() -> None:
    avail = e.judge_console(CONSOLE.replace("entropy-avail: 256", "entropy-avail: 191"), "vm")[0]
    assert avail.status is Status.FAIL
    assert "'191'" in avail.reason


def test_missing_lines_abort_with_what_was_seen() -> None:
    text = "_scs-test-fips-test: sh: 1: rngtest: not found\n_scs-test-end\n"
    avail, fips = e.judge_console(text, "vm")
    assert avail.status is Status.ABORT
    assert fips.status is Status.ABORT
    assert "rngtest: not found" in fips.reason


def _img(name: str, distro: str, version: str, created: int, **kw: object) -> ImageRec:
    return ImageRec(
        id=name,
        name=name,
        created_at=datetime(2026, 1, created, tzinfo=UTC),
        properties={"os_distro": distro, "os_version": version},
        **kw,  # type: ignore[arg-type]
    )


def test_choose_image_newest_debian_then_newest_created() -> None:
    images = [
        _img("ubuntu", "ubuntu", "24.04", 1),
        _img("deb11", "debian", "bullseye", 2),
        _img("deb12-old", "debian", "12", 3),
        _img("deb12-new", "debian", "12", 4),
        _img("deb12-private", "debian", "12", 5, visibility="private"),
        _img("deb12-hidden", "debian", "12", 6, os_hidden=True),
    ]
    chosen = entropy.choose_image(images)
    assert chosen is not None and chosen.name == "deb12-new"
    only_ubuntu = entropy.choose_image(images[:1])
    assert only_ubuntu is not None and only_ubuntu.name == "ubuntu"
    assert entropy.choose_image([_img("x", "fedora", "40", 1)]) is None


def _fl(name: str, vcpus: int, ram: int, disk: int, rng: bool = True) -> FlavorRec:
    specs = {"hw_rng:allowed": "True"} if rng else {}
    return FlavorRec(id=name, name=name, vcpus=vcpus, ram=ram, disk=disk, extra_specs=specs)


def test_choose_flavor_frugal_with_disk_and_rng() -> None:
    image = ImageRec(id="i", name="i", min_ram=512, min_disk=1)
    flavors = [
        _fl("SCS-1L-1", 1, 1024, 0),
        _fl("SCS-1V-4-10", 1, 4096, 10),
        _fl("SCS-2V-8-20", 2, 8192, 20),
        _fl("tiny-no-rng", 1, 512, 5, rng=False),
    ]
    assert entropy.choose_flavor(flavors, image) == (flavors[1], False)
    # diskless flavors only: boot from a volume
    assert entropy.choose_flavor(flavors[:1], image) == (flavors[0], True)
    assert entropy.choose_flavor([_fl("small", 1, 256, 10)], image) is None


def test_without_resources_vm_tests_skip_with_reason() -> None:
    out = {f.id: f for f in e.run(ctx(flavors=(), images=()))}
    assert out["scs-0101-entropy-avail"].status is Status.SKIP
    assert "--with-resources" in out["scs-0101-fips-test"].reason
    assert out["scs-0101-rngd"].status is Status.SKIP


def test_user_data_prints_the_official_markers() -> None:
    assert entropy.USER_DATA.startswith("#!/bin/sh\n")
    for marker in ("_scs-test-entropy-avail: ", "_scs-test-fips-test: ", "_scs-test-end"):
        assert marker in entropy.USER_DATA
    assert "rngtest -c 1000" in entropy.USER_DATA


def _probed(result: ProbeResult) -> dict[str, object]:
    return {f.id: f for f in e.run(ctx(flavors=(), images=(), probes={e.PROBE: result}))}


def test_a_cloud_that_cannot_boot_aborts_with_the_reason() -> None:
    out = _probed(ProbeResult(False, "server went to ERROR: No valid host was found.", "x"))
    for test_id in ("scs-0101-entropy-avail", "scs-0101-fips-test"):
        finding = out[test_id]
        assert finding.status is Status.ABORT  # type: ignore[attr-defined]
        assert "No valid host" in finding.reason  # type: ignore[attr-defined]


def test_a_probed_console_is_judged_and_keeps_what_was_booted() -> None:
    details = {"finished": True, "boot_seconds": 61.5, "image": "Debian 12", "flavor": "f"}
    out = _probed(ProbeResult(True, "console read", "srv", console=CONSOLE, details=details))
    entropy_finding = out["scs-0101-entropy-avail"]
    assert entropy_finding.status is Status.PASS  # type: ignore[attr-defined]
    assert entropy_finding.details["boot_seconds"] == 61.5  # type: ignore[attr-defined]


def test_a_console_without_the_end_marker_aborts_with_the_timeout() -> None:
    half = CONSOLE.split("_scs-test-entropy-avail")[0]
    reason = "no '_scs-test-end' on the console within 300 s of the server becoming active"
    out = _probed(ProbeResult(True, reason, "srv", console=half, details={"finished": False}))
    finding = out["scs-0101-fips-test"]
    assert finding.status is Status.ABORT  # type: ignore[attr-defined]
    assert "within 300 s" in finding.reason  # type: ignore[attr-defined]


def test_console_read_through_nova_passes_both() -> None:
    """The console the Compute API returned for a server Nova booted on libvirt (TCG)."""
    text = (DATA / "console-debian12-nova-libvirt-tcg.log").read_text(errors="replace")
    assert "Command line: root=/dev/vda" in text  # a real guest kernel booted
    avail, fips = e.judge_console(text, "nova")
    assert avail.status is Status.PASS
    assert fips.status is Status.PASS
    assert "2 of 1000 blocks failed" in fips.reason
