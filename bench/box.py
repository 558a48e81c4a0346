"""Measure the Cloud-in-a-Box: install time, fresh and warm `up`, `down`, and memory.

    .venv/bin/python bench/box.py install   # fresh venv in a scratch home, then a warm install
    .venv/bin/python bench/box.py up        # fresh up (new databases) and warm up
    .venv/bin/python bench/box.py memory    # RSS and PSS of the running default box
    .venv/bin/python bench/box.py warm      # down + warm up of the default box, with the CPU
                                            # time its processes spent and the load around it

`up` needs the fixed ports, so it holds the default box's lock (other sessions' `up` wait),
stops the default box, brings up a scratch box from empty state (it shares the default
box's venv through a symlink, so pip is not part of the figure), stops and removes it,
and starts the default box again: that last start is the warm figure. The default box is
running again when the script ends, also on failure.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console

from scs_iaas.box import Box

QUIET = Console(stderr=True, quiet=True)


def timed(what: str, fn: Callable[[], object]) -> float:
    t0 = time.monotonic()
    fn()
    seconds = time.monotonic() - t0
    print(f"| {what} | {seconds:.1f} s |", flush=True)
    return seconds


def bench_install() -> None:
    home = Path(tempfile.mkdtemp(prefix="scs-box-bench-install-"))
    try:
        box = Box(home, console=QUIET)
        timed("install, new venv (apt packages present, pip cache warm)", box.install)
        timed("install again (stamp current: no-op)", box.install)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def bench_up() -> None:
    default = Box(console=QUIET)
    scratch_home = Path(tempfile.mkdtemp(prefix="scs-box-bench-up-"))
    (scratch_home / "venv").symlink_to(default.paths.venv)
    scratch = Box(scratch_home, console=QUIET)
    with default.lock():
        try:
            timed("down (default box, running)", default._down)
            timed("up, fresh state (db init, catalog)", scratch.up)
            rss, pss = scratch.memory()
            print(
                f"| memory right after fresh up | RSS {rss / 2**30:.2f} GiB, "
                f"PSS {pss / 2**30:.2f} GiB |"
            )
            timed("down (scratch box)", scratch.down)
        finally:
            scratch.down()
            shutil.rmtree(scratch_home, ignore_errors=True)
            timed("up, warm (default box, state kept)", default.up)
            timed("up again on the running box (no-op)", default.up)


def cpu_seconds(box: Box) -> float:
    """User + system CPU time of every process the box started (what a start costs)."""
    import psutil

    from scs_iaas.box import procs

    total = 0.0
    for proc in procs.marked(box.home):
        try:
            times = proc.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def bench_warm() -> None:
    import os

    box = Box(console=QUIET)
    with box.lock():
        load = os.getloadavg()[0]
        timed("down (default box, running)", box._down)
        seconds = timed("up, warm (default box, state kept)", box.up)
        print(
            f"| CPU time of the box's processes during that up | {cpu_seconds(box):.1f} s "
            f"(= {cpu_seconds(box) / (os.cpu_count() or 1):.1f} s on {os.cpu_count()} idle cores; "
            f"load average {load:.1f} before, {os.getloadavg()[0]:.1f} after; "
            f"wall {seconds:.1f} s) |"
        )


def bench_memory() -> None:
    box = Box(console=QUIET)
    if not box.status(probe_rpc=False).running:
        sys.exit("the default box is not running: scs-iaas box up")
    rss, pss = box.memory()
    print(
        f"| memory of the running box (all processes it started) | RSS {rss / 2**30:.2f} GiB, "
        f"PSS {pss / 2**30:.2f} GiB |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", choices=("install", "up", "warm", "memory"))
    args = parser.parse_args()
    print("| step | result |\n|---|---|")
    modes = {"install": bench_install, "up": bench_up, "warm": bench_warm, "memory": bench_memory}
    modes[args.what]()


if __name__ == "__main__":
    main()
