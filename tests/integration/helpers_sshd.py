"""Debian's sshd on a free loopback port with its own host key, client key and sshd_config:
root login by key only. Used by the Ansible fleet test and bench/host_fleet.py."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"


@dataclass(frozen=True)
class Sshd:
    port: int
    key: Path  # the client's private key
    dir: Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"sshd exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"sshd did not listen on 127.0.0.1:{port}")


def unavailable() -> str | None:
    """Why sshd cannot run here, or None."""
    if not Path(SSHD).is_file():
        return "openssh-server is not installed (make sys-deps installs it)"
    if os.geteuid() != 0:
        return "sshd with root login by key needs root (CI runs as root)"
    return None


@contextmanager
def sshd(d: Path) -> Iterator[Sshd]:
    d.mkdir(parents=True, exist_ok=True)
    os.chmod(d, 0o700)
    for name in ("host_key", "client_key"):
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(d / name)], check=True
        )
    shutil.copy(d / "client_key.pub", d / "authorized_keys")
    port = free_port()
    (d / "sshd_config").write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {d / 'host_key'}\n"
        f"PidFile {d / 'sshd.pid'}\nAuthorizedKeysFile {d / 'authorized_keys'}\n"
        "PermitRootLogin prohibit-password\nPasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\n"
        # a fleet run opens many connections at once (forks)
        "MaxStartups 200:30:400\nMaxSessions 200\n"
        "Subsystem sftp /usr/lib/openssh/sftp-server\n"
    )
    Path("/run/sshd").mkdir(exist_ok=True)  # sshd's privilege separation directory
    with open(d / "sshd.log", "wb") as log:
        proc = subprocess.Popen(
            [SSHD, "-D", "-e", "-f", str(d / "sshd_config")], stdout=subprocess.DEVNULL, stderr=log
        )
    try:
        _wait_port(port, proc)
        yield Sshd(port, d / "client_key", d)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def inventory(
    path: Path, server: Sshd, hosts: dict[str, dict[str, str]], group: str = "nodes"
) -> Path:
    """An INI inventory of aliases of 127.0.0.1; ``hosts`` maps name → extra host vars."""
    lines = [f"[{group}]"]
    for name, hostvars in hosts.items():
        extra = {"ansible_port": str(server.port), **hostvars}
        lines.append(name + "".join(f" {k}='{v}'" for k, v in extra.items()))
    lines += [
        f"[{group}:vars]",
        "ansible_host=127.0.0.1",
        "ansible_user=root",
        "ansible_python_interpreter=/usr/bin/python3",
        f"ansible_ssh_private_key_file={server.key}",
        "ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "
        "-o ConnectTimeout=5'",
    ]
    path.write_text("\n".join(lines) + "\n")
    return path
