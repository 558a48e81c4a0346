"""The box's passwords: random at first install, kept 0600 in the box home.

They appear in the service configs and clouds.yaml (both 0600 under the home) and
nowhere else: no progress line or error message prints them.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from scs_iaas.errors import ScsIaasError


@dataclass(frozen=True)
class BoxSecrets:
    """admin: Keystone admin; member: the non-admin user; service: every service user;
    database: the MariaDB account the services use."""

    admin: str
    member: str
    service: str
    database: str

    def __repr__(self) -> str:  # never show the values, not even in a traceback
        return "BoxSecrets(***)"

    @classmethod
    def generate(cls) -> BoxSecrets:
        # token_urlsafe: only [A-Za-z0-9_-], safe inside database URLs and YAML
        return cls(**{f.name: secrets.token_urlsafe(24) for f in fields(cls)})


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
    """The secrets stored at ``path``; generated and stored on first use."""
    if path.exists():
        try:
            data = json.loads(path.read_text())
            return BoxSecrets(**{f.name: str(data[f.name]) for f in fields(BoxSecrets)})
        except (ValueError, KeyError, TypeError) as exc:
            raise ScsIaasError(
                f"{path}: unreadable box secrets ({type(exc).__name__}); "
                "run 'scs-iaas box wipe' to start over"
            ) from None
    created = BoxSecrets.generate()
    write_private(path, json.dumps(asdict(created), indent=1) + "\n")
    return created
