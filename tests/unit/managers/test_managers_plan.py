"""Printing and counting plans; the CLI refuses bad definitions before touching a cloud."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from scs_iaas.cli import main
from scs_iaas.model.plan import Action, FlavorChange, Op, Plan
from scs_iaas.report.plan import render_json, render_text, summary_line

PLAN = Plan(
    kind="flavors",
    actions=(
        Action(Op.CREATE, "flavor", "SCS-1V-2", "missing (scs-0103 mandatory)"),
        Action(
            Op.UPDATE,
            "flavor",
            "SCS-2V-4",
            "scs:cpu-type 'x' -> 'shared-core'",
            "id-2",
            FlavorChange(set_specs={"scs:cpu-type": "shared-core"}),
        ),
        Action(Op.CONFLICT, "flavor", "SCS-4V-16", "ram 1234 (want 16384)", "id-3"),
    ),
    in_sync=("SCS-8V-32",),
    notes=("a note [with brackets]",),
)


def test_counts_and_flags() -> None:
    assert PLAN.counts() == {"create": 1, "update": 1, "conflict": 1}
    assert [a.name for a in PLAN.changes] == ["SCS-1V-2", "SCS-2V-4"]
    assert [a.name for a in PLAN.conflicts] == ["SCS-4V-16"]
    assert not PLAN.is_noop
    assert Plan(kind="flavors", in_sync=("a",)).is_noop
    assert summary_line(PLAN) == "flavors: 1 create, 1 update, 1 conflict; 1 in sync"


def test_text_shows_every_action_with_its_reason() -> None:
    out = io.StringIO()
    render_text(PLAN, out)
    text = out.getvalue()
    for a in PLAN.actions:
        assert a.name in text
    assert "ram 1234 (want 16384)" in text
    assert "note: a note [with brackets]" in text  # markup is escaped


def test_json_round_trip() -> None:
    out = io.StringIO()
    render_json(PLAN, out, api_requests=3)
    doc = json.loads(out.getvalue())
    assert doc["api_requests"] == 3
    assert [a["op"] for a in doc["actions"]] == ["create", "update", "conflict"]
    assert doc["actions"][1]["params"]["set_specs"] == {"scs:cpu-type": "shared-core"}


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["manage", "flavors", "--definitions", "flavors-bad-suffix.yaml"], "flavors[1].name"),
        (["manage", "images", "--definitions", "images-float-version.yaml"], "(quote it)"),
        (["manage", "images", "--definitions", "missing.yaml"], "cannot read definitions"),
        (["manage", "flavors", "--set", "none"], "nothing to manage"),
    ],
)
def test_bad_input_is_one_line_exit_2(
    argv: list[str],
    needle: str,
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(data_dir)
    monkeypatch.setenv("OS_CLOUD", "no-such-cloud-for-this-test")
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("scs-iaas: error: ") and needle in err
    assert err.count("\n") == 1


def test_debug_adds_the_traceback_but_keeps_exit_2(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(data_dir)
    assert main(["--debug", "manage", "images", "--definitions", "missing.yaml"]) == 2
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert err.rstrip().splitlines()[-1].startswith("scs-iaas: error: missing.yaml")
