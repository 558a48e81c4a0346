"""Nova on libvirt in the box: real guests, so tests can look inside a VM.

Which compute driver the box runs is decided once per machine and kept in the box home:

- ``libvirt`` with ``virt_type=kvm`` only when the box's guest image really boots under KVM
  here (``/dev/kvm`` existing is not enough: nested KVM may abort or hang);
- ``libvirt`` with ``virt_type=qemu`` (TCG emulation) otherwise;
- the ``fake`` driver when libvirt cannot run (its Debian packages or the Python binding are
  missing) or when ``SCS_IAAS_BOX_COMPUTE=fake`` asks for it; the reason is shown by
  ``box status``.

libvirtd and virtlogd run as processes of the box (infrastructure stage), with Debian's
default configuration and sockets under /run/libvirt. nova-compute reads one more config
file, written here, that switches its driver; the rest of nova.conf stays as config.py
renders it.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from scs_iaas.box import guest
from scs_iaas.box.config import Ini, render_ini
from scs_iaas.box.layout import BoxPaths
from scs_iaas.box.services import Service, Stage

LIBVIRTD = Path("/usr/sbin/libvirtd")
VIRTLOGD = Path("/usr/sbin/virtlogd")
QEMU = Path("/usr/bin/qemu-system-x86_64")
#: Debian packages of the libvirt compute (package -> a file it installs); libvirt-dev and
#: pkg-config build the Python binding into the service venv.
APT_PACKAGES: dict[str, str] = {
    "libvirt-daemon-system": str(LIBVIRTD),
    "libvirt-dev": "/usr/include/libvirt/libvirt.h",
    "pkg-config": "/usr/bin/pkg-config",
    "gcc": "/usr/bin/gcc",
    "python3-dev": "/usr/include/python3.11/Python.h",
    **guest.APT_PACKAGES,
}
#: the binding matching Debian 12's libvirt 9.0
BINDING = "libvirt-python==9.0.0"
ENV = "SCS_IAAS_BOX_COMPUTE"
#: how long a guest gets to reach its init under KVM before KVM counts as not working
KVM_PROBE_SECONDS = 40.0
CHOICE_VERSION = 1


@dataclass(frozen=True)
class ComputeChoice:
    driver: str  # "libvirt" or "fake"
    virt_type: str | None  # "kvm" or "qemu" with libvirt
    reason: str

    def describe(self) -> str:
        if self.driver == "fake":
            return f"nova-compute: fake driver (no guests): {self.reason}"
        return f"nova-compute: libvirt, virt_type={self.virt_type}: {self.reason}"


def backing(choice: ComputeChoice) -> dict[str, str]:
    """What backs the compute processes, for ``box status`` (beside services.BACKING)."""
    if choice.driver != "libvirt":
        return {"nova-compute": "Nova compute: fake virt driver (no VMs)"}
    return {
        "nova-compute": f"Nova compute: libvirt driver, virt_type={choice.virt_type}",
        "libvirtd": "libvirt 9 (Debian): QEMU guests, own UTS and mount namespace",
        "virtlogd": "libvirt's log daemon (Debian): the guests' serial console logs",
    }


def choice_file(paths: BoxPaths) -> Path:
    return paths.data / "nova" / "compute-choice.json"


def machine_key() -> str:
    """What the KVM verdict depends on: the host kernel and the QEMU binary."""
    try:
        qemu = QEMU.stat()
        stamp = f"{qemu.st_size}:{int(qemu.st_mtime)}"
    except OSError:
        stamp = "no-qemu"
    return f"{CHOICE_VERSION}:{platform.release()}:{stamp}"


def recorded(paths: BoxPaths) -> ComputeChoice | None:
    """The choice the box runs with (written when it starts), if any."""
    try:
        data = json.loads(choice_file(paths).read_text())
        return ComputeChoice(data["driver"], data["virt_type"], data["reason"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def binding_present(paths: BoxPaths) -> bool:
    python = paths.bin / "python"
    if not python.exists():
        return False
    proc = subprocess.run([str(python), "-c", "import libvirt"], capture_output=True, check=False)
    return proc.returncode == 0


def namespaces_refused() -> str | None:
    """Why this machine cannot give libvirtd its namespaces (an unprivileged container), or
    None when it can."""
    try:
        proc = subprocess.run(
            ["unshare", "--uts", "--mount", "true"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    return None if proc.returncode == 0 else (proc.stderr.strip() or f"exit {proc.returncode}")


def install_binding(paths: BoxPaths, log: Path) -> None:
    from scs_iaas.box.install import _run

    _run(
        [str(paths.bin / "python"), "-m", "pip", "install", "-q", BINDING],
        log,
        f"pip install {BINDING}",
    )


def choose(
    paths: BoxPaths,
    *,
    say: Callable[[str], None] = lambda _: None,
    kvm_works: Callable[[guest.GuestImage], tuple[bool, str]] | None = None,
) -> ComputeChoice:
    """Decide the compute driver (see the module doc); the KVM verdict is cached per
    machine, as trying it may cost ``KVM_PROBE_SECONDS``."""
    wanted = os.environ.get(ENV, "").strip().lower()
    if wanted == "fake":
        return ComputeChoice("fake", None, f"{ENV}=fake")
    missing = [str(p) for p in (LIBVIRTD, VIRTLOGD, QEMU) if not p.exists()]
    if missing:
        return ComputeChoice("fake", None, f"libvirt cannot run here: {', '.join(missing)} missing")
    if not binding_present(paths):
        return ComputeChoice("fake", None, "the libvirt Python binding is not in the box venv")
    why = namespaces_refused()
    if why:
        return ComputeChoice("fake", None, f"libvirtd needs UTS and mount namespaces: {why}")
    cache = paths.data / "nova" / "kvm-verdict.json"
    key = machine_key()
    try:
        verdict = json.loads(cache.read_text())
        if verdict.get("key") != key:
            verdict = None
    except (OSError, ValueError):
        verdict = None
    if verdict is None:
        verdict = _kvm_verdict(say, kvm_works)
        if verdict.pop("final", True):
            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_text(json.dumps({"key": key, **verdict}) + "\n")
    if verdict["kvm"]:
        return ComputeChoice("libvirt", "kvm", verdict["reason"])
    return ComputeChoice("libvirt", "qemu", verdict["reason"])


def _kvm_verdict(
    say: Callable[[str], None],
    kvm_works: Callable[[guest.GuestImage], tuple[bool, str]] | None,
) -> dict[str, object]:
    if not Path("/dev/kvm").exists():
        return {"kvm": False, "reason": "emulation (TCG): no /dev/kvm"}
    image = guest.cached()
    if image is None:
        # not final: tried again once the image exists
        return {
            "kvm": False,
            "final": False,
            "reason": "emulation (TCG): KVM not tried yet, no guest image built "
            "(scs-iaas box image build)",
        }
    say(f"trying KVM: booting the guest image (up to {KVM_PROBE_SECONDS:.0f} s)")
    ok, why = (kvm_works or kvm_boots)(image)
    if ok:
        return {"kvm": True, "reason": f"KVM: {why}"}
    return {"kvm": False, "reason": f"emulation (TCG): a guest does not boot with KVM here ({why})"}


def kvm_boots(image: guest.GuestImage) -> tuple[bool, str]:
    """Boot the guest image with KVM as Nova would (host CPU model); True when its init
    runs the user data."""
    marker = "scs-kvm-probe-ok"
    result = guest.boot(
        image,
        f"#!/bin/sh\necho {marker}\n",
        lambda text: marker in text,
        KVM_PROBE_SECONDS,
        accel="kvm",
        cpu="host",
    )
    if result.done:
        return True, f"the guest image booted in {result.seconds:.1f} s"
    lines = [line.strip() for line in result.console.splitlines() if line.strip()]
    last = lines[-1][:160] if lines else "no console output"
    return False, f"no init after {result.seconds:.0f} s; last console line: {last}"


def record(paths: BoxPaths, choice: ComputeChoice) -> None:
    path = choice_file(paths)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(choice)) + "\n")


def compute_conf_path(paths: BoxPaths) -> Path:
    return paths.conf("nova", "nova-compute-driver.conf")


def compute_conf(paths: BoxPaths, choice: ComputeChoice) -> Ini:
    """The driver part of nova-compute's configuration (read after nova.conf)."""
    if choice.driver != "libvirt":
        # writes $state_path/compute_id like a real driver, so restarts keep the node
        return {"DEFAULT": {"compute_driver": "fake.FakeDriverWithoutFakeNodes"}}
    helper = (
        f"{paths.bin / 'privsep-helper'} --config-file {paths.conf('nova')} "
        f"--config-file {compute_conf_path(paths)}"
    )
    return {
        "DEFAULT": {
            "compute_driver": "libvirt.LibvirtDriver",
            # Neutron runs no agents, so no metadata service: user data on a config drive
            "force_config_drive": "true",
        },
        "libvirt": {
            "virt_type": choice.virt_type or "qemu",
            "cpu_mode": "host-model" if choice.virt_type == "kvm" else "none",
            # i440fx: the config drive (a CD-ROM) on IDE, which every kernel has; Debian's
            # cloud kernel has no AHCI driver for q35's SATA
            "hw_machine_type": "x86_64=pc",
            "inject_partition": "-2",
        },
        # as root without sudo: privsep helpers run from the venv directly
        "nova_sys_admin": {"helper_command": helper},
        "privsep_osbrick": {"helper_command": helper},
    }


