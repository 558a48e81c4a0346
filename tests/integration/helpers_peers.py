"""The official SCS tooling as real counterparts: the compliance monitor (FastAPI + PostgreSQL
15 from Debian, on 127.0.0.1) and the official suite (scs-compliance-check.py).

Both run from ``../shared/peers/scs-standards`` (``tests/peers.py`` finds it) in venvs of their
own that ``make peers-venvs`` creates (``bench/venv/scs-monitor``, ``bench/venv/scs-suite``).
The monitor's ``monitor.py`` hard-codes ``0.0.0.0:8080`` and reads ``./bootstrap.yaml``,
``./templates`` and ``../Tests`` from its working directory, so it runs from a scratch folder
with our own bootstrap (an uploader account with a fresh SSH key and API key, and subjects that
delegate to it) through a small launcher that calls uvicorn on 127.0.0.1 and a free port.
PostgreSQL is a private cluster in a scratch folder (``initdb``, trust on loopback), run as
the ``postgres`` user when we are root (PostgreSQL refuses root).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import requests
import yaml

from tests.peers import REPO

PG_BIN = Path("/usr/lib/postgresql/15/bin")
MONITOR_VENV = REPO / "bench" / "venv" / "scs-monitor"
SUITE_VENV = REPO / "bench" / "venv" / "scs-suite"

LAUNCHER = """
import sys
sys.path[:0] = [{mon!r}, {tests!r}]
import uvicorn
from markdown import markdown
import monitor as m

m.env.filters.update(
    pick=m.pick_filter,
    summary=m.summary_filter,
    verdict_check=m.verdict_check_filter,
    markdown=markdown,
    validity_symbol=m.ASTERISK_LOOKUP.get,
    short_isodate=m.short_isodate_filter,
)
m.reload_static_config(do_ensure_schema=True)
uvicorn.run(m.app, host="127.0.0.1", port={port}, log_level="warning", workers=1)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@contextmanager
def postgres() -> Iterator[int]:
    """A private PostgreSQL 15 cluster on 127.0.0.1; yields its port."""
    if not (PG_BIN / "initdb").exists():
        raise RuntimeError(f"{PG_BIN}/initdb missing: install postgresql (make sys-deps)")
    root = Path(tempfile.mkdtemp(prefix="scs-iaas-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    port = free_port()
    subprocess.run(
        _as_postgres([str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"]),
        check=True,
        capture_output=True,
        timeout=120,
    )
    opts = f"-p {port} -k {root} -c listen_addresses=127.0.0.1"
    ctl = [str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w"]
    subprocess.run(
        _as_postgres([*ctl, "-o", opts, "start"]), check=True, capture_output=True, timeout=120
    )
    try:
        yield port
    finally:
        subprocess.run(_as_postgres([*ctl, "-m", "fast", "stop"]), capture_output=True, timeout=120)
        shutil.rmtree(root, ignore_errors=True)


@dataclass(frozen=True)
class Monitor:
    url: str
    user: str
    password: str
    key: Path  # private key registered for `user`
    other_key: Path  # a key the monitor does not know
    auth_file: Path
    workdir: Path

    def status(self, subject: str) -> dict[str, object]:
        resp = requests.get(
            f"{self.url}/status",
            params={"subject": subject},
            headers={"Accept": "application/json"},
            timeout=30,
        )
        resp.raise_for_status()
        data = resp.json()
        assert isinstance(data, dict)
        return data


def _keypair(path: Path) -> str:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "scs-iaas-test", "-f", str(path)],
        check=True,
        capture_output=True,
        timeout=30,
    )
    return (path.with_suffix(".pub")).read_text().split()[1]


@contextmanager
def monitor(standards: Path, subjects: Sequence[str]) -> Iterator[Monitor]:
    """The official compliance monitor on 127.0.0.1 with a fresh database, an uploader account
    (user ``uploader``) and ``subjects`` that delegate to it."""
    python = MONITOR_VENV / "bin" / "python"
    if not python.exists():
        raise RuntimeError(f"{python} missing: run `make peers-venvs`")
    work = Path(tempfile.mkdtemp(prefix="scs-iaas-monitor-"))
    cm = work / "cm"
    cm.mkdir()
    (work / "Tests").symlink_to(standards / "Tests")
    (cm / "templates").symlink_to(standards / "compliance-monitor" / "templates")
    password = "s12-" + os.urandom(8).hex()
    hashed = subprocess.run(
        [str(python), "-c", "import sys, bcrypt; "
         "print(bcrypt.hashpw(sys.argv[1].encode(), bcrypt.gensalt(4)).decode())", password],
        check=True, capture_output=True, text=True, timeout=60,
    ).stdout.strip()  # fmt: skip
    key = work / "uploader_key"
    pub = _keypair(key)
    other = work / "other_key"
    _keypair(other)
    bootstrap = {
        "accounts": [
            {
                "subject": "uploader",
                "api_keys": [hashed],
                "keys": [
                    {"public_key": pub, "public_key_type": "ssh-ed25519", "public_key_name": "k"}
                ],
                "roles": ["append_any", "read_any"],
            },
            *({"subject": s, "delegates": ["uploader"]} for s in subjects),
        ]
    }
    (cm / "bootstrap.yaml").write_text(yaml.safe_dump(bootstrap))
    auth = work / "auth"
    auth.write_text(f"uploader:{password}\n")
    port = free_port()
    (cm / "launch.py").write_text(
        LAUNCHER.format(
            mon=str(standards / "compliance-monitor"), tests=str(standards / "Tests"), port=port
        )
    )
    with postgres() as pg_port:
        env = {
            **os.environ,
            "SCM_DB_HOST": "127.0.0.1",
            "SCM_DB_PORT": str(pg_port),
            "SCM_DB_USER": "postgres",
            "SCM_DB_PASSWORD": "unused-trust-auth",
        }
        log = (work / "monitor.log").open("w")
        proc = subprocess.Popen(
            [str(python), "launch.py"], cwd=cm, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(
                        f"monitor exited: {(work / 'monitor.log').read_text()[-2000:]}"
                    )
                with suppress(requests.ConnectionError):
                    requests.get(f"{url}/status", headers={"Accept": "application/json"}, timeout=5)
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError("monitor did not answer within 60 s")
                time.sleep(0.3)
            yield Monitor(url, "uploader", password, key, other, auth, work)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            log.close()
    shutil.rmtree(work, ignore_errors=True)


@dataclass(frozen=True)
class SuiteRun:
    rc: int
    stdout: str
    stderr: str
    report: Path
    seconds: float


def official_suite(
    standards: Path,
    clouds_yaml: Path,
    os_cloud: str,
    subject: str,
    out: Path,
    extra: Sequence[str] = (),
    timeout: float = 900,
) -> SuiteRun:
    """Run ``scs-compliance-check.py`` for real from its Tests folder."""
    python = SUITE_VENV / "bin" / "python"
    if not python.exists():
        raise RuntimeError(f"{python} missing: run `make peers-venvs`")
    env = {**os.environ, "OS_CLIENT_CONFIG_FILE": str(clouds_yaml)}
    env.pop("OS_CLOUD", None)
    started = time.monotonic()
    proc = subprocess.run(
        [
            str(python),
            "scs-compliance-check.py",
            "-s",
            subject,
            "-a",
            f"os_cloud={os_cloud}",
            "-o",
            str(out),
            *extra,
            "scs-compatible-iaas.yaml",
        ],
        cwd=standards / "Tests",
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return SuiteRun(proc.returncode, proc.stdout, proc.stderr, out, time.monotonic() - started)
