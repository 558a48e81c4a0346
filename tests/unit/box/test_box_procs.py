"""Process supervision on real short-lived processes (sleep, sh): spawn, pid files,
owner marker, TERM then KILL."""

from __future__ import annotations

import os
import time
from pathlib import Path

from scs_iaas.box import procs

ENV = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}


def test_spawn_records_the_process_and_terminate_stops_it(tmp_path: Path) -> None:
    pidfile = tmp_path / "run" / "sleeper.pid"
    proc = procs.spawn(
        ["sleep", "30"],
        env=ENV,
        logfile=tmp_path / "log" / "s.log",
        pidfile=pidfile,
        owner=tmp_path,
    )
    record = procs.read_pidfile(pidfile)
    assert record is not None and record.pid == proc.pid
    assert procs.process_of(record) is not None
    assert procs.owned_by(proc, tmp_path)
    assert not procs.owned_by(proc, tmp_path / "other-home")
    assert [p.pid for p in procs.marked(tmp_path)] == [proc.pid]
    assert procs.terminate([proc], timeout=5) == []
    assert procs.process_of(record) is None


def test_a_process_that_ignores_term_is_killed(tmp_path: Path) -> None:
    pidfile = tmp_path / "stubborn.pid"
    proc = procs.spawn(
        ["sh", "-c", "trap '' TERM; echo ready; while :; do sleep 0.1; done"],
        env=ENV,
        logfile=tmp_path / "stubborn.log",
        pidfile=pidfile,
        owner=tmp_path,
    )
    deadline = time.monotonic() + 5
    while "ready" not in (tmp_path / "stubborn.log").read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    killed = procs.terminate([proc], timeout=0.5)
    assert any(k.startswith(f"{proc.pid} (sh") for k in killed)
    assert procs.process_of(procs.read_pidfile(pidfile)) is None


def test_a_reused_pid_is_not_ours(tmp_path: Path) -> None:
    me = procs.PidRecord(os.getpid(), 1.0)  # right pid, wrong start time
    assert procs.process_of(me) is None
    assert procs.process_of(None) is None


def test_a_big_log_is_rotated_once(tmp_path: Path) -> None:
    log = tmp_path / "svc.log"
    log.write_text("x" * 100)
    procs.rotate(log, limit=1000)
    assert log.exists()
    procs.rotate(log, limit=10)
    assert not log.exists()
    assert (tmp_path / "svc.log.1").read_text() == "x" * 100
    procs.rotate(tmp_path / "missing.log", limit=10)


def _status(*states: tuple[str, bool, bool | None]):
    from scs_iaas.box.box import BoxStatus, ServiceState

    return BoxStatus(
        Path("/box"),
        tuple(ServiceState(n, 1 if a else None, None, a, ans) for n, a, ans in states),
        "",
    )


def test_box_up_starts_only_the_dead_service_when_the_rest_answers() -> None:
    one_dead = _status(
        ("mariadb", True, True), ("keystone", True, True), ("nova-api", False, False)
    )
    assert one_dead.only_dead == ("nova-api",)
    worker_dead = _status(("mariadb", True, True), ("nova-compute", False, None))
    assert worker_dead.only_dead == ("nova-compute",)


def test_box_up_restarts_everything_when_a_living_process_does_not_answer() -> None:
    hung = _status(("mariadb", True, False), ("keystone", True, True), ("nova-api", False, False))
    assert hung.only_dead == ()
    assert _status(("mariadb", False, False), ("keystone", False, False)).only_dead == ()
    assert _status(("mariadb", True, True)).only_dead == ()  # nothing dead: nothing to start