def write_compute_conf(paths: BoxPaths, choice: ComputeChoice) -> None:
    from scs_iaas.box.secrets import write_private

    write_private(compute_conf_path(paths), render_ini(compute_conf(paths, choice)))
    if choice.driver == "libvirt":
        qemu_conf_path(paths).parent.mkdir(parents=True, exist_ok=True)
        write_private(qemu_conf_path(paths), QEMU_CONF)


def adjust_services(
    services: list[Service], paths: BoxPaths, choice: ComputeChoice
) -> list[Service]:
    """nova-compute reads the driver config too; with libvirt, virtlogd and libvirtd run as
    infrastructure processes of the box (before any worker)."""
    out = []
    for svc in services:
        if svc.name == "nova-compute":
            svc = Service(
                svc.name,
                (*svc.argv, "--config-file", str(compute_conf_path(paths))),
                svc.stage,
                port=svc.port,
                probe_url=svc.probe_url,
                env=svc.env,
                stop_timeout=svc.stop_timeout,
            )
        out.append(svc)
    if choice.driver == "libvirt":
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"}
        daemons = [
            Service("virtlogd", (str(VIRTLOGD),), Stage.INFRA, env=env, stop_timeout=15),
            Service("libvirtd", libvirtd_argv(paths), Stage.INFRA, env=env, stop_timeout=30),
        ]
        first_worker = next((i for i, s in enumerate(out) if s.stage is not Stage.INFRA), len(out))
        out[first_worker:first_worker] = daemons
    return out


