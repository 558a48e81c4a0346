"""The image lock's pure parts: staleness on Glance's clock, and death of a holder on this host."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

from scs_iaas.cloud.imagelock import Holder, died_here, here, holder_of, is_stale

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def test_a_record_is_stale_only_after_a_whole_lease_without_renewal() -> None:
    h = Holder("a", "host:1:x", created_at=T0, updated_at=T0 + timedelta(seconds=30))
    assert not is_stale(h, T0 + timedelta(seconds=90), 60)
    assert is_stale(h, T0 + timedelta(seconds=91), 60)
    assert not is_stale(h, None, 60)  # without the cloud's time, never judged stale


def test_holder_of_reads_glances_json() -> None:
    h = holder_of({"id": "i", "scs-iaas:lock": "r", "created_at": "2026-12-01T12:00:00Z",
                   "updated_at": "2026-12-01T12:00:15Z", "scs-iaas:lock-where": "b/ns/1"})  # fmt: skip
    assert (h.run, h.updated_at, h.where) == ("r", T0 + timedelta(seconds=15), "b/ns/1")


def test_a_dead_holder_on_this_host_is_known_at_once_others_are_not() -> None:
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    gone = int(proc.stdout)
    dead = Holder("d", "r", T0, T0, where=here(gone))
    alive = Holder("l", "r", T0, T0, where=here())
    elsewhere = Holder("e", "r", T0, T0, where=f"another-boot/pid:[1]/{gone}")
    assert died_here(dead)
    assert not died_here(alive) and not died_here(elsewhere)
    assert not died_here(Holder("n", "r", T0, T0))  # an old record without a place
