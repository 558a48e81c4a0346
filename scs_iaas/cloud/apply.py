"""The only writer: execute a manager's plan against the cloud, action by action, in order.

It re-reads nothing it does not need: the plan already says what to send. Each action is
idempotent with respect to the next plan: an action interrupted half-way leaves a state the
next plan recognises and finishes (a flavor without its extra specs gets them; an image upload
that never finished still carries ``scs-iaas:upload-pending`` and is redone).

Images are streamed from their source straight into Glance while being hashed (no temporary
copy). The last block is held back until the digest is known, so Glance never receives the
whole of a file whose checksum is wrong: the upload is aborted, the image deleted, and it never
becomes active. Glance's own ``os_hash_value`` is compared with ours before the image counts.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, BinaryIO, TextIO, TypeVar
from urllib.parse import quote, unquote, urlparse

from scs_iaas.cloud.connection import Cloud
from scs_iaas.errors import CloudError, InputError
from scs_iaas.model.plan import (
    NAME_PROP,
    PENDING_PROP,
    Action,
    FlavorChange,
    FlavorSpec,
    ImagePatch,
    ImageUpload,
    Op,
    Params,
    Plan,
    VolumeTypeChange,
    VolumeTypeSpec,
    patch_ops,
)

COMPUTE_MV = "2.86"  # Nova validates extra specs from 2.86 on
CHUNK = 4 * 1024 * 1024
PATCH_TYPE = "application/openstack-images-v2.1-json-patch"
PROGRESS_MIN = 16 * 1024 * 1024  # show a bar only for uploads bigger than this (or unknown)


# -- streaming with verification ----------------------------------------------------------


class ChecksumMismatch(ValueError):
    """The source's digest is not the one the definition promised (not an OSError: no retry)."""


class SourceFailed(ValueError):
    """The source stalled, dripped below the rate floor or broke off (not an OSError, so that
    urllib3 does not retry the Glance request with a half-read body)."""


MIN_RATE = 64 * 1024  # bytes/s a source must deliver, averaged over each window
WINDOW = 30.0  # seconds: the averaging window, and the longest wait for a single read


