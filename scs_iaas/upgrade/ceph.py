"""Is a Ceph cluster ready for its next upgrade? Judged from ``ceph … -f json`` outputs.

``CephState.from_json`` takes the decoded outputs of ``ceph versions``, ``ceph health detail``,
``ceph osd dump`` and (optional) ``ceph osd metadata``; ``judge`` turns a state and a target
release into findings. Reading the outputs (files of a ``--ceph-dir`` or the ``ceph`` CLI) is
the I/O edge at the bottom.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scs_iaas.errors import InputError, ScsIaasError
from scs_iaas.model.findings import Finding, Status
from scs_iaas.upgrade import releases as rel
from scs_iaas.upgrade import tests as T

STANDARD, VERSION = T.STANDARD, T.VERSION
FILES = {
    "versions": "versions.json",
    "health": "health.json",
    "osd_dump": "osd_dump.json",
    "osd_metadata": "osd_metadata.json",
}
REQUIRED = ("versions", "health", "osd_dump")

# "ceph version 16.2.15 (618f4408…) pacific (stable)"
_VERSION = re.compile(
    r"ceph version (?P<ver>\d+\.\d+\.\d+\S*) \((?P<sha>[0-9a-f]+)\) (?P<name>\w+)"
)


@dataclass(frozen=True)
class DaemonVersion:
    kind: str  # mon, mgr, osd, mds, rgw, …
    version: str  # 16.2.15
    major: int
    count: int


@dataclass(frozen=True)
class CephState:
    daemons: tuple[DaemonVersion, ...]
    health_status: str
    health_checks: dict[str, str]  # check name -> summary message (muted ones left out)
    require_osd_release: str
    osd_objectstores: dict[int, str]  # osd id -> bluestore/filestore (empty: unknown)
    cache_tiers: tuple[str, ...]  # pools that are a cache tier of another pool

    @property
    def majors(self) -> set[int]:
        return {d.major for d in self.daemons}

    @property
    def running(self) -> rel.CephRelease | None:
        """The one release every daemon runs; None if mixed or unknown."""
        majors = self.majors
        if len(majors) != 1:
            return None
        return rel.ceph_by_major(next(iter(majors)))

    @property
    def oldest(self) -> rel.CephRelease | None:
        return rel.ceph_by_major(min(self.majors)) if self.majors else None

    @classmethod
    def from_json(
        cls,
        versions: Mapping[str, Any],
        health: Mapping[str, Any],
        osd_dump: Mapping[str, Any],
        osd_metadata: list[Any] | None = None,
        *,
        where: str = "ceph",
    ) -> CephState:
        daemons: list[DaemonVersion] = []
        for kind, table in versions.items():
            if kind == "overall" or not isinstance(table, dict):
                continue
            for text, count in table.items():
                m = _VERSION.search(text)
                if not m:
                    raise InputError(f"{where}: versions: cannot read {text!r} ({kind})")
                daemons.append(
                    DaemonVersion(kind, m.group("ver"), int(m.group("ver").split(".")[0]), count)
                )
        if not daemons:
            raise InputError(f"{where}: versions: no daemons listed")
        status = health.get("status")
        if not isinstance(status, str):
            raise InputError(f"{where}: health: no 'status' field")
        checks: dict[str, str] = {}
        for name, check in (health.get("checks") or {}).items():
            if isinstance(check, dict) and check.get("muted"):
                continue
            summary = check.get("summary", {}) if isinstance(check, dict) else {}
            checks[name] = str(summary.get("message", "")) if isinstance(summary, dict) else ""
        req = osd_dump.get("require_osd_release")
        if not isinstance(req, str):
            raise InputError(f"{where}: osd dump: no 'require_osd_release' field")
        stores: dict[int, str] = {}
        for osd in osd_metadata or []:
            if isinstance(osd, dict) and "id" in osd and "osd_objectstore" in osd:
                stores[int(osd["id"])] = str(osd["osd_objectstore"])
        tiers = tuple(
            str(p.get("pool_name"))
            for p in osd_dump.get("pools", [])
            if isinstance(p, dict)
            and (p.get("tier_of", -1) not in (-1, None) or p.get("cache_mode", "none") != "none")
        )
        return cls(tuple(daemons), status, checks, req, stores, tiers)


def default_target(state: CephState) -> rel.CephRelease | None:
    """The next major release after the oldest daemon's."""
    old = state.oldest
    return rel.ceph_by_major(old.major + 1) if old else None


