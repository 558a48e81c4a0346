"""Connect to a cloud named in clouds.yaml (or OS_* variables), count every HTTP request.

This is the only module that creates sessions and openstacksdk connections. clouds.yaml is
read by openstacksdk's own loader (``openstack.config``: search path, secure.yaml, OS_*
variables); reads then go through the keystoneauth session directly. Errors become one-line
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
    """Every HTTP request a session made (token requests included)."""

    calls: list[ApiCall] = field(default_factory=list)
    first_request_wall: float | None = None  # time.time(), comparable to the process start
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
            if self.first_request_wall is None:
                self.first_request_wall = time.time()

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


class Cloud:
    """A connected cloud: a keystoneauth session, who we are there, and the request log.

    Reads go straight through the session (``get``/``list``): one GET per list, no version
    discovery, and no import of the SDK's service proxies. ``conn`` (the openstacksdk
    Connection, for writes) is built on first use on the same session, so every request of
    both paths is counted.
    """

    def __init__(self, name: str, region: Any, session: Any, counter: ApiCounter) -> None:
        self.name = name
        self.region = region
        self.session = session
        self.counter = counter
        self.roles: tuple[str, ...] = ()
        self.project_id: str | None = None
        self.user_id: str | None = None
        self.catalog: tuple[dict[str, Any], ...] = ()
        self.auth_url = redact(str((region.config.get("auth") or {}).get("auth_url", "?")))
        self._conn: Any = None

    @property
    def conn(self) -> openstack.connection.Connection:
        if self._conn is None:
            import openstack.connection

            self._conn = openstack.connection.Connection(config=self.region)
        conn: openstack.connection.Connection = self._conn
        return conn

    def _filter(self, service_type: str) -> dict[str, Any]:
        return {
            "service_type": service_type,
            "interface": self.region.config.get("interface") or "public",
            "region_name": self.region.region_name or None,
        }

    def get(
        self,
        service_type: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        microversion: str | None = None,
        raise_exc: bool = True,
    ) -> Any:
        """GET ``path`` below the catalog endpoint of ``service_type`` (or an absolute URL)."""
        kwargs: dict[str, Any] = {
            "endpoint_filter": self._filter(service_type),
            "raise_exc": raise_exc,
        }
        if microversion:
            kwargs.update(microversion=microversion, microversion_service_type=service_type)
        return self.session.get(path, params=params, **kwargs)

    def list(
        self,
        service_type: str,
        path: str,
        key: str,
        *,
        params: dict[str, Any] | None = None,
        microversion: str | None = None,
    ) -> list[dict[str, Any]]:
        """All items of a collection, following the API's own next links (Nova/Neutron
        ``<key>_links``, Glance ``next``)."""
        items: list[dict[str, Any]] = []
        url: str | None = path
        seen: set[str] = set()
        while url and url not in seen:  # a repeated next link would loop forever
            seen.add(url)
            body = self.get(service_type, url, params=params, microversion=microversion).json()
            page = body.get(key) or []
            items.extend(page)
            if not page:
                break
            params = None  # a next link carries the whole query
            url = body.get("next")
            for link in body.get(f"{key}_links") or ():
                if link.get("rel") == "next":
                    url = link.get("href")
        return items


def _cloud_name(name: str | None) -> str | None:
    return name or os.environ.get("OS_CLOUD") or None


def connect(
    name: str | None = None,
    *,
    authenticate: bool = True,
    config_file: str | None = None,
    shared_auth: dict[str, Any] | None = None,
) -> Cloud:
    """Open a session to cloud ``name`` (``--os-cloud``; default ``$OS_CLOUD``), from
    ``config_file`` when given (else openstacksdk's search path for clouds.yaml).

    Authenticates at once (one token request) so that a wrong entry, a wrong password or an
    unreachable Keystone is reported here, in one line, before any work starts.

    ``shared_auth`` (a fleet passes one dict to all its connections): entries with the very same
    Keystone, credentials and scope (regions of one cloud, or one cloud under several subjects)
    share one auth plugin, so one token: Keystone issues it once and every service validates
    it once, instead of once per entry (that, not our work, is most of a check's time).
    """
    import keystoneauth1.exceptions as ksa_exc
    import openstack.config
    import openstack.exceptions as os_exc

    cloud = _cloud_name(name)
    label = cloud or "(OS_* environment)"
    try:
        config = openstack.config.OpenStackConfig(
            config_files=[config_file] if config_file else None
        )
        region = config.get_one(cloud=cloud, compute_api_version=COMPUTE_MICROVERSION)
        if _names_v3(region):
            region = config.get_one(
                cloud=cloud, compute_api_version=COMPUTE_MICROVERSION, auth_type="v3password"
            )
        session = region.get_session()
    except os_exc.ConfigException as exc:
        broken = _broken_config_file()
        if broken:
            raise CloudError(broken) from None
        known = _known_clouds()
        hint = f" (known: {', '.join(known)})" if known else " (no clouds.yaml found)"
        raise CloudError(f"clouds.yaml: cannot use cloud {label!r}: {_line(exc)}{hint}") from None
    except ksa_exc.ClientException as exc:
        raise CloudError(f"cloud {label!r}: bad configuration: {_line(exc)}") from None

    if shared_auth is not None:
        cfg = region.config
        key = repr(
            (cfg.get("auth_type"), sorted((cfg.get("auth") or {}).items()), cfg.get("verify"))
        )
        session.auth = shared_auth.setdefault(key, session.auth)
    counter = ApiCounter()
    session.session.hooks["response"].append(counter.hook)
    result = Cloud(label, region, session, counter)
    if authenticate:
        counter.mark()
        try:
            access = session.auth.get_access(session)  # type: ignore[union-attr]
        except ksa_exc.Unauthorized:
            raise CloudError(
                f"cloud {label!r}: authentication failed at {result.auth_url} (check user, "
                "password, project and domain in clouds.yaml)"
            ) from None
        except ksa_exc.ConnectFailure:
            raise CloudError(
                f"cloud {label!r}: cannot reach Keystone at {result.auth_url}"
            ) from None
        except ksa_exc.ClientException as exc:
            raise CloudError(
                f"cloud {label!r}: Keystone at {result.auth_url}: {_line(exc)}"
            ) from None
        result.roles = tuple(access.role_names or ())
        result.project_id = access.project_id
        result.user_id = access.user_id
        result.catalog = tuple(access.service_catalog.catalog or ())
    return result


def _names_v3(region: Any) -> bool:
    """A generic ``password`` plugin first GETs the auth URL to pick v2 or v3. When the URL
    already names v3 that round trip tells nothing: the v3 plugin can be used directly."""
    cfg = region.config
    url = str((cfg.get("auth") or {}).get("auth_url", "")).rstrip("/")
    return cfg.get("auth_type") in (None, "password") and url.endswith("/v3")


def _broken_config_file() -> str | None:
    """openstacksdk skips a clouds.yaml it cannot parse and then reports the cloud as missing;
    name the file and line instead."""
    import openstack.config.loader as loader
    import yaml

    candidates = [os.environ.get("OS_CLIENT_CONFIG_FILE", ""), *loader.CONFIG_FILES]
    for path in filter(None, candidates):
        try:
            with open(path, encoding="utf-8") as fh:
                yaml.safe_load(fh)
        except FileNotFoundError:
            continue
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{path}:{mark.line + 1}" if mark else path
            problem = getattr(exc, "problem", None) or "not valid YAML"
            return f"{where}: not valid YAML ({problem})"
        except (OSError, UnicodeDecodeError) as exc:
            return f"{path}: cannot read: {exc}"
    return None


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
