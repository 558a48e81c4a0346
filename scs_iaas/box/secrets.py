"""The box's passwords: random at first install, kept 0600 in the box home.

They appear in the service configs and clouds.yaml (both 0600 under the home) and
nowhere else: no progress line or error message prints them.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from scs_iaas.errors import ScsIaasError


@dataclass(frozen=True)
class BoxSecrets:
    """admin: Keystone admin; member: the non-admin user; service: every service user;
    database: the MariaDB account the services use; kek: Barbican's key-encryption key
    (simple-crypto plugin: a Fernet key, url-safe base64 of 32 random bytes)."""

    admin: str
    member: str
    service: str
    database: str
    kek: str

    def __repr__(self) -> str:  # never show the values, not even in a traceback
        return "BoxSecrets(***)"

    @classmethod
    def generate(cls) -> BoxSecrets:
        return cls(**{f.name: _new(f.name) for f in fields(cls)})


def _new(name: str) -> str:
    if name == "kek":
        return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    # token_urlsafe: only [A-Za-z0-9_-], safe inside database URLs and YAML
    return secrets.token_urlsafe(24)


def write_private(path: Path, text: str) -> None:
    """Write a file readable by its owner only (created 0600, never world-readable)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def load_or_create(path: Path) -> BoxSecrets:
    """The secrets stored at ``path``; generated and stored on first use. A secret the
    stored file lacks (a box made before that service existed) is generated and added."""
    if path.exists():
        try:
            data = json.loads(path.read_text())
            missing = [f.name for f in fields(BoxSecrets) if f.name not in data]
            data.update({name: _new(name) for name in missing})
            loaded = BoxSecrets(**{f.name: str(data[f.name]) for f in fields(BoxSecrets)})
            if missing:
                write_private(path, json.dumps(asdict(loaded), indent=1) + "\n")
            return loaded
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ScsIaasError(
                f"{path}: unreadable box secrets ({type(exc).__name__}); "
                "run 'scs-iaas box wipe' to start over"
            ) from None
    created = BoxSecrets.generate()
    write_private(path, json.dumps(asdict(created), indent=1) + "\n")
    return created
