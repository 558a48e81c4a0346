"""Where the official SCS tooling (``../shared/peers/scs-standards``) is on this machine.

The repository's ``../shared`` (for a git worktree: the nearest ancestor folder that has
``shared/peers``), or ``$SCS_IAAS_PEERS``. None on a user's clone: tests that need the official
suite or monitor then skip, saying so.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def standards_dir() -> Path | None:
    env = os.environ.get("SCS_IAAS_PEERS")
    if env:
        path = Path(env) / "scs-standards"
        return path if path.is_dir() else None
    for parent in REPO.parents:
        path = parent / "shared" / "peers" / "scs-standards"
        if path.is_dir():
            return path
    return None


SKIP_REASON = "../shared/peers/scs-standards (the official SCS suite and monitor) is absent here"
