"""``--root`` as a directory or as the archive ``host collect`` (or the Ansible module) wrote."""

from __future__ import annotations

import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from scs_iaas.errors import InputError

ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar")


def is_archive(path: str) -> bool:
    return Path(path).is_file() and path.endswith(ARCHIVE_SUFFIXES)


@contextmanager
def unpacked(path: str) -> Iterator[Path]:
    """The archive unpacked into a temporary directory (removed afterwards).

    The ``data`` filter refuses absolute names, ``..``, device files and links that leave the
    tree: an archive from a node is input, not trusted."""
    with tempfile.TemporaryDirectory(prefix="scs-iaas-node-") as tmp:
        try:
            with tarfile.open(path) as tar:
                tar.extractall(tmp, filter="data")
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise InputError(f"--root {path}: not a readable node archive ({exc})") from None
        yield Path(tmp)
