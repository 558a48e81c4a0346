"""`scs-iaas report upload` and `check --upload`/`--scope` refuse bad input in one line, exit 2,
before anything is signed or sent (the monitor itself: tests/integration/…_parity.py)."""

from __future__ import annotations

import base64
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from scs_iaas.cli import main
from scs_iaas.errors import InputError
from scs_iaas.report import upload

DATA = Path(__file__).resolve().parents[2] / "data" / "official"
REPORT = DATA / "box-report.yaml"


def one_error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("scs-iaas: error: "), err
    return err[0]


def test_auth_file_user_password_or_the_official_token(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.write_text("uploader:s3cret:with-colon\n")
    assert upload.read_auth(str(plain)) == ("uploader", "s3cret:with-colon")
    token = tmp_path / "token"
    token.write_text(base64.b64encode(b"zuul_ci:pw").decode())
    assert upload.read_auth(str(token)) == ("zuul_ci", "pw")
    bad = tmp_path / "bad"
    bad.write_text("just-a-word\n")
    with pytest.raises(InputError, match="expected one line user:password") as info:
        upload.read_auth(str(bad))
    assert "just-a-word" not in str(info.value)


def test_a_file_that_is_not_a_report_is_named(tmp_path: Path) -> None:
    assert upload.report_subjects(REPORT.read_text(), "r.yaml") == ["box"]
    old = tmp_path / "old.yaml"
    old.write_text(REPORT.read_text() + "versions: {v5.1: {main: PASS}}\n")
    with pytest.raises(InputError, match="versions:` block"):
        upload.report_subjects(old.read_text(), "old.yaml")
    with pytest.raises(InputError, match=r"^x.yaml: document 1 is not an SCS report"):
        upload.report_subjects("---\nfoo: 1\n", "x.yaml")
    with pytest.raises(InputError, match=r"^x.yaml:2: not YAML"):
        upload.report_subjects("a: 1\n  b: [\n", "x.yaml")


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="needs ssh-keygen (openssh-client)")
def test_sign_makes_an_ssh_signature_and_refuses_a_bad_key(tmp_path: Path) -> None:
    key = tmp_path / "k"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    sig = upload.sign(b"---\nsubject: x\n", str(key))
    assert sig.startswith(b"-----BEGIN SSH SIGNATURE-----")
    assert sig.endswith(b"-----END SSH SIGNATURE-----\n")
    locked = tmp_path / "locked"
    cmd = ["ssh-keygen", "-q", "-t", "ed25519", "-N", "secret-pass", "-f", str(locked)]
    subprocess.run(cmd, check=True)
    with pytest.raises(InputError, match="ssh-keygen cannot sign with it"):
        upload.sign(b"x", str(locked))  # a passphrase is never asked for
    with pytest.raises(InputError, match="ssh-keygen cannot sign with it"):
        upload.sign(b"x", str(tmp_path / "missing"))


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="needs ssh-keygen (openssh-client)")
def test_upload_cli_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = tmp_path / "k"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    auth = tmp_path / "auth"
    auth.write_text("u:topsecret\n")
    base = ["report", "upload", "--key", str(key), "--auth-file", str(auth)]
    url = f"http://127.0.0.1:{closed_port()}"
    err = one_error(capsys, [*base, str(REPORT), "--monitor", url])
    assert "unreachable" in err and "topsecret" not in err
    err = one_error(capsys, [*base, str(tmp_path / "nope.yaml"), "--monitor", url])
    assert "nope.yaml" in err
    err = one_error(capsys, [*base, str(REPORT), "--monitor", "not a url"])
    assert "--monitor not a url" in err


def test_check_upload_needs_its_options_before_any_request(
    capsys: pytest.CaptureFixture[str],
) -> None:
    err = one_error(capsys, ["check", "--os-cloud", "nowhere", "--upload", "--monitor", "http://x"])
    assert "--upload needs --key, --auth-file" in err


def test_check_scope_file_errors_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "scope.yaml"
    bad.write_text("name: x\nuuid: y\nurl: z\nmodules: []\nversions: []\n")
    err = one_error(capsys, ["check", "--os-cloud", "nowhere", "--scope", str(bad)])
    assert err.endswith(f"{bad}: versions: missing or empty")
    broken = tmp_path / "broken.yaml"
    broken.write_text("a: [\n")
    err = one_error(capsys, ["check", "--os-cloud", "nowhere", "--scope", str(broken)])
    assert str(broken) in err
    err = one_error(capsys, ["check", "--os-cloud", "nowhere", "--version", "v9"])
    assert "unknown SCS-compatible IaaS version 'v9' (valid: next, v5.1, v4, v3)" in err


def test_fleet_input_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    subjects = tmp_path / "s.yaml"
    subjects.write_text("a: one\nb: [x]\n")
    err = one_error(capsys, ["check", "--subjects", str(subjects)])
    assert f"--subjects {subjects}:2: subject b: the clouds.yaml entry must be a name" in err
    err = one_error(capsys, ["check", "--os-cloud", "a", "--os-cloud", "b", "-f", "junit"])
    assert "a fleet is reported as text, json or scs-yaml" in err