class VerifiedStream:
    """An iterable request body that hashes what it yields and refuses to finish if wrong.

    ``expected`` is ``"sha256:<hex>"`` / ``"sha512:<hex>"`` or None (file sources may skip
    it). sha512 (Glance's default ``os_hash_algo``) is always computed, so Glance's hash can
    be checked too. The final block is yielded only after the digest matched.

    What arrives is passed on at once (``read1``: no waiting for a whole chunk), so a slow
    source keeps Glance's connection busy. ``min_rate`` (bytes/s, 0 = none) is a floor: when a
    ``window`` passes with less than ``min_rate * window`` bytes, the upload stops
    (``SourceFailed``); the whole upload thus takes at most size/min_rate + window seconds.
    """

    def __init__(
        self,
        source: BinaryIO,
        *,
        size: int | None,
        expected: str | None,
        progress: Callable[[int], None] | None = None,
        chunk: int = CHUNK,
        min_rate: float = 0.0,
        window: float = WINDOW,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.source = source
        self.size = size
        self.chunk = chunk
        self.progress = progress
        self.min_rate = min_rate
        self.window = window
        self.clock = clock
        self.algo: str | None = None
        self.want: str | None = None
        if expected:
            self.algo, self.want = expected.split(":", 1)
        self.hashers = {"sha512": hashlib.sha512()}
        if self.algo and self.algo not in self.hashers:
            self.hashers[self.algo] = hashlib.new(self.algo)
        self.sent = 0
        self.received = 0
        self.done = False
        self.started = clock()
        self._win_start = self.started
        self._win_bytes = 0
        reader = getattr(source, "read1", None)
        self._reader: Callable[[int], bytes] = reader if callable(reader) else source.read

    def __len__(self) -> int:  # requests sends Content-Length when the size is known
        if self.size is None:
            raise TypeError("size unknown")
        return self.size

    def __iter__(self) -> Iterator[bytes]:
        held = self._read()
        if not held:
            self._verify()
        while held:
            nxt = self._read()
            if not nxt:
                self._verify()
            yield held
            self.sent += len(held)
            if self.progress:
                self.progress(len(held))
            held = nxt
        self.done = True

    def _read(self) -> bytes:
        try:
            block = self._reader(self.chunk)
        except (OSError, ValueError) as exc:  # a read timeout, a reset, a broken chunk
            if isinstance(exc, ChecksumMismatch | SourceFailed):
                raise
            raise SourceFailed(
                f"the source broke off after {self.received} bytes "
                f"({self.elapsed():.0f} s): {' '.join(str(exc).split()) or type(exc).__name__}"
            ) from None
        except Exception as exc:  # urllib3's own errors are not all OSErrors
            raise SourceFailed(
                f"the source broke off after {self.received} bytes ({self.elapsed():.0f} s): "
                f"{type(exc).__name__}"
            ) from None
        self.received += len(block)
        for h in self.hashers.values():
            h.update(block)
        self._floor(len(block))
        return block

    def _floor(self, n: int) -> None:
        if not self.min_rate or not n:
            return
        now = self.clock()
        self._win_bytes += n
        span = now - self._win_start
        if span < self.window:
            return
        rate = self._win_bytes / span
        if rate < self.min_rate:
            raise SourceFailed(
                f"the source is too slow: {rate / 1024:.1f} KiB/s over the last {span:.0f} s, "
                f"below the floor of {self.min_rate / 1024:.0f} KiB/s (--min-rate)"
            )
        self._win_start, self._win_bytes = now, 0

    def elapsed(self) -> float:
        return self.clock() - self.started

    def digest(self, algo: str) -> str | None:
        h = self.hashers.get(algo)
        return h.hexdigest() if h else None

    def _verify(self) -> None:
        if self.algo and self.want and self.digest(self.algo) != self.want.lower():
            raise ChecksumMismatch(
                f"checksum mismatch: source has {self.algo}:{self.digest(self.algo)}, "
                f"the definition says {self.algo}:{self.want}"
            )


@dataclass
class Source:
    stream: BinaryIO
    size: int | None
    close: Callable[[], None]


def open_source(url: str, *, window: float = WINDOW) -> Source:
    """Open a file:// or http(s):// image source for streaming (no local copy). A read that
    waits longer than ``window`` seconds for data fails (a stalled source)."""
    parsed = urlparse(url)
    if parsed.scheme == "file":
        path = unquote(parsed.path)
        try:
            fh = open(path, "rb")  # noqa: SIM115 - closed by the caller via Source.close
        except OSError as exc:
            raise InputError(f"{url}: cannot open image source: {exc.strerror or exc}") from None
        return Source(fh, os.fstat(fh.fileno()).st_size, fh.close)
    if parsed.scheme in ("http", "https"):
        import requests

        try:
            resp = requests.get(url, stream=True, timeout=(10, window))
            resp.raise_for_status()
        except requests.RequestException as exc:
            raise CloudError(f"{url}: cannot download image source: {exc}") from None
        length = resp.headers.get("Content-Length")
        encoded = resp.headers.get("Content-Encoding") not in (None, "identity")
        resp.raw.decode_content = True
        return Source(resp.raw, None if encoded or not length else int(length), resp.close)
    raise InputError(f"{url}: unsupported image source scheme {parsed.scheme!r}")


# -- results -------------------------------------------------------------------------------


@dataclass
class Outcome:
    action: Action
    resource_id: str | None = None
    detail: str = ""


@dataclass
class Applied:
    done: list[Outcome] = field(default_factory=list)
    skipped: list[Action] = field(default_factory=list)  # conflicts
    failed: list[tuple[Action, str]] = field(default_factory=list)  # one per failed unit
    not_tried: list[Action] = field(default_factory=list)  # the rest of a failed unit

    def to_dict(self) -> dict[str, Any]:
        return {
            "done": [
                {
                    "op": str(o.action.op),
                    "kind": o.action.kind,
                    "name": o.action.name,
                    "id": o.resource_id,
                    "detail": o.detail,
                }
                for o in self.done
            ],
            "skipped_conflicts": [a.name for a in self.skipped],
            "failed": [
                {"unit": a.unit, "op": str(a.op), "name": a.name, "error": e}
                for a, e in self.failed
            ],
            "not_tried": [
                {"unit": a.unit, "op": str(a.op), "name": a.name} for a in self.not_tried
            ],
        }


@dataclass
class ApplyCtx:
    """How to apply: progress bars, a guard run before every write (the image lock's check),
    and the source-rate floor of image uploads."""

    show: bool = False
    guard: Callable[[], None] | None = None
    min_rate: float = MIN_RATE
    window: float = WINDOW

    def check(self) -> None:
        if self.guard is not None:
            self.guard()


def apply_plan(
    cloud: Cloud,
    plan: Plan,
    *,
    log: TextIO | None = None,
    progress: bool | None = None,
    guard: Callable[[], None] | None = None,
    min_rate: float = MIN_RATE,
    window: float = WINDOW,
) -> Applied:
    """Run the plan's actions in order; conflicts are skipped.

    An action of a *unit* (``Action.unit``, e.g. one image definition) that fails ends that
    unit only: the error is recorded, the unit's later actions are not tried, and the next
    unit goes on. An action without a unit that fails stops the run with a one-line
    CloudError naming the action (what was done before stays done). ``guard`` runs before
    every write; its CloudError stops the run."""
    result = Applied()
    ctx = ApplyCtx(
        show=_tty() if progress is None else progress,
        guard=guard,
        min_rate=min_rate,
        window=window,
    )
    broken: set[str] = set()
    for action in plan.actions:
        if action.op is Op.CONFLICT:
            result.skipped.append(action)
            continue
        if action.unit and action.unit in broken:
            result.not_tried.append(action)
            continue
        handler = _HANDLERS.get((action.kind, action.op))
        if handler is None:  # pragma: no cover - a planner/apply mismatch is a bug
            raise CloudError(f"no way to {action.op} a {action.kind}")
        ctx.check()
        try:
            outcome = handler(cloud, action, ctx)
        except (CloudError, InputError) as exc:
            if not action.unit:
                raise
            broken.add(action.unit)
            result.failed.append((action, str(exc)))
            if log is not None:
                print(f"failed: {action.op} {action.kind} {action.name}: {exc}", file=log)
            continue
        result.done.append(outcome)
        if log is not None:
            extra = f" ({outcome.detail})" if outcome.detail else ""
            print(f"done: {action.op} {action.kind} {action.name}{extra}", file=log, flush=True)
    return result


def _tty() -> bool:
    return sys.stderr.isatty()


# -- raw REST with one-line errors ----------------------------------------------------------


def _call(
    adapter: Any,
    method: str,
    url: str,
    what: str,
    *,
    ok: tuple[int, ...] = (200, 201, 202, 204),
    **kwargs: Any,
) -> Any:
    import keystoneauth1.exceptions as ksa_exc

    try:
        resp = adapter.request(url, method, raise_exc=False, **kwargs)
    except ksa_exc.ClientException as exc:
        raise CloudError(f"{what}: {exc}") from None
    if resp.status_code not in ok:
        raise CloudError(f"{what}: HTTP {resp.status_code}: {_error_text(resp)}")
    return resp


def _error_text(resp: Any) -> str:
    try:
        body = resp.json()
    except ValueError:
        text = " ".join((resp.text or "").split())
        return text[:300] or resp.reason or "no details"
    if isinstance(body, dict):
        for v in body.values():
            if isinstance(v, dict) and "message" in v:
                return " ".join(str(v["message"]).split())[:300]
        if "message" in body:
            return " ".join(str(body["message"]).split())[:300]
    return str(body)[:300]


def _json(resp: Any) -> dict[str, Any]:
    try:
        data = resp.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


P = TypeVar("P", bound=Params)


def _params(a: Action, kind: type[P]) -> P:
    if not isinstance(a.params, kind):  # pragma: no cover - a planner/apply mismatch is a bug
        raise CloudError(f"{a.op} {a.kind} {a.name}: parameters are not {kind.__name__}")
    return a.params


# -- flavors ---------------------------------------------------------------------------------


def _nova(cloud: Cloud, method: str, url: str, what: str, **kw: Any) -> Any:
    kw.setdefault("microversion", COMPUTE_MV)
    return _call(cloud.conn.compute, method, url, what, **kw)


def _spec_mv(specs: Mapping[str, Any]) -> str:
    """Nova validates extra specs at 2.86, but only in its own namespaces (hw:, trait:, …);
    keys in others, like scs:*, pass unchecked. The check costs ~55 ms per request on a small
    cloud, so specs that are all scs:* are sent at 2.61: the result is the same, 5x faster."""
    return COMPUTE_MV if any(not k.startswith("scs:") for k in specs) else "2.61"


def _set_specs(cloud: Cloud, fid: str | None, name: str, specs: Mapping[str, Any]) -> None:
    _nova(
        cloud,
        "POST",
        f"/flavors/{fid}/os-extra_specs",
        f"set extra specs of flavor {name}",
        json={"extra_specs": dict(specs)},
        microversion=_spec_mv(specs),
    )


def _flavor_create(cloud: Cloud, a: Action, ctx: ApplyCtx) -> Outcome:
    p = _params(a, FlavorSpec)
    body: dict[str, Any] = {
        "name": a.name,
        "vcpus": p.vcpus,
        "ram": p.ram,
        "disk": p.disk,
        "os-flavor-access:is_public": bool(p.is_public),
    }
    if p.description:
        body["description"] = p.description
    resp = _nova(cloud, "POST", "/flavors", f"create flavor {a.name}", json={"flavor": body})
    fid = str(_json(resp)["flavor"]["id"])
    if p.extra_specs:
        try:
            _set_specs(cloud, fid, a.name, p.extra_specs)
        except CloudError as exc:  # e.g. Nova's validation refused a spec: keep no half flavor
            with contextlib.suppress(CloudError):
                _nova(cloud, "DELETE", f"/flavors/{fid}", f"delete flavor {a.name}")
            raise CloudError(f"{exc}; the new flavor was deleted again") from None
    return Outcome(a, fid)


def _flavor_update(cloud: Cloud, a: Action, ctx: ApplyCtx) -> Outcome:
    p, fid = _params(a, FlavorChange), a.resource_id
    if p.set_specs:
        _set_specs(cloud, fid, a.name, p.set_specs)
    for key in p.unset_specs:
        _nova(
            cloud,
            "DELETE",
            f"/flavors/{fid}/os-extra_specs/{quote(key, safe='')}",
            f"remove extra spec {key} of flavor {a.name}",
            ok=(200, 202, 204, 404),
        )
    if p.description is not None:
        _nova(
            cloud,
            "PUT",
            f"/flavors/{fid}",
            f"set description of flavor {a.name}",
            json={"flavor": {"description": p.description}},
        )
    return Outcome(a, fid)


def _flavor_delete(cloud: Cloud, a: Action, ctx: ApplyCtx) -> Outcome:
    _nova(
        cloud, "DELETE", f"/flavors/{a.resource_id}", f"delete flavor {a.name}", ok=(202, 204, 404)
    )
    return Outcome(a, a.resource_id)


def _flavor_replace(cloud: Cloud, a: Action, ctx: ApplyCtx) -> Outcome:
    """Delete and recreate (sizes are immutable); private flavors get their access back."""
    p, old = _params(a, FlavorSpec), a.resource_id
    projects: list[str] = []
    if p.was_public is False:
        resp = _nova(
            cloud, "GET", f"/flavors/{old}/os-flavor-access", f"read access of flavor {a.name}"
        )
        projects = [str(x["tenant_id"]) for x in _json(resp).get("flavor_access", [])]
    _nova(cloud, "DELETE", f"/flavors/{old}", f"delete flavor {a.name}", ok=(202, 204, 404))
    created = _flavor_create(cloud, a, ctx)
    if not p.is_public:
        for project in projects:
            _nova(
                cloud,
                "POST",
                f"/flavors/{created.resource_id}/action",
                f"give project {project} access to flavor {a.name}",
                json={"addTenantAccess": {"tenant": project}},
            )
    detail = f"was {old}" + (f"; access for {len(projects)} project(s)" if projects else "")
    return Outcome(a, created.resource_id, detail)


# -- volume types ------------------------------------------------------------------------------


def _cinder(cloud: Cloud, method: str, url: str, what: str, **kw: Any) -> Any:
    return _call(cloud.conn.block_storage, method, url, what, **kw)


def _vtype_create(cloud: Cloud, a: Action, ctx: ApplyCtx) -> Outcome:
    p = _params(a, VolumeTypeSpec)
    body: dict[str, Any] = {
        "name": a.name,
        "description": p.description,
        "os-volume-type-access:is_public": bool(p.is_public),
    }
    if p.extra_specs:
        body["extra_specs"] = dict(p.extra_specs)
    resp = _cinder(
        cloud, "POST", "/types", f"create volume type {a.name}", json={"volume_type": body}
    )
    tid = str(_json(resp)["volume_type"]["id"])
    if p.encryption:
        _cinder(
            cloud,
            "POST",
            f"/types/{tid}/encryption",
            f"add encryption to volume type {a.name}",
            json={"encryption": dict(p.encryption)},
        )
    return Outcome(a, tid)


def _vtype_update(cloud: Cloud, a: Action, ctx: ApplyCtx) -> Outcome:
    p, tid = _params(a, VolumeTypeChange), a.resource_id
    body: dict[str, Any] = {}
    if p.description is not None:
        body["description"] = p.description
    if p.is_public is not None:
        body["is_public"] = p.is_public
    if body:
        _cinder(
            cloud,
            "PUT",
            f"/types/{tid}",
            f"update volume type {a.name}",
            json={"volume_type": body},
        )
    if p.extra_specs:
        _cinder(
            cloud,
            "POST",
            f"/types/{tid}/extra_specs",
            f"set extra specs of volume type {a.name}",
            json={"extra_specs": dict(p.extra_specs)},
        )
    if p.encryption:
        spec = {"encryption": dict(p.encryption)}
        if p.encryption_exists:
            resp = _cinder(cloud, "GET", f"/types/{tid}/encryption", f"read encryption of {a.name}")
            eid = _json(resp).get("encryption_id")
            _cinder(
                cloud,
                "PUT",
                f"/types/{tid}/encryption/{eid}",
                f"update encryption of volume type {a.name}",
                json=spec,
            )
        else:
            _cinder(
                cloud,
                "POST",
                f"/types/{tid}/encryption",
                f"add encryption to volume type {a.name}",
                json=spec,
            )
    return Outcome(a, tid)


def _vtype_delete(cloud: Cloud, a: Action, ctx: ApplyCtx) -> Outcome:
    _cinder(
        cloud,
        "DELETE",
        f"/types/{a.resource_id}",
        f"delete volume type {a.name}",
        ok=(202, 204, 404),
    )
    return Outcome(a, a.resource_id)


# -- images ------------------------------------------------------------------------------------


def _glance(cloud: Cloud, method: str, url: str, what: str, **kw: Any) -> Any:
    return _call(cloud.conn.image, method, url, what, **kw)


def _image_delete(cloud: Cloud, a: Action, ctx: ApplyCtx) -> Outcome:
    _glance(cloud, "DELETE", f"/images/{a.resource_id}", f"delete image {a.name}", ok=(204, 404))
    return Outcome(a, a.resource_id)


def _image_patch(cloud: Cloud, a: Action, ctx: ApplyCtx) -> Outcome:
    _glance(
        cloud,
        "PATCH",
        f"/images/{a.resource_id}",
        f"update image {a.name}",
        json=[dict(op) for op in _params(a, ImagePatch).patch],
        headers={"Content-Type": PATCH_TYPE},
    )
    return Outcome(a, a.resource_id)


def _image_create(cloud: Cloud, a: Action, ctx: ApplyCtx) -> Outcome:
    """Create (private, hidden, marked pending) -> stream + hash -> verify -> one PATCH."""
    p = _params(a, ImageUpload)
    core, props = p.core, p.properties
    body = {
        "name": core["name"],
        "disk_format": p.disk_format,
        "container_format": p.container_format,
        "visibility": "private",
        "os_hidden": True,
        "min_disk": core["min_disk"],
        "min_ram": core["min_ram"],
        NAME_PROP: props[NAME_PROP],
        "image_build_date": props["image_build_date"],
        PENDING_PROP: "true",
    }
    source = open_source(p.url, window=ctx.window)  # a bad source fails before the create
    try:
        resp = _glance(cloud, "POST", "/images", f"create image {a.name}", json=body)
        created = _json(resp)
        iid = str(created["id"])
        stream = VerifiedStream(
            source.stream,
            size=source.size,
            expected=p.checksum,
            min_rate=ctx.min_rate,
            window=ctx.window,
        )
        try:
            _upload(cloud, a, iid, stream, ctx.show)
            ctx.check()  # still ours to publish (the image lock)
        except (ChecksumMismatch, SourceFailed, CloudError) as exc:
            _forget(cloud, iid)
            got = f" ({_got(stream)})" if not isinstance(exc, ChecksumMismatch) else ""
            raise CloudError(
                f"upload of image {a.name}: {exc}{got}; the image was deleted"
            ) from None
        except BaseException:
            _forget(cloud, iid)
            raise
    finally:
        source.close()
    have_props = {k: v for k, v in created.items() if k not in core}
    ops = patch_ops(created, have_props, core, props, remove=[PENDING_PROP])
    try:
        resp = _glance(
            cloud,
            "PATCH",
            f"/images/{iid}",
            f"publish image {a.name}",
            json=ops,
            headers={"Content-Type": PATCH_TYPE},
        )
    except CloudError as exc:
        _forget(cloud, iid)
        raise CloudError(f"{exc}; the image was deleted") from None
    final = _json(resp)
    problem = _glance_disagrees(final, stream)
    if problem:
        _forget(cloud, iid)
        raise CloudError(f"image {a.name}: {problem}; the image was deleted")
    mib = stream.sent / 1048576
    rate = mib / max(stream.elapsed(), 1e-3)
    return Outcome(
        a, iid, f"{mib:.1f} MiB at {rate:.1f} MiB/s, {final.get('os_hash_algo')} verified"
    )


def _got(stream: VerifiedStream) -> str:
    kib = stream.received / 1024
    return f"{kib:.0f} KiB from the source in {stream.elapsed():.0f} s"


def _upload(cloud: Cloud, a: Action, iid: str, stream: VerifiedStream, show: bool) -> None:
    big = stream.size is None or stream.size >= PROGRESS_MIN
    if show and big:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),  # stdout stays clean for -f json
            transient=True,
        ) as bar:
            task = bar.add_task(f"upload {a.name}", total=stream.size)
            stream.progress = lambda n: bar.advance(task, n)
            _put(cloud, a, iid, stream)
    else:
        _put(cloud, a, iid, stream)


