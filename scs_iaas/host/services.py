"""Which OpenStack services a node runs, and their configuration files in either layout.

Two layouts are known: Kolla (OSISM, the SCS reference deployment) keeps one directory per
container, ``/etc/kolla/<container>/…``, written only on the nodes that run that container —
so the directory is the evidence that the service runs here. Distribution packages keep
``/etc/<project>/…`` on every node that has the package installed, controller or compute; there
the process list decides (``/proc/<pid>/cmdline`` live, ``_commands/processes.txt`` recorded).
A recorded tree without a process list falls back to "the packaged file is there".

A node judges only the services it runs: a service found neither way is not in the facts.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from scs_iaas.errors import InputError
from scs_iaas.host.ini import IniFile, parse_ini
from scs_iaas.host.libvirtconf import LibvirtConf, parse_libvirt_conf
from scs_iaas.host.root import RECORDED_DIR, HostRoot

KOLLA = "/etc/kolla"
PROCESSES = "processes.txt"  # one command line per line, arguments joined by spaces


@dataclass(frozen=True)
class ServiceSpec:
    """One service: its Kolla container, the processes that are it, its files by role.

    ``files`` maps a role (``conf``, ``ml2``, ``libvirtd``) to (Kolla path, packaged path)."""

    name: str
    processes: str  # regular expression searched in each command line
    files: dict[str, tuple[str, str]]
    kind: str = "ini"  # how the files are parsed: ini (oslo.config) or libvirt
    # a service that runs wherever another does (libvirtd is socket-activated on Debian)
    with_service: str = ""


def _nova(container: str) -> dict[str, tuple[str, str]]:
    return {"conf": (f"{KOLLA}/{container}/nova.conf", "/etc/nova/nova.conf")}


def _cinder(container: str) -> dict[str, tuple[str, str]]:
    return {"conf": (f"{KOLLA}/{container}/cinder.conf", "/etc/cinder/cinder.conf")}


SPECS: tuple[ServiceSpec, ...] = (
    ServiceSpec("nova-api", r"\bnova-api\b", _nova("nova-api")),
    ServiceSpec("nova-conductor", r"\bnova-conductor\b", _nova("nova-conductor")),
    ServiceSpec("nova-compute", r"\bnova-compute\b", _nova("nova-compute")),
    ServiceSpec(
        "nova-libvirt",
        r"\b(libvirtd|virtqemud|virtproxyd)\b",
        {
            "libvirtd": (f"{KOLLA}/nova-libvirt/libvirtd.conf", "/etc/libvirt/libvirtd.conf"),
            "qemu": (f"{KOLLA}/nova-libvirt/qemu.conf", "/etc/libvirt/qemu.conf"),
        },
        kind="libvirt",
        with_service="nova-compute",
    ),
    ServiceSpec(
        "keystone",
        r"\bkeystone\b",
        {"conf": (f"{KOLLA}/keystone/keystone.conf", "/etc/keystone/keystone.conf")},
    ),
    ServiceSpec(
        "glance-api",
        r"\bglance-api\b",
        {"conf": (f"{KOLLA}/glance-api/glance-api.conf", "/etc/glance/glance-api.conf")},
    ),
    ServiceSpec("cinder-api", r"\bcinder-(api|wsgi)\b", _cinder("cinder-api")),
    ServiceSpec("cinder-volume", r"\bcinder-volume\b", _cinder("cinder-volume")),
    ServiceSpec("cinder-backup", r"\bcinder-backup\b", _cinder("cinder-backup")),
    ServiceSpec(
        "neutron-server",
        r"\bneutron-(server|api)\b",
        {
            "conf": (f"{KOLLA}/neutron-server/neutron.conf", "/etc/neutron/neutron.conf"),
            "ml2": (
                f"{KOLLA}/neutron-server/ml2_conf.ini",
                "/etc/neutron/plugins/ml2/ml2_conf.ini",
            ),
        },
    ),
    ServiceSpec(
        "neutron-dhcp-agent",
        r"\bneutron-dhcp-agent\b",
        {
            "dhcp": (
                f"{KOLLA}/neutron-dhcp-agent/dhcp_agent.ini",
                "/etc/neutron/dhcp_agent.ini",
            ),
        },
    ),
    ServiceSpec(
        "placement-api",
        r"\bplacement-api\b",
        {"conf": (f"{KOLLA}/placement-api/placement.conf", "/etc/placement/placement.conf")},
    ),
    ServiceSpec(
        "barbican-api",
        r"\bbarbican-(api|wsgi-api|worker)\b",
        {"conf": (f"{KOLLA}/barbican-api/barbican.conf", "/etc/barbican/barbican.conf")},
    ),
    ServiceSpec(
        "octavia-api",
        r"\boctavia-(api|worker)\b",
        {"conf": (f"{KOLLA}/octavia-api/octavia.conf", "/etc/octavia/octavia.conf")},
    ),
)
BY_NAME = {s.name: s for s in SPECS}


def all_config_paths() -> list[str]:
    """Every file any service may be configured by (the collector's list is pinned to this)."""
    return sorted({path for spec in SPECS for pair in spec.files.values() for path in pair})


@dataclass(frozen=True)
class ServiceConf:
    """One service that runs here, and its files as read.

    ``files[role]`` is the parsed file, or None when it is missing (every option at its
    default); ``errors[role]`` says why a file that is there could not be used."""

    service: str
    layout: str  # kolla | packaged
    evidence: str
    paths: dict[str, str] = field(default_factory=dict)
    files: dict[str, IniFile | LibvirtConf | None] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def ini(self, role: str = "conf") -> IniFile | None:
        f = self.files.get(role)
        return f if isinstance(f, IniFile) else None

    def libvirt(self, role: str) -> LibvirtConf | None:
        f = self.files.get(role)
        return f if isinstance(f, LibvirtConf) else None


@dataclass(frozen=True)
class ServiceFacts:
    services: dict[str, ServiceConf]
    processes_known: bool

    def get(self, name: str) -> ServiceConf | None:
        return self.services.get(name)

    def summary(self) -> dict[str, object]:
        """Plain data for ``-f json`` facts: where each file came from, never a value."""
        return {
            "processes_known": self.processes_known,
            "services": {
                name: {
                    "layout": s.layout,
                    "evidence": s.evidence,
                    "files": {r: s.paths[r] for r in s.paths if s.files.get(r) is not None},
                    "missing": sorted(
                        s.paths[r] for r in s.paths if s.files.get(r) is None and r not in s.errors
                    ),
                    "errors": dict(s.errors),
                }
                for name, s in sorted(self.services.items())
            },
        }


def read_processes(root: HostRoot) -> list[str] | None:
    """Command lines of the running processes, or None when unknown (a tree without a list)."""
    if root.live:
        lines = []
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as fh:
                    raw = fh.read()
            except OSError:
                continue
            if raw:
                lines.append(raw.replace(b"\0", b" ").decode("utf-8", "replace").strip())
        return lines
    recorded = root.path / RECORDED_DIR / PROCESSES
    try:
        return recorded.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None


_CONFIG_ARG = re.compile(r"--config-file(?:=|\s+)([^\s\]'\"]+)")


def config_args(cmdline: str) -> list[str]:
    """The ``--config-file`` arguments of a command line, in order (oslo.config merges them,
    the later file winning)."""
    return _CONFIG_ARG.findall(cmdline)


def _evidence(
    spec: ServiceSpec, root: HostRoot, processes: list[str] | None
) -> tuple[str, str, list[str]] | None:
    """(layout, evidence, --config-file arguments of its process) when the service runs
    here, else None."""
    kolla_dir = os.path.dirname(next(iter(spec.files.values()))[0])
    if root.exists(kolla_dir):
        return "kolla", f"{kolla_dir}/ exists", []
    if processes is not None:
        pattern = re.compile(spec.processes)
        for line in processes:
            m = pattern.search(line)
            if m:
                return "packaged", f"process {m[0]}", config_args(line)
        return None
    for _, packaged in spec.files.values():
        if root.exists(packaged):
            return "packaged", f"{packaged} exists (no process list)", []
    return None


def _paths(spec: ServiceSpec, layout: str, args: list[str]) -> dict[str, list[str]]:
    """The files of each role: Kolla's, or the process's ``--config-file`` arguments (a file
    whose name is a role's packaged name goes to that role, the rest to ``conf``), else the
    packaged defaults."""
    if layout == "kolla":
        return {role: [kolla] for role, (kolla, _) in spec.files.items()}
    by_name = {os.path.basename(pkg): role for role, (_, pkg) in spec.files.items()}
    chosen: dict[str, list[str]] = {}
    for arg in args:
        role = by_name.get(os.path.basename(arg), "conf" if "conf" in spec.files else "")
        if role:
            chosen.setdefault(role, []).append(arg)
    return {role: chosen.get(role) or [pkg] for role, (_, pkg) in spec.files.items()}


def _parse(spec: ServiceSpec, text: str, path: str) -> IniFile | LibvirtConf:
    if spec.kind == "libvirt":
        return parse_libvirt_conf(text, path)
    return parse_ini(text, path)


def read_services(root: HostRoot) -> ServiceFacts:
    processes = read_processes(root)
    found: dict[str, tuple[str, str, list[str]]] = {}
    for spec in SPECS:
        ev = _evidence(spec, root, processes)
        if ev is not None:
            found[spec.name] = ev
    for spec in SPECS:
        if spec.name not in found and spec.with_service in found:
            layout = found[spec.with_service][0]
            found[spec.name] = (layout, f"runs with {spec.with_service}", [])
    services: dict[str, ServiceConf] = {}
    for name, (layout, evidence, args) in found.items():
        spec = BY_NAME[name]
        paths: dict[str, str] = {}
        files: dict[str, IniFile | LibvirtConf | None] = {}
        errors: dict[str, str] = {}
        for role, role_paths in _paths(spec, layout, args).items():
            paths[role] = " + ".join(role_paths)
            parsed: list[IniFile | LibvirtConf] = []
            for path in role_paths:
                text, error = root.read_checked(path)
                if error is not None:
                    errors[role] = f"{path}: cannot be read ({error})"
                    break
                try:
                    if text is not None:
                        parsed.append(_parse(spec, text, path))
                except InputError as exc:
                    errors[role] = str(exc)
                    break
            if not parsed and role not in errors and layout == "packaged" and spec.kind == "ini":
                # the service runs but its file is not where the package keeps it: its real
                # configuration is elsewhere, so its defaults would be a guess
                errors[role] = (
                    f"{paths[role]}: not there, and the {spec.name} process names no "
                    "--config-file (its configuration is elsewhere)"
                )
            files[role] = None if role in errors or not parsed else _merge(parsed)
        services[name] = ServiceConf(name, layout, evidence, paths, files, errors)
    return ServiceFacts(services, processes is not None)


def _merge(parsed: list[IniFile | LibvirtConf]) -> IniFile | LibvirtConf:
    """Several ``--config-file``: one view, the later file winning (as oslo.config does)."""
    if len(parsed) == 1:
        return parsed[0]
    path = " + ".join(f.path for f in parsed)
    inis = [f for f in parsed if isinstance(f, IniFile)]
    if inis:
        ini_values: dict[tuple[str, str], str] = {}
        for ini in inis:
            ini_values.update(ini.values)
        return IniFile(path, ini_values)
    conf_values: dict[str, str] = {}
    for f in parsed:
        if isinstance(f, LibvirtConf):
            conf_values.update(f.values)
    return LibvirtConf(path, conf_values)
