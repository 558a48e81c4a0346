"""Keep secrets out of output: passwords, tokens and application-credential secrets.

Two nets: patterns (``password: …``, ``X-Auth-Token: …``, ``scheme://user:pw@host``) catch
what looks like a secret anywhere, and every value that came from a secret field of
clouds.yaml / secure.yaml / ``OS_*`` (``remember_secrets``) is replaced wherever it shows up,
whatever its YAML type: ``password: [x]`` reaches an error message as ``['x']``, a map as
``{'a': 1}``, an int as ``1234``.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable

_SECRET_KEYS = ("password", "secret", "token", "application_credential_secret", "auth_token")
_KV = re.compile(
    r"""(?ix)
    (?P<key>["']?(?:[a-z_]*?(?:password|secret|token))["']?\s*[:=]\s*)
    (?P<q>["']?)(?P<val>\[[^\]\n]*\]|\{[^}\n]*\}|\([^)\n]*\)|[^"',\s}]+)(?P=q)
    """
)
_HEADER = re.compile(r"(?i)(x-(?:auth|subject)-token\s*[:=]\s*)\S+")
_URL_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s]*@")
_MIN_LITERAL = 3  # shorter leaves would blank out ordinary words; their containers still go

_known: set[str] = set()
_lock = threading.Lock()


def is_secret_key(key: object) -> bool:
    return any(s in str(key).lower() for s in _SECRET_KEYS)


def _forms(value: object) -> Iterable[str]:
    """The ways a value can be printed: str, repr, JSON, and each leaf of a container."""
    if value is None or value == "" or isinstance(value, bool):
        return
    if isinstance(value, (dict, list, tuple, set)):
        yield str(value)
        yield repr(value)
        try:
            yield json.dumps(value)
            yield json.dumps(value, separators=(",", ":"))
        except (TypeError, ValueError):
            pass
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for k, v in items:
            if isinstance(value, dict):
                yield from (f for f in _forms(k) if len(f) >= _MIN_LITERAL)
            yield from _forms(v)
        return
    text = str(value)
    if len(text) >= _MIN_LITERAL:
        yield text
        yield repr(value)


def remember_secrets(data: object, *, secret: bool = False) -> None:
    """Note every value below a secret-looking key of ``data`` (any depth, any type)."""
    if secret:
        with _lock:
            _known.update(f for f in _forms(data) if f)
        return
    if isinstance(data, dict):
        for k, v in data.items():
            remember_secrets(v, secret=is_secret_key(k))
    elif isinstance(data, (list, tuple)):
        for v in data:
            remember_secrets(v)


def redact(text: str) -> str:
    """Replace anything that looks like, or is known as, a secret value with ``***``."""
    with _lock:
        known = sorted(_known, key=len, reverse=True)
    for value in known:  # longest first: a container before its leaves
        if value in text:
            text = text.replace(value, "***")
    text = _KV.sub(lambda m: f"{m.group('key')}{m.group('q')}***{m.group('q')}", text)
    text = _URL_USERINFO.sub(r"\1***@", text)
    return _HEADER.sub(r"\1***", text)


def redact_mapping(data: object) -> object:
    """A deep copy of a clouds.yaml-like mapping with secret values replaced."""
    if isinstance(data, dict):
        return {k: ("***" if is_secret_key(k) else redact_mapping(v)) for k, v in data.items()}
    if isinstance(data, list):
        return [redact_mapping(v) for v in data]
    return data
