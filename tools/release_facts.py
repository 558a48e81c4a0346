#!/usr/bin/env python3
"""The release facts of ``scs_iaas/upgrade/releases.py``, read from the packages themselves.

A maintainer's tool (not run by the tests or CI). For each OpenStack series asked for it
downloads the service sdists from PyPI (JSON API, sha256 checked, cached) and prints what the
release tables hold:

* package → series: the package version the series ships (its major is ``PACKAGE_MAJOR`` of
  releases.py) and the series the sdist itself names (the newest ``releasenotes/source/<series>.rst``
  it carries is the series before it);
* API maxima: nova's and cinder's ``_MAX_API_VERSION`` (``api_version_request.py``), the last entry
  of placement's ``VERSIONS`` (``microversion.py``), keystone's ``v3.N`` (``api/discovery.py``), and
  the "(Maximum in …)" notes of nova's and cinder's ``rest_api_version_history.rst``;
* Glance: the version ids ``glance/api/versions.py`` answers with the image cache on and off, for
  the first and the newest point release of the series;
* Neutron: every API extension alias ``neutron/extensions/*.py`` can expose (resolved through the
  neutron-lib api definitions of the neutron-lib that was current when the series was released).

Then it compares the facts with the tables and prints every difference. With more than one
series, it also prints, for each alias of ``NEUTRON_MARKERS``, the first series whose neutron has
it. Adding a release is: add it to ``RELEASES``/``PACKAGE_MAJOR`` and run

    .venv/bin/python tools/release_facts.py 2027.1

then copy the printed values into the tables and review the diff.
Exit 0: everything agrees; 1: differences were printed; 2: the tool could not run.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import io
import json
import re
import sys
import tarfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urljoin

import requests
from packaging.version import InvalidVersion, Version

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scs_iaas.errors import InputError
from scs_iaas.upgrade import releases as rel

PYPI = "https://pypi.org/pypi/{name}/json"
CACHE = Path.home() / ".cache" / "scs-iaas" / "release-facts"
TIMEOUT = 60


class ToolError(Exception):
    """One line for the user, exit 2."""


# ---------------------------------------------------------------------------------------------
# PyPI


@dataclass(frozen=True)
class Dist:
    name: str
    version: str
    url: str
    sha256: str
    uploaded: str  # ISO time of the upload


_INDEX: dict[str, dict[str, Any]] = {}


def pypi_index(name: str) -> dict[str, Any]:
    if name not in _INDEX:
        url = PYPI.format(name=name)
        try:
            resp = requests.get(url, timeout=TIMEOUT)
        except requests.RequestException as exc:
            raise ToolError(f"GET {url}: {exc}") from None
        if resp.status_code != 200:
            raise ToolError(f"GET {url}: HTTP {resp.status_code}")
        _INDEX[name] = resp.json()
    return _INDEX[name]


def sdists(name: str, *, pre: bool = False) -> list[Dist]:
    """Every sdist of ``name`` on PyPI, oldest version first (pre-releases only with ``pre``)."""
    index = pypi_index(name)
    out: list[tuple[Version, Dist]] = []
    for text, files in index["releases"].items():
        try:
            v = Version(text)
        except InvalidVersion:
            continue
        if v.is_prerelease and not pre:
            continue
        for f in files:
            if f.get("packagetype") == "sdist" and not f.get("yanked"):
                url = urljoin(PYPI.format(name=name), f["url"])
                dist = Dist(name, text, url, f["digests"]["sha256"], f["upload_time"])
                out.append((v, dist))
                break
    return [d for _, d in sorted(out, key=lambda p: p[0])]


def download(dist: Dist) -> bytes:
    path = CACHE / f"{dist.name}-{dist.version}.tar.gz"
    if path.is_file():
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() == dist.sha256:
            return data
    try:
        resp = requests.get(dist.url, timeout=TIMEOUT * 5)
    except requests.RequestException as exc:
        raise ToolError(f"GET {dist.url}: {exc}") from None
    if resp.status_code != 200:
        raise ToolError(f"GET {dist.url}: HTTP {resp.status_code}")
    data = resp.content
    if hashlib.sha256(data).hexdigest() != dist.sha256:
        raise ToolError(f"{dist.name} {dist.version}: sha256 of the download does not match PyPI")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return data


class Sdist:
    """The text files of one sdist, by path below its top directory."""

    def __init__(self, dist: Dist) -> None:
        self.dist = dist
        self.files: dict[str, str] = {}
        with tarfile.open(fileobj=io.BytesIO(download(dist)), mode="r:gz") as tar:
            for m in tar.getmembers():
                if not m.isfile():
                    continue
                parts = PurePosixPath(m.name).parts[1:]
                path = "/".join(parts)
                if path.endswith((".py", ".rst", ".txt")):
                    fh = tar.extractfile(m)
                    if fh is not None:
                        self.files[path] = fh.read().decode("utf-8", "replace")

    def get(self, path: str) -> str:
        if path not in self.files:
            raise ToolError(f"{self.dist.name} {self.dist.version}: no {path}")
        return self.files[path]

    def label(self) -> str:
        return f"{self.dist.name} {self.dist.version}"


def series_dists(package: str, release: rel.Release, *, pre: bool) -> list[Dist]:
    major = rel.package_major(package, release)
    return [d for d in sdists(package, pre=pre) if Version(d.version).major == major]


# ---------------------------------------------------------------------------------------------
# facts from the sources


def named_series(sd: Sdist) -> str | None:
    """The series a service sdist belongs to: the one after the newest release-notes page."""
    keys = ["ussuri", "victoria", *(r.key for r in rel.RELEASES)]
    names = {PurePosixPath(p).stem for p in sd.files if p.startswith("releasenotes/source/")}
    known = [k for k in keys if k in names]
    if not known:
        return None
    nxt = keys.index(known[-1]) + 1
    return keys[nxt] if nxt < len(keys) else f"after {known[-1]}"


def max_api_constant(sd: Sdist, path: str) -> str:
    m = re.search(r"^_MAX_API_VERSION\s*=\s*['\"]([\d.]+)['\"]", sd.get(path), re.M)
    if not m:
        raise ToolError(f"{sd.label()}: no _MAX_API_VERSION in {path}")
    return m.group(1)


def maximum_notes(sd: Sdist, path: str) -> dict[str, str]:
    """``(Maximum in 2025.1 Epoxy and 2025.2 Flamingo)`` headings: series key → version."""
    out: dict[str, str] = {}
    for m in re.finditer(r"^(\d+\.\d+) \(Maximum in ([^)]*)\)", sd.get(path), re.M):
        for r in rel.RELEASES:
            words = re.split(r"[\s,]+", m.group(2).lower())
            if r.key in words or r.name.lower() in words:
                out[r.key] = m.group(1)
    return out


def placement_max(sd: Sdist) -> str:
    tree = ast.parse(sd.get("placement/microversion.py"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "VERSIONS" for t in node.targets
        ):
            values = [
                e.value for e in getattr(node.value, "elts", []) if isinstance(e, ast.Constant)
            ]
            if values:
                return str(values[-1])
    raise ToolError(f"{sd.label()}: no VERSIONS list in placement/microversion.py")


def keystone_version(sd: Sdist) -> str:
    found: list[str] = re.findall(r"['\"]v(3\.\d+)['\"]", sd.get("keystone/api/discovery.py"))
    if not found:
        raise ToolError(f"{sd.label()}: no 'v3.N' in keystone/api/discovery.py")
    return max(found, key=lambda v: tuple(int(x) for x in v.split(".")))


def glance_versions(sd: Sdist) -> dict[str, list[str]]:
    """Version ids glance's ``index`` answers, per image-cache and multi-store setting."""
    src = sd.get("glance/api/versions.py")
    tree = ast.parse(src)
    index = next(
        (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "index"), None
    )
    if index is None:
        raise ToolError(f"{sd.label()}: no index() in glance/api/versions.py")
    out: dict[str, list[str]] = {}
    for cache in (True, False):
        for stores in (True, False):
            conf = {"image_cache_dir": cache, "enabled_backends": stores}
            found: list[str] = []
            _glance_walk(index.body, conf, src, found, sd.label())
            name = f"cache {'on' if cache else 'off'}, multi-store {'on' if stores else 'off'}"
            out[name] = found
    return out