def judge(state: CephState, target: rel.CephRelease | None) -> list[Finding]:
    """Findings for: one release everywhere, an allowed jump, require_osd_release, health,
    and the known blockers of the target release."""
    out: list[Finding] = []
    by_major: dict[int, list[str]] = {}
    for d in state.daemons:
        by_major.setdefault(d.major, []).append(f"{d.count} {d.kind} {d.version}")
    names = {m: _name(m) for m in by_major}
    running = state.running
    if running is not None:
        n = sum(d.count for d in state.daemons)
        out.append(
            T.CEPH_VERSIONS.finding(
                Status.PASS,
                f"all {n} daemons run {running.name} ({', '.join(sorted({d.version for d in state.daemons}))})",
            )
        )
    else:
        parts = "; ".join(f"{names[m]}: {', '.join(v)}" for m, v in sorted(by_major.items()))
        out.append(
            T.CEPH_VERSIONS.finding(
                Status.FAIL,
                f"daemons run different releases ({parts})",
                fix="finish the running upgrade (all mons, mgrs, osds, then mds/rgw) first",
                releases={names[m]: v for m, v in by_major.items()},
            )
        )

    base = running or state.oldest
    if target is not None and base is not None:
        gap = target.major - base.major
        if gap <= 0:
            out.append(
                T.CEPH_PATH.finding(
                    Status.PASS if gap == 0 and running else Status.FAIL,
                    f"target {target.name} is not newer than {base.name}",
                )
            )
        elif gap > rel.CEPH_MAX_JUMP:
            out.append(
                T.CEPH_PATH.finding(
                    Status.FAIL,
                    f"{base.name} → {target.name} skips {gap - 1} releases; Ceph allows at most "
                    f"{rel.CEPH_MAX_JUMP} releases forward",
                    fix=f"upgrade to {_name(base.major + rel.CEPH_MAX_JUMP)} first",
                )
            )
        else:
            out.append(
                T.CEPH_PATH.finding(
                    Status.PASS, f"{base.name} → {target.name} is an allowed jump (N+{gap})"
                )
            )

    req = state.require_osd_release
    req_rel = _lookup(req)
    if running is None:
        out.append(
            T.CEPH_REQUIRE_OSD.finding(
                Status.SKIP,
                f"require_osd_release is {req}; judged once all daemons run one release",
            )
        )
    elif req_rel is not None and req_rel.major == running.major:
        out.append(
            T.CEPH_REQUIRE_OSD.finding(
                Status.PASS, f"require_osd_release is {req}, the running release"
            )
        )
    else:
        out.append(
            T.CEPH_REQUIRE_OSD.finding(
                Status.FAIL,
                f"require_osd_release is {req}, but all daemons run {running.name}: the last "
                "upgrade was not finished",
                fix=f"ceph osd require-osd-release {running.name}",
            )
        )

    if state.health_status == "HEALTH_OK":
        out.append(T.CEPH_HEALTH.finding(Status.PASS, "HEALTH_OK"))
    else:
        listed = "; ".join(f"{k}: {v}" for k, v in sorted(state.health_checks.items()))
        out.append(
            T.CEPH_HEALTH.finding(
                Status.FAIL,
                f"{state.health_status}: {listed or 'no details'}",
                fix="resolve the health checks (or `ceph health mute CHECK` the ones you accept)",
                checks=state.health_checks,
            )
        )

    if target is not None:
        out.extend(_blockers(state, target))
    return out


def _name(major: int) -> str:
    found = rel.ceph_by_major(major)
    return found.name if found else str(major)


def _lookup(name: str) -> rel.CephRelease | None:
    try:
        return rel.ceph_release(name)
    except InputError:
        return None


