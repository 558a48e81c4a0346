"""Judge a fleet: the archives the Ansible role fetched from every node, in one report.

The role leaves a working directory with ``fleet.json``: per inventory host how collecting went
(unreachable, failed, the message) and the archive (``archive_b64``, as the module returned
it). ``<node>.status.json`` files (one node each, the archive in them or as ``<node>.tar.gz``
beside) are read too. Every
node gets its findings with ``node`` set; a node that could not be collected, or whose archive
cannot be judged, is an ABORT finding of its own with the reason — never a silent gap.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from scs_iaas.errors import InputError, ScsIaasError
from scs_iaas.model.findings import Finding, Test

NODE = Test(
    "scs-iaas-host-node",
    "scs-iaas-host",
    "v1",
    "the node was reached, collected and judged",
    "make the node reachable for Ansible (inventory address, SSH key, become) and run again",
)
COLLECT = Test(
    "scs-iaas-host-collect",
    "scs-iaas-host",
    "v1",
    "every file the checks read could be read on the node",
    "let the collecting user read these files (become: true), or fix the file",
)

HostCheck = Callable[[str], tuple[list[Finding], dict[str, Any]]]


def _one_line(text: str) -> str:
    from scs_iaas.cloud.redact import redact

    return redact(" ".join(str(text).split()))[:400] or "no message"


FLEET = "fleet.json"


def _fleet(path: Path) -> list[dict[str, Any]]:
    """``fleet.json``: the role's one record of every node (a list of status objects)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: not a fleet record ({exc})") from None
    if not isinstance(data, list) or not all(
        isinstance(d, dict) and isinstance(d.get("node"), str) for d in data
    ):
        raise InputError(f"{path}: not a fleet record (a list of objects with a 'node')")
    return data


def _status(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: not a node status file ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("node"), str):
        raise InputError(f"{path}: not a node status file (no 'node')")
    return data


def judge_node(
    workdir: Path, status: dict[str, Any], host_check: HostCheck
) -> tuple[list[Finding], dict[str, list[str]]]:
    """The node's findings, and the TLS endpoints its configuration names."""
    from scs_iaas.host.archive import unpacked
    from scs_iaas.host.root import HostRoot

    node = status["node"]
    if status.get("unreachable"):
        reason = f"unreachable: {_one_line(status.get('msg', ''))}"
        return [replace(NODE.aborted(reason, node), node=node)], {}
    if status.get("failed"):
        reason = f"collecting failed: {_one_line(status.get('msg', ''))}"
        return [replace(NODE.aborted(reason, node), node=node)], {}
    archive = workdir / str(status.get("archive") or f"{node}.tar.gz")
    if status.get("archive_b64"):  # the module's result carried the archive
        try:
            archive.write_bytes(base64.b64decode(str(status["archive_b64"]), validate=True))
        except (ValueError, OSError) as exc:
            reason = f"archive in the result cannot be decoded: {_one_line(str(exc))}"
            return [replace(NODE.aborted(reason, node), node=node)], {}
    if not archive.is_file():
        return [replace(NODE.aborted("no archive came back from the node", node), node=node)], {}
    try:
        with unpacked(str(archive)) as tree:
            errors = HostRoot.of(tree).collect_errors()
            findings, facts = host_check(str(tree))
    except ScsIaasError as exc:
        reason = f"archive cannot be judged: {_one_line(str(exc).replace(str(archive), node))}"
        return [replace(NODE.aborted(reason, node), node=node)], {}
    if errors:
        listed = "; ".join(f"{p} ({r})" for p, r in sorted(errors.items()))
        head = COLLECT.aborted(f"cannot read on the node: {listed}", "host")
    else:
        head = COLLECT.passed("every file the checks read was readable", "host")
    targets = facts.get("config", {}).get("tls_targets", {})
    named = {t: [f"{node}: {w}" for w in who] for t, who in targets.items()}
    return [replace(f, node=node) for f in (head, *findings)], named


def judge_fleet(workdir: str, host_check: HostCheck) -> tuple[list[Finding], dict[str, list[str]]]:
    """Every node of the working directory, in inventory-name order; and the TLS endpoints
    their configurations name (each once, with every node that names it)."""
    base = Path(workdir)
    if not base.is_dir():
        raise InputError(f"{workdir}: not a directory of node archives")
    statuses = [_status(p) for p in sorted(base.glob("*.status.json"))]
    if (base / FLEET).is_file():
        statuses += _fleet(base / FLEET)
    if not statuses:
        raise InputError(
            f"{workdir}: no {FLEET} or <node>.status.json in it (not a fleet working directory)"
        )
    findings: list[Finding] = []
    targets: dict[str, list[str]] = {}
    for status in sorted(statuses, key=lambda s: str(s["node"])):
        node_findings, named = judge_node(base, status, host_check)
        findings += node_findings
        for target, who in named.items():
            targets.setdefault(target, []).extend(who)
    return findings, targets


def tls_profile(targets: dict[str, list[str]], ca_file: str | None = None) -> list[Finding]:
    """Scan each TLS endpoint once (sslyze, Mozilla intermediate) and judge it (scs-0125)."""
    from scs_iaas.checks.host_scs_0125_secure_connections import check_profile
    from scs_iaas.host.tls_scan import scan

    if ca_file and not Path(ca_file).is_file():
        raise InputError(f"--tls-ca {ca_file}: no such file")
    pairs = {}
    for target, who in targets.items():
        host, _, port = target.rpartition(":")
        pairs[(host, int(port))] = who
    results = scan(list(pairs), ca_file)
    return check_profile(dict(results), pairs)


def fleet_checks(
    targets: dict[str, list[str]],
    *,
    tls_scan: bool = False,
    tls_ca: str | None = None,
    os_cloud: str | None = None,
) -> list[Finding]:
    """What is judged once for the whole fleet, not per node: with ``os_cloud`` the API facts
    (manager role, DNS extensions, the catalog's internal/admin endpoints); with ``tls_scan``
    every TLS endpoint the nodes' configurations (and the catalog) name, scanned once."""
    from scs_iaas.checks import (
        host_scs_0125_secure_connections as s0125,
    )
    from scs_iaas.checks import (
        host_scs_0127_dns,
        host_scs_0302_domain_manager,
    )

    out: list[Finding] = []
    targets = {t: list(w) for t, w in targets.items()}
    if os_cloud:
        from scs_iaas.cloud.connection import connect
        from scs_iaas.cloud.host_api import read_host_api_facts

        api = read_host_api_facts(connect(os_cloud))
        out += host_scs_0302_domain_manager.check_api(api)
        out += host_scs_0127_dns.check_api(api)
        out += s0125.check_api(api)
        for (host, port), who in s0125.api_tls_targets(api).items():
            targets.setdefault(f"{host}:{port}", []).extend(who)
    if tls_scan:
        out += tls_profile(targets, tls_ca)
    return out
