"""Connect to a cloud named in clouds.yaml (or OS_* variables), count every HTTP request.

This is the only module that creates openstacksdk connections. Errors become one-line
``CloudError``s that name the cloud and what went wrong; secrets never reach the message.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from scs_iaas.cloud.redact import redact
from scs_iaas.errors import CloudError

if TYPE_CHECKING:  # pragma: no cover
    import openstack.connection

# Nova >= 2.61 carries extra specs in the flavor list; >= 2.86 makes Nova validate them.
COMPUTE_MICROVERSION = "2.86"


@dataclass
class ApiCall:
    method: str
    url: str
    status: int
    seconds: float


@dataclass
class ApiCounter:
    """Every HTTP request a connection made (token requests included)."""

    calls: list[ApiCall] = field(default_factory=list)
    first_request_at: float | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def hook(self, response: Any, *args: Any, **kwargs: Any) -> None:
        req = response.request
        with self._lock:
            self.calls.append(
                ApiCall(
                    method=req.method,
                    url=req.url,
                    status=response.status_code,
                    seconds=response.elapsed.total_seconds(),
                )
            )

    def mark(self) -> None:
        with self._lock:
            if self.first_request_at is None:
                self.first_request_at = time.perf_counter()

    @property
    def count(self) -> int:
        return len(self.calls)

    @property
    def writes(self) -> int:
        return sum(
            c.method not in ("GET", "HEAD") and "/auth/tokens" not in c.url for c in self.calls
        )

    def summary(self) -> str:
        return f"{self.count} API requests ({self.writes} writes)"


@dataclass
class Cloud:
    """A connected cloud: the SDK connection, who we are there, and the request log."""

    name: str
    conn: openstack.connection.Connection
    counter: ApiCounter
    roles: tuple[str, ...]
    project_id: str | None
    user_id: str | None
    catalog: tuple[dict[str, Any], ...]
    auth_url: str


def _cloud_name(name: str | None) -> str | None:
    return name or os.environ.get("OS_CLOUD") or None


def connect(name: str | None = None, *, authenticate: bool = True) -> Cloud:
    """Open a connection to cloud ``name`` (``--os-cloud``; default ``$OS_CLOUD``).

    Authenticates at once (one token request) so that a wrong entry, a wrong password or an
    unreachable Keystone is reported here, in one line, before any work starts.
    """
    import keystoneauth1.exceptions as ksa_exc
    import openstack
    import openstack.config
    import openstack.exceptions as os_exc

    cloud = _cloud_name(name)
    label = cloud or "(OS_* environment)"
    try:
        conn = openstack.connect(
            cloud=cloud,
            compute_api_version=COMPUTE_MICROVERSION,
            api_timeout=60,
        )
    except os_exc.ConfigException as exc:
        known = _known_clouds()
        hint = f" (known: {', '.join(known)})" if known else " (no clouds.yaml found)"
        raise CloudError(f"clouds.yaml: cannot use cloud {label!r}: {_line(exc)}{hint}") from None
    except Exception as exc:
        raise CloudError(f"cloud {label!r}: bad configuration: {_line(exc)}") from None

    counter = ApiCounter()
    conn.session.session.hooks["response"].append(counter.hook)
    auth_url = str(conn.config.get_auth_args().get("auth_url", "?"))
    roles: tuple[str, ...] = ()
    project_id = user_id = None
    catalog: tuple[dict[str, Any], ...] = ()
    if authenticate:
        counter.mark()
        try:
            access = conn.session.auth.get_access(conn.session)  # type: ignore[union-attr]
        except ksa_exc.Unauthorized:
            raise CloudError(
                f"cloud {label!r}: authentication failed at {auth_url} (check user, password, "
                "project and domain in clouds.yaml)"
            ) from None
        except ksa_exc.ConnectFailure:
            raise CloudError(f"cloud {label!r}: cannot reach Keystone at {auth_url}") from None
        except ksa_exc.ClientException as exc:
            raise CloudError(f"cloud {label!r}: Keystone at {auth_url}: {_line(exc)}") from None
        roles = tuple(access.role_names or ())
        project_id = access.project_id
        user_id = access.user_id
        catalog = tuple(access.service_catalog.catalog or ())
    return Cloud(
        name=label,
        conn=conn,
        counter=counter,
        roles=roles,
        project_id=project_id,
        user_id=user_id,
        catalog=catalog,
        auth_url=auth_url,
    )


def _known_clouds() -> list[str]:
    try:
        import openstack.config

        return sorted(openstack.config.OpenStackConfig().get_cloud_names())
    except Exception:
        return []


def _line(exc: BaseException) -> str:
    return redact(" ".join(str(exc).split()) or type(exc).__name__)


def api_error(what: str, exc: BaseException) -> CloudError:
    """Turn an SDK/keystoneauth exception into a one-line CloudError naming the request."""
    status = getattr(exc, "status_code", None) or getattr(exc, "http_status", None)
    code = f" (HTTP {status})" if status else ""
    return CloudError(f"{what}{code}: {_line(exc)}")