def _glance_test(node: ast.expr, conf: dict[str, bool], where: str) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return not _glance_test(node.operand, conf, where)
    if isinstance(node, ast.Attribute) and node.attr in conf:
        return conf[node.attr]
    raise ToolError(f"{where}: glance/api/versions.py: cannot read condition {ast.dump(node)}")


def _glance_walk(
    body: list[ast.stmt], conf: dict[str, bool], src: str, out: list[str], where: str
) -> None:
    for stmt in body:
        if isinstance(stmt, ast.If):
            branch = stmt.body if _glance_test(stmt.test, conf, where) else stmt.orelse
            _glance_walk(branch, conf, src, out, where)
            continue
        for node in ast.walk(stmt):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "build_version_object"
                and node.args
            ):
                text = ast.get_source_segment(src, node.args[0]) or ""
                out.append(text.strip("'\""))


def _ver(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.split("."))


# --- neutron: aliases of neutron/extensions/*.py, resolved through neutron-lib ----------------


class Resolver:
    """Static resolution of ``ALIAS``-like constants across neutron and neutron-lib modules."""

    def __init__(self, *trees: Sdist) -> None:
        self.modules: dict[str, str] = {}  # dotted module name -> source
        self._trees: dict[str, ast.Module] = {}
        for sd in trees:
            for path, text in sd.files.items():
                if path.endswith(".py") and "/tests/" not in path and "/" in path:
                    mod = path[:-3].replace("/", ".").removesuffix(".__init__")
                    self.modules[mod] = text

    def tree(self, mod: str) -> ast.Module:
        if mod not in self._trees:
            self._trees[mod] = _parse(self.modules[mod])
        return self._trees[mod]

    def imports(self, mod: str) -> dict[str, tuple[str, str | None]]:
        """Local name → (module, attribute or None) for the module's top-level imports."""
        tree = self.tree(mod)
        out: dict[str, tuple[str, str | None]] = {}
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for a in node.names:
                    sub = f"{node.module}.{a.name}"
                    target = (sub, None) if sub in self.modules else (node.module, a.name)
                    out[a.asname or a.name] = target
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if a.asname:
                        out[a.asname] = (a.name, None)
        return out

    def value(self, mod: str, expr: ast.expr, depth: int = 0) -> str | None:
        if depth > 8:
            return None
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return expr.value
        if isinstance(expr, ast.Name):
            return self.name(mod, expr.id, depth + 1)
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
            left = self.value(mod, expr.left, depth + 1)
            right = self.value(mod, expr.right, depth + 1)
            return left + right if left is not None and right is not None else None
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
            target = self.imports(mod).get(expr.value.id)
            if target and target[1] is None and target[0] in self.modules:
                return self.name(target[0], expr.attr, depth + 1)
        return None

    def name(self, mod: str, name: str, depth: int = 0) -> str | None:
        if mod not in self.modules:
            return None
        tree = self.tree(mod)
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in node.targets
            ):
                return self.value(mod, node.value, depth)
        target = self.imports(mod).get(name)
        if target and target[1] is not None:
            return self.name(target[0], target[1], depth + 1)
        return None

    def module_of(self, mod: str, expr: ast.expr) -> str | None:
        if isinstance(expr, ast.Name):
            target = self.imports(mod).get(expr.id)
            if target and target[1] is None:
                return target[0]
        return None


