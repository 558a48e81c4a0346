"""Connect to a cloud named in clouds.yaml (or OS_* variables), count every HTTP request.

This is the only module that creates sessions and openstacksdk connections. clouds.yaml is
read by openstacksdk's own loader (``openstack.config``: search path, secure.yaml, OS_*
variables); reads then go through the keystoneauth session directly. Errors become one-line
``CloudError``s that name the cloud and what went wrong; secrets never reach the message.
"""

from __future__ import annotations

import os
import re
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from scs_iaas.cloud.redact import redact, remember_secrets
from scs_iaas.errors import CloudError

if TYPE_CHECKING:  # pragma: no cover
    import openstack.connection

# Nova >= 2.61 carries extra specs in the flavor list; >= 2.86 makes Nova validate them.
COMPUTE_MICROVERSION = "2.86"

# Every request has a connect and a read timeout (requests' own, through keystoneauth). The
# read timeout fits a slow but healthy cloud: a page of 1000 servers of all projects can take
# tens of seconds on a big one. ``--timeout`` (or ``api_timeout`` in clouds.yaml) changes it.
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 60.0
# Reads are retried by keystoneauth itself (exponential backoff from 0.5 s) on connection
# errors, resets and timeouts (``connect_retries``) and on these answers
# (``status_code_retries``). Writes are never retried: a POST whose answer was lost may have
# happened, and a second one would duplicate it. A frozen service so costs a read at most
# (READ_RETRIES + 1) x the read timeout + 1.5 s of backoff.
READ_RETRIES = 2
RETRIABLE_STATUS = [429, 502, 503, 504]


@dataclass(frozen=True)
class Timeouts:
    connect: float = CONNECT_TIMEOUT
    read: float = READ_TIMEOUT
    retries: int = READ_RETRIES

    @property
    def pair(self) -> tuple[float, float]:
        return (min(self.connect, self.read), self.read)

    def worst_case(self) -> float:
        """Seconds one read may take at most against a service that never answers."""
        backoff = sum(min(0.5 * 2.0**i, 60.0) for i in range(self.retries))
        return float((self.retries + 1) * sum(self.pair) + backoff)


_settings = {"timeouts": Timeouts(), "explicit": False}


def set_timeout(seconds: float) -> None:
    """``--timeout``: the read timeout of every request of this process (overrides the
    ``api_timeout`` of clouds.yaml)."""
    if not seconds > 0:
        from scs_iaas.errors import InputError

        raise InputError(f"--timeout {seconds}: must be a positive number of seconds")
    _settings["timeouts"] = Timeouts(connect=min(CONNECT_TIMEOUT, seconds), read=seconds)
    _settings["explicit"] = True


