"""`scs-iaas box` on a home where nothing runs: env, status, down and wipe need no cloud."""

from __future__ import annotations

from pathlib import Path

import pytest

from scs_iaas.cli import main


def test_env_names_the_clouds_yaml_and_the_member_cloud(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["box", "env", "--home", str(tmp_path)]) == 0
    out = capsys.readouterr().out.strip()
    assert out == (
        f"export OS_CLIENT_CONFIG_FILE={tmp_path.resolve()}/clouds.yaml OS_CLOUD=box-member"
    )


def test_status_of_an_empty_home_says_stopped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["box", "status", "--home", str(tmp_path / "box")]) == 1
    out = capsys.readouterr().out
    assert "box is stopped" in out
    assert "keystone" in out and "nova-compute" in out


def test_down_and_wipe_of_a_stopped_box(tmp_path: Path) -> None:
    home = tmp_path / "box"
    (home / "run").mkdir(parents=True)
    (home / "run" / "keystone.pid").write_text("999999 1.0\n")  # stale: no such process
    assert main(["box", "down", "--home", str(home)]) == 0
    assert not (home / "run" / "keystone.pid").exists()
    assert main(["box", "wipe", "--home", str(home)]) == 0
    assert not home.exists()


def test_unknown_action_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["box", "explode"])
    assert exc.value.code == 2


def test_status_names_what_backs_each_service_and_the_groups_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "box"
    (home / "data").mkdir(parents=True)
    (home / "data" / ".services").write_text("key-manager\n")
    assert main(["box", "status", "--home", str(home)]) == 1
    out = " ".join(capsys.readouterr().out.split())
    assert "barbican" in out and "simple-crypto" in out
    assert "octavia-api" not in out and "radosgw" not in out
    assert "not run (box up --services): load-balancer, object-store" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["box", "up", "--services", "swift"], "--services: unknown service group swift"),
        (["box", "status", "--services", "all"], "--services applies to 'box up' only"),
    ],
)
def test_bad_services_choice_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    home = tmp_path / "box"
    assert main([*argv, "--home", str(home)]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not home.exists()  # refused before anything was made