def _parse(text: str) -> ast.Module:
    try:
        return ast.parse(text)
    except SyntaxError:
        return ast.Module(body=[], type_ignores=[])


def neutron_aliases(neutron: Sdist, lib: Sdist) -> tuple[dict[str, str], list[str]]:
    """Aliases the extension descriptors of ``neutron/extensions`` expose (alias -> file), and
    the files whose alias could not be read."""
    res = Resolver(neutron, lib)
    aliases: dict[str, str] = {}
    unread: list[str] = []
    for path in sorted(neutron.files):
        if not re.fullmatch(r"neutron/extensions/[a-z0-9_]+\.py", path) or "__init__" in path:
            continue
        mod = path[:-3].replace("/", ".")
        tree = res.tree(mod)
        found: set[str] = set()
        for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
            for item in cls.body:
                if isinstance(item, ast.FunctionDef) and item.name == "get_alias":
                    ret = next((n for n in ast.walk(item) if isinstance(n, ast.Return)), None)
                    val = res.value(mod, ret.value) if ret and ret.value else None
                    if val:
                        found.add(val)
                elif isinstance(item, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == "api_definition" for t in item.targets
                ):
                    apimod = res.module_of(mod, item.value)
                    val = res.name(apimod, "ALIAS") if apimod else None
                    if val:
                        found.add(val)
        has_descriptor = any(
            isinstance(n, ast.ClassDef)
            and any("ExtensionDescriptor" in ast.unparse(b) for b in n.bases)
            for n in tree.body
        )
        if found:
            aliases.update(dict.fromkeys(found, path))
        elif has_descriptor:
            unread.append(path)
    return aliases, unread


