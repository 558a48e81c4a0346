"""Session fixtures for integration tests: the local Cloud-in-a-Box.

The ``box`` fixture starts the box at the default home (``$SCS_IAAS_BOX_HOME`` or
``~/.local/share/scs-iaas/box``), or reuses it when it already runs, and returns its
BoxInfo. It does NOT stop the box at session end: the box is shared (one per machine, fixed
ports), the next session reuses it in a second, and ``make test`` leaves it running.
Stop it by hand with ``scs-iaas box down``.

When the box cannot start, the tests that need it are skipped with the reason, except
under CI=true, where that is an error: CI must not pass by skipping the real cloud.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from scs_iaas.box import Box, BoxInfo, connect
from scs_iaas.errors import ScsIaasError


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def box() -> BoxInfo:
    try:
        return Box().up()
    except (ScsIaasError, OSError) as exc:
        reason = f"the local Cloud-in-a-Box could not start: {exc}"
        if _in_ci():
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)


def _connection(box: BoxInfo, cloud: str) -> Iterator[Any]:
    conn = connect(box.clouds_yaml, cloud)
    try:
        yield conn
    finally:
        conn.close()


@pytest.fixture(scope="session")
def admin_conn(box: BoxInfo) -> Iterator[Any]:
    """openstacksdk connection as the box admin (``box-admin``)."""
    yield from _connection(box, box.admin_cloud)


@pytest.fixture(scope="session")
def member_conn(box: BoxInfo) -> Iterator[Any]:
    """openstacksdk connection as the non-admin ``member`` user (``box-member``)."""
    yield from _connection(box, box.member_cloud)
