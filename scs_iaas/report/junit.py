"""JUnit XML for CI systems: one testcase per finding, grouped in one testsuite per standard."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from itertools import groupby

from scs_iaas.model.findings import Finding, Status
from scs_iaas.report.meta import Meta


def render_junit(findings: Sequence[Finding], *, title: str, meta: Meta) -> str:
    root = ET.Element("testsuites", name=title)
    ordered = sorted(findings, key=lambda f: f.standard)
    for standard, group in groupby(ordered, key=lambda f: f.standard):
        items = list(group)
        suite = ET.SubElement(
            root,
            "testsuite",
            name=standard,
            tests=str(len(items)),
            failures=str(sum(f.status == Status.FAIL for f in items)),
            errors=str(sum(f.status == Status.ABORT for f in items)),
            skipped=str(sum(f.status == Status.SKIP for f in items)),
        )
        for f in items:
            where = f"{f.node}: {f.resource}" if f.node else f.resource
            name = f"{f.id} [{where}]" if where else f.id
            case = ET.SubElement(suite, "testcase", classname=f"{standard}.{f.version}", name=name)
            if f.status == Status.FAIL:
                ET.SubElement(case, "failure", message=f.reason).text = f.fix or None
            elif f.status == Status.ABORT:
                ET.SubElement(case, "error", message=f.reason)
            elif f.status == Status.SKIP:
                ET.SubElement(case, "skipped", message=f.reason)
            elif f.status == Status.WARN:
                ET.SubElement(case, "system-out").text = f"WARN: {f.reason}"
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