def lib_aliases(lib: Sdist) -> set[str]:
    out: set[str] = set()
    for path, text in lib.files.items():
        if path.startswith("neutron_lib/api/definitions/"):
            m = re.search(r"^ALIAS\s*=\s*['\"]([^'\"]+)['\"]", text, re.M)
            if m:
                out.add(m.group(1))
    return out


def neutron_lib_for(neutron_first: Dist, neutron: Sdist) -> Dist:
    """The newest neutron-lib on PyPI when the series' first neutron was uploaded, at least the
    minimum neutron's requirements.txt asks for."""
    req = re.search(r"^neutron-lib>=([\d.]+)", neutron.get("requirements.txt"), re.M)
    floor = Version(req.group(1)) if req else Version("0")
    libs = [
        d
        for d in sdists("neutron-lib")
        if d.uploaded <= neutron_first.uploaded and Version(d.version) >= floor
    ]
    if not libs:
        libs = [d for d in sdists("neutron-lib") if Version(d.version) >= floor][:1]
    if not libs:
        raise ToolError(f"no neutron-lib >= {floor} on PyPI")
    return libs[-1]


# ---------------------------------------------------------------------------------------------
# one series


@dataclass
class Facts:
    release: rel.Release
    packages: dict[str, str] = field(default_factory=dict)  # package -> "first … newest"
    named: dict[str, str | None] = field(default_factory=dict)  # package -> series it names
    missing: list[str] = field(default_factory=list)  # packages with no release on PyPI
    nova: str | None = None
    cinder: str | None = None
    placement: str | None = None
    keystone: str | None = None
    notes: dict[str, dict[str, str]] = field(default_factory=dict)  # nova/cinder history notes
    glance: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # version -> setting
    neutron_lib: str | None = None
    aliases: dict[str, str] = field(default_factory=dict)  # alias -> neutron/extensions file
    neutron: str | None = None  # the neutron version the aliases are from
    unread: list[str] = field(default_factory=list)
    lib_only: set[str] = field(default_factory=set)


def gather(release: rel.Release, *, pre: bool, log: Any) -> Facts:
    facts = Facts(release)
    loaded: dict[str, Sdist] = {}
    first: dict[str, Dist] = {}
    for package in rel.PACKAGE_MAJOR:
        dists = series_dists(package, release, pre=pre)
        if not dists:
            facts.missing.append(package)
            continue
        first[package] = dists[0]
        shown = dists[0].version if len(dists) == 1 else f"{dists[0].version} … {dists[-1].version}"
        facts.packages[package] = shown
        log(f"  {package} {dists[-1].version}")
        loaded[package] = Sdist(dists[-1])
        facts.named[package] = named_series(loaded[package])
        if package == "glance":
            for d in {dists[0].version: dists[0], dists[-1].version: dists[-1]}.values():
                sd = loaded[package] if d is dists[-1] else Sdist(d)
                facts.glance[d.version] = glance_versions(sd)
    if "nova" in loaded:
        facts.nova = max_api_constant(loaded["nova"], "nova/api/openstack/api_version_request.py")
        facts.notes["nova"] = maximum_notes(
            loaded["nova"], "nova/api/openstack/compute/rest_api_version_history.rst"
        )
    if "cinder" in loaded:
        facts.cinder = max_api_constant(
            loaded["cinder"], "cinder/api/openstack/api_version_request.py"
        )
        facts.notes["cinder"] = maximum_notes(
            loaded["cinder"], "cinder/api/openstack/rest_api_version_history.rst"
        )
    if "openstack-placement" in loaded:
        facts.placement = placement_max(loaded["openstack-placement"])
    if "keystone" in loaded:
        facts.keystone = keystone_version(loaded["keystone"])
    if "neutron" in loaded:
        lib_dist = neutron_lib_for(first["neutron"], loaded["neutron"])
        log(f"  neutron-lib {lib_dist.version}")
        lib = Sdist(lib_dist)
        facts.neutron_lib = lib_dist.version
        facts.aliases, facts.unread = neutron_aliases(loaded["neutron"], lib)
        facts.lib_only = lib_aliases(lib) - set(facts.aliases)
        facts.neutron = loaded["neutron"].dist.version
    return facts


