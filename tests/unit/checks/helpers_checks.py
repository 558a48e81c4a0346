"""Literal snapshots for check tests (no API, no mocks)."""

from __future__ import annotations

from datetime import UTC, datetime

from scs_iaas.checks.base import Context
from scs_iaas.model.snapshot import ServiceRec, Snapshot

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def services(*types: str, scheme: str = "http") -> tuple[ServiceRec, ...]:
    return tuple(
        ServiceRec(
            type=t,
            name=t,
            endpoints=(
                {"interface": "public", "url": f"{scheme}://cloud.example:{5000 + i}/{t}"},
                {"interface": "internal", "url": f"http://10.0.0.1:{5000 + i}/{t}"},
            ),
        )
        for i, t in enumerate(types)
    )


def ctx(**snapshot_fields: object) -> Context:
    fetched = frozenset(k for k in snapshot_fields if k != "errors") | {"services"}
    snap = Snapshot(cloud="test", fetched=fetched, **snapshot_fields)  # type: ignore[arg-type]
    return Context(snapshot=snap, now=NOW)
