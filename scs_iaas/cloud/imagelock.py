"""A lock the cloud itself holds: one ``manage images --apply`` per project at a time.

Two runs of the same definitions, on one machine or on two, must never upload the same
version twice nor take each other's upload for the leftover of a killed run. So a run that is
about to change images first takes the project's image lock, a Glance image record:

- **Acquire.** Create a lock record (an empty, private, hidden image named ``LOCK_NAME`` with
  ``scs-iaas:lock=<run id>``) in the managing project, then list the project's lock records.
  The run holds the lock when its own record is the only *live* one; otherwise it deletes its
  record, waits a random 1-3 s and tries again, until ``wait`` seconds have passed.
- **Why two runs never both hold it.** Glance keeps images in one database: a record is
  committed before its create returns, and a list started after that sees it. If runs A and B
  both created a record and A created first, B listed after B's create, so after A's: B sees
  A and backs off. A run can only win when no other live record existed when it listed, which
  is true for at most one of any two overlapping runs. This holds across machines because the
  only shared state is Glance's database; nothing depends on a local file or a local clock.
- **Leases, on the cloud's clock.** A holder renews its record every ``lease/4`` seconds (a
  PATCH moves its ``updated_at``). A record whose ``updated_at`` is more than ``lease`` seconds
  older than the ``created_at`` of the newest record is stale (its run was killed) and deleted
  by whoever sees it. Both times are Glance's, so clocks of the machines do not matter.
- **A holder that died on this machine** (same boot, same PID namespace, its process gone) is
  known dead at once; its record is deleted without waiting out the lease. That shortcut is
  taken only when the record's boot id and PID namespace are this process's own, so a holder
  in another container or on another machine is judged by its lease alone.
- **A holder that lost its lease** (stopped longer than the lease) notices before its next
  write (``check``): the renewal failed or is overdue, and it stops with a one-line error.
- **Only the managing project counts:** records are listed with ``owner=<project>``, so no
  other tenant can create, hold or block this lock.
"""

from __future__ import annotations

import contextlib
import os
import random
import socket
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from scs_iaas.errors import CloudError
from scs_iaas.model.plan import LOCK_PROP

LOCK_NAME = "scs-iaas image lock"  # no colon: Glance reads "a:b" in filters as an operator
BEAT_PROP = "scs-iaas:lock-beat"
WHERE_PROP = "scs-iaas:lock-where"  # boot id / PID namespace / pid of the holder
GONE = frozenset({"deleted", "pending_delete", "killed"})  # records a crash left half-deleted
LEASE = 60.0  # seconds without a renewal after which a lock record is stale
PATCH_TYPE = "application/openstack-images-v2.1-json-patch"


class LockBusy(CloudError):
    """Another live run holds the lock and did not let go within the wait."""


@dataclass(frozen=True)
class Holder:
    id: str
    run: str
    created_at: datetime | None
    updated_at: datetime | None
    where: str = ""