# ---------------------------------------------------------------------------------------------
# printing and comparing


def report(facts: Facts, out: list[str], diffs: list[str]) -> None:
    r = facts.release
    out.append(f"== {r.label}" + (" (in development)" if r.development else ""))
    for package in rel.PACKAGE_MAJOR:
        if package in facts.missing:
            out.append(f"  {package} {rel.package_major(package, r)}.x: no release on PyPI")
            continue
        named = facts.named.get(package)
        flag = "" if named == r.key else f"  <-- the sdist's release notes say {named}"
        out.append(f"  {package} {facts.packages[package]} (names series {named}){flag}")
        if named != r.key:
            diffs.append(f"{r.short}: {package} {facts.packages[package]} names series {named}")
    if facts.missing and not r.development:
        diffs.append(f"{r.short}: no release on PyPI of {', '.join(facts.missing)}")

    def compare(what: str, value: str | None, table: dict[str, str], src: str) -> None:
        if value is None:
            return
        have = table.get(r.key)
        ok = "agrees" if have == value else f"TABLE SAYS {have}"
        out.append(f"  {what}: {value}   ({src}; releases.py {ok})")
        if have != value:
            diffs.append(f"{r.short}: {what} is {value}, releases.py has {have}")

    compare(
        "nova max microversion",
        facts.nova,
        rel.NOVA_MAX_MICROVERSION,
        "nova/api/openstack/api_version_request.py",
    )
    compare(
        "cinder max microversion",
        facts.cinder,
        rel.CINDER_MAX_MICROVERSION,
        "cinder/api/openstack/api_version_request.py",
    )
    compare(
        "placement max microversion",
        facts.placement,
        rel.PLACEMENT_MAX_MICROVERSION,
        "placement/microversion.py",
    )
    compare("keystone API version", facts.keystone, rel.KEYSTONE_VERSION, "api/discovery.py")
    for service, notes in facts.notes.items():
        table = rel.NOVA_MAX_MICROVERSION if service == "nova" else rel.CINDER_MAX_MICROVERSION
        for key, value in notes.items():
            if table.get(key) not in (None, value):
                diffs.append(
                    f"{service} rest_api_version_history.rst: maximum in {key} is {value}, "
                    f"releases.py has {table.get(key)}"
                )
        if notes:
            shown = ", ".join(f"{k} {v}" for k, v in notes.items())
            out.append(f"  {service} history notes: {shown}")
    if facts.glance:
        seen: set[str] = set()
        for version, settings in facts.glance.items():
            parts = []
            for setting, ids in settings.items():
                top = max(ids, key=_ver)
                seen.add(top)
                parts.append(f"{setting}: max {top}")
            out.append(f"  glance {version} (glance/api/versions.py): {'; '.join(parts)}")
        have = set(rel.GLANCE_MAX_API.get(r.key, ()))
        if have != seen:
            diffs.append(
                f"{r.short}: glance reports {sorted(seen, key=_ver)}, "
                f"releases.py GLANCE_MAX_API has {sorted(have, key=_ver)}"
            )
        else:
            out.append(f"  glance maxima {sorted(seen, key=_ver)}: releases.py agrees")
    if facts.neutron_lib:
        out.append(
            f"  neutron: {len(facts.aliases)} extension aliases (neutron/extensions, resolved "
            f"with neutron-lib {facts.neutron_lib})"
        )
        if facts.unread:
            out.append(f"  neutron: could not read the alias of {', '.join(facts.unread)}")


