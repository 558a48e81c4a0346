"""Install what the box runs: Debian packages (MariaDB, RabbitMQ, acl, NFS tools, Ceph) and the OpenStack
services in a venv of their own under the box home, pinned by the constraints shipped
with scs-iaas. Idempotent and fast when nothing changed: a stamp keyed on the hash of
the constraints and the package list makes a second install a no-op.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from scs_iaas.box.layout import BoxPaths
from scs_iaas.errors import ScsIaasError

#: The services of OpenStack 2026.2 and what runs them.
PIP_PACKAGES = (
    "keystone==30.0.0",
    "nova==34.0.0",
    "glance==33.0.0",
    "openstack-placement==16.0.0",
    "cinder==29.0.0",
    "neutron==29.0.0",
    "barbican==23.0.0",
    "octavia==19.0.0",
    "PyMySQL",
    "uwsgi",
)

#: Debian package → a file it installs (present = installed).
APT_PACKAGES: dict[str, str] = {
    "mariadb-server": "/usr/sbin/mariadbd",
    "mariadb-client": "/usr/bin/mariadb",
    "rabbitmq-server": "/usr/lib/rabbitmq/bin/rabbitmq-server",
    # setfacl: lets user mysql traverse a 0700 home to reach its datadir
    "acl": "/usr/bin/setfacl",
}


def constraints_text() -> str:
    return resources.files("scs_iaas.box").joinpath("constraints-openstack.txt").read_text()


def install_key(constraints: str, packages: tuple[str, ...], python: str) -> str:
    """What the venv was built from; a change in any part means reinstall."""
    digest = hashlib.sha256()
    for part in (constraints, "\n".join(packages), python):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def python_version() -> str:
    return ".".join(str(v) for v in sys.version_info[:3])


@dataclass(frozen=True)
class InstallResult:
    apt_installed: tuple[str, ...]
    venv_installed: bool


def missing_apt_packages(packages: dict[str, str] = APT_PACKAGES) -> list[str]:
    return [name for name, marker in packages.items() if not Path(marker).exists()]


def _run(argv: list[str], log: Path, what: str, env: dict[str, str] | None = None) -> None:
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        out.write(f"\n$ {' '.join(argv)}\n".encode())
        out.flush()
        rc = subprocess.call(argv, stdout=out, stderr=subprocess.STDOUT, env=env)
    if rc != 0:
        raise ScsIaasError(f"{what} failed (exit {rc}): {last_line(log)} — see {log}")


def last_line(log: Path) -> str:
    try:
        lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip()]
    except OSError:
        return "(no log)"
    return lines[-1].strip()[:200] if lines else "(empty log)"


POLICY_RC_D = Path("/usr/sbin/policy-rc.d")


@contextlib.contextmanager
def daemons_held(policy: Path = POLICY_RC_D) -> Iterator[None]:
    """Keep apt from starting the packages' own MariaDB and RabbitMQ, which would take
    the box's ports: a policy-rc.d that denies every start (exit 101), present only while
    apt runs, unless the machine already has one (containers do)."""
    if policy.exists():
        yield
        return
    policy.write_text("#!/bin/sh\n# written by scs-iaas box install while apt-get runs\nexit 101\n")
    policy.chmod(0o755)
    try:
        yield
    finally:
        policy.unlink(missing_ok=True)


def apt_install(packages: list[str], log: Path) -> None:
    """apt-get install the missing packages, with one `apt-get update` first. Inside
    containers policy-rc.d keeps the packages from starting their own daemons; the box
    starts its own instances anyway."""
    if not packages:
        return
    if shutil.which("apt-get") is None:
        raise ScsIaasError(
            f"Debian packages {', '.join(packages)} are missing and apt-get is not available"
        )
    if os.geteuid() != 0:
        raise ScsIaasError(
            f"Debian packages {', '.join(packages)} are missing: run 'scs-iaas box install' as root"
        )
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    _run(["apt-get", "update", "-qq"], log, "apt-get update", env)
    with daemons_held():
        _run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages],
            log,
            f"apt-get install {' '.join(packages)}",
            env,
        )


def venv_is_current(paths: BoxPaths) -> bool:
    key = install_key(constraints_text(), PIP_PACKAGES, python_version())
    try:
        stamp = paths.install_stamp.read_text().strip()
    except OSError:
        return False
    return stamp == key and (paths.bin / "uwsgi").exists()


def install_venv(paths: BoxPaths, log: Path) -> None:
    """Create the service venv and pip-install the pinned services into it."""
    constraints = paths.home / "constraints-openstack.txt"
    text = constraints_text()
    constraints.parent.mkdir(parents=True, exist_ok=True)
    constraints.write_text(text)
    if not (paths.bin / "python").exists():
        _run([sys.executable, "-m", "venv", str(paths.venv)], log, "python -m venv")
    pip = [str(paths.bin / "python"), "-m", "pip", "install", "-q"]
    _run([*pip, "-U", "pip", "setuptools", "wheel"], log, "pip install -U pip")
    _run([*pip, "-c", str(constraints), *PIP_PACKAGES], log, "pip install (OpenStack services)")
    paths.install_stamp.write_text(install_key(text, PIP_PACKAGES, python_version()) + "\n")
