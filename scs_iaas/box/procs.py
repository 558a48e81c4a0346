"""Process supervision by pid file: start detached, check alive, stop exactly what we started.

A pid file holds ``<pid> <create_time>``: a pid alone can be reused by an unrelated
process after a crash, the pair cannot. Every process the box starts also carries
``SCS_IAAS_BOX_OWNER=<home>`` in its environment (children inherit it), which is how
an orphan left behind by an unclean stop (a uWSGI worker whose master was killed) is
recognised as ours when it still holds one of our ports. Nothing is ever matched by
process name.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import psutil

OWNER_ENV = "SCS_IAAS_BOX_OWNER"


@dataclass(frozen=True)
class PidRecord:
    pid: int
    create_time: float

    def render(self) -> str:
        return f"{self.pid} {self.create_time:.2f}\n"

    @classmethod
    def parse(cls, text: str) -> PidRecord | None:
        """``None`` for an empty or garbled file (treated as stale)."""
        parts = text.split()
        try:
            return cls(int(parts[0]), float(parts[1]))
        except (IndexError, ValueError):
            return None


def read_pidfile(path: Path) -> PidRecord | None:
    try:
        return PidRecord.parse(path.read_text())
    except FileNotFoundError:
        return None


def process_of(record: PidRecord | None) -> psutil.Process | None:
    """The live process a pid record names, or None when it is gone, a zombie, or the pid
    now belongs to another process (its start time differs)."""
    if record is None:
        return None
    try:
        proc = psutil.Process(record.pid)
        if abs(proc.create_time() - record.create_time) > 1.0:
            return None
        if proc.status() == psutil.STATUS_ZOMBIE:
            # this sandbox's init reaps orphans lazily: a zombie counts as gone
            return None
        return proc
    except psutil.Error:
        return None


def spawn(
    argv: Sequence[str],
    *,
    env: Mapping[str, str],
    logfile: Path,
    pidfile: Path,
    owner: Path,
    cwd: Path | None = None,
) -> psutil.Process:
    """Start ``argv`` in a session of its own, output appended to ``logfile``, and record
    it in ``pidfile``. The process outlives the caller."""
    logfile.parent.mkdir(parents=True, exist_ok=True)
    pidfile.parent.mkdir(parents=True, exist_ok=True)
    full_env = dict(env)
    full_env[OWNER_ENV] = str(owner)
    with open(logfile, "ab") as log, open(os.devnull, "rb") as devnull:
        child = subprocess.Popen(
            list(argv),
            stdin=devnull,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=full_env,
            cwd=cwd,
            start_new_session=True,
            close_fds=True,
        )
    # Popen would warn when it is garbage-collected while the child still runs
    child.returncode = 0
    proc = psutil.Process(child.pid)
    pidfile.write_text(PidRecord(child.pid, proc.create_time()).render())
    # until the child has exec'd it still shows our environment, without the marker: wait
    # (briefly) so that whoever looks for the box's processes next finds it
    deadline = time.monotonic() + 2.0
    while not owned_by(proc, owner) and _running(proc) and time.monotonic() < deadline:
        time.sleep(0.005)
    return proc


def rotate(logfile: Path, limit: int = 20 * 2**20) -> None:
    """Keep one older generation (``.1``) once a log outgrows ``limit`` bytes: logs are
    appended across restarts, and a box that runs for weeks must not fill the disk."""
    try:
        if logfile.stat().st_size > limit:
            os.replace(logfile, logfile.with_name(logfile.name + ".1"))
    except FileNotFoundError:
        pass


def owned_by(proc: psutil.Process, owner: Path) -> bool:
    """Whether ``proc`` was started by the box at ``owner`` (it carries the marker)."""
    try:
        return bool(proc.environ().get(OWNER_ENV) == str(owner))
    except psutil.Error:
        return False


def marked(owner: Path) -> list[psutil.Process]:
    """Every live process that carries this box's marker: what the box started, and what
    those started in turn even after they detached (oslo.privsep's helper daemons)."""
    found = []
    for proc in psutil.process_iter():
        if proc.pid != os.getpid() and owned_by(proc, owner) and _running(proc):
            found.append(proc)
    return found


def tree(proc: psutil.Process) -> list[psutil.Process]:
    """The process and its descendants (collected before stopping: orphans get reparented)."""
    try:
        return [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return [proc]


def terminate(procs: Iterable[psutil.Process], timeout: float = 30.0) -> list[str]:
    """TERM the given processes (their own handlers stop their workers), wait up to
    ``timeout``, then KILL what is left of them and of their descendants (collected
    before the TERM, as orphans get reparented). Returns descriptions of those KILLed."""
    tops = list(procs)
    family: list[psutil.Process] = []
    for proc in tops:
        family.extend(p for p in tree(proc) if p not in family)
    for proc in tops:
        with contextlib.suppress(psutil.Error):
            proc.send_signal(signal.SIGTERM)
    _gone, alive = psutil.wait_procs(tops, timeout=timeout)
    if not alive:
        # descendants get a short grace period of their own after their parent is gone
        psutil.wait_procs(family, timeout=3.0)
    killed = [p for p in family if _running(p)]
    described = [describe(p) for p in killed]
    for proc in killed:
        with contextlib.suppress(psutil.Error):
            proc.kill()
    psutil.wait_procs(killed, timeout=2.0)
    return described


def describe(proc: psutil.Process) -> str:
    """``pid (command)`` for messages; the command's first two words, shortened."""
    try:
        words = " ".join(Path(w).name if i == 0 else w for i, w in enumerate(proc.cmdline()[:2]))
        return f"{proc.pid} ({words[-60:]})"
    except psutil.Error:
        return str(proc.pid)


def _running(proc: psutil.Process) -> bool:
    try:
        return bool(proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE)
    except psutil.Error:
        return False


def listeners(port: int) -> list[psutil.Process]:
    """Processes with a TCP socket listening on ``port`` (any address)."""
    found: list[psutil.Process] = []
    for conn in psutil.net_connections(kind="tcp"):
        if conn.status == psutil.CONN_LISTEN and conn.laddr and conn.laddr.port == port:
            if conn.pid is None:
                continue
            try:
                found.append(psutil.Process(conn.pid))
            except psutil.Error:
                continue
    return found


def port_open(port: int, host: str = "127.0.0.1", timeout: float = 0.5) -> bool:
    """Whether something accepts TCP connections on ``host:port``."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def memory(procs: Iterable[psutil.Process]) -> tuple[int, int]:
    """(RSS, PSS) in bytes summed over the processes and all their descendants."""
    seen: set[int] = set()
    rss = pss = 0
    for proc in procs:
        for member in tree(proc):
            if member.pid in seen:
                continue
            seen.add(member.pid)
            try:
                info = member.memory_full_info()
            except psutil.Error:
                continue
            rss += info.rss
            pss += getattr(info, "pss", info.rss)
    return rss, pss
