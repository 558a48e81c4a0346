"""Sequential synchronous 4 KiB writes: the scs-0110 local-SSD yardstick (>1000 IOPS, <1 ms).

etcd and databases wait for every small write to be on stable storage, so the job is one
writer, queue depth 1, each write opened with O_DSYNC. fio runs it when installed (JSON
output, its own clock); otherwise the built-in writer does the same with ``os.pwrite`` on an
``O_DSYNC`` descriptor, timing each write with ``time.perf_counter_ns``. Results say which.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from scs_iaas.errors import InputError, ScsIaasError

BLOCK_SIZE = 4096
DEFAULT_COUNT = 2000
BUILTIN = "built-in O_DSYNC writer (fio not used)"
SCS_0110_MIN_IOPS = 1000.0
SCS_0110_MAX_LATENCY_MS = 1.0


@dataclass(frozen=True)
class DiskBench:
    """One run: ``engine`` names fio (with version) or the built-in writer."""

    engine: str
    target: str
    writes: int
    block_size: int
    seconds: float
    iops: float
    mean_ms: float
    p50_ms: float
    p99_ms: float
    max_ms: float


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list (p in 0..100)."""
    if not sorted_values:
        raise ValueError("no values")
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def summarise(engine: str, target: str, latencies_ns: list[int], seconds: float) -> DiskBench:
    """Turn per-write latencies into IOPS and percentiles (ms)."""
    ms = sorted(v / 1e6 for v in latencies_ns)
    return DiskBench(
        engine=engine,
        target=target,
        writes=len(ms),
        block_size=BLOCK_SIZE,
        seconds=seconds,
        iops=len(ms) / seconds if seconds > 0 else 0.0,
        mean_ms=sum(ms) / len(ms),
        p50_ms=percentile(ms, 50),
        p99_ms=percentile(ms, 99),
        max_ms=ms[-1],
    )


def _is_block_device(path: Path) -> bool:
    import stat

    try:
        return stat.S_ISBLK(path.stat().st_mode)
    except OSError:
        return False


def _target_file(target: Path, overwrite_device: bool = False) -> tuple[Path, bool]:
    """A directory gets a scratch file (removed afterwards); a block device is written to
    directly, which destroys its data — only when the caller says so."""
    if _is_block_device(target):
        if not overwrite_device:
            raise InputError(
                f"{target} is a block device: writing to it destroys its data; give a "
                "directory on it, or --overwrite-device if it holds nothing"
            )
        return target, False
    if target.is_dir():
        return target / f".scs-iaas-bench-{os.getpid()}.tmp", True
    raise InputError(f"{target}: not a directory or block device")


def run_builtin(
    target: Path,
    count: int = DEFAULT_COUNT,
    block_size: int = BLOCK_SIZE,
    overwrite_device: bool = False,
) -> DiskBench:
    """``count`` sequential ``pwrite``s of ``block_size`` bytes on an O_DSYNC descriptor."""
    path, scratch = _target_file(target, overwrite_device)
    flags = os.O_WRONLY | os.O_DSYNC | (os.O_CREAT | os.O_TRUNC if scratch else 0)
    buf = os.urandom(block_size)
    latencies: list[int] = []
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as exc:
        raise ScsIaasError(f"{path}: cannot open for writing ({exc.strerror})") from exc
    try:
        start = time.perf_counter_ns()
        for i in range(count):
            t0 = time.perf_counter_ns()
            os.pwrite(fd, buf, i * block_size)
            latencies.append(time.perf_counter_ns() - t0)
        total = (time.perf_counter_ns() - start) / 1e9
    except OSError as exc:
        raise ScsIaasError(f"{path}: write failed ({exc.strerror})") from exc
    finally:
        os.close(fd)
        if scratch:
            path.unlink(missing_ok=True)
    return summarise(BUILTIN, str(target), latencies, total)


def fio_version() -> str | None:
    exe = shutil.which("fio")
    if exe is None:
        return None
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False)
    return out.stdout.strip() or "fio"


def fio_argv(path: Path, count: int, block_size: int, scratch: bool) -> list[str]:
    """The fio job: psync engine, O_DSYNC, sequential, queue depth 1, fixed number of writes."""
    argv = [
        "fio",
        "--name=scs-0110-seq-dsync",
        f"--filename={path}",
        "--rw=write",
        f"--bs={block_size}",
        f"--size={count * block_size}",
        f"--number_ios={count}",
        "--ioengine=psync",
        "--sync=dsync",
        "--iodepth=1",
        "--percentile_list=50:99",
        "--output-format=json",
    ]
    if scratch:
        argv.append("--unlink=1")
    return argv


def parse_fio_json(text: str, engine: str, target: str, block_size: int = BLOCK_SIZE) -> DiskBench:
    """IOPS and latency (completion latency, ns) of the write side of fio's first job."""
    try:
        doc = json.loads(text[text.index("{") :])
        job = doc["jobs"][0]
        write = job["write"]
        clat = write["clat_ns"]
        pct = clat["percentile"]
        runtime_s = write["runtime"] / 1000
        return DiskBench(
            engine=engine,
            target=target,
            writes=int(write["total_ios"]),
            block_size=block_size,
            seconds=runtime_s,
            iops=float(write["iops"]),
            mean_ms=float(write["lat_ns"]["mean"]) / 1e6,
            p50_ms=float(pct["50.000000"]) / 1e6,
            p99_ms=float(pct["99.000000"]) / 1e6,
            max_ms=float(write["lat_ns"]["max"]) / 1e6,
        )
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise ScsIaasError(f"fio output not understood ({type(exc).__name__}: {exc})") from exc


def run_fio(
    target: Path,
    count: int = DEFAULT_COUNT,
    block_size: int = BLOCK_SIZE,
    overwrite_device: bool = False,
) -> DiskBench:
    version = fio_version()
    if version is None:
        raise ScsIaasError("fio is not installed (apt-get install fio), use --engine builtin")
    path, scratch = _target_file(target, overwrite_device)
    argv = fio_argv(path, count, block_size, scratch)
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=900)
    finally:
        if scratch:
            path.unlink(missing_ok=True)
    if proc.returncode != 0:
        why = " ".join((proc.stderr or proc.stdout).split())[:200]
        raise ScsIaasError(f"fio failed on {path}: {why}")
    return parse_fio_json(proc.stdout, version, str(target), block_size)


def run(
    target: Path,
    count: int = DEFAULT_COUNT,
    engine: str = "auto",
    block_size: int = BLOCK_SIZE,
    overwrite_device: bool = False,
) -> DiskBench:
    """fio when installed (or asked for), else the built-in writer.

    A block device as ``target`` is refused unless ``overwrite_device`` (its data is lost).
    """
    if count < 1:
        raise InputError(f"--count {count}: need at least one write")
    if engine == "fio" or (engine == "auto" and fio_version() is not None):
        return run_fio(target, count, block_size, overwrite_device)
    if engine in ("auto", "builtin"):
        return run_builtin(target, count, block_size, overwrite_device)
    raise InputError(f"--engine {engine!r}: choose auto, fio or builtin")
