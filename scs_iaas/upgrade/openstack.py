"""Which OpenStack release a cloud runs, from its services' own version documents.

``detect(docs)`` is pure: it takes the raw documents (as JSON-decoded dicts, keyed by service
type) and returns, per service, the range of releases the document is consistent with, and the
evidence in words ("nova max microversion 2.104 ⇒ ≥ 2026.2 Hibiscus"). ``fetch_documents`` is
the thin I/O edge: one unauthenticated GET of each service's unversioned root (Neutron: one
authenticated GET of its extension list).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from scs_iaas.model.findings import Finding
from scs_iaas.upgrade import releases as rel
from scs_iaas.upgrade import tests as T
from scs_iaas.upgrade.releases import RELEASES, Release

SERVICES = ("identity", "compute", "block-storage", "placement", "image", "network")
SERVICE_NAMES = {
    "identity": "keystone",
    "compute": "nova",
    "block-storage": "cinder",
    "placement": "placement",
    "image": "glance",
    "network": "neutron",
}


def _v(text: str) -> tuple[int, ...]:
    """``"2.104"`` -> ``(2, 104)``: microversions compare as integer tuples, not as floats."""
    return tuple(int(p) for p in text.split("."))


@dataclass(frozen=True)
class Range:
    """Releases ``lo``..``hi`` (indexes into RELEASES); ``hi`` None means "or later",
    ``open_low`` means "or earlier" (the value was the same before the table starts).

    "Or later" reaches as far as the newest released series: a cloud showing that series' values
    runs it (a release in development is only a candidate where the range starts there)."""

    lo: int
    hi: int | None
    open_low: bool = False

    def releases(self) -> list[Release]:
        newest = rel.index(rel.NEWEST_RELEASED)
        top = max(self.lo, newest) if self.hi is None else self.hi
        return list(RELEASES[self.lo : top + 1])

    def intersect(self, other: Range) -> Range | None:
        lo = max(self.lo, other.lo)
        his = [h for h in (self.hi, other.hi) if h is not None]
        hi = min(his) if his else None
        if hi is not None and lo > hi:
            return None
        open_low = (self.open_low or lo > self.lo) and (other.open_low or lo > other.lo)
        return Range(lo, hi, open_low)

    def text(self) -> str:
        low = RELEASES[self.lo].label
        if self.open_low:
            if self.hi is None:
                return "any release (no information)"
            return f"≤ {RELEASES[self.hi].label}"
        if self.hi is None:
            return f"≥ {low}"
        if self.hi == self.lo:
            return low
        return f"{low} … {RELEASES[self.hi].label}"


@dataclass(frozen=True)
class Evidence:
    service: str
    observed: str
    range: Range | None
    sure: bool
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "observed": self.observed,
            "releases": self.range.text() if self.range else None,
            "lowest": (
                RELEASES[self.range.lo].short if self.range and not self.range.open_low else None
            ),
            "highest": (
                RELEASES[self.range.hi].short if self.range and self.range.hi is not None else None
            ),
            "sure": self.sure,
            "evidence": self.text,
        }


@dataclass(frozen=True)
class Detection:
    """Per service: its range (from sure evidence only); overall: their intersection."""

    evidence: tuple[Evidence, ...]
    services: dict[str, Range] = field(default_factory=dict)
    missing: tuple[str, ...] = ()

    @property
    def cloud(self) -> Range | None:
        """The releases every service agrees on; None when they disagree (mixed releases)."""
        out: Range | None = Range(0, None)
        for r in self.services.values():
            out = out.intersect(r) if out else None
        return out if self.services else None

    @property
    def oldest(self) -> Range | None:
        """The range of the service that is furthest behind (where an upgrade must start)."""
        if not self.services:
            return None
        return min(self.services.values(), key=lambda r: r.hi if r.hi is not None else 10**6)


# ---------------------------------------------------------------------------------------------
# reading the documents


def _versions_list(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    v = doc.get("versions")
    if isinstance(v, dict):  # keystone: {"versions": {"values": [...]}}
        v = v.get("values")
    if v is None and isinstance(doc.get("version"), dict):  # a single versioned document
        v = [doc["version"]]
    return [x for x in v if isinstance(x, dict)] if isinstance(v, list) else []


def max_microversion(doc: Mapping[str, Any]) -> str | None:
    """The highest ``version`` / ``max_version`` any entry of a version list carries."""
    best: str | None = None
    for entry in _versions_list(doc):
        for key in ("version", "max_version"):
            val = str(entry.get(key) or "")
            ok = re.fullmatch(r"\d+\.\d+", val) is not None
            if ok and (best is None or _v(val) > _v(best)):
                best = val
    return best


def max_id_version(doc: Mapping[str, Any]) -> str | None:
    """Glance/Keystone style: versions are ``id``s like ``v2.17`` / ``v3.14``."""
    best: str | None = None
    for entry in _versions_list(doc):
        m = re.fullmatch(r"v(\d+\.\d+)", str(entry.get("id", "")))
        if m and (best is None or _v(m.group(1)) > _v(best)):
            best = m.group(1)
    return best


def extension_aliases(doc: Mapping[str, Any]) -> set[str]:
    exts = doc.get("extensions")
    if not isinstance(exts, list):
        return set()
    return {str(e["alias"]) for e in exts if isinstance(e, dict) and "alias" in e}


# ---------------------------------------------------------------------------------------------
# mapping values to release ranges


def range_from_table(value: str, table: Mapping[str, str]) -> tuple[Range | None, str]:
    """Releases whose maximum equals ``value``; an honest range where it did not change.

    The newest release in the table gets "or later" (a later release may keep the value). A value
    between two releases' maxima is a development build of the later one; one below the table's
    oldest is older than the table; one above its newest is newer than every known release.
    """
    keys = [r.key for r in RELEASES if r.key in table]
    idx = [rel.index(rel.by_key(k)) for k in keys]
    vals = [_v(table[k]) for k in keys]
    v = _v(value)
    if v < vals[0]:
        return None, f"older than {RELEASES[idx[0]].label}"
    if v > vals[-1]:
        if idx[-1] + 1 < len(RELEASES):
            nxt = RELEASES[idx[-1] + 1]
            why = f"newer than {RELEASES[idx[-1]].label}: a development build of {nxt.label}"
            return Range(idx[-1] + 1, None), why
        return Range(idx[-1], None), f"newer than {RELEASES[idx[-1]].label}: a later release"
    same = [i for i, x in zip(idx, vals, strict=True) if x == v]
    if same:
        hi = None if same[-1] == idx[-1] else same[-1]
        return Range(same[0], hi, open_low=same[0] == idx[0]), ""
    first_above = next(i for i, x in zip(idx, vals, strict=True) if x > v)
    return Range(first_above, first_above), "between releases: a development build"


def _table_evidence(service: str, observed: str) -> Evidence:
    what, table = rel.MICROVERSION_TABLES[service]
    rng, note = range_from_table(observed, table)
    shown = rng.text() if rng else note
    extra = f" ({note})" if note and rng else ""
    return Evidence(service, observed, rng, True, f"{what} {observed} ⇒ {shown}{extra}")


def range_from_sets(value: str, table: Mapping[str, tuple[str, ...]]) -> tuple[Range | None, str]:
    """The releases whose set of possible values holds ``value`` (Glance: its maximum moves with
    the point release and the configuration); their span, "or later" at the table's newest."""
    keys = [r.key for r in RELEASES if r.key in table]
    v = _v(value)
    hits = [rel.index(rel.by_key(k)) for k in keys if any(_v(x) == v for x in table[k])]
    newest = rel.index(rel.by_key(keys[-1]))
    if not hits:
        top = max(_v(x) for x in table[keys[-1]])
        if v > top:
            return range_from_table(value, {keys[-1]: ".".join(map(str, top))})
        return None, "no release reports it"
    first = rel.index(rel.by_key(keys[0]))
    hi = None if hits[-1] == newest else hits[-1]
    return Range(hits[0], hi, open_low=hits[0] == first), ""


