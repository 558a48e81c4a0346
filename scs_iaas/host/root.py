"""Where host facts come from: a root path, and command outputs (recorded or live).

Every reader takes a :class:`HostRoot`. On the live machine (root ``/``) commands such as
``chronyc`` or ``virsh`` run when they are on PATH; under any other root (a recorded tree in
tests, a chroot, a copied ``/sys``) they never run, and their recorded output is read from
``<root>/_commands/<name>`` instead. That keeps readers pure for tests without mocks.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

RECORDED_DIR = "_commands"
COMMAND_TIMEOUT_S = 15


@dataclass(frozen=True)
class CommandOutput:
    """What a command said: ``ok`` is its exit status 0, ``source`` where the text came from."""

    ok: bool
    stdout: str
    error: str
    source: str


@dataclass(frozen=True)
class HostRoot:
    """A root path plus the rule for running commands (only when it is the live ``/``)."""

    path: Path

    @classmethod
    def of(cls, root: str | os.PathLike[str] = "/") -> HostRoot:
        return cls(Path(root))

    @property
    def live(self) -> bool:
        return self.path.resolve() == Path("/")

    def file(self, absolute: str) -> Path:
        """``/proc/cpuinfo`` → ``<root>/proc/cpuinfo``."""
        return self.path / absolute.lstrip("/")

    def read(self, absolute: str) -> str | None:
        """The file's text, or None when it is missing, unreadable (permissions, EIO) or not a
        regular file: a FIFO planted where ``/proc/self/mountinfo`` should be would block a
        plain open forever, so the file is opened non-blocking and its type checked first."""
        try:
            fd = os.open(self.file(absolute), os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
        except (OSError, ValueError):
            return None
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            with os.fdopen(fd, "rb", closefd=False) as fh:
                return fh.read().decode("utf-8", errors="replace")
        except OSError:
            return None
        finally:
            os.close(fd)

    def read_value(self, absolute: str) -> str | None:
        """A one-value sysfs file, stripped."""
        text = self.read(absolute)
        return None if text is None else text.strip()

    def exists(self, absolute: str) -> bool:
        return os.path.lexists(self.file(absolute))

    def relative(self, path: Path) -> str:
        """A path inside the root, shown as an absolute path on the host (``/sys/devices/…``)."""
        try:
            return "/" + str(path.relative_to(self.path.resolve()))
        except ValueError:
            return str(path)

    def command(self, name: str, argv: list[str]) -> CommandOutput | None:
        """A recorded ``_commands/<name>`` if there is one, else run ``argv`` on the live host.

        None means neither is available (not recorded, not live, or not on PATH).
        """
        recorded = self.path / RECORDED_DIR / name
        if recorded.is_file():
            return CommandOutput(True, recorded.read_text(encoding="utf-8"), "", str(recorded))
        if not self.live or shutil.which(argv[0]) is None:
            return None
        try:
            proc = subprocess.run(
                argv,
                capture_output=True,
                text=True,
                timeout=COMMAND_TIMEOUT_S,
                check=False,
                env={**os.environ, "LC_ALL": "C"},
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return CommandOutput(False, "", f"{argv[0]}: {exc}", " ".join(argv))
        error = " ".join((proc.stderr or proc.stdout).split()) if proc.returncode else ""
        return CommandOutput(proc.returncode == 0, proc.stdout, error, " ".join(argv))
