"""The official SCS compliance report (scs-compliance-check.py ``-o report.yaml``) fields,
so that results can be compared with, or uploaded like, the official suite's."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from scs_iaas.model.findings import Finding, Status
from scs_iaas.report.meta import Meta

SPEC = {
    "uuid": "50393e6f-2ae1-4c5c-a62c-3b75f2abef3f",
    "name": "SCS-compatible IaaS",
    "url": "https://raw.githubusercontent.com/SovereignCloudStack/standards/main/Tests/"
    "scs-compatible-iaas.yaml",
}
_VALUE = {"PASS": 1, "WARN": 1, "FAIL": -1, "ABORT": 0}


def render_scs_yaml(findings: Sequence[Finding], *, title: str, meta: Meta) -> str:
    import yaml

    results = meta.results
    official = {tid: _VALUE[st] for tid, st in results.items() if st in _VALUE}
    stdout = [
        f"{tid}: {'PASS' if v == 1 else 'FAIL' if v == -1 else 'ABORT'}"
        for tid, v in official.items()
    ]
    stderr = [
        f"{'ERROR' if f.status == Status.FAIL else 'WARNING'}: {f.id}: {f.resource}: {f.reason}"
        for f in findings
        if f.status in (Status.FAIL, Status.WARN, Status.ABORT)
    ]
    checked_at = meta.checked_at
    inv_id = str(uuid.uuid4())
    doc = {
        "spec": SPEC,
        "checked_at": checked_at,
        "reference_date": str(checked_at)[:10],
        "subject": meta.subject,
        "run": {
            "uuid": str(uuid.uuid4()),
            "argv": list(meta.argv),
            "assignment": {"os_cloud": meta.cloud},
            "sections": None,
            "forced_version": None,
            "forced_tests": None,
            "invocations": {
                inv_id: {
                    "id": inv_id,
                    "cmd": "scs-iaas check",
                    "result": 0,
                    "results": official,
                    "rc": 0,
                    "stdout": stdout,
                    "stderr": stderr,
                    "info": 0,
                    "warning": sum(f.status == Status.WARN for f in findings),
                    "error": sum(f.status == Status.FAIL for f in findings),
                    "critical": sum(f.status == Status.ABORT for f in findings),
                }
            },
        },
        "versions": meta.versions,
    }
    return str(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=120))
