#!/usr/bin/env python3
"""Throughput of the SCS flavor-name code on the 12,000-name differential-test corpus.

Measures, per operation, names per second over the whole corpus (valid and invalid names
mixed, as recorded), best of several runs, both by wall clock and by this process's CPU time
(the second is steadier when other processes share the cores):

* check_name     -- the scs-0100 syntax-check verdict (parses v3, or v1 for names with ':')
* classify       -- verdict plus the parsed FlavorName (what a conformance run needs)
* parse v3       -- FlavorName or a FlavorNameError with position and explanation
* parse_tolerant -- v3 then v1, with the positioned error if neither

The reference implementation (SovereignCloudStack/standards @ 077174d9, parser_v3 per name,
exceptions caught) did 75,559 names/s (median of 3) on this corpus's machine; see the corpus
README.  Usage: python bench/flavor_names.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections.abc import Callable
from pathlib import Path

from scs_iaas.standards import flavor_names as fn

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "flavor-names" / "corpus.jsonl"
REFERENCE_NAMES_PER_S = 75_559


def _load() -> list[str]:
    with CORPUS.open(encoding="utf-8") as handle:
        return [json.loads(line)["name"] for line in handle]


def _op_check(names: list[str]) -> None:
    check = fn.check_name
    for name in names:
        check(name)


def _op_classify(names: list[str]) -> None:
    classify = fn.classify
    for name in names:
        classify(name)


def _op_parse(names: list[str]) -> None:
    parse, error = fn.parse, fn.FlavorNameError
    for name in names:
        try:  # noqa: SIM105 -- contextlib.suppress would add its own cost
            parse(name)
        except error:
            pass


def _op_parse_tolerant(names: list[str]) -> None:
    parse, error = fn.parse_tolerant, fn.FlavorNameError
    for name in names:
        try:  # noqa: SIM105 -- contextlib.suppress would add its own cost
            parse(name)
        except error:
            pass


OPERATIONS: dict[str, Callable[[list[str]], None]] = {
    "check_name": _op_check,
    "classify": _op_classify,
    "parse v3": _op_parse,
    "parse_tolerant": _op_parse_tolerant,
}


def _best(op: Callable[[list[str]], None], names: list[str], runs: int) -> tuple[float, float]:
    wall = cpu = float("inf")
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.process_time()
        op(names)
        wall = min(wall, time.perf_counter() - w0)
        cpu = min(cpu, time.process_time() - c0)
    return len(names) / wall, len(names) / cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per operation (best counts)")
    args = parser.parse_args()
    names = _load()
    load_before = os.getloadavg()[0]
    print(
        f"# {len(names)} corpus names, best of {args.runs} runs, Python {platform.python_version()}"
    )
    print("| operation | names/s (wall) | names/s (CPU time) | × reference (CPU) |")
    print("| --- | ---: | ---: | ---: |")
    for label, op in OPERATIONS.items():
        op(names)  # warm up
        wall, cpu = _best(op, names, args.runs)
        ratio = cpu / REFERENCE_NAMES_PER_S
        print(f"| {label} | {wall:,.0f} | {cpu:,.0f} | {ratio:.1f} |")
    print(
        f"\nload average (1 min) before/after: {load_before:.2f} / {os.getloadavg()[0]:.2f} "
        f"on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
