"""Measure the box's guest image and the scs-0101 VM test: build time and size, a direct
boot under emulation (TCG), and the whole `check --with-resources` VM test through Nova.

    .venv/bin/python bench/guest.py build     # a fresh build into a scratch cache
    .venv/bin/python bench/guest.py boot      # direct QEMU boots of the cached image (3 runs)
    .venv/bin/python bench/guest.py check     # the two VM tests on the running box (member)

Prints Markdown table rows for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scs_iaas.box import Box, guest
from scs_iaas.model.findings import Status
from scs_iaas.standards import entropy


def bench_build() -> None:
    cache = Path(tempfile.mkdtemp(prefix="scs-guest-bench-"))
    try:
        image = guest.build(cache, force=True)
        sizes = image.sizes()
        total = sum(sizes.values())
        parts = ", ".join(f"{k} {v / 2**20:.1f} MiB" for k, v in sizes.items())
        print(f"| build (mmdebstrap + mkfs.ext4 -d + qcow2) | {image.build_seconds:.1f} s |")
        print(f"| files | {parts}; total {total / 2**20:.1f} MiB |")
    finally:
        subprocess.run(["rm", "-rf", str(cache)], check=False)


def bench_boot(runs: int) -> None:
    from scs_iaas.checks.scs_0101_entropy import judge_console

    image = guest.cached() or guest.build()
    for i in range(runs):
        result = guest.boot(image, entropy.USER_DATA, entropy.finished, 180)
        up = next(
            (line for line in result.console.splitlines() if "scs-guest-init: up after" in line),
            "",
        )
        verdict = "/".join(str(f.status) for f in judge_console(result.console, "bench"))
        print(f"| direct TCG boot {i + 1} | {result.seconds:.1f} s | {up.strip()} | {verdict} |")


def bench_check() -> None:
    box = Box()
    info = box.info()
    env = dict(os.environ, OS_CLIENT_CONFIG_FILE=str(info.clouds_yaml))
    t0 = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "scs_iaas", "check", "--with-resources", "--tests",
         "scs-0101-(entropy-avail|fips-test)", "-f", "json", "--os-cloud", info.member_cloud],
        env=env, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    wall = time.monotonic() - t0
    doc = json.loads(proc.stdout)
    for f in doc["findings"]:
        d = f.get("details", {})
        print(
            f"| {f['id']} | {f['status']} | wall {wall:.1f} s | server create→console "
            f"{d.get('boot_seconds')} s | {d.get('flavor')} | {doc['api_requests']} requests |"
        )
    ok = all(f["status"] == Status.PASS for f in doc["findings"])
    sys.exit(0 if ok else 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("build", "boot", "check"))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.what == "build":
        bench_build()
    elif args.what == "boot":
        bench_boot(args.runs)
    else:
        bench_check()


if __name__ == "__main__":
    main()
