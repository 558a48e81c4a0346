"""Measure scs-iaas host bench-disk and bench-encryption on this machine.

    .venv/bin/python bench/host_disk.py [--count 2000] [--repeat 3] [DIR ...]

For each DIR (default: /var/tmp and /dev/shm) and each engine (fio when installed, and the
built-in writer) it runs the scs-0110 job ``--repeat`` times and prints one Markdown row
per run: IOPS, p50/p99/max latency. Then it tries bench-encryption once and prints the ratio,
or the one-line reason it cannot run here. Paste the output into bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import platform
import shutil
from pathlib import Path

from scs_iaas.errors import ScsIaasError
from scs_iaas.host import bench_disk, bench_encryption


def row(label: str, r: bench_disk.DiskBench) -> str:
    verdict = (
        "PASS"
        if r.iops > bench_disk.SCS_0110_MIN_IOPS and r.p50_ms < bench_disk.SCS_0110_MAX_LATENCY_MS
        else "FAIL"
    )
    return (
        f"| {label} | {r.engine} | {r.writes} | {r.iops:,.0f} | {r.p50_ms:.3f} | "
        f"{r.p99_ms:.3f} | {r.max_ms:.3f} | {verdict} |"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dirs", nargs="*", type=Path, default=[Path("/var/tmp"), Path("/dev/shm")])
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    engines = (["fio"] if shutil.which("fio") else []) + ["builtin"]
    print(f"machine: {platform.node()} {platform.machine()} kernel {platform.release()}")
    print()
    print("| target | engine | writes | IOPS | p50 ms | p99 ms | max ms | scs-0110 |")
    print("|---|---|---|---|---|---|---|---|")
    for d in args.dirs:
        for engine in engines:
            for _ in range(args.repeat):
                print(row(str(d), bench_disk.run(d, args.count, engine)), flush=True)
    print()
    try:
        enc = bench_encryption.run(Path("/var/tmp"), args.count)
    except ScsIaasError as exc:
        print(f"bench-encryption: {exc}")
        return
    print(row("loop raw", enc.raw))
    print(row("loop LUKS2", enc.luks))
    print(f"LUKS2/raw IOPS ratio {enc.iops_ratio:.2f}, p50 ratio {enc.p50_ratio:.2f}")


if __name__ == "__main__":
    main()