def _timeouts(region: Any) -> Timeouts:
    base = _settings["timeouts"]
    assert isinstance(base, Timeouts)
    configured = region.config.get("api_timeout")
    if _settings["explicit"] or configured in (None, ""):
        return base
    try:
        read = float(configured)
    except (TypeError, ValueError):
        raise CloudError(f"clouds.yaml: api_timeout {configured!r}: not a number") from None
    return Timeouts(connect=min(CONNECT_TIMEOUT, read), read=read, retries=base.retries)


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
        self.timeouts = _timeouts(region)
        self._conn: Any = None

    @property
    def conn(self) -> openstack.connection.Connection:
        if self._conn is None:
            import openstack.connection

            _no_write_retries(self.region)
            self._conn = openstack.connection.Connection(config=self.region)
        conn: openstack.connection.Connection = self._conn
        return conn

    def _filter(self, service_type: str) -> dict[str, Any]:
        return {
            "service_type": service_type,
            "interface": self.region.config.get("interface") or "public",
            "region_name": self.region.region_name or None,
        }

    def endpoint_override(self, service_type: str) -> str | None:
        """``<service>_endpoint_override`` from clouds.yaml (aliases included), as the SDK's
        writes use it: reads must go to the same place."""
        url = self.region.get_endpoint(service_type)
        return str(url) if url else None

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
            **self.read_options(),
        }
        override = self.endpoint_override(service_type)
        if override:
            kwargs["endpoint_override"] = override
        if microversion:
            kwargs.update(microversion=microversion, microversion_service_type=service_type)
        return self.session.get(path, params=params, **kwargs)

    def read_options(self) -> dict[str, Any]:
        """keystoneauth request options of an idempotent read: timeouts and its own retries."""
        t = self.timeouts
        return {
            "timeout": t.pair,
            "connect_retries": t.retries,
            "status_code_retries": t.retries,
            "retriable_status_codes": RETRIABLE_STATUS,
        }

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
    files = _config_files(config_file)
    for _path, data in files:
        remember_secrets(data)
    remember_secrets({k: v for k, v in os.environ.items() if k.startswith("OS_")})
    if cloud:
        _check_entry(files, cloud)
    try:
        config = openstack.config.OpenStackConfig(
            config_files=[config_file] if config_file else None
        )
        region = config.get_one(cloud=cloud, compute_api_version=COMPUTE_MICROVERSION)
        remember_secrets(region.config)
        if _names_v3(region):
            region = config.get_one(
                cloud=cloud, compute_api_version=COMPUTE_MICROVERSION, auth_type="v3password"
            )
        session = region.get_session()
        # requests takes (connect, read): the session's default for every request, the
        # SDK's writes included
        session.timeout = _timeouts(region).pair  # type: ignore[assignment]
        # the session's default for requests that name no retries of their own: the token
        # request (a second token harms nothing) and bare version-document GETs. The SDK's
        # proxies name theirs (0, see _no_write_retries), Cloud.get its own.
        session._connect_retries = _timeouts(region).retries
    except os_exc.ConfigException as exc:
        broken = _broken_config_file()
        if broken:
            raise CloudError(broken) from None
        known = _known_clouds()
        hint = f" (known: {', '.join(known)})" if known else " (no clouds.yaml found)"
        raise CloudError(f"clouds.yaml: cannot use cloud {label!r}: {_line(exc)}{hint}") from None
    except ksa_exc.ClientException as exc:
        raise CloudError(f"cloud {label!r}: bad configuration: {_line(exc)}") from None
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        # a shape the SDK's loader does not expect (it has no schema of its own)
        where = _defining_file(files, cloud) or "clouds.yaml"
        missing = re.search(r"required positional argument: '(\w+)'", str(exc))
        if missing:
            raise CloudError(
                f"{where}: clouds.{cloud}.auth.{missing[1]} is missing (the "
                f"{region_auth_type(files, cloud)} auth type needs it)"
            ) from None
        raise CloudError(f"{where}: cloud {label!r}: unusable entry: {_line(exc)}") from None

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
        check_catalog(result)
    return result


def _no_write_retries(region: Any) -> None:
    """The SDK's proxies take their retries from the config (openstacksdk retries Glance 5
    times on 503 by default): a write must not be repeated blindly, so none of them retries.
    Reads do not go through the proxies but through ``Cloud.get`` with its own retries."""
    cfg = region.config
    for key in list(cfg):
        if key.endswith(("connect_retries", "status_code_retries")):
            cfg[key] = 0
    cfg["connect_retries"] = 0
    cfg["status_code_retries"] = 0


# -- clouds.yaml shapes: openstacksdk has no schema, a wrong type ends in an AttributeError deep
# inside it. These are checked first, and named by file and field (never by value: it may be
# a secret).

_STRING_FIELDS = ("region_name", "interface", "auth_type", "cacert", "cert", "key", "profile")
_INTERFACES = ("public", "internal", "admin", "publicURL", "internalURL", "adminURL")


def _config_files(config_file: str | None = None) -> list[tuple[str, Any]]:
    """Every clouds.yaml / secure.yaml openstacksdk would read, parsed (unreadable ones left
    to ``_broken_config_file``)."""
    import openstack.config.loader as loader
    import yaml

    candidates = [
        config_file or "",
        os.environ.get("OS_CLIENT_CONFIG_FILE", ""),
        *loader.CONFIG_FILES,
        os.environ.get("OS_CLIENT_SECURE_FILE", ""),
        *loader.SECURE_FILES,
    ]
    out: list[tuple[str, Any]] = []
    for path in dict.fromkeys(filter(None, candidates)):
        try:
            with open(path, encoding="utf-8") as fh:
                out.append((path, yaml.safe_load(fh)))
        except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError):
            continue
    return out


def _defining_file(files: list[tuple[str, Any]], cloud: str | None) -> str | None:
    for path, data in files:
        clouds = data.get("clouds") if isinstance(data, dict) else None
        if isinstance(clouds, dict) and cloud in clouds:
            return path
    return files[0][0] if files else None