def _glance(doc: Mapping[str, Any]) -> list[Evidence]:
    top = max_id_version(doc)
    if top is None:
        return []
    rng, note = range_from_sets(top, rel.GLANCE_MAX_API)
    shown = rng.text() if rng else note
    extra = f" ({note})" if note and rng else ""
    return [Evidence("image", top, rng, rng is not None, f"glance max API {top} ⇒ {shown}{extra}")]


def _neutron(doc: Mapping[str, Any]) -> list[Evidence]:
    aliases = extension_aliases(doc)
    if not aliases:
        return [Evidence("network", "0 extensions", None, False, "neutron lists no extensions")]
    hits = [m for m in rel.NEUTRON_MARKERS if m.what in aliases]
    if not hits:
        oldest = rel.by_key(min((m.since for m in rel.NEUTRON_MARKERS), key=_key_index))
        return [
            Evidence(
                "network",
                f"{len(aliases)} extensions",
                None,
                False,
                f"neutron lists {len(aliases)} extensions, none newer than "
                f"{RELEASES[rel.index(oldest) - 1].label}",
            )
        ]
    best = max(hits, key=lambda m: _key_index(m.since))
    lo = _key_index(best.since)
    return [
        Evidence(
            "network",
            f"{len(aliases)} extensions",
            Range(lo, None),
            True,
            f"neutron lists extension {best.what!r} ⇒ ≥ {RELEASES[lo].label} ({best.source})",
        )
    ]


def _key_index(key: str) -> int:
    return rel.index(rel.by_key(key))


