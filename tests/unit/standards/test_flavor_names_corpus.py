"""Differential test against the reference implementation, recorded in corpus.jsonl.

For every one of the 12,000 names: the check verdict, and for v3 and v1 parsing whether the
name is an SCS name at all, whether it parses, and the canonical name, short name and dict.
Names where we follow the standard instead of the reference are listed in
docs/flavor-naming.md; this test excludes exactly those and proves the list is exact.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from scs_iaas.standards import flavor_names as fn

ROOT = Path(__file__).resolve().parents[3]
CORPUS = ROOT / "tests" / "data" / "flavor-names" / "corpus.jsonl"
DOC = ROOT / "docs" / "flavor-naming.md"


def _corpus() -> list[dict[str, Any]]:
    with CORPUS.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def _documented_deviations() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    block = re.search(
        r"<!-- deviations:start -->\n```text\n(.*?)```\n<!-- deviations:end -->", text, re.S
    )
    assert block, "docs/flavor-naming.md lacks the deviations block"
    return block.group(1).splitlines()


def _ours(name: str, syntax: str) -> dict[str, Any] | None:
    if not fn.is_scs_name(name):
        return None
    try:
        f = fn.parse(name, syntax)
    except fn.FlavorNameError:
        return {"ok": False}
    return {
        "ok": True,
        "canonical": fn.format_name(f),
        "short": fn.format_name(fn.shorten(f)),
        "dict": fn.flavor_dict(f),
    }


def _reference(entry: dict[str, Any] | None) -> dict[str, Any] | None:
    """The recorded result without the error text (ours says where; the reference's does not)."""
    if entry is None or entry["ok"]:
        return entry
    return {"ok": False}


def _differences(row: dict[str, Any]) -> list[str]:
    name = row["name"]
    found = []
    if fn.check_name(name) != row["check"]:
        found.append(f"check {fn.check_name(name)} != {row['check']}")
    for syntax in ("v3", "v1"):
        ours, ref = _ours(name, syntax), _reference(row[syntax])
        if ours != ref:
            found.append(f"{syntax}: {ours} != {ref}")
    return found


def test_corpus_is_the_one_documented() -> None:
    rows = _corpus()
    assert len(rows) == 12000
    assert len({r["name"] for r in rows}) == 12000


def test_agreement_with_the_reference_except_documented_deviations() -> None:
    documented = _documented_deviations()
    assert len(documented) == len(set(documented)) == 165
    differing = {}
    for row in _corpus():
        found = _differences(row)
        if found:
            differing[row["name"]] = found
    unexpected = {n: d for n, d in differing.items() if n not in documented}
    assert not unexpected, (
        f"{len(unexpected)} undocumented differences, e.g. {list(unexpected.items())[:3]}"
    )
    assert set(differing) == set(documented), "documented deviations that are no longer deviations"


def test_documented_deviations_follow_the_standard() -> None:
    """Each listed name has a GPU without CU count right before _ib; the standard allows it."""
    rows = {r["name"]: r for r in _corpus()}
    gpu_then_ib = re.compile(r"[_-][gG][NAI][^_:h-]*[_-]ib$")
    for name in _documented_deviations():
        row = rows[name]
        assert row["check"] == "fail" and row["v3"]["ok"] is False, name
        assert gpu_then_ib.search(name), name
        verdict = fn.check_name(name)
        f, syntax = fn.parse_tolerant(name)
        assert (verdict, syntax) in (("pass", "v3"), ("tolerated", "v1")), name
        assert f.has_gpu and f.gpu_cu is None and f.ib, name
        assert fn.parse(fn.format_name(f)) == f


def test_cli_jsonl_reproduces_the_corpus(tmp_path: Path) -> None:
    """The machine mode writes the corpus's fields; same agreement as the library."""
    out = subprocess.run(
        [sys.executable, "-m", "scs_iaas", "flavor-name", "parse", "--jsonl", str(CORPUS)],
        capture_output=True,
        text=True,
        check=True,
        encoding="utf-8",
    ).stdout.splitlines()
    rows = _corpus()
    assert len(out) == len(rows)
    documented = set(_documented_deviations())
    for line, row in zip(out, rows, strict=True):
        got = json.loads(line)
        assert list(got) == ["name", "v3", "v1", "check"]
        assert got["name"] == row["name"]
        if row["name"] in documented:
            continue
        assert got["check"] == row["check"], row["name"]
        for syntax in ("v3", "v1"):
            assert _reference(got[syntax]) == _reference(row[syntax]), row["name"]
            if got[syntax] is not None and not got[syntax]["ok"]:
                assert "position" in got[syntax]["error"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"name": "SCS-2V-4"}\n{"name": \n', "line 2: not JSON"),
        (
            '{"name": "SCS-2V-4"}\n\n["SCS-2V-4"]\n',
            "line 3: expected an object with a string 'name'",
        ),
        ('{"name": 4}\n', "line 1: expected an object"),
    ],
)
def test_cli_jsonl_bad_line_is_one_line_with_its_number(text: str, message: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "scs_iaas", "flavor-name", "parse", "--jsonl", "-"],
        input=text,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.startswith("scs-iaas: error: stdin: ")
    assert message in proc.stderr
    assert proc.stderr.count("\n") == 1


def test_reference_misreads_is_exactly_the_documented_deviation() -> None:
    """The predicate behind the WARN (scs-iaas-0100-official-parser) holds for a name that
    parses exactly when the reference rejected it: the documented list, nothing else."""
    documented = set(_documented_deviations())
    flagged = set()
    for row in _corpus():
        try:
            f, _ = fn.parse_tolerant(row["name"])
        except fn.FlavorNameError:
            continue
        if fn.reference_misreads(f):
            flagged.add(row["name"])
    assert flagged == documented