def here(pid: int | None = None) -> str:
    """``<boot id>/<pid namespace>/<pid>``: where a process runs, unique on one kernel boot."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
        ns = os.readlink("/proc/self/ns/pid")
    except OSError:
        return ""
    return f"{boot}/{ns}/{os.getpid() if pid is None else pid}"


def died_here(h: Holder) -> bool:
    """Whether ``h`` ran in this kernel boot and PID namespace and its process is gone."""
    import psutil

    mine = here()
    if not mine or not h.where:
        return False
    boot_ns, _, pid = h.where.rpartition("/")
    if boot_ns != mine.rpartition("/")[0] or not pid.isdigit():
        return False
    return not psutil.pid_exists(int(pid))


def _dt(text: Any) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None


def holder_of(raw: Mapping[str, Any]) -> Holder:
    return Holder(
        id=str(raw.get("id")),
        run=str(raw.get(LOCK_PROP) or "?"),
        created_at=_dt(raw.get("created_at")),
        updated_at=_dt(raw.get("updated_at")),
        where=str(raw.get(WHERE_PROP) or ""),
    )


def is_stale(h: Holder, now: datetime | None, lease: float) -> bool:
    """Whether ``h`` has not been renewed for ``lease`` seconds at ``now`` (both Glance's)."""
    seen = h.updated_at or h.created_at
    if now is None or seen is None:
        return False
    return (now - seen).total_seconds() > lease


class ImageLock:
    """The image lock of one project; ``with`` it, or ``acquire()`` / ``release()``."""

    def __init__(
        self,
        adapter: Any,
        project_id: str,
        *,
        lease: float = LEASE,
        say: Callable[[str], None] | None = None,
    ) -> None:
        self.adapter = adapter  # the image service adapter (keystoneauth)
        self.project_id = project_id
        self.lease = lease
        self.say = say
        self.run = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.record: str | None = None
        self._lost = False
        self._last_ok = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._beats = 0

    # -- requests ---------------------------------------------------------------------------

    def _req(self, method: str, url: str, what: str, ok: tuple[int, ...], **kw: Any) -> Any:
        import keystoneauth1.exceptions as ksa_exc

        try:
            resp = self.adapter.request(url, method, raise_exc=False, **kw)
        except ksa_exc.ClientException as exc:
            raise CloudError(f"image lock: {what}: {exc}") from None
        if resp.status_code not in ok:
            raise CloudError(f"image lock: {what}: HTTP {resp.status_code}")
        return resp

    def _create(self) -> Holder:
        body = {
            "name": LOCK_NAME,
            "visibility": "private",
            "os_hidden": True,
            "disk_format": "raw",
            "container_format": "bare",
            LOCK_PROP: self.run,
            WHERE_PROP: here(),
        }
        resp = self._req("POST", "/images", "create lock record", (201,), json=body)
        return holder_of(resp.json())

    def holders(self) -> list[Holder]:
        resp = self._req(
            "GET",
            "/images",
            "list lock records",
            (200,),
            params={
                "owner": self.project_id,
                "name": LOCK_NAME,
                "os_hidden": "true",
                "visibility": "private",
                "limit": 1000,
            },
        )
        return [
            holder_of(r)
            for r in resp.json().get("images", [])
            if LOCK_PROP in r and r.get("status") not in GONE
        ]

    def _delete(self, image_id: str) -> None:
        self._req("DELETE", f"/images/{image_id}", "delete lock record", (204, 404))

    # -- acquire / release -------------------------------------------------------------------

    def acquire(self, wait: float) -> None:
        """Hold the lock, waiting at most ``wait`` seconds for another run; LockBusy if not."""
        deadline = time.monotonic() + max(wait, 0.0)
        told = False
        while True:
            mine = self._create()
            try:
                others = [h for h in self.holders() if h.id != mine.id]
                now = mine.created_at
                live = []
                for h in others:
                    if is_stale(h, now, self.lease) or died_here(h):
                        with contextlib.suppress(CloudError):  # best effort: it is not live
                            self._delete(h.id)  # a killed run's record
                    else:
                        live.append(h)
            except BaseException:
                self._delete(mine.id)
                raise
            if not live:
                self.record = mine.id
                self._last_ok = time.monotonic()
                self._start_renewal()
                return
            self._delete(mine.id)
            other = min(
                live, key=lambda h: (h.created_at.timestamp() if h.created_at else 0.0, h.id)
            )
            since = f"{other.created_at:%H:%M:%S}Z" if other.created_at else "?"
            if time.monotonic() >= deadline:
                raise LockBusy(
                    f"another scs-iaas run ({other.run}, since {since}) is changing images of "
                    f"project {self.project_id}; nothing was changed. Rerun when it is done, or "
                    "give --wait SECONDS (a killed run's lock expires after "
                    f"{self.lease:.0f} s)"
                )
            if not told and self.say:
                self.say(
                    f"waiting for another scs-iaas run ({other.run}, since {since}) that is "
                    f"changing images of this project (at most {wait:.0f} s)"
                )
                told = True
            time.sleep(random.uniform(1.0, 3.0))

    def release(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self.record is not None:
            try:
                self._delete(self.record)
            finally:
                self.record = None

    def __enter__(self) -> ImageLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    # -- lease ------------------------------------------------------------------------------

    def _renew(self) -> bool:
        if self.record is None:
            return False
        self._beats += 1
        op = [{"op": "add", "path": f"/{BEAT_PROP.replace('/', '~1')}", "value": str(self._beats)}]
        try:
            resp = self.adapter.request(
                f"/images/{self.record}",
                "PATCH",
                raise_exc=False,
                json=op,
                headers={"Content-Type": PATCH_TYPE},
            )
        except Exception:  # a transient fault: try again on the next beat
            return False
        if resp.status_code == 404:
            self._lost = True  # someone took our record for stale
            return False
        if resp.status_code == 200:
            self._last_ok = time.monotonic()
            return True
        return False

    def _start_renewal(self) -> None:
        self._stop.clear()

        def loop() -> None:
            while not self._stop.wait(self.lease / 4):
                self._renew()

        self._thread = threading.Thread(target=loop, name="scs-iaas-image-lock", daemon=True)
        self._thread.start()

    def check(self) -> None:
        """Before a write: raise CloudError if the lease may be gone (stopped, cut off)."""
        if self.record is None:
            raise CloudError("image lock not held; nothing further was changed")
        if not self._lost and time.monotonic() - self._last_ok > self.lease / 2:
            self._renew()  # overdue (e.g. the process was stopped): renew before writing
        if self._lost or time.monotonic() - self._last_ok > self.lease / 2:
            raise CloudError(
                "lost the image lock (this run was stopped or cut off longer than its "
                f"{self.lease:.0f} s lease; another run may have taken over); stopped before "
                "the next change"
            )