def first_seen(all_facts: list[Facts], out: list[str], diffs: list[str]) -> None:
    """For each marker alias: the first series (of those gathered) whose neutron has it."""
    gathered = [f for f in all_facts if f.neutron_lib]
    if len(gathered) < 2:
        return
    idx = [rel.index(f.release) for f in gathered]
    if idx != list(range(idx[0], idx[0] + len(idx))):
        out.append("== neutron markers: not dated (give consecutive series, e.g. `all`)")
        return
    out.append("== neutron markers: first series with the alias (of the series gathered)")
    for m in sorted(rel.NEUTRON_MARKERS, key=lambda m: (rel.index(rel.by_key(m.since)), m.what)):
        first = next((f.release for f in gathered if m.what in f.aliases), None)
        if first is None:
            line = "in none of them"
        else:
            f = next(f for f in gathered if f.release == first)
            line = f"{first.short} (neutron {f.neutron} {f.aliases[m.what]})"
            if first == gathered[0].release:
                line = f"already in {line}, the oldest gathered"
        unknown_before = first is not None and first == gathered[0].release
        agree = first is not None and (
            first.key == m.since
            or (unknown_before and rel.index(rel.by_key(m.since)) <= rel.index(first))
        )
        out.append(f"  {m.what}: {line}   (releases.py: {m.since}{'' if agree else ' DIFFERS'})")
        if not agree:
            diffs.append(f"neutron marker {m.what}: first in {line}, releases.py says {m.since}")
        elif first is not None:
            path = next(f for f in gathered if f.release == first).aliases[m.what]
            if not m.source.endswith(" " + path):
                diffs.append(f"neutron marker {m.what}: defined in {path}, releases.py: {m.source}")
    exposed = set().union(*(set(f.aliases) for f in gathered))
    never = sorted(set().union(*(f.lib_only for f in gathered)) - exposed)
    if never:
        out.append(
            f"  defined in neutron-lib, exposed by none of these neutrons: {', '.join(never)}"
        )
    newest = gathered[-1]
    older = set().union(*(set(f.aliases) for f in gathered[:-1]))
    new = sorted(set(newest.aliases) - older)
    if new:
        out.append(f"  new in {newest.release.short}: {', '.join(new)}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("releases", nargs="+", metavar="RELEASE", help="2026.2, hibiscus, … or all")
    ap.add_argument("--pre", action="store_true", help="also use pre-releases (rc, beta)")
    ap.add_argument("--json", action="store_true", help="print the facts as JSON")
    args = ap.parse_args(argv)

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    try:
        if args.releases == ["all"]:
            wanted = list(rel.RELEASES)
        else:
            wanted = sorted({rel.parse_release(t) for t in args.releases}, key=rel.index)
        gathered = []
        for r in wanted:
            log(f"{r.label}:")
            gathered.append(gather(r, pre=args.pre, log=log))
    except (ToolError, InputError, tarfile.TarError, OSError) as exc:
        print(f"release_facts: {exc}", file=sys.stderr)
        return 2
    out: list[str] = []
    diffs: list[str] = []
    for facts in gathered:
        report(facts, out, diffs)
    first_seen(gathered, out, diffs)
    if args.json:
        doc = [
            {
                "release": f.release.short,
                "packages": f.packages,
                "named_series": f.named,
                "missing": f.missing,
                "nova": f.nova,
                "cinder": f.cinder,
                "placement": f.placement,
                "keystone": f.keystone,
                "glance": f.glance,
                "neutron_lib": f.neutron_lib,
                "neutron": f.neutron,
                "neutron_aliases": dict(sorted(f.aliases.items())),
            }
            for f in gathered
        ]
        print(json.dumps({"facts": doc, "differences": diffs}, indent=2))
    else:
        print("\n".join(out))
        print("== differences from releases.py")
        print("\n".join(f"  {d}" for d in diffs) if diffs else "  none")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
