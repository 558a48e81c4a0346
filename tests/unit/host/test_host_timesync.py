"""chrony / timedatectl parsing and the scs-0129 (draft) judgement: WARN, never FAIL."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scs_iaas.checks.host_timesync import check
from scs_iaas.host.root import HostRoot
from scs_iaas.host.timesync import (
    TimeSync,
    parse_chrony_tracking,
    parse_timedatectl_show,
    parse_timesync_offset,
    read_timesync,
)
from scs_iaas.model.findings import Status

HOSTS = Path(__file__).parents[2] / "data" / "hosts"


def test_chrony_synchronised() -> None:
    ts = read_timesync(HostRoot.of(HOSTS / "epyc-snp"))
    assert (ts.daemon, ts.synchronised, ts.stratum) == ("chrony", True, 3)
    assert ts.offset_s == pytest.approx(-0.000012345)
    assert ts.reference == "ntp1.example.net"


def test_chrony_not_synchronised() -> None:
    ts = read_timesync(HostRoot.of(HOSTS / "plain"))
    assert ts.synchronised is False and ts.leap_status == "Not synchronised"


def test_chrony_unexpected_output() -> None:
    ts = parse_chrony_tracking("506 Cannot talk to daemon\n")
    assert ts.synchronised is None and "unexpected chronyc output" in ts.error


def test_timesyncd_synchronised_with_offset() -> None:
    ts = read_timesync(HostRoot.of(HOSTS / "xeon-sgx-tdx"))
    assert (ts.daemon, ts.synchronised) == ("systemd-timesyncd", True)
    assert ts.offset_s == pytest.approx(-182e-6)
    assert ts.reference == "192.0.2.123 (ntp.example.org)"


def test_timesyncd_unsynchronised() -> None:
    ts = read_timesync(HostRoot.of(HOSTS / "epyc-sev-off"))
    assert ts.synchronised is False and ts.offset_s is None


def test_timedatectl_show_parsing() -> None:
    assert parse_timedatectl_show("NTP=yes\nNTPSynchronized=no\nbad line\n") == {
        "NTP": "yes",
        "NTPSynchronized": "no",
    }


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("Offset: +12us", 12e-6), ("       Offset: -1.5ms", -1.5e-3), ("Offset: 2s", 2.0)],
)
def test_offset_units(text: str, seconds: float) -> None:
    assert parse_timesync_offset(text) == pytest.approx(seconds)


@given(st.floats(min_value=-10_000, max_value=10_000, allow_nan=False).map(lambda v: round(v, 3)))
def test_offset_round_trip_ms(ms: float) -> None:
    assert parse_timesync_offset(f"Offset: {ms:+.3f}ms") == pytest.approx(ms / 1000, abs=1e-9)


def test_check_levels() -> None:
    ok = check(TimeSync("chrony", True, 0.0001, "ntp", 2))[0]
    assert ok.status == Status.PASS and ok.standard == "scs-0129"
    far = check(TimeSync("chrony", True, -0.2, "ntp", 2))[0]
    assert far.status == Status.WARN and "-200.000 ms" in far.reason
    off = check(TimeSync("chrony", False, leap_status="Not synchronised"))[0]
    assert off.status == Status.WARN
    unknown = check(TimeSync("", None, error="neither chronyc nor timedatectl found"))[0]
    assert unknown.status == Status.WARN and "chrony" in unknown.fix


def test_live_machine_is_warn_or_pass() -> None:
    (f,) = check(read_timesync(HostRoot.of("/")))
    assert f.status in (Status.PASS, Status.WARN)
    assert f.reason