def region_auth_type(files: list[tuple[str, Any]], cloud: str | None) -> str:
    for _path, data in files:
        clouds = data.get("clouds") if isinstance(data, dict) else None
        entry = clouds.get(cloud) if isinstance(clouds, dict) else None
        if isinstance(entry, dict) and entry.get("auth_type"):
            return str(entry["auth_type"])
    return "password"


def _type_name(value: Any) -> str:
    if value is None:
        return "empty"
    return {dict: "a mapping", list: "a list", bool: "a boolean", int: "a number",
            float: "a number"}.get(type(value), type(value).__name__)  # fmt: skip


def _check_entry(files: list[tuple[str, Any]], cloud: str) -> None:
    """Raise a CloudError naming file and field when the entry for ``cloud`` (or the
    ``clouds`` key holding it) has a shape openstacksdk cannot use."""
    for path, data in files:
        if not isinstance(data, dict) or "clouds" not in data:
            continue
        clouds = data["clouds"]
        if not isinstance(clouds, dict):
            raise CloudError(
                f"{path}: clouds must be a mapping of cloud names to their settings "
                f"(it is {_type_name(clouds)})"
            )
        if cloud not in clouds:
            continue
        entry = clouds[cloud]
        where = f"{path}: clouds.{cloud}"
        if not isinstance(entry, dict):
            raise CloudError(f"{where} must be a mapping of settings (it is {_type_name(entry)})")
        auth = entry.get("auth", {})
        if not isinstance(auth, dict):
            raise CloudError(f"{where}.auth must be a mapping (it is {_type_name(auth)})")
        for key, value in auth.items():
            if not isinstance(value, str) and not (key.endswith("_id") and isinstance(value, int)):
                hint = " (quote it)" if isinstance(value, (int, float, bool)) else ""
                raise CloudError(
                    f"{where}.auth.{key} must be a string, not {_type_name(value)}{hint}"
                )
        for key in _STRING_FIELDS:
            if key in entry and not isinstance(entry[key], str):
                raise CloudError(f"{where}.{key} must be a string, not {_type_name(entry[key])}")
        if "interface" in entry and entry["interface"] not in _INTERFACES:
            raise CloudError(f"{where}.interface must be one of {', '.join(_INTERFACES[:3])}")
        if "regions" in entry and not isinstance(entry["regions"], list):
            raise CloudError(f"{where}.regions must be a list, not {_type_name(entry['regions'])}")
        timeout = entry.get("api_timeout")
        if timeout is not None and (
            isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0
        ):
            raise CloudError(f"{where}.api_timeout must be a positive number of seconds")
        verify = entry.get("verify")
        if isinstance(verify, str) and not os.path.isfile(os.path.expanduser(verify)):
            raise CloudError(f"{where}.verify must be true, false or a CA file (no such file)")
        if verify is not None and not isinstance(verify, (bool, str)):
            raise CloudError(f"{where}.verify must be true, false or a CA file")
        for key in ("cacert", "cert", "key"):
            if key in entry and not os.path.isfile(os.path.expanduser(entry[key])):
                raise CloudError(f"{where}.{key} names a file that does not exist: {entry[key]}")


def check_catalog(cloud: Cloud) -> None:
    """A ``region_name`` or ``interface`` no catalog endpoint has would make every request fail
    with "endpoint not found": say so once, at connect time."""
    endpoints = [ep for s in cloud.catalog for ep in s.get("endpoints") or ()]
    if not endpoints:
        return
    region = cloud.region.region_name or None
    regions = sorted({str(ep.get("region_id") or ep.get("region") or "") for ep in endpoints})
    if region and region not in regions:
        raise CloudError(
            f"cloud {cloud.name!r}: region_name {region!r} is not in the service catalog "
            f"(regions: {', '.join(r for r in regions if r) or 'none'})"
        )
    interface = str(cloud.region.config.get("interface") or "public").removesuffix("URL")
    interfaces = sorted({str(ep.get("interface") or "") for ep in endpoints})
    if interface not in interfaces:
        raise CloudError(
            f"cloud {cloud.name!r}: interface {interface!r} has no endpoint in the service "
            f"catalog (interfaces: {', '.join(interfaces)})"
        )


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
