"""Keep secrets out of output: passwords, tokens and application-credential secrets."""

from __future__ import annotations

import re

_SECRET_KEYS = ("password", "secret", "token", "application_credential_secret", "auth_token")
_KV = re.compile(
    r"""(?ix)
    (?P<key>["']?(?:[a-z_]*?(?:password|secret|token))["']?\s*[:=]\s*)
    (?P<q>["']?)(?P<val>[^"',\s}]+)(?P=q)
    """
)
_HEADER = re.compile(r"(?i)(x-(?:auth|subject)-token\s*[:=]\s*)\S+")
_URL_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/@\s]+@")


def redact(text: str) -> str:
    """Replace anything that looks like a secret value with ``***``."""
    text = _KV.sub(lambda m: f"{m.group('key')}{m.group('q')}***{m.group('q')}", text)
    text = _URL_USERINFO.sub(r"\1***@", text)
    return _HEADER.sub(r"\1***", text)


def redact_mapping(data: object) -> object:
    """A deep copy of a clouds.yaml-like mapping with secret values replaced."""
    if isinstance(data, dict):
        return {
            k: ("***" if any(s in str(k).lower() for s in _SECRET_KEYS) else redact_mapping(v))
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [redact_mapping(v) for v in data]
    return data