def _blockers(state: CephState, target: rel.CephRelease) -> list[Finding]:
    out: list[Finding] = []
    req = _lookup(state.require_osd_release)
    if req is not None and target.major - req.major > rel.CEPH_MAX_JUMP:
        out.append(
            T.CEPH_BLOCKERS.finding(
                Status.FAIL,
                f"{target.name} needs require_osd_release ≥ "
                f"{_name(target.major - rel.CEPH_MAX_JUMP)}, it is {req.name}",
                fix="finish the previous upgrade: ceph osd require-osd-release <running release>",
            )
        )
    filestore = sorted(i for i, s in state.osd_objectstores.items() if s == "filestore")
    if "OSD_FILESTORE" in state.health_checks and not filestore:
        filestore = [-1]
    seen: set[str] = set()
    for b in sorted(rel.CEPH_BLOCKERS, key=lambda b: not b.fatal):
        applies = target.major >= rel.ceph_release(b.min_target).major
        if not applies or b.kind in seen:
            continue
        hit: list[str] = []
        if b.kind in ("filestore", "leveldb") and filestore:
            hit = [f"osd.{i}" for i in filestore if i >= 0] or ["(health: OSD_FILESTORE)"]
        elif b.kind == "cache-tier" and state.cache_tiers:
            hit = [f"pool {p}" for p in state.cache_tiers]
        if not hit:
            continue
        seen.add(b.kind)
        out.append(
            T.CEPH_BLOCKERS.finding(
                Status.FAIL if b.fatal else Status.WARN,
                f"{b.reason}: {', '.join(hit)}",
                fix=b.fix,
                blocker=b.kind,
                target=target.name,
            )
        )
    if not out:
        known = "FileStore OSDs, LevelDB omaps, cache tiers, require_osd_release"
        unknown = "" if state.osd_objectstores else " (no osd metadata: FileStore unchecked)"
        out.append(
            T.CEPH_BLOCKERS.finding(
                Status.PASS, f"no known blocker of {target.name} ({known}){unknown}"
            )
        )
    return out


# ---------------------------------------------------------------------------------------------
# the I/O edge


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: line {exc.lineno}: not JSON: {exc.msg}") from None


def read_dir(directory: str | Path) -> CephState:
    """``--ceph-dir DIR``: versions.json, health.json, osd_dump.json [, osd_metadata.json]."""
    d = Path(directory)
    if not d.is_dir():
        raise InputError(f"--ceph-dir {d}: not a directory")
    raw: dict[str, Any] = {}
    for key, name in FILES.items():
        p = d / name
        if not p.exists():
            if key in REQUIRED:
                raise InputError(
                    f"--ceph-dir {d}: {name} missing (need {', '.join(FILES[k] for k in REQUIRED)})"
                )
            continue
        raw[key] = _load_json(p)
    return CephState.from_json(
        raw["versions"], raw["health"], raw["osd_dump"], raw.get("osd_metadata"), where=str(d)
    )


CEPH_COMMANDS = {
    "versions": ["versions"],
    "health": ["health", "detail"],
    "osd_dump": ["osd", "dump"],
    "osd_metadata": ["osd", "metadata"],
}


def read_cli(conf: str | None = None, timeout: int = 30) -> CephState:
    """Run the ``ceph`` CLI (admin keyring) for the four outputs."""
    import subprocess

    base = ["ceph", "--connect-timeout", str(timeout)]
    if conf:
        base += ["-c", conf]
    raw: dict[str, Any] = {}
    for key, args in CEPH_COMMANDS.items():
        cmd = [*base, *args, "-f", "json"]
        try:
            res = subprocess.run(
                cmd, capture_output=True, text=True, timeout=timeout + 10, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ScsIaasError(f"`{' '.join(cmd)}` failed: {exc}") from None
        if res.returncode != 0:
            last = (res.stderr.strip().splitlines() or ["no output"])[-1]
            raise ScsIaasError(f"`{' '.join(cmd)}` exited {res.returncode}: {last}")
        try:
            raw[key] = json.loads(res.stdout)
        except json.JSONDecodeError:
            raise ScsIaasError(f"`{' '.join(cmd)}`: output is not JSON") from None
    return CephState.from_json(
        raw["versions"], raw["health"], raw["osd_dump"], raw.get("osd_metadata"), where="ceph CLI"
    )
