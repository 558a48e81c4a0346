"""--timeout and api_timeout: how long one read may take at most, and bad values in one line."""

from __future__ import annotations

import subprocess
import sys

import pytest

from scs_iaas.cloud.connection import READ_RETRIES, RETRIABLE_STATUS, Timeouts


def test_worst_case_of_a_frozen_service_is_bounded():
    # 3 attempts of (connect + read) plus keystoneauth's backoff 0.5 s + 1 s
    assert Timeouts(connect=10, read=60).worst_case() == pytest.approx(3 * 70 + 1.5)
    assert Timeouts(connect=2, read=2).worst_case() == pytest.approx(3 * 4 + 1.5)
    assert Timeouts(connect=10, read=2).pair == (2, 2)  # connect never longer than read


def test_reads_retry_the_transient_answers_only():
    assert READ_RETRIES == 2
    assert set(RETRIABLE_STATUS) == {429, 502, 503, 504}  # 500 is a bug, not a blip


@pytest.mark.parametrize(
    ("value", "message"),
    [("abc", "--timeout 'abc': not a number of seconds"), ("0", "--timeout 0.0: must be")],
)
def test_bad_timeout_is_one_line(value, message):
    proc = subprocess.run(
        [sys.executable, "-m", "scs_iaas", "--timeout", value, "check", "--os-cloud", "x"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], lines
