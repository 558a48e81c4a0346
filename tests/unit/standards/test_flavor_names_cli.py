"""``scs-iaas flavor-name`` for people: tables, JSON, one-line errors with exit code 2."""

from __future__ import annotations

import json

import pytest

from scs_iaas.cli import main


def test_describe_prints_prose(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["flavor-name", "describe", "SCS-2V-4-20s"]) == 0
    out = capsys.readouterr().out
    assert "SCS-2V-4-20s" in out
    assert "2 shared vCPUs, 4 GiB RAM, 20 GB local SSD" in out


def test_parse_table_shows_verdict_and_forms(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["flavor-name", "parse", "SCS-2V:8:20s", "SCS-2V-4_kvm"]) == 0
    out = capsys.readouterr().out
    for text in ("tolerated", "v1", "SCS-2V-8-20s", "pass", "SCS-2V-4_kvm", "SCS-2V-4"):
        assert text in out


def test_parse_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["flavor-name", "parse", "-f", "json", "SCS-2V-4-20s_kvm"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows == [
        {
            "name": "SCS-2V-4-20s_kvm",
            "check": "pass",
            "syntax": "v3",
            "canonical": "SCS-2V-4-20s_kvm",
            "short": "SCS-2V-4-20s",
            "description": "2 shared vCPUs, 4 GiB RAM, 20 GB local SSD, on KVM",
        }
    ]


def test_convert_to_v1_and_back(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["flavor-name", "convert", "--to", "v1", "-f", "json", "SCS-2V-4-20s"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["converted"] == "SCS-2V:4:20s"
    assert main(["flavor-name", "convert", "-f", "json", "SCS-2V:4:20s"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["converted"] == "SCS-2V-4-20s"


def test_specs_json_is_the_flavor_dict(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["flavor-name", "specs", "-f", "json", "SCS-2V-4-2x20s"]) == 0
    specs = json.loads(capsys.readouterr().out)[0]["specs"]
    assert specs["disk"] == 20 and specs["ram"] == 4.0
    assert specs["scs:disk1-type"] == "ssd"


def test_specs_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["flavor-name", "specs", "SCS-1L-1"]) == 0
    out = capsys.readouterr().out
    assert "crowded-core" in out and "scs:name-v1" in out and "SCS-1L:1" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["parse", "SCS-2C-4ou-10n"], "SCS-2C-4ou-10n: position 8: RAM flags must be 'u' then 'o'"),
        (["describe", "SCS-2V-4", "SC-2V-4"], "SC-2V-4: position 0:"),
        (["convert", "--to", "v1", "SCS-2V-4_chy"], "'chy' exists only since v3"),
        (["parse"], "give at least one NAME"),
        (["parse", "--jsonl", "-", "SCS-2V-4"], "either NAMEs or --jsonl"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["flavor-name", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("scs-iaas: error: ")
    assert message in captured.err
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
