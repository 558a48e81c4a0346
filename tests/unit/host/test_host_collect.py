"""The node collector: stdlib-only, Python 3.9, same layout as the recorded trees, redacted."""

from __future__ import annotations

import ast
import json
import shutil
import tarfile
from pathlib import Path

import pytest

from scs_iaas.cli import main
from scs_iaas.host import collect as collector
from scs_iaas.host.collect import collect, redact_config

HOSTS = Path(__file__).parents[2] / "data" / "hosts"
REPO = Path(__file__).parents[3]
ANSIBLE_COPY = REPO / "ansible" / "plugins" / "module_utils" / "scs_iaas_collect.py"


def test_collector_imports_only_the_standard_library() -> None:
    tree = ast.parse(Path(collector.__file__).read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add((node.module or "").split(".")[0])
    assert names <= {
        "__future__", "argparse", "io", "json", "os", "re", "socket", "subprocess", "sys",
        "tarfile", "time",
    }  # fmt: skip
    # Python 3.9: no match statements, no PEP 604 unions outside annotations
    ast.parse(Path(collector.__file__).read_text(), feature_version=(3, 9))


def test_ansible_module_utils_is_the_same_file() -> None:
    assert ANSIBLE_COPY.read_bytes() == Path(collector.__file__).read_bytes(), (
        "run `make ansible-sync` after changing scs_iaas/host/collect.py"
    )


def test_redaction_keeps_what_checks_read() -> None:
    text = (
        "[DEFAULT]\n"
        "transport_url = rabbit://nova:s3cret@h1:5671,nova:s3cret2@h2:5671//?ssl=1\n"
        "[database]\nconnection = mysql+pymysql://nova:pa:ss@db/nova?ssl_ca=/ca.pem\n"
        "[keystone_authtoken]\npassword = s3cret\nmemcache_secret_key = s3cret\n"
        "certfile = /etc/x.pem\nkeyfile = /etc/key.pem\nssl_key_file = /etc/k.pem\n"
        "[simple_crypto_plugin]\nkek = s3cret\n[p11_crypto_plugin]\nlogin = 1234\n"
        "[vault_plugin]\nroot_token_id = s3cret\n# password = s3cret-in-comment-is-kept\n"
    )
    out = redact_config(text)
    assert "s3cret\n" not in out and "s3cret2" not in out and "pa:ss" not in out
    assert "1234" not in out
    assert "rabbit://nova:<redacted>@h1:5671,nova:<redacted>@h2:5671//?ssl=1" in out
    assert "mysql+pymysql://nova:<redacted>@db/nova?ssl_ca=/ca.pem" in out
    assert "keyfile = /etc/key.pem" in out and "ssl_key_file = /etc/k.pem" in out
    assert "kek = <redacted>" in out


@pytest.mark.parametrize("tree", ["epyc-snp", "xeon-sgx-tdx", "kolla-control-good"])
def test_archive_of_a_tree_judges_the_same_as_the_tree(
    tree: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "node.tar.gz"
    summary = collect(str(archive), str(HOSTS / tree))
    assert summary["errors"] == {}
    main(["host", "check", "--root", str(HOSTS / tree), "-f", "json"])
    direct = json.loads(capsys.readouterr().out)
    main(["host", "check", "--root", str(archive), "-f", "json"])
    packed = json.loads(capsys.readouterr().out)
    assert packed["findings"] == direct["findings"]
    assert packed["summary"] == direct["summary"]


def test_collects_exactly_the_files_checks_read(tmp_path: Path) -> None:
    archive = tmp_path / "node.tar.gz"
    collect(str(archive), str(HOSTS / "packaged-control-bad"))
    with tarfile.open(archive) as tar:
        names = {m.name for m in tar.getmembers() if m.isfile()}
    assert names == {
        "_collect.json",
        "_commands/processes.txt",
        "proc/cpuinfo",
        "etc/keystone/keystone.conf",
        "etc/barbican/barbican.conf",
        "etc/cinder/cinder.conf",
        "etc/neutron/neutron.conf",
        "etc/neutron/plugins/ml2/ml2_conf.ini",
        "etc/neutron/dhcp_agent.ini",
        "etc/nova/nova.conf",
        "etc/glance/glance-api.conf",
    }


def test_secrets_redacted_at_the_source_and_unreadable_files_recorded(tmp_path: Path) -> None:
    tree = tmp_path / "node"
    shutil.copytree(HOSTS / "packaged-compute-good", tree)
    conf = tree / "etc" / "nova" / "nova.conf"
    conf.write_text(conf.read_text().replace("<redacted>", "hunter2"))
    # a directory where a file belongs cannot be read, whoever runs the collector
    shutil.rmtree(tree / "etc" / "libvirt")
    (tree / "etc" / "libvirt" / "libvirtd.conf").mkdir(parents=True)
    archive = tmp_path / "node.tar.gz"
    summary = collect(str(archive), str(tree))
    assert summary["errors"] == {"/etc/libvirt/libvirtd.conf": "Is a directory"}
    with tarfile.open(archive) as tar:
        data = b"".join(
            tar.extractfile(m).read()  # type: ignore[union-attr]
            for m in tar.getmembers()
            if m.isfile()
        )
    assert b"hunter2" not in data


def test_cli_collect_and_bad_root(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "n.tar.gz"
    assert main(["host", "collect", "--root", str(HOSTS / "plain"), "-o", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out and out.is_file()
    assert main(["host", "collect", "--root", str(tmp_path / "nope"), "-o", str(out)]) == 2
    assert "not a directory" in capsys.readouterr().err
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(b"not a tar")
    assert main(["host", "check", "--root", str(bad)]) == 2
    assert "not a readable node archive" in capsys.readouterr().err


def test_live_collect_runs(tmp_path: Path) -> None:
    """On this machine, as root or not: an archive with cpuinfo and a process list."""
    out = tmp_path / "live.tar.gz"
    summary = collect(str(out))
    with tarfile.open(out) as tar:
        names = set(tar.getnames())
    assert "proc/cpuinfo" in names and "_commands/processes.txt" in names
    assert isinstance(summary["commands"], dict)


def _python39() -> str | None:
    """A working Python 3.9 (Debian's, or pyenv's), checked by running it."""
    import subprocess

    candidates = [
        "/usr/bin/python3.9",
        *map(str, Path.home().glob(".pyenv/versions/3.9*/bin/python")),
    ]
    for candidate in candidates:
        if Path(candidate).is_file():
            ok = subprocess.run([candidate, "-c", "pass"], capture_output=True, check=False)
            if ok.returncode == 0:
                return candidate
    return None


def test_runs_standalone_on_python_39(tmp_path: Path) -> None:
    """The file alone, by the oldest Python a node may have: no scs-iaas next to it."""
    import subprocess

    py39 = _python39()
    if py39 is None:
        pytest.skip("no Python 3.9 on this machine (CI's Debian 12 has only 3.11)")
    script = tmp_path / "collect.py"
    script.write_bytes(Path(collector.__file__).read_bytes())
    out = tmp_path / "n.tar.gz"
    proc = subprocess.run(
        [py39, "-I", str(script), "--root", str(HOSTS / "kolla-compute-bad"), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    with tarfile.open(out) as tar:
        assert "etc/kolla/nova-libvirt/libvirtd.conf" in tar.getnames()