def detect(docs: Mapping[str, Mapping[str, Any] | None]) -> Detection:
    """Evidence and ranges from raw version documents, keyed by service type.

    Services whose document is absent (None or not in ``docs``) are reported as missing.
    Evidence that says nothing (no version, keystone's v3.14) is listed but narrows no range.
    """
    evidence: list[Evidence] = []
    missing: list[str] = []
    for service in SERVICES:
        doc = docs.get(service)
        if doc is None:
            missing.append(service)
            continue
        if service in ("compute", "block-storage", "placement"):
            top = max_microversion(doc)
            if top is None:
                evidence.append(
                    Evidence(service, "-", None, False, f"{SERVICE_NAMES[service]}: no version")
                )
            else:
                evidence.append(_table_evidence(service, top))
        elif service == "identity":
            top = max_id_version(doc)
            if top is not None:
                evidence.append(_table_evidence(service, top))
        elif service == "image":
            evidence.extend(_glance(doc))
        elif service == "network":
            evidence.extend(_neutron(doc))
    ranges: dict[str, Range] = {}
    for ev in evidence:
        if not ev.sure or ev.range is None or (ev.range.open_low and ev.range.hi is None):
            continue  # says nothing (e.g. keystone v3.14 in every known release)
        cur = ranges.get(ev.service)
        if cur is None:
            ranges[ev.service] = ev.range
        else:
            both = cur.intersect(ev.range)
            ranges[ev.service] = both if both is not None else cur
    return Detection(evidence=tuple(evidence), services=ranges, missing=tuple(missing))


# ---------------------------------------------------------------------------------------------
# the I/O edge


def unversioned(url: str) -> str:
    """The service root of an endpoint: cut the path at the first ``vN``/``vN.M`` segment.

    ``http://h:8776/v3/abc`` -> ``http://h:8776/``; ``https://h/compute/v2.1`` ->
    ``https://h/compute/``; ``http://h:9292`` -> ``http://h:9292/``.
    """
    parts = urlsplit(url)
    kept: list[str] = []
    for seg in parts.path.split("/"):
        if re.fullmatch(r"v\d+(\.\d+)?", seg):
            break
        if seg:
            kept.append(seg)
    path = "/" + "/".join(kept) + ("/" if kept else "")
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def read_dir(directory: str | Path) -> dict[str, dict[str, Any] | None]:
    """Recorded documents: ``<service type>.json`` per service (absent files: missing)."""
    import json

    from scs_iaas.errors import InputError

    d = Path(directory)
    if not d.is_dir():
        raise InputError(f"--openstack-dir {d}: not a directory")
    docs: dict[str, dict[str, Any] | None] = {}
    for service in SERVICES:
        p = d / f"{service}.json"
        if not p.is_file():
            continue
        try:
            doc = json.loads(p.read_text(encoding="utf-8"))
        except OSError as exc:
            raise InputError(f"{p}: {exc.strerror}") from None
        except json.JSONDecodeError as exc:
            raise InputError(f"{p}: line {exc.lineno}: not JSON: {exc.msg}") from None
        if not isinstance(doc, dict):
            raise InputError(f"{p}: expected a JSON object")
        docs[service] = doc
    if not docs:
        known = ", ".join(f"{s}.json" for s in SERVICES)
        raise InputError(f"--openstack-dir {d}: none of {known}")
    return docs


def fetch_documents(conn: Any) -> tuple[dict[str, dict[str, Any] | None], dict[str, str]]:
    """One GET per service: the version document of each catalog service (None if absent).

    Returns the documents and the URLs that were read (for the report). Requests run
    concurrently; a service missing from the catalog is simply absent.
    """
    from concurrent.futures import ThreadPoolExecutor

    def endpoint(service: str) -> str | None:
        """The catalog URL, or None when the catalog has no such service. Anything else (the
        token could not be had, Keystone unreachable) is an error of its own, not "missing"."""
        import keystoneauth1.exceptions as ksa

        from scs_iaas.errors import CloudError

        for name in (service, *(("volumev3", "volume") if service == "block-storage" else ())):
            try:
                url = conn.endpoint_for(name)
            except ksa.EndpointNotFound:
                url = None
            except Exception as exc:
                from scs_iaas.cloud.redact import redact

                why = redact(" ".join(str(exc).split()) or type(exc).__name__)
                raise CloudError(
                    f"{SERVICE_NAMES[service]}: cannot look up its endpoint in the catalog: {why}"
                ) from None
            if url:
                return str(url)
        return None

    def one(service: str) -> tuple[str, dict[str, Any] | None, str]:
        url = endpoint(service)
        if url is None:
            return service, None, ""
        from scs_iaas.errors import CloudError

        root = unversioned(url)
        target = root + "v2.0/extensions" if service == "network" else root
        try:
            # version documents need no token; Neutron's extension list does
            resp = conn.session.get(target, authenticated=service == "network", raise_exc=False)
        except Exception as exc:
            from scs_iaas.cloud.redact import redact

            why = redact(" ".join(str(exc).split()) or type(exc).__name__)
            raise CloudError(f"{SERVICE_NAMES[service]}: GET {target} failed: {why}") from None
        if resp.status_code >= 400:
            raise CloudError(f"{SERVICE_NAMES[service]}: GET {target}: HTTP {resp.status_code}")
        try:
            body = resp.json()
        except ValueError:
            raise CloudError(f"{SERVICE_NAMES[service]}: GET {target}: not JSON") from None
        return service, body if isinstance(body, dict) else None, target

    docs: dict[str, dict[str, Any] | None] = {}
    urls: dict[str, str] = {}
    with ThreadPoolExecutor(max_workers=len(SERVICES)) as pool:
        for service, doc, target in pool.map(one, SERVICES):
            docs[service] = doc
            if target:
                urls[service] = target
    return docs, urls


