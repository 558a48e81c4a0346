"""The official SCS compliance report, as ``scs-compliance-check.py -o`` writes it and the SCS
compliance monitor (``POST /reports``) accepts it.

One YAML document per subject, each starting with an explicit ``---``: ``spec`` (uuid, name,
url of the scope), ``checked_at`` (a YAML timestamp, local time without zone as the official
tool writes it), ``reference_date``, ``subject`` and ``run`` (uuid, argv, assignment, sections,
forced_version, forced_tests, invocations). The monitor reads the results of every invocation
(test id -> 1 pass, 0 abort, -1 fail); ``run.uuid`` must be new to it (a repeat is HTTP 409).
Only ids of the judged versions' targets go in: our own ``scs-iaas-…`` ids and those of draft
standards stay out (the official tool does not run them either). No ``versions`` key: a monitor
given one expects another layout and fails.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from scs_iaas.model.findings import Finding, Status
from scs_iaas.report.meta import Meta

_WORD = {1: "PASS", 0: "ABORT", -1: "FAIL"}
_SIGNAL = {Status.FAIL: "ERROR", Status.ABORT: "CRITICAL", Status.WARN: "WARNING"}


def _checked_at(text: str) -> datetime:
    """The official tool writes ``datetime.now()``: local time, no zone (the monitor compares
    it with its own naive ``now``)."""
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        return datetime.now()
    return dt.astimezone().replace(tzinfo=None) if dt.tzinfo else dt


def document(findings: Sequence[Finding], meta: Meta) -> dict[str, Any]:
    """One report document (plain data) for one subject's run."""
    official: dict[str, int] = dict(meta.official_results)
    ids = set(official)
    stdout = [f"{tid}: {_WORD[v]}" for tid, v in official.items()]
    # the log lines of the judged ids, worded as the official script logs them
    stderr = [
        f"{_SIGNAL[f.status]}: {f.id}: {f.resource + ': ' if f.resource else ''}{f.reason}"
        for f in findings
        if f.id in ids and f.status in _SIGNAL
    ]
    counts = {
        signal: sum(1 for line in stderr + stdout if line.lower().startswith(signal))
        for signal in ("info", "warning", "error", "critical")
    }
    inv_id = str(uuid.uuid4())
    checked_at = _checked_at(meta.checked_at)
    argv = [str(a) for a in meta.argv[1:]]
    return {
        "spec": {k: meta.scope.get(k) for k in ("uuid", "name", "url")},
        "checked_at": checked_at,
        "reference_date": (
            date.fromisoformat(meta.reference_date) if meta.reference_date else checked_at.date()
        ),
        "subject": meta.subject,
        "run": {
            "uuid": str(uuid.uuid4()),
            "argv": argv,
            "assignment": {"os_cloud": meta.cloud},
            "sections": None,
            "forced_version": meta.forced_version or None,
            "forced_tests": meta.forced_tests or None,
            "invocations": {
                inv_id: {
                    "id": inv_id,
                    "cmd": " ".join(["scs-iaas", *argv]),
                    "results": official,
                    "rc": 0,
                    "stdout": stdout,
                    "stderr": stderr,
                    **counts,
                }
            },
        },
    }


def dump_documents(documents: Sequence[dict[str, Any]]) -> str:
    """Documents as the official tool dumps them, each with an explicit ``---``."""
    import yaml

    return str(
        yaml.safe_dump_all(
            documents,
            default_flow_style=False,
            sort_keys=False,
            explicit_start=True,
            allow_unicode=True,
        )
    )


def render_scs_yaml(findings: Sequence[Finding], *, title: str, meta: Meta) -> str:
    """One document (a fleet's report: ``report.fleet.render_fleet_scs_yaml``)."""
    return dump_documents([document(findings, meta)])
