"""The box's guest image: a small Debian 12 built on the machine from Debian packages, that
boots under pure emulation (TCG) within seconds.

Built without mounting anything or mapping partitions (the host kernel may have neither
loop devices nor device-mapper): mmdebstrap fills a directory, ``mkfs.ext4 -d`` turns it into
a file system image, and the kernel and initrd are taken out of it to be booted directly
(Glance kernel/ramdisk images named by the root image's ``kernel_id``/``ramdisk_id``).

Its PID 1 is ``guest/init``, a shell script instead of systemd and cloud-init (those take
minutes to start under emulation): it runs user data from the config drive when it is a
script, the form cloud-init runs as well. The result is cached by a key over everything
that goes into it, outside the box home (``box wipe`` keeps it).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from scs_iaas.errors import ScsIaasError

SUITE = "bookworm"
MIRRORS = (
    f"deb http://deb.debian.org/debian {SUITE} main",
    f"deb http://deb.debian.org/debian-security {SUITE}-security main",
)
#: The cloud kernel is a third the size of the generic one and has every virtio driver;
#: it has no AHCI, so the config drive must sit on IDE (machine type pc, see libvirt.py).
PACKAGES = ("linux-image-cloud-amd64", "rng-tools5")
#: docs, man pages and translations are a third of a minimal root
DPKG_EXCLUDES = ("/usr/share/man/*", "/usr/share/doc/*", "/usr/share/locale/*")
#: bump when the build steps change in a way the inputs above do not show
RECIPE_VERSION = "1"
#: Debian packages the build and the direct boot need on the host (package -> a file of it)
APT_PACKAGES: dict[str, str] = {
    "mmdebstrap": "/usr/bin/mmdebstrap",
    "qemu-utils": "/usr/bin/qemu-img",
    "qemu-system-x86": "/usr/bin/qemu-system-x86_64",
    "genisoimage": "/usr/bin/genisoimage",
    "e2fsprogs": "/usr/sbin/mkfs.ext4",
}
BUILD_TIMEOUT = 900.0
#: how the image is booted, directly and by Nova (image property os_command_line)
KERNEL_CMDLINE = "root=/dev/vda console=tty0 console=ttyS0,115200 no_timer_check"
#: the root file system gets this much room beyond its content (MiB)
HEADROOM_MIB = 64


def init_script() -> str:
    return resources.files("scs_iaas.box").joinpath("guest/init").read_text()


def recipe_key() -> str:
    """What the image is built from; a change in any part means a new build."""
    digest = hashlib.sha256()
    for part in (RECIPE_VERSION, SUITE, *MIRRORS, *PACKAGES, *DPKG_EXCLUDES, init_script()):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "scs-iaas" / "guest"


@dataclass(frozen=True)
class GuestImage:
    """A built image: three files and what is known about them."""

    directory: Path
    key: str
    kernel_version: str
    build_seconds: float

    @property
    def kernel(self) -> Path:
        return self.directory / "vmlinuz"

    @property
    def ramdisk(self) -> Path:
        return self.directory / "initrd.img"

    @property
    def root(self) -> Path:
        return self.directory / "root.qcow2"

    def sizes(self) -> dict[str, int]:
        return {p.name: p.stat().st_size for p in (self.kernel, self.ramdisk, self.root)}


def cached(cache: Path | None = None) -> GuestImage | None:
    """The image of the current recipe, if it was built."""
    directory = (cache or default_cache()) / recipe_key()
    try:
        manifest = json.loads((directory / "manifest.json").read_text())
    except (OSError, ValueError):
        return None
    image = GuestImage(
        directory, manifest["key"], manifest["kernel_version"], manifest["build_seconds"]
    )
    if not all(p.exists() for p in (image.kernel, image.ramdisk, image.root)):
        return None
    return image


def missing_tools() -> list[str]:
    return [name for name, marker in APT_PACKAGES.items() if not Path(marker).exists()]


def build(
    cache: Path | None = None,
    *,
    say: Callable[[str], None] = lambda _: None,
    force: bool = False,
) -> GuestImage:
    """Build the image (about 2 minutes, most of it downloading packages) unless it is cached."""
    cache = cache or default_cache()
    if not force and (found := cached(cache)) is not None:
        return found
    missing = missing_tools()
    if missing:
        raise ScsIaasError(
            f"building the guest image needs Debian packages {', '.join(missing)} "
            "(scs-iaas box install installs them)"
        )
    if os.geteuid() != 0:
        raise ScsIaasError("building the guest image needs root (mmdebstrap into a directory)")
    key = recipe_key()
    cache.mkdir(parents=True, exist_ok=True)
    log = cache / "build.log"
    t0 = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix=f"build-{key}-", dir=cache))
    try:
        rootfs = work / "rootfs"
        say(f"mmdebstrap {SUITE} with {', '.join(PACKAGES)}")
        _run(
            [
                "mmdebstrap",
                "--variant=minbase",
                f"--include={','.join(PACKAGES)}",
                *(f"--dpkgopt=path-exclude={p}" for p in DPKG_EXCLUDES),
                SUITE,
                str(rootfs),
                *MIRRORS,
            ],
            log,
            "mmdebstrap",
        )
        out = work / "out"
        out.mkdir()
        kernel_version = _take_boot_files(rootfs, out)
        init = rootfs / "sbin" / "init"
        init.unlink(missing_ok=True)
        init.write_text(init_script())
        init.chmod(0o755)
        (rootfs / "etc" / "hostname").write_text("scs-guest\n")
        size_mib = _tree_bytes(rootfs) * 5 // 4 // (1 << 20) + HEADROOM_MIB
        raw = work / "root.raw"
        say(f"mkfs.ext4 -d ({size_mib} MiB), qemu-img convert to qcow2")
        _run(
            ["mkfs.ext4", "-q", "-F", "-L", "root", "-d", str(rootfs), str(raw), f"{size_mib}M"],
            log,
            "mkfs.ext4 -d",
        )
        _run(
            ["qemu-img", "convert", "-f", "raw", "-O", "qcow2", str(raw), str(out / "root.qcow2")],
            log,
            "qemu-img convert",
        )
        seconds = round(time.monotonic() - t0, 1)
        manifest = {
            "key": key,
            "kernel_version": kernel_version,
            "build_seconds": seconds,
            "suite": SUITE,
            "packages": list(PACKAGES),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
        target = cache / key
        if target.exists():
            shutil.rmtree(target)
        out.rename(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    image = cached(cache)
    if image is None:  # pragma: no cover - the rename above just made it
        raise ScsIaasError(f"guest image build left no image in {cache / key}")
    return image


def _take_boot_files(rootfs: Path, out: Path) -> str:
    """Move the kernel and initrd out of the root (they are booted directly, not from it)."""
    boot = rootfs / "boot"
    kernels = sorted(boot.glob("vmlinuz-*"))
    if len(kernels) != 1:
        raise ScsIaasError(f"expected one kernel in {boot}, found {len(kernels)}")
    version = kernels[0].name.removeprefix("vmlinuz-")
    initrd = boot / f"initrd.img-{version}"
    if not initrd.exists():
        raise ScsIaasError(f"the kernel package made no initrd ({initrd} missing)")
    shutil.move(kernels[0], out / "vmlinuz")
    shutil.move(initrd, out / "initrd.img")
    for leftover in boot.iterdir():
        leftover.unlink()
    return version


def _tree_bytes(root: Path) -> int:
    total = 0
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_blocks * 512
            except OSError:
                continue
    return total


def _run(argv: list[str], log: Path, what: str, timeout: float = BUILD_TIMEOUT) -> None:
    with open(log, "ab") as out:
        out.write(f"\n$ {' '.join(argv)}\n".encode())
        out.flush()
        try:
            rc = subprocess.call(argv, stdout=out, stderr=subprocess.STDOUT, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise ScsIaasError(f"{what} took longer than {timeout:.0f} s (log: {log})") from None
    if rc != 0:
        raise ScsIaasError(f"{what} failed (exit {rc}), see {log}")


# ---------------------------------------------------------------------- direct boot


@dataclass(frozen=True)
class BootResult:
    console: str
    seconds: float
    #: whether ``until`` held before the timeout
    done: bool


def config_drive(user_data: str, target: Path) -> Path:
    """An OpenStack config drive (ISO 9660, label config-2) with the user data, as Nova
    writes it."""
    with tempfile.TemporaryDirectory(prefix="config-drive-") as tmp:
        latest = Path(tmp) / "openstack" / "latest"
        latest.mkdir(parents=True)
        (latest / "user_data").write_text(user_data)
        (latest / "meta_data.json").write_text(json.dumps({"uuid": "scs-iaas-direct-boot"}))
        proc = subprocess.run(
            ["genisoimage", "-quiet", "-o", str(target), "-V", "config-2", "-r", "-J", tmp],
            capture_output=True,
            text=True,
            check=False,
        )
    if proc.returncode != 0:
        raise ScsIaasError(f"genisoimage failed: {proc.stderr.strip()[:200]}")
    return target


def qemu_argv(
    image: GuestImage, drive: Path, console: Path, accel: str = "tcg", cpu: str | None = None
) -> list[str]:
    """QEMU as Nova's libvirt driver runs the image: direct kernel boot, root on virtio,
    the config drive on IDE (machine type pc), a virtio-rng device, console on ttyS0."""
    argv = [
        "qemu-system-x86_64",
        "-accel",
        accel,
        "-machine",
        "pc",
        "-m",
        "512",
        "-smp",
        "1",
        "-nodefaults",
        "-display",
        "none",
        "-no-reboot",
        "-kernel",
        str(image.kernel),
        "-initrd",
        str(image.ramdisk),
        "-append",
        KERNEL_CMDLINE,
        "-drive",
        f"file={image.root},if=virtio,format=qcow2,snapshot=on",
        "-drive",
        f"file={drive},media=cdrom,if=ide,readonly=on",
        "-object",
        "rng-random,id=rng0,filename=/dev/urandom",
        "-device",
        "virtio-rng-pci,rng=rng0",
        "-serial",
        f"file:{console}",
        "-monitor",
        "none",
    ]
    if cpu:
        argv += ["-cpu", cpu]
    return argv


def boot(
    image: GuestImage,
    user_data: str,
    until: Callable[[str], bool],
    timeout: float,
    *,
    accel: str = "tcg",
    cpu: str | None = None,
) -> BootResult:
    """Boot the image under QEMU with the user data on a config drive; return the console
    once ``until(console)`` holds, QEMU exits, or ``timeout`` passes (QEMU is then stopped)."""
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="scs-iaas-boot-") as tmp:
        drive = config_drive(user_data, Path(tmp) / "config.iso")
        console = Path(tmp) / "console.log"
        console.touch()
        proc = subprocess.Popen(
            qemu_argv(image, drive, console, accel, cpu),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        done = False
        text = ""
        try:
            while time.monotonic() - t0 < timeout:
                text = console.read_text(errors="replace")
                if until(text):
                    done = True
                    break
                if proc.poll() is not None:
                    break
                time.sleep(0.5)
        finally:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            if proc.stderr:
                proc.stderr.close()
        text = console.read_text(errors="replace")
        if not done and stderr.strip():
            text += f"\n[qemu] {stderr.strip()}"
    return BootResult(text, round(time.monotonic() - t0, 1), done)


# ---------------------------------------------------------------------- publish

#: the property that marks (and keys) the images published from a build
KEY_PROP = "scs_iaas_guest"
#: Not the standard image's name "Debian 12": scs-0104 wants that one from cloud.debian.org
NAME = "Debian 12 box guest"
#: what a server of it needs (GiB, MiB); set on the kernel and initrd too (scs-0102 judges
#: every image, hidden ones included)
MIN_DISK = 1
MIN_RAM = 256


def image_properties(image: GuestImage, built_at: str) -> dict[str, str]:
    """scs-0102 metadata of a box guest image (every image of it: root, kernel, ramdisk)."""
    return {
        "architecture": "x86_64",
        "hypervisor_type": "qemu",
        "hw_disk_bus": "virtio",
        "hw_rng_model": "virtio",
        "os_distro": "debian",
        "os_version": "12",
        # a minimal root without cloud-init; "generic" would make a second generic Debian 12
        # beside a cloud's own (scs-0102 wants one per distro and version)
        "os_purpose": "minimal",
        "image_build_date": built_at[:10],
        "image_original_user": "root",
        "image_source": "private",
        "image_description": "https://www.debian.org/releases/bookworm/ (minimal root built by "
        "scs-iaas box image build: mmdebstrap, Debian cloud kernel, rng-tools5, a "
        "script init that runs user data from the config drive)",
        "replace_frequency": "never",
        "provided_until": "none",
        "uuid_validity": "none",
        "hotfix_hours": "0",
        # Nova's default command line for direct kernel boot ends in console=hvc0, which this
        # image has no device for; name the serial console last, so it is /dev/console
        "os_command_line": KERNEL_CMDLINE,
        KEY_PROP: image.key,
    }


def published(conn: object, image: GuestImage) -> str | None:
    """The id of the active root image published from this build, if it is also the image
    scs-0101's test boots: the newest public Debian 12 (the official test picks by os_distro
    and os_version, then the newest; a newer one, say a stand-in without a kernel, would be
    booted instead, so then this build is uploaded again)."""
    manifest = json.loads((image.directory / "manifest.json").read_text())
    wanted = image_properties(image, manifest["built_at"])
    ours = None
    newest = None
    for found in conn.image.images(visibility="public"):  # type: ignore[attr-defined]
        props = found.properties or {}
        if found.status != "active" or found.is_hidden:
            continue
        if (props.get("os_distro"), props.get("os_version")) != ("debian", "12"):
            continue
        if newest is None or (found.created_at or "") > (newest.created_at or ""):
            newest = found
        if (
            found.name == NAME
            and all(props.get(k) == v for k, v in wanted.items())
            and found.kernel_id
            and found.ramdisk_id
        ):
            ours = found  # this build, published with the metadata this code writes
    if ours is None or newest is None or ours.id != newest.id:
        return None
    for part in (ours.kernel_id, ours.ramdisk_id):
        try:
            found = conn.image.get_image(part)  # type: ignore[attr-defined]
        except Exception:  # deleted under us: upload again
            return None
        if found.status != "active" or not (found.min_disk and found.min_ram):
            return None
    return str(ours.id)


def publish(conn: object, image: GuestImage, say: Callable[[str], None] = lambda _: None) -> str:
    """Upload kernel and ramdisk (hidden) and the root image that names them, public, with
    the scs-0102 metadata; a no-op when this build is there already. Returns the root id."""
    existing = published(conn, image)
    if existing:
        return existing
    manifest = json.loads((image.directory / "manifest.json").read_text())
    props = image_properties(image, manifest["built_at"])
    img = conn.image  # type: ignore[attr-defined]
    short = image.key[:8]
    say(f"uploading kernel and initrd {image.kernel_version}")
    kernel = img.create_image(
        name=f"scs-iaas-guest-kernel-{short}",
        filename=str(image.kernel),
        disk_format="aki",
        container_format="aki",
        visibility="public",
        min_disk=MIN_DISK,
        min_ram=MIN_RAM,
        wait=True,
        **props,
    )
    ramdisk = img.create_image(
        name=f"scs-iaas-guest-initrd-{short}",
        filename=str(image.ramdisk),
        disk_format="ari",
        container_format="ari",
        visibility="public",
        min_disk=MIN_DISK,
        min_ram=MIN_RAM,
        wait=True,
        **props,
    )
    # hidden, and protected: a manager or cleanup that deletes by name pattern cannot take the
    # kernel from under the root image (named apart from "Debian 12" for the same reason)
    for part in (kernel, ramdisk):
        img.update_image(part, is_hidden=True, is_protected=True)
    say(f"uploading the root file system ({image.root.stat().st_size >> 20} MiB, qcow2)")
    root = img.create_image(
        name=NAME,
        filename=str(image.root),
        disk_format="qcow2",
        container_format="bare",
        visibility="public",
        min_disk=MIN_DISK,
        min_ram=MIN_RAM,
        kernel_id=kernel.id,
        ramdisk_id=ramdisk.id,
        wait=True,
        **props,
    )
    retire_older(conn, {kernel.id, ramdisk.id, root.id}, say)
    return str(root.id)


def retire_older(conn: object, keep: set[str], say: Callable[[str], None]) -> None:
    """Delete the guest images published before (all but ``keep``) that no server uses;
    hide those still in use, so tests pick the current upload."""
    img = conn.image  # type: ignore[attr-defined]
    used = {
        str(server.image.id)
        for server in conn.compute.servers(all_projects=True)  # type: ignore[attr-defined]
        if server.image is not None and server.image.id
    }
    # hidden images (the kernels and initrds) are listed only when asked for
    found = [*img.images(), *img.images(os_hidden=True)]
    for old in found:
        key = (old.properties or {}).get(KEY_PROP)
        if not key or old.id in keep:
            continue
        if old.id in used:
            if not old.is_hidden:
                img.update_image(old, is_hidden=True)
                say(f"hid {old.name} of build {key} (a server uses it)")
        else:
            if old.is_protected:
                img.update_image(old, is_protected=False)
            img.delete_image(old, ignore_missing=True)
            say(f"deleted {old.name} of build {key}")
