"""Collect what ``scs-iaas host check`` reads on one node into a .tar.gz, judged elsewhere.

Self-contained on purpose: standard library only, Python >= 3.9, no scs-iaas import, so the
same file runs on a node that has nothing but Python — as ``python3 collect.py -o node.tar.gz``,
as ``scs-iaas host collect``, and inside the Ansible module of ``ansible/`` (a byte-identical
copy in ``ansible/plugins/module_utils/scs_iaas_collect.py``, pinned by a unit test).

The archive has the layout of the recorded trees in ``tests/data/hosts/``: files under their
absolute path (``proc/cpuinfo``, ``etc/kolla/nova-compute/nova.conf``), command outputs under
``_commands/`` (a failed command as ``<name>.error``), device nodes and directories whose
existence matters as empty markers, hwmon's symlinks as symlinks, and ``_collect.json`` with
what could not be read. Configuration files are redacted here, at the source: passwords,
tokens, keys and the password part of URLs never leave the node.

With ``--root`` other than ``/`` (a chroot, a recorded tree) no command runs; recorded outputs
under ``<root>/_commands/`` are taken instead.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import socket
import subprocess
import sys
import tarfile
import time

VERSION = 1
COMMANDS_DIR = "_commands"
MANIFEST = "_collect.json"
COMMAND_TIMEOUT_S = 15
MAX_FILE_BYTES = 4 * 1024 * 1024

# plain files the readers open (host/cpu.py, block.py, entropy.py)
FILES = (
    "/proc/cpuinfo",
    "/proc/cmdline",
    "/proc/self/mountinfo",
    "/sys/module/kvm_amd/parameters/sev",
    "/sys/module/kvm_amd/parameters/sev_es",
    "/sys/module/kvm_amd/parameters/sev_snp",
    "/sys/module/kvm_intel/parameters/tdx",
    "/sys/module/kvm_intel/parameters/sgx",
)
# paths whose existence is the fact (host/cpu.py DEVICE_NODES, the KVM module directories)
EXISTS = (
    "/dev/sev",
    "/dev/sgx_enclave",
    "/dev/sgx_provision",
    "/dev/sgx_vepc",
    "/dev/kvm",
    "/sys/module/kvm_amd/parameters",
    "/sys/module/kvm_intel/parameters",
)
# configuration files of the services (host/services.py SPECS, Kolla and packaged layout)
CONFIGS = (
    "/etc/barbican/barbican.conf",
    "/etc/cinder/cinder.conf",
    "/etc/glance/glance-api.conf",
    "/etc/keystone/keystone.conf",
    "/etc/kolla/barbican-api/barbican.conf",
    "/etc/kolla/cinder-api/cinder.conf",
    "/etc/kolla/cinder-backup/cinder.conf",
    "/etc/kolla/cinder-volume/cinder.conf",
    "/etc/kolla/glance-api/glance-api.conf",
    "/etc/kolla/keystone/keystone.conf",
    "/etc/kolla/neutron-dhcp-agent/dhcp_agent.ini",
    "/etc/kolla/neutron-server/ml2_conf.ini",
    "/etc/kolla/neutron-server/neutron.conf",
    "/etc/kolla/nova-api/nova.conf",
    "/etc/kolla/nova-compute/nova.conf",
    "/etc/kolla/nova-conductor/nova.conf",
    "/etc/kolla/nova-libvirt/libvirtd.conf",
    "/etc/kolla/nova-libvirt/qemu.conf",
    "/etc/kolla/octavia-api/octavia.conf",
    "/etc/kolla/placement-api/placement.conf",
    "/etc/libvirt/libvirtd.conf",
    "/etc/libvirt/qemu.conf",
    "/etc/neutron/dhcp_agent.ini",
    "/etc/neutron/neutron.conf",
    "/etc/neutron/plugins/ml2/ml2_conf.ini",
    "/etc/nova/nova.conf",
    "/etc/octavia/octavia.conf",
    "/etc/placement/placement.conf",
)
# recorded name -> argv (host/cpu.py, block.py, timesync.py)
COMMANDS = {
    "dmesg.txt": ["dmesg"],
    "virsh-domcapabilities.xml": ["virsh", "-c", "qemu:///system", "domcapabilities"],
    "lsblk.json": ["lsblk", "--json", "-O"],
    "lvs.json": ["lvs", "--reportformat", "json", "-o", "lv_name,vg_name,lv_path,lv_tags"],
    "chronyc-tracking.csv": ["chronyc", "-c", "tracking"],
    "timedatectl-show.txt": ["timedatectl", "show"],
    "timedatectl-timesync-status.txt": ["timedatectl", "timesync-status"],
}
# virsh waits for a daemon that is not there (up to the timeout): ask only when one listens
NEEDS_SOCKET = {
    "virsh-domcapabilities.xml": ("/run/libvirt/libvirt-sock", "/run/libvirt/virtqemud-sock"),
}
PROCESSES = "processes.txt"
_CONFIG_ARG = re.compile(r"--config-file(?:=|\s+)([^\s\]'\"]+)")
CONFIG_SUFFIXES = (".conf", ".ini")
MAX_PROCESS_CONFIGS = 64
NOVA_CONFS = ("/etc/kolla/nova-compute/nova.conf", "/etc/nova/nova.conf")
DEFAULT_INSTANCES_PATH = "/var/lib/nova/instances"
HWMON_CLASS = "/sys/class/hwmon"
_SENSOR = re.compile(r"^(name|(temp|fan|in)\d+_(input|label|max|crit))$")

# option names whose values are secrets (oslo.config files); paths to key files are not
_SECRET_OPTION = re.compile(
    r"(password|passwd|secret|token|credential|passphrase|^kek$|^key$|_key$|^login$|"
    r"^fixed_key$|^connection$|^transport_url$)",
    re.IGNORECASE,
)
_NOT_SECRET = re.compile(
    r"(_file|_path|_dir|_type|_size|_length|_expiration|_ttl|_plugins?|_stores?)$", re.I
)
_OPTION_LINE = re.compile(r"^(\s*)([A-Za-z0-9_.\-]+)(\s*=\s*)(.*?)(\s*)$")
# user:password@ in URLs, also after a comma in multi-host transport URLs
_URL_PASSWORD = re.compile(r"((?://|,)[^:/@,\s]*):[^@\s]*?@")
REDACTED = "<redacted>"


def redact_url(value: str) -> str:
    return _URL_PASSWORD.sub(lambda m: m.group(1) + ":" + REDACTED + "@", value)


def redact_config(text: str) -> str:
    """Secrets out of an ini/libvirt config: secret options' values, URL passwords anywhere.

    URLs keep everything but the password (the checks read their scheme, host and query);
    other secret values become ``<redacted>`` (the checks only ask whether they are set)."""
    out = []
    for line in text.splitlines():
        m = _OPTION_LINE.match(line)
        if m and not line.lstrip().startswith(("#", ";", "[")):
            indent, name, eq, value, tail = m.groups()
            if "://" in value:
                value = redact_url(value)
            elif _SECRET_OPTION.search(name) and not _NOT_SECRET.search(name) and value:
                value = REDACTED
            line = indent + name + eq + value + tail
        elif "://" in line:
            line = redact_url(line)
        out.append(line)
    return "\n".join(out) + ("\n" if text.endswith("\n") else "")


class Archive:
    """A .tar.gz written member by member, every name relative (``proc/cpuinfo``)."""

    def __init__(self, path: str) -> None:
        self.tar = tarfile.open(path, "w:gz")  # noqa: SIM115 (closed by close())
        self.dirs: set[str] = set()
        self.now = int(time.time())

    def _parents(self, name: str) -> None:
        parts = name.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            d = "/".join(parts[:i])
            if d and d not in self.dirs:
                self.dirs.add(d)
                info = tarfile.TarInfo(d)
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                info.mtime = self.now
                self.tar.addfile(info)

    def add_bytes(self, name: str, data: bytes) -> None:
        name = name.lstrip("/")
        self._parents(name)
        info = tarfile.TarInfo(name)
        info.size = len(data)
        info.mode = 0o644
        info.mtime = self.now
        self.tar.addfile(info, io.BytesIO(data))

    def add_dir(self, name: str) -> None:
        name = name.lstrip("/").rstrip("/")
        self._parents(name + "/x")

    def add_symlink(self, name: str, target: str) -> None:
        name = name.lstrip("/")
        self._parents(name)
        info = tarfile.TarInfo(name)
        info.type = tarfile.SYMTYPE
        info.linkname = target
        info.mtime = self.now
        self.tar.addfile(info)

    def close(self) -> None:
        self.tar.close()


class Collector:
    def __init__(self, root: str, archive: Archive) -> None:
        self.root = os.path.abspath(root)
        self.live = os.path.realpath(self.root) == "/"
        self.archive = archive
        self.errors: dict[str, str] = {}
        self.commands: dict[str, str] = {}
        self.files = 0

    def host(self, absolute: str) -> str:
        return os.path.join(self.root, absolute.lstrip("/"))

    def inside(self, real: str) -> str | None:
        """A real path under the root, as the absolute path on the node (None: outside)."""
        base = os.path.realpath(self.root)
        if base == "/":
            return real
        if real == base:
            return "/"
        if real.startswith(base + "/"):
            return "/" + os.path.relpath(real, base)
        return None

    def read(self, absolute: str, record_error: bool = True) -> bytes | None:
        path = self.host(absolute)
        if not os.path.lexists(path):
            return None
        try:
            if os.path.isdir(path):
                raise IsADirectoryError(21, "Is a directory")
            with open(path, "rb") as fh:
                return fh.read(MAX_FILE_BYTES)
        except OSError as exc:
            if record_error:
                self.errors[absolute] = exc.strerror or type(exc).__name__
            return None

    def file(self, absolute: str, redact: bool = False) -> bytes | None:
        data = self.read(absolute)
        if data is None:
            return None
        if redact:
            data = redact_config(data.decode("utf-8", "replace")).encode("utf-8")
        self.archive.add_bytes(absolute, data)
        self.files += 1
        return data

    def exists(self, absolute: str) -> None:
        path = self.host(absolute)
        if os.path.isdir(path):
            self.archive.add_dir(absolute)
        elif os.path.lexists(path):
            self.archive.add_bytes(absolute, b"")

    def command(self, name: str, argv: list[str]) -> None:
        if not self.live:
            for suffix in ("", ".error"):
                data = self.read(f"/{COMMANDS_DIR}/{name}{suffix}", record_error=False)
                if data is not None:
                    self.archive.add_bytes(f"{COMMANDS_DIR}/{name}{suffix}", data)
                    self.commands[name] = "recorded"
            return
        sockets = NEEDS_SOCKET.get(name)
        if sockets and not any(os.path.exists(p) for p in sockets):
            self.commands[name] = "no daemon"
            return
        try:
            proc = subprocess.run(
                argv,
                capture_output=True,
                timeout=COMMAND_TIMEOUT_S,
                check=False,
                env=dict(os.environ, LC_ALL="C"),
            )
        except FileNotFoundError:
            self.commands[name] = "not installed"
            return
        except (OSError, subprocess.TimeoutExpired) as exc:
            self.archive.add_bytes(f"{COMMANDS_DIR}/{name}.error", f"{argv[0]}: {exc}".encode())
            self.commands[name] = "error"
            return
        if proc.returncode == 0:
            self.archive.add_bytes(f"{COMMANDS_DIR}/{name}", proc.stdout[:MAX_FILE_BYTES])
            self.commands[name] = "ok"
        else:
            text = (proc.stderr or proc.stdout).decode("utf-8", "replace")
            reason = " ".join(text.split())[:500] or f"exit status {proc.returncode}"
            self.archive.add_bytes(f"{COMMANDS_DIR}/{name}.error", f"{argv[0]}: {reason}".encode())
            self.commands[name] = "error"

    def processes(self) -> None:
        if not self.live:
            data = self.read(f"/{COMMANDS_DIR}/{PROCESSES}", record_error=False)
            if data is not None:
                self.archive.add_bytes(f"{COMMANDS_DIR}/{PROCESSES}", data)
                self.process_configs(data.decode("utf-8", "replace").splitlines())
            return
        lines = []
        for pid in sorted(os.listdir("/proc")):
            if not pid.isdigit():
                continue
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as fh:
                    raw = fh.read(4096)
            except OSError:
                continue
            if raw:
                # arguments may hold secrets (a password on a command line): keep the program
                # and its options' names, drop every value that looks like a URL with userinfo
                text = raw.replace(b"\0", b" ").decode("utf-8", "replace").strip()
                lines.append(redact_url(text))
        self.archive.add_bytes(f"{COMMANDS_DIR}/{PROCESSES}", ("\n".join(lines) + "\n").encode())
        self.process_configs(lines)

    def process_configs(self, lines: list[str]) -> None:
        """The ``--config-file`` of running services (a packaged or hand-made install that
        keeps them elsewhere than /etc/<project>/), redacted like the others."""
        seen = set(CONFIGS)
        for line in lines:
            for path in _CONFIG_ARG.findall(line):
                if path.startswith("/") and path.endswith(CONFIG_SUFFIXES) and path not in seen:
                    seen.add(path)
                    if len(seen) - len(CONFIGS) > MAX_PROCESS_CONFIGS:
                        return
                    self.file(path, redact=True)

    def block(self) -> None:
        base = self.host("/sys/block")
        try:
            names = sorted(os.listdir(base))
        except OSError:
            return
        for name in names:
            self.archive.add_dir(f"/sys/block/{name}")
            for sub in ("queue/rotational", "dm/uuid"):
                data = self.read(f"/sys/block/{name}/{sub}", record_error=False)
                if data is not None:
                    self.archive.add_bytes(f"/sys/block/{name}/{sub}", data)

    def _sensor_dir(self, absolute: str) -> None:
        path = self.host(absolute)
        try:
            entries = sorted(os.listdir(path))
        except OSError:
            return
        for entry in entries:
            if _SENSOR.match(entry) and os.path.isfile(os.path.join(path, entry)):
                data = self.read(f"{absolute}/{entry}", record_error=False)
                if data is not None:  # a sleeping disk's sensor answers ENODATA: left out
                    self.archive.add_bytes(f"{absolute}/{entry}", data)

    def _link(self, absolute: str) -> str | None:
        """Record a symlink as it is; return its target as a node path (None: not a link)."""
        path = self.host(absolute)
        if not os.path.islink(path):
            return None
        self.archive.add_symlink(absolute, os.readlink(path))
        return self.inside(os.path.realpath(path))

    def hwmon(self) -> None:
        try:
            entries = sorted(os.listdir(self.host(HWMON_CLASS)))
        except OSError:
            return
        self.archive.add_dir(HWMON_CLASS)
        for entry in entries:
            link = f"{HWMON_CLASS}/{entry}"
            chip = self._link(link) or link
            self._sensor_dir(chip)
            device = self._link(f"{chip}/device")
            if device is None:
                continue
            self._sensor_dir(device)
            dev_path = self.host(device)
            block = os.path.join(dev_path, "block")
            if os.path.isdir(block):
                for disk in sorted(os.listdir(block)):
                    self.archive.add_dir(f"{device}/block/{disk}")
            try:
                for sub in sorted(os.listdir(dev_path)):
                    if re.fullmatch(re.escape(os.path.basename(device)) + r"n\d+", sub):
                        self.archive.add_dir(f"{device}/{sub}")
            except OSError:
                pass

    def instances_path(self) -> None:
        path = DEFAULT_INSTANCES_PATH
        for conf in NOVA_CONFS:
            data = self.read(conf, record_error=False)
            if data is None:
                continue
            section = ""
            for line in data.decode("utf-8", "replace").splitlines():
                s = line.strip()
                if s.startswith("["):
                    section = s.strip("[]").strip()
                elif section == "DEFAULT" and re.match(r"instances[_-]path\s*=", s):
                    path = s.split("=", 1)[1].strip() or path
            break
        self.exists(path)

    def run(self) -> dict[str, object]:
        for path in FILES:
            self.file(path)
        for path in EXISTS:
            self.exists(path)
        for path in CONFIGS:
            self.file(path, redact=True)
        for name, argv in COMMANDS.items():
            self.command(name, argv)
        self.processes()
        self.block()
        self.hwmon()
        self.instances_path()
        summary: dict[str, object] = {
            "collector": VERSION,
            "node": socket.gethostname(),
            "root": self.root,
            "collected_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "python": ".".join(str(v) for v in sys.version_info[:3]),
            "files": self.files,
            "commands": self.commands,
            "errors": self.errors,
        }
        data = json.dumps(summary, indent=2, sort_keys=True).encode("utf-8")
        self.archive.add_bytes(MANIFEST, data)
        return summary


def collect(output: str, root: str = "/") -> dict[str, object]:
    """Write the archive to ``output`` (atomically: a temp file renamed) and return the summary."""
    if not os.path.isdir(root):
        raise ValueError(f"--root {root}: not a directory")
    tmp = f"{output}.part"
    archive = Archive(tmp)
    try:
        summary = Collector(root, archive).run()
        archive.close()
        os.replace(tmp, output)
    except BaseException:
        archive.close()
        if os.path.exists(tmp):
            os.unlink(tmp)  # never a half-written archive
        raise
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="collect what scs-iaas host check reads")
    parser.add_argument("-o", "--output", required=True, help="the .tar.gz to write")
    parser.add_argument("--root", default="/", help="collect from this tree (default: /)")
    args = parser.parse_args(argv)
    try:
        summary = collect(args.output, args.root)
    except (OSError, ValueError) as exc:
        print(f"collect: error: {exc}", file=sys.stderr)
        return 2
    errors = summary["errors"]
    print(f"wrote {args.output}: {summary['files']} files, {len(errors)} unreadable")  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