def qemu_conf_path(paths: BoxPaths) -> Path:
    return paths.etc / "libvirt" / "qemu.conf"


#: libvirt's QEMU settings for the box. QEMU runs as root: libvirt checks whether KVM is
#: usable as the QEMU user, and on a host whose /dev/kvm only root may open (no udev rule,
#: as here) while its capability probe did see KVM, it judges its capability cache invalid
#: and probes QEMU again on every call (4 s each, minutes per server build).
QEMU_CONF = """# written by scs-iaas box (bind-mounted over /etc/libvirt/qemu.conf for the box's libvirtd)
user = "root"
group = "root"
"""


def libvirtd_argv(paths: BoxPaths) -> tuple[str, ...]:
    """libvirtd in namespaces of its own: its host name is the box's service host (Nova names
    the compute node after libvirt's host name, and the fake driver after the service host,
    so the node keeps its name, and Nova its identity check, whichever driver runs), and it
    reads the box's qemu.conf instead of the system's (a bind mount only it sees). unshare
    and sh exec in place: the recorded pid is libvirtd's."""
    from scs_iaas.box.config import SERVICE_HOST

    return (
        "unshare",
        "--uts",
        "--mount",
        "sh",
        "-c",
        f"mount --bind {qemu_conf_path(paths)} /etc/libvirt/qemu.conf && "
        f"hostname {SERVICE_HOST} && exec {LIBVIRTD}",
    )


def running_domains() -> list[str]:
    """Names of the libvirt domains that run (guests left by a stopping box)."""
    proc = subprocess.run(
        ["virsh", "-c", "qemu:///system", "list", "--name"],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )
    return [line.strip() for line in proc.stdout.splitlines() if line.strip()]


def destroy_domains() -> int:
    """Stop every running guest (Nova's instances of this box), before libvirtd stops."""
    names = running_domains()
    for name in names:
        subprocess.run(
            ["virsh", "-c", "qemu:///system", "destroy", name],
            capture_output=True,
            check=False,
            timeout=30,
        )
    return len(names)