# ---------------------------------------------------------------------------------------------
# judging: mixed releases and the path to the target

STANDARD, VERSION = T.STANDARD, T.VERSION


def judge(
    det: Detection, target: Release, *, resource: str = "cloud"
) -> tuple[list[Finding], list[str]]:
    """Findings for mixed releases and the upgrade path, and the plan as release labels.

    The plan starts at the oldest release the cloud may run (the conservative end of a range);
    when a range straddles the answer (one candidate may step, another may not) the path finding
    is a WARN that names both.
    """
    from scs_iaas.model.findings import Status

    out: list[Finding] = []
    if not det.services:
        out.append(T.PATH.aborted("no service gave a usable version document", resource))
        return out, []
    ranges = {SERVICE_NAMES[s]: r.text() for s, r in det.services.items()}
    cloud = det.cloud
    if cloud is None:
        listed = ", ".join(f"{k} {v}" for k, v in ranges.items())
        out.append(
            T.MIXED.failed(
                f"services run different releases: {listed}",
                resource,
                "finish the running upgrade: bring every service to one release first",
                services=ranges,
            )
        )
    else:
        out.append(
            T.MIXED.passed(
                f"all {len(ranges)} services agree: {cloud.text()}", resource, services=ranges
            )
        )
    current = cloud if cloud is not None else det.oldest
    assert current is not None
    candidates = current.releases()
    steps = rel.plan(candidates[0], target)
    plan_labels = [r.short for r in steps]
    verdicts = {c.short: _step_verdict(c, target) for c in candidates}
    kinds = set(verdicts.values())
    shown = " → ".join(plan_labels)
    if kinds == {"same"}:
        status, reason = Status.PASS, f"already on {target.label}"
    elif kinds == {"ok"}:
        status, reason = Status.PASS, f"{current.text()} → {target.label} is one allowed step"
    elif kinds <= {"same", "ok"}:
        status = Status.PASS
        reason = f"{current.text()} → {target.label}: allowed step or already there"
    elif kinds == {"downgrade"}:
        status = Status.FAIL
        reason = f"{target.label} is older than the cloud ({current.text()}): no downgrades"
    elif "ok" in kinds or "same" in kinds:
        each = ", ".join(f"from {k}: {_WORDS[v]}" for k, v in verdicts.items())
        status = Status.WARN
        reason = (
            f"cannot tell: the cloud is {current.text()}; {each} (plan from the oldest: {shown})"
        )
    else:
        status = Status.FAIL
        reason = (
            f"{current.text()} → {target.label} is not one allowed step (one release, or "
            f"SLURP → next SLURP); plan: {shown}"
        )
    fix = "" if status is Status.PASS else f"upgrade step by step: {shown}" if steps else ""
    out.append(
        T.PATH.finding(
            status,
            reason,
            resource,
            fix,
            details={"from": current.text(), "to": target.label, "plan": plan_labels},
        )
    )
    return out, plan_labels


def judge_target(target: Release, *, resource: str = "cloud") -> Finding | None:
    """A WARN when the target is a series still in development (not released yet)."""
    if not target.development:
        return None
    when = f", planned for {target.planned}" if target.planned else ""
    return T.TARGET_RELEASED.warned(
        f"{target.label} is not released yet (in development{when})",
        resource,
        f"plan with it, upgrade once it is released; newest released: {rel.NEWEST_RELEASED.label}",
        target=target.label,
        development=True,
        planned=target.planned,
    )


_WORDS = {
    "same": "already there",
    "ok": "one allowed step",
    "blocked": "not one allowed step",
    "downgrade": "a downgrade",
}


def _step_verdict(src: Release, dst: Release) -> str:
    if src == dst:
        return "same"
    if rel.index(dst) < rel.index(src):
        return "downgrade"
    return "ok" if rel.step_allowed(src, dst) else "blocked"
