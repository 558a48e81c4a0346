"""Where host facts come from: a root path, and command outputs (recorded or live).

Every reader takes a :class:`HostRoot`. On the live machine (root ``/``) commands such as
``chronyc`` or ``virsh`` run when they are on PATH; under any other root (a recorded tree in
tests, a chroot, a copied ``/sys``) they never run, and their recorded output is read from
``<root>/_commands/<name>`` instead. That keeps readers pure for tests without mocks.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

RECORDED_DIR = "_commands"
# written by the collector (host/collect.py): what it could not read, path → reason
MANIFEST = "_collect.json"
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

    def read_checked(self, absolute: str) -> tuple[str | None, str | None]:
        """(text, None), (None, None) when the file is not there, or (None, reason) when it is
        there but cannot be read: here, or on the node the archive was collected from."""
        recorded = self.collect_errors().get(absolute)
        if recorded is not None:
            return None, recorded
        try:
            return self.file(absolute).read_text(encoding="utf-8", errors="replace"), None
        except FileNotFoundError:
            return None, None
        except (OSError, ValueError) as exc:
            return None, getattr(exc, "strerror", None) or type(exc).__name__

    def collect_errors(self) -> dict[str, str]:
        """The collector's record of files it found but could not read (empty when live)."""
        if self.live:
            return {}
        try:
            data = json.loads((self.path / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        errors = data.get("errors") if isinstance(data, dict) else None
        return {str(k): str(v) for k, v in errors.items()} if isinstance(errors, dict) else {}

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
        failed = self.path / RECORDED_DIR / f"{name}.error"
        if failed.is_file():  # the collector ran it and it failed: keep its one-line reason
            return CommandOutput(False, "", failed.read_text(encoding="utf-8").strip(), str(failed))
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