def _put(cloud: Cloud, a: Action, iid: str, stream: VerifiedStream) -> None:
    _glance(
        cloud,
        "PUT",
        f"/images/{iid}/file",
        f"upload data of image {a.name}",
        data=stream,
        headers={"Content-Type": "application/octet-stream"},
        ok=(204,),
    )
    if not stream.done:
        raise CloudError("Glance answered before the whole image was sent")


def _glance_disagrees(final: Mapping[str, Any], stream: VerifiedStream) -> str | None:
    if final.get("status") != "active":
        return f"status {final.get('status')!r} after upload (want 'active')"
    size = final.get("size")
    if size is not None and int(size) != stream.sent:
        return f"Glance stored {size} bytes, {stream.sent} were sent"
    algo, value = final.get("os_hash_algo"), final.get("os_hash_value")
    ours = stream.digest(str(algo)) if algo else None
    if ours is not None and value != ours:
        return f"Glance's {algo} {value} differs from the uploaded data's {ours}"
    return None


def _forget(cloud: Cloud, iid: str) -> None:
    """Best-effort delete of a failed upload (a leftover is also cleaned by the next run)."""
    with contextlib.suppress(CloudError):
        _glance(cloud, "DELETE", f"/images/{iid}", f"delete failed image {iid}", ok=(204, 404))


_HANDLERS: dict[tuple[str, Op], Callable[[Cloud, Action, ApplyCtx], Outcome]] = {
    ("flavor", Op.CREATE): _flavor_create,
    ("flavor", Op.UPDATE): _flavor_update,
    ("flavor", Op.REPLACE): _flavor_replace,
    ("flavor", Op.DELETE): _flavor_delete,
    ("volume_type", Op.CREATE): _vtype_create,
    ("volume_type", Op.UPDATE): _vtype_update,
    ("volume_type", Op.DELETE): _vtype_delete,
    ("image", Op.CREATE): _image_create,
    ("image", Op.UPDATE): _image_patch,
    ("image", Op.HIDE): _image_patch,
    ("image", Op.DELETE): _image_delete,
}
