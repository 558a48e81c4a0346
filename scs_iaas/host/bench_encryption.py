"""LUKS overhead: the scs-0110 write job on a loop device, raw and through dm-crypt LUKS2.

The same job (``bench_disk``) runs twice on one loop device backed by a scratch file: first
on the raw loop device, then through a LUKS2 mapping (aes-xts-plain64). The ratio of the two
is the cost of encryption for small synchronous writes on this host's CPU and disk.

Key size: ``--key-size 256`` by default, as in the SCS LUKS benchmark (``-s 256``) and the
Cinder LUKS volume type of the OSISM docs (``--encryption-key-size 256``). XTS splits the key
in two, so 256 bits means AES-128 (cryptsetup's own LUKS2 default is 512 = AES-256).

The loop device and the mapping are removed whatever happens: exceptions, Ctrl-C and SIGTERM/
SIGHUP (turned into an exception for the duration) all pass through one ``finally``.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from scs_iaas.errors import ScsIaasError
from scs_iaas.host import bench_disk

CIPHER = "aes-xts-plain64"
DEFAULT_KEY_SIZE = 256
LUKS2_HEADER_BYTES = 16 * 1024 * 1024
MAPPING_PREFIX = "scs-iaas-bench-"


class CannotRun(ScsIaasError):
    """The kernel or the privileges here do not allow the benchmark (exit 2, one line)."""


@dataclass(frozen=True)
class EncryptionBench:
    raw: bench_disk.DiskBench
    luks: bench_disk.DiskBench
    cipher: str
    key_size: int
    backing_dir: str

    @property
    def iops_ratio(self) -> float:
        """LUKS IOPS / raw IOPS: 1.0 means no cost, 0.5 half the writes per second."""
        return self.luks.iops / self.raw.iops if self.raw.iops else 0.0

    @property
    def p50_ratio(self) -> float:
        return self.luks.p50_ms / self.raw.p50_ms if self.raw.p50_ms else 0.0


def has_device_mapper(proc_misc: str | None) -> bool:
    """The kernel's word: ``device-mapper`` in /proc/misc.

    A ``/dev/mapper/control`` node alone proves nothing (the dmsetup package creates it even
    where the kernel has no driver; opening it then fails with ENODEV), so it is only asked
    when /proc/misc cannot be read.
    """
    if proc_misc is not None:
        return "device-mapper" in proc_misc.split()
    try:
        os.close(os.open("/dev/mapper/control", os.O_RDWR))
    except OSError:
        return False
    return True


def _proc_misc() -> str | None:
    try:
        return Path("/proc/misc").read_text()
    except OSError:
        return None


def why_not(backing_dir: Path) -> str | None:
    """The one-line reason this host cannot run the benchmark, or None when it can."""
    if os.geteuid() != 0:
        return "needs root: losetup and cryptsetup set up block devices"
    for tool, package in (("cryptsetup", "cryptsetup"), ("losetup", "mount")):
        if shutil.which(tool) is None:
            return f"{tool} not installed (apt-get install {package})"
    if not os.path.exists("/dev/loop-control"):
        return "no loop devices: /dev/loop-control missing (a container without loop access?)"
    if not has_device_mapper(_proc_misc()) and shutil.which("modprobe"):
        subprocess.run(["modprobe", "dm_crypt"], capture_output=True, check=False)
    if not has_device_mapper(_proc_misc()):
        return (
            "the kernel has no device-mapper driver (not in /proc/misc, dm_crypt not "
            "loadable), so no dm-crypt/LUKS mapping can be opened"
        )
    if not backing_dir.is_dir():
        return f"{backing_dir}: not a directory"
    return None


def _run(argv: list[str], what: str) -> str:
    proc = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=300)
    if proc.returncode != 0:
        why = " ".join((proc.stderr or proc.stdout).split())[:240]
        raise CannotRun(f"{what} failed: {why}")
    return proc.stdout.strip()


@contextmanager
def _signals_raise() -> Iterator[None]:
    """SIGTERM/SIGHUP raise SystemExit while the devices exist, so ``finally`` cleans up."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    old = {s: signal.signal(s, handler) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


def _cleanup(mapping: str, backing: Path) -> list[str]:
    """Close the mapping and detach every loop device on ``backing``; report what failed."""
    problems = []
    if os.path.exists(f"/dev/mapper/{mapping}"):
        proc = subprocess.run(["cryptsetup", "close", mapping], capture_output=True, text=True)
        if proc.returncode:
            problems.append(f"cryptsetup close {mapping}: {proc.stderr.strip()}")
    listed = subprocess.run(
        ["losetup", "--associated", str(backing), "--noheadings", "--output", "NAME"],
        capture_output=True,
        text=True,
    )
    for loop in listed.stdout.split():
        proc = subprocess.run(["losetup", "--detach", loop], capture_output=True, text=True)
        if proc.returncode:
            problems.append(f"losetup --detach {loop}: {proc.stderr.strip()}")
    return problems


def run(
    backing_dir: Path,
    count: int = bench_disk.DEFAULT_COUNT,
    engine: str = "auto",
    key_size: int = DEFAULT_KEY_SIZE,
    check_first: bool = True,
) -> EncryptionBench:
    """Raw loop device vs. LUKS2 on the same loop device; cleans up on every exit path.

    ``check_first=False`` skips the up-front ``why_not`` so the set-up and clean-up path
    can be exercised where a later step (``cryptsetup open``) is what fails.
    """
    reason = why_not(backing_dir) if check_first else None
    if reason:
        raise CannotRun(f"bench-encryption cannot run here: {reason}")
    mapping = f"{MAPPING_PREFIX}{os.getpid()}"
    data_bytes = count * bench_disk.BLOCK_SIZE
    with tempfile.TemporaryDirectory(prefix="scs-iaas-luks-", dir=backing_dir) as tmp:
        backing = Path(tmp) / "backing.img"
        keyfile = Path(tmp) / "key"
        keyfile.write_bytes(os.urandom(64))
        keyfile.chmod(0o600)
        with backing.open("wb") as f:
            f.truncate(data_bytes + LUKS2_HEADER_BYTES + 1024 * 1024)
        problems: list[str] = []
        with _signals_raise():
            try:
                loop = _run(["losetup", "--find", "--show", str(backing)], "losetup")
                raw = bench_disk.run(Path(loop), count, engine, overwrite_device=True)
                _run(
                    [
                        "cryptsetup", "luksFormat", "--batch-mode", "--type", "luks2",
                        "--cipher", CIPHER, "--key-size", str(key_size),
                        "--pbkdf", "pbkdf2", "--pbkdf-force-iterations", "1000",
                        "--key-file", str(keyfile), loop,
                    ],
                    "cryptsetup luksFormat",
                )  # fmt: skip
                _run(
                    ["cryptsetup", "open", "--type", "luks2", "--key-file", str(keyfile),
                     loop, mapping],
                    "cryptsetup open",
                )  # fmt: skip
                luks = bench_disk.run(
                    Path(f"/dev/mapper/{mapping}"), count, engine, overwrite_device=True
                )
            finally:
                problems = _cleanup(mapping, backing)
        if problems:
            raise ScsIaasError("cleanup incomplete: " + "; ".join(problems))
    return EncryptionBench(raw, luks, CIPHER, key_size, str(backing_dir))
