"""The certificate scope "SCS-compatible IaaS", read from the official YAML.

The scope is not written down here: it is ``Tests/scs-compatible-iaas.yaml`` of the SCS
standards repository, shipped unmodified as package data (``scope_data/``, with the commit it
came from in ``scope_data/source.yaml``) and parsed by ``parse_scope``; ``check --scope FILE``
parses a newer copy. That file groups test ids into *modules* (one per standard version, plus
``…-rec`` modules with the recommended ids and ``…-manual`` modules with manual checks) and each
module's ids into *targets*; a *version* of the scope includes modules, and only the ``main``
target decides the certificate. The *timeline* says which versions are in force on a day.

``verdict_lines`` prints a version's verdict exactly as ``scs-compliance-check.py`` does for the
same results; ``outside_lines`` shows, apart and labelled, what the certificate does not contain
(recommended ids, ids in no module, draft standards, our own ``scs-iaas-…`` tests).
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from importlib import resources
from typing import Any, Literal

from scs_iaas.errors import InputError
from scs_iaas.model.findings import Finding, Status

TargetVerdictName = Literal["PASS", "FAIL", "TENTATIVE"]

PACKAGED_FILE = "scs-compatible-iaas.yaml"
# the version scs-iaas falls back to before the timeline starts (it knows no older scope)
DEFAULT_VERSION = "v5.1"
# the official result values (scs_cert_lib.TESTCASE_VERDICTS); absent = missing
RESULT_VALUE: Mapping[str, int] = {"PASS": 1, "WARN": 1, "ABORT": 0, "FAIL": -1}


class UnknownVersionError(InputError, ValueError):
    """A scope version name that does not exist; the message lists the valid names."""


class ScopeError(InputError):
    """A scope file that cannot be used; the message names the file and the field."""


_MODULE_ID = re.compile(r"^(?P<standard>scs-\d{4})-(?P<version>v\d+(?:\.\d+)?)")


@dataclass(frozen=True)
class TestCase:
    """One test id of the scope file with its description; ``automated`` is False for the
    manual checks (a script entry without ``executable``)."""

    __test__ = False  # not a pytest test class

    id: str
    description: str = ""
    url: str = ""
    automated: bool = True


@dataclass(frozen=True)
class Module:
    """One module of the scope file: a standard version and its targets (ids in file order)."""

    id: str
    name: str = ""
    url: str = ""
    targets: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    parameters: Mapping[str, str] = field(default_factory=dict)

    @builtins.property
    def standard(self) -> str:
        """``scs-0102`` for ``scs-0102-v1-rec``; the id itself for e.g. ``opc-v2022.11``."""
        m = _MODULE_ID.match(self.id)
        return m.group("standard") if m else self.id

    @builtins.property
    def version(self) -> str:
        """``v1`` for ``scs-0102-v1-rec``, ``v3.1`` for ``scs-0100-v3.1``; "" if none."""
        m = _MODULE_ID.match(self.id)
        return m.group("version") if m else ""

    @builtins.property
    def main(self) -> tuple[str, ...]:
        return self.targets.get("main", ())

    @builtins.property
    def recommended(self) -> tuple[str, ...]:
        return self.targets.get("recommended", ())

    @builtins.property
    def preview(self) -> tuple[str, ...]:
        return self.targets.get("preview", ())

    def target_of(self, test_id: str) -> str | None:
        """The target a test id belongs to in this module, or None if it is not listed."""
        for target, ids in self.targets.items():
            if test_id in ids:
                return target
        return None


@dataclass(frozen=True)
class Include:
    """A module as a version includes it, with the parameters it passes (``image_spec``)."""

    module: Module
    parameters: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Version:
    """A version of the scope: the modules it includes and, merged over them, its targets
    (sorted ids per target, in the order targets first appear, as the official tool does)."""

    name: str
    includes: tuple[Include, ...]
    stabilized_at: date | None = None

    @builtins.property
    def modules(self) -> tuple[Module, ...]:
        return tuple(inc.module for inc in self.includes)

    @builtins.property
    def targets(self) -> dict[str, tuple[str, ...]]:
        merged: dict[str, set[str]] = {}
        for module in self.modules:
            for target, ids in module.targets.items():
                merged.setdefault(target, set()).update(ids)
        return {target: tuple(sorted(ids)) for target, ids in merged.items()}

    def ids(self, target: str = "main") -> tuple[str, ...]:
        """The sorted test ids of one target over all included modules."""
        return self.targets.get(target, ())

    def module(self, module_id: str) -> Module:
        for module in self.modules:
            if module.id == module_id:
                return module
        names = ", ".join(m.id for m in self.modules)
        raise ValueError(f"version {self.name} has no module {module_id!r} (has: {names})")

    def parameter(self, module_id: str, name: str) -> str | None:
        """A parameter the version passes to one of its modules (e.g. ``image_spec``)."""
        for inc in self.includes:
            if inc.module.id == module_id:
                return inc.parameters.get(name)
        return None


@dataclass(frozen=True)
class Scope:
    """The parsed scope file."""

    name: str
    uuid: str
    url: str
    testcases: Mapping[str, TestCase]
    modules: Mapping[str, Module]
    versions: tuple[Version, ...]  # in file order (newest first)
    # (day, {version: status}) newest first; a version an entry does not name is deprecated
    timeline: tuple[tuple[date, Mapping[str, str]], ...]
    variables: tuple[str, ...] = ()
    source: str = ""  # where it was read from, for messages and reports

    def version(self, name: str) -> Version:
        """The version called ``name``; an error naming the valid names otherwise."""
        for v in self.versions:
            if v.name == name:
                return v
        valid = ", ".join(v.name for v in self.versions)
        raise UnknownVersionError(f"unknown {self.name} version {name!r} (valid: {valid})")

    def _entry(self, day: date) -> Mapping[str, str]:
        for since, table in self.timeline:
            if day >= since:
                return table
        return {}

    def status_on(self, name: str, day: date) -> str:
        """effective/warn/draft/deprecated on ``day`` (the official ``annotate_validity``)."""
        self.version(name)
        return self._entry(day).get(name) or "deprecated"

    def valid_on(self, day: date) -> tuple[Version, ...]:
        """The versions the timeline names on ``day`` (any status): what the official tool
        checks and prints when no version is forced, in file order."""
        entry = self._entry(day)
        return tuple(v for v in self.versions if entry.get(v.name))

    def effective_on(self, day: date) -> str:
        """The newest version in force ("effective") on ``day``; ``DEFAULT_VERSION`` (or the
        first stabilized version) before the timeline starts."""
        entry = self._entry(day)
        for v in self.versions:
            if entry.get(v.name) == "effective":
                return v.name
        if any(v.name == DEFAULT_VERSION for v in self.versions):
            return DEFAULT_VERSION
        stable = [v.name for v in self.versions if v.stabilized_at]
        return stable[0] if stable else self.versions[0].name

    def companions(self, version: Version) -> tuple[Module, ...]:
        """The ``…-rec`` modules beside those a version includes: recommended ids that the
        certificate lists but does not decide on."""
        out: dict[str, Module] = {}
        for module in version.modules:
            rec = self.modules.get(f"{module.id}-rec")
            if rec is not None:
                out.setdefault(rec.id, rec)
        return tuple(out.values())

    def automated_ids(self) -> frozenset[str]:
        return frozenset(t.id for t in self.testcases.values() if t.automated)


# --- parsing ----------------------------------------------------------------------------------

_SPEC_KEYS = {"uuid", "name", "url", "versions", "prerequisite", "variables", "scripts"}
_SPEC_KEYS |= {"modules", "timeline"}


def _need(cond: bool, source: str, where: str, message: str) -> None:
    if not cond:
        raise ScopeError(f"{source}: {where}: {message}")


def _ids(value: Any, source: str, where: str) -> tuple[str, ...]:
    _need(isinstance(value, list), source, where, "not a list of test ids")
    for item in value:
        _need(isinstance(item, str), source, where, f"not a test id: {item!r}")
    return tuple(value)


def _day(value: Any, source: str, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ScopeError(f"{source}: {where}: not a date: {value!r}") from None


def _testcases(doc: Mapping[str, Any], source: str) -> dict[str, TestCase]:
    out: dict[str, TestCase] = {}
    scripts = doc.get("scripts") or []
    _need(isinstance(scripts, list), source, "scripts", "not a list")
    for i, script in enumerate(scripts):
        _need(isinstance(script, dict), source, f"scripts[{i}]", "not a mapping")
        automated = "executable" in script
        for j, tc in enumerate(script.get("testcases") or []):
            where = f"scripts[{i}].testcases[{j}]"
            _need(isinstance(tc, dict) and isinstance(tc.get("id"), str), source, where, "no id")
            _need(tc["id"] not in out, source, where, f"duplicate test id {tc['id']!r}")
            description = " ".join(str(tc.get("description", "")).split())
            out[tc["id"]] = TestCase(tc["id"], description, str(tc.get("url", "")), automated)
    return out


def _modules(
    doc: Mapping[str, Any], source: str, known: Mapping[str, TestCase]
) -> dict[str, Module]:
    out: dict[str, Module] = {}
    raw = doc.get("modules")
    if not isinstance(raw, list):
        raise ScopeError(f"{source}: modules: missing or not a list")
    for i, m in enumerate(raw):
        where = f"modules[{i}]"
        _need(isinstance(m, dict) and isinstance(m.get("id"), str), source, where, "no id")
        where = f"module {m['id']}"
        _need(m["id"] not in out, source, where, "duplicate module id")
        targets_raw = m.get("targets") or {}
        _need(isinstance(targets_raw, dict), source, where, "targets is not a mapping")
        targets: dict[str, tuple[str, ...]] = {}
        for target, ids in targets_raw.items():
            targets[str(target)] = _ids(ids, source, f"{where}: target {target}")
            for test_id in targets[str(target)]:
                _need(test_id in known, source, where, f"unknown test id {test_id!r}")
        params = m.get("parameters") or {}
        _need(isinstance(params, dict), source, where, "parameters is not a mapping")
        out[m["id"]] = Module(
            id=m["id"],
            name=" ".join(str(m.get("name", "")).split()),
            url=str(m.get("url", "")),
            targets=targets,
            parameters={str(k): str(v) for k, v in params.items()},
        )
    return out


def _versions(doc: Mapping[str, Any], source: str, modules: Mapping[str, Module]) -> list[Version]:
    out: list[Version] = []
    raw = doc.get("versions")
    if not isinstance(raw, list) or not raw:
        raise ScopeError(f"{source}: versions: missing or empty")
    for i, v in enumerate(raw):
        _need(isinstance(v, dict) and "version" in v, source, f"versions[{i}]", "no version name")
        name = str(v["version"])
        where = f"version {name}"
        _need(all(o.name != name for o in out), source, where, "duplicate version")
        includes: list[Include] = []
        for inc in v.get("include") or []:
            ref, params = (inc, {}) if isinstance(inc, str) else (inc.get("ref"), inc)
            params = params.get("parameters") or {} if isinstance(params, dict) else {}
            _need(ref in modules, source, where, f"includes unknown module {ref!r}")
            includes.append(Include(modules[ref], {str(k): str(p) for k, p in params.items()}))
        stabilized = v.get("stabilized_at")
        out.append(
            Version(
                name,
                tuple(includes),
                _day(stabilized, source, f"{where}: stabilized_at") if stabilized else None,
            )
        )
    return out


def parse_scope(doc: Any, source: str = PACKAGED_FILE) -> Scope:
    """Check and convert a parsed scope file (``yaml.safe_load`` of it). Errors name the file
    and the field in one line."""
    _need(isinstance(doc, dict), source, "top level", "not a mapping")
    unknown = sorted(set(doc) - _SPEC_KEYS)
    _need(not unknown, source, "top level", f"unknown keys: {', '.join(unknown)}")
    for key in ("uuid", "name", "url"):
        _need(isinstance(doc.get(key), str), source, key, "missing")
    testcases = _testcases(doc, source)
    modules = _modules(doc, source, testcases)
    versions = _versions(doc, source, modules)
    names = {v.name for v in versions}
    timeline: list[tuple[date, Mapping[str, str]]] = []
    for i, entry in enumerate(doc.get("timeline") or []):
        where = f"timeline[{i}]"
        _need(isinstance(entry, dict), source, where, "not a mapping")
        table = entry.get("versions") or {}
        _need(isinstance(table, dict), source, where, "versions is not a mapping")
        for vname in table:
            _need(str(vname) in names, source, where, f"unknown version {vname!r}")
        day = _day(entry.get("date"), source, f"{where}: date")
        timeline.append((day, {str(k): str(s) for k, s in table.items()}))
    timeline.sort(key=lambda e: e[0], reverse=True)
    variables = tuple(
        v if isinstance(v, str) else next(iter(v)) for v in doc.get("variables") or []
    )
    return Scope(
        name=doc["name"],
        uuid=doc["uuid"],
        url=doc["url"],
        testcases=testcases,
        modules=modules,
        versions=tuple(versions),
        timeline=tuple(timeline),
        variables=variables,
        source=source,
    )


def packaged_text(name: str) -> str:
    """A file of ``scope_data/`` (the pinned copy of the official files)."""
    return (resources.files("scs_iaas.standards") / "scope_data" / name).read_text("utf-8")


@cache
def pinned_source() -> Mapping[str, Any]:
    """Repository, commit and date the packaged copy came from (``scope_data/source.yaml``)."""
    import yaml

    data = yaml.safe_load(packaged_text("source.yaml"))
    assert isinstance(data, dict)
    return data


@cache
def default_scope() -> Scope:
    """The packaged copy of the official scope file."""
    import yaml

    src = pinned_source()
    where = f"{PACKAGED_FILE} (standards@{src['commit']})"
    return parse_scope(yaml.safe_load(packaged_text(PACKAGED_FILE)), where)


# --- the old module-level API, on the packaged scope ------------------------------------------


def versions(scope: Scope | None = None) -> tuple[Version, ...]:
    """All versions of the scope, newest first."""
    return (scope or default_scope()).versions


def get_version(name: str, scope: Scope | None = None) -> Version:
    return (scope or default_scope()).version(name)


def status_on(name: str, day: date, scope: Scope | None = None) -> str:
    return (scope or default_scope()).status_on(name, day)


def effective_on(day: date, scope: Scope | None = None) -> str:
    return (scope or default_scope()).effective_on(day)


def module_for(
    standard: str, version: str, scope_version: str = DEFAULT_VERSION, scope: Scope | None = None
) -> Module:
    """The module of ``standard`` (e.g. "scs-0102") in ``version`` ("v1", "v2") as included by
    a scope version, else any such module of the scope that is not a ``-rec``/``-manual`` one."""
    sc = scope or default_scope()
    for module in sc.version(scope_version).modules:
        if module.standard == standard and module.version == version:
            return module
    for module in sc.modules.values():
        plain = not module.id.endswith(("-rec", "-manual"))
        if module.standard == standard and module.version == version and plain:
            return module
    raise ValueError(f"no module for {standard} {version}")


def grade(findings: Iterable[Finding], modules: Iterable[Module]) -> list[Finding]:
    """The one grading: what the judged modules make of a failure. FAIL where the test is a
    main target; WARN where it is only recommended, previewed or not listed (an official id).
    The official suite's FAIL is kept in ``details["official"]``, which is what the fold
    counts. Our own ``scs-iaas-…`` tests keep their status. Checks report FAIL and never
    grade themselves; the app grades once, by the certificate version it judges."""
    modules = tuple(modules)
    out = []
    for f in findings:
        official = Status(f.details.get("official", f.status))
        if f.status != Status.FAIL or official != Status.FAIL or f.id.startswith("scs-iaas-"):
            out.append(f)  # only a failure is graded; a SKIP or WARN stays what it is
            continue
        if any(m.target_of(f.id) == "main" for m in modules):
            details = {k: v for k, v in f.details.items() if k != "official"}
            out.append(replace(f, status=Status.FAIL, details=details))
        else:
            out.append(replace(f, status=Status.WARN, details={**f.details, "official": "FAIL"}))
    return out


# --- verdicts ---------------------------------------------------------------------------------


def official_values(results: Mapping[str, Any]) -> dict[str, int]:
    """Test id -> 1/0/-1 as the official report holds them (PASS and WARN 1, ABORT 0, FAIL
    -1); SKIP and unknown statuses are left out (missing), as is anything not a status."""
    out: dict[str, int] = {}
    for test_id, raw in results.items():
        if isinstance(raw, int) and not isinstance(raw, bool) and raw in (-1, 0, 1):
            out[test_id] = raw
        elif str(raw) in RESULT_VALUE:
            out[test_id] = RESULT_VALUE[str(raw)]
    return out


@dataclass(frozen=True)
class TargetVerdict:
    """The verdict on one target of one version, as sorted ids per outcome."""

    target: str
    verdict: TargetVerdictName
    passed: tuple[str, ...]
    failed: tuple[str, ...]
    aborted: tuple[str, ...]
    missing: tuple[str, ...]

    @builtins.property
    def summary(self) -> str:
        """``FAIL (50 passed, 2 failed, 2 aborted)`` as the official tool words it."""
        shown = "TENTATIVE pass" if self.verdict == "TENTATIVE" else self.verdict
        parts = [f"{len(self.passed)} passed"]
        for word, ids in (("failed", self.failed), ("aborted", self.aborted)):
            if ids:
                parts.append(f"{len(ids)} {word}")
        if self.missing:
            parts.append(f"{len(self.missing)} missing")
        return f"{shown} ({', '.join(parts)})"

    @builtins.property
    def line(self) -> str:
        return f"- {self.target}: {self.summary}"


def target_verdict(target: str, ids: Iterable[str], results: Mapping[str, Any]) -> TargetVerdict:
    """The official ``eval_buckets`` + verdict: FAIL if anything failed or aborted, TENTATIVE
    pass if only something is missing, PASS otherwise."""
    values = official_values(results)
    buckets: dict[int | None, list[str]] = {1: [], -1: [], 0: [], None: []}
    for test_id in ids:
        buckets[values.get(test_id)].append(test_id)
    failed, aborted, missing = buckets[-1], buckets[0], buckets[None]
    verdict: TargetVerdictName = "FAIL" if failed or aborted else "TENTATIVE" if missing else "PASS"
    return TargetVerdict(
        target, verdict, tuple(buckets[1]), tuple(failed), tuple(aborted), tuple(missing)
    )


@dataclass(frozen=True)
class VersionVerdict:
    """The verdict on one scope version: one ``TargetVerdict`` per target of the version
    (today only ``main``); ``main`` decides. ``lines`` is the block the official tool prints."""

    version: str
    status: str  # on the reference day: effective, warn, draft, deprecated
    targets: tuple[TargetVerdict, ...]
    lines: tuple[str, ...]

    @builtins.property
    def main_target(self) -> TargetVerdict:
        for t in self.targets:
            if t.target == "main":
                return t
        return TargetVerdict("main", "PASS", (), (), (), ())

    @builtins.property
    def main(self) -> TargetVerdictName:
        return self.main_target.verdict

    @builtins.property
    def main_failed(self) -> bool:
        return self.main == "FAIL"

    @builtins.property
    def line(self) -> str:
        return self.main_target.line

    def to_dict(self) -> dict[str, Any]:
        m = self.main_target
        return {
            "version": self.version,
            "status": self.status,
            "main": m.verdict,
            "passed": len(m.passed),
            "failed": len(m.failed),
            "aborted": len(m.aborted),
            "missing": len(m.missing),
            "line": m.line,
            "lines": list(self.lines),
            "targets": {
                t.target: {
                    "verdict": t.verdict,
                    "passed": list(t.passed),
                    "failed": list(t.failed),
                    "aborted": list(t.aborted),
                    "missing": list(t.missing),
                    "line": t.line,
                }
                for t in self.targets
            },
        }


def verdict_lines(
    scope: Scope,
    version: Version,
    targets: Sequence[TargetVerdict],
    *,
    subject: str,
    tests: str | None = None,
    verbose: bool = False,
) -> tuple[str, ...]:
    """The block ``scs-compliance-check.py`` prints for one version (its ``print_report``):
    the header, one verdict line per target and the FAILED/ABORTED/MISSING ids with their
    description and url (PASSED too when verbose; MISSING not when ``tests`` filtered)."""
    title = scope.name + (f" [tests: '{tests}']" if tests else "")
    lines = [f"{subject} {title} {version.name}:"]
    for t in targets:
        lines.append(t.line)
        categories = [(t.failed, "FAILED"), (t.aborted, "ABORTED"), (t.missing, "MISSING")]
        if verbose:
            categories.append((t.passed, "PASSED"))
        for offenders, category in categories:
            if not offenders or (category == "MISSING" and tests):
                continue
            lines.append(f"  - {category}:")
            for test_id in offenders:
                lines.append(f"    - {test_id}:")
                tc = scope.testcases.get(test_id)
                if tc is not None and tc.description:
                    lines.append(f"      > {tc.description}")
                if tc is not None and tc.url:
                    lines.append(f"      > {tc.url}")
    return tuple(lines)


def verdict(
    version: str,
    results: Mapping[str, Any],
    *,
    subject: str = "",
    scope: Scope | None = None,
    day: date | None = None,
    tests: str | None = None,
    verbose: bool = False,
) -> VersionVerdict:
    """Judge ``results`` (test id -> Status, its name, or 1/0/-1) against one scope version:
    PASS and WARN count as passed, FAIL as failed, ABORT as aborted; SKIP and absent ids are
    missing."""
    sc = scope or default_scope()
    v = sc.version(version)
    targets = tuple(target_verdict(t, ids, results) for t, ids in v.targets.items())
    lines = verdict_lines(sc, v, targets, subject=subject, tests=tests, verbose=verbose)
    status = sc.status_on(v.name, day) if day else ""
    return VersionVerdict(v.name, status, targets, lines)


# --- what the certificate does not contain ----------------------------------------------------

OUTSIDE_HEADER = (
    "outside the certificate (shown for information; never changes the verdict or the exit code):"
)


def outside_groups(
    scope: Scope, judged: Sequence[Version], results: Mapping[str, Any], *, partial: bool = False
) -> list[TargetVerdict]:
    """Results the judged versions' ``main`` targets do not contain, grouped and labelled: the
    recommended ids of the ``…-rec`` modules beside the included ones (all of them, so missing
    ones show), then ids that ran but sit in no judged target: other modules of the scope,
    test ids the scope file lists in no module, draft standards, our own ``scs-iaas-…``.
    ``partial`` (a test filter was used): only ids that have a result."""
    decided: set[str] = set()
    for v in judged:
        decided.update(v.ids("main"))
    groups: list[TargetVerdict] = []
    shown: set[str] = set()
    for v in judged:
        for rec in scope.companions(v):
            label = f"{rec.id} (recommended)"
            if any(g.target == label for g in groups):
                continue
            ids = sorted({i for ids in rec.targets.values() for i in ids} - decided)
            if partial:
                ids = [i for i in ids if i in official_values(results)]
            if ids:
                groups.append(target_verdict(label, ids, results))
                shown.update(ids)
    rest: dict[str, list[str]] = {}
    for test_id in sorted(official_values(results)):
        if test_id in decided or test_id in shown:
            continue
        if test_id.startswith("scs-iaas-"):
            label = "scs-iaas's own tests"
        elif test_id in scope.testcases:
            owner = [m.id for m in scope.modules.values() if m.target_of(test_id)]
            label = (
                f"{owner[0]} (not in the judged versions)"
                if owner
                else "listed in the scope file, in no module"
            )
        else:
            label = "not in the scope file (draft standards)"
        rest.setdefault(label, []).append(test_id)
    order = ["listed in the scope file, in no module", "not in the scope file (draft standards)"]
    order.append("scs-iaas's own tests")
    for label in sorted(rest, key=lambda k: (order.index(k) if k in order else -1, k)):
        groups.append(target_verdict(label, rest[label], results))
    return groups


def outside_lines(groups: Sequence[TargetVerdict]) -> tuple[str, ...]:
    """The block printed after the verdicts: one line per group, failed/aborted ids named."""
    if not groups:
        return ()
    lines = [OUTSIDE_HEADER]
    for g in groups:
        lines.append(f"- {g.target}: {g.summary}")
        for ids, word in ((g.failed, "failed"), (g.aborted, "aborted")):
            if ids:
                lines.append(f"  - {word}: {', '.join(ids)}")
    return tuple(lines)
