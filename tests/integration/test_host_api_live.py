"""host check --os-cloud: the manager role and the DNS extensions, from the real box."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers_cli import run_cli

HOSTS = Path(__file__).parents[1] / "data" / "hosts"

pytestmark = pytest.mark.integration


def test_manager_role_and_extensions_match_the_api(box: Any, admin_conn: Any) -> None:
    roles = {r.name for r in admin_conn.identity.roles()}
    aliases = {e.alias for e in admin_conn.network.extensions()}
    proc = run_cli(
        box,
        "host", "check", "--root", str(HOSTS / "plain"), "--only", "config", "-f", "json",
        cloud="box-admin",
    )  # fmt: skip
    findings = {f["id"]: f for f in json.loads(proc.stdout)["findings"]}
    role = findings["scs-iaas-host-manager-role"]
    assert role["status"] == ("PASS" if "manager" in roles else "FAIL")
    assert role["standard"] == "scs-0302"
    for test_id, alias in (
        ("scs-iaas-host-dns-integration", "dns-integration"),
        ("scs-iaas-host-dns-domain-ports", "dns-domain-ports"),
    ):
        assert findings[test_id]["status"] == ("PASS" if alias in aliases else "WARN")
    assert proc.returncode == (1 if role["status"] == "FAIL" else 0)
    # the catalog's internal and admin endpoints, each judged by its scheme
    internal = [e for e in admin_conn.identity.endpoints() if e.interface in ("internal", "admin")]
    judged = [
        f
        for f in json.loads(proc.stdout)["findings"]
        if f["id"] == "scs-iaas-host-tls-internal-endpoints"
    ]
    assert len(judged) == len(internal) > 0
    https = sum(e.url.startswith("https://") for e in internal)
    assert sum(f["status"] == "PASS" for f in judged) == https


def test_member_cannot_list_roles_is_an_abort_not_a_crash(box: Any) -> None:
    proc = run_cli(
        box,
        "host", "check", "--root", str(HOSTS / "plain"), "--only", "config", "-f", "json",
        cloud="box-member",
    )  # fmt: skip
    findings = {f["id"]: f for f in json.loads(proc.stdout)["findings"]}
    role = findings["scs-iaas-host-manager-role"]
    assert role["status"] == "ABORT" and role["reason"].startswith("cannot list roles: ")
    assert findings["scs-iaas-host-dns-integration"]["status"] in ("PASS", "WARN")
    assert proc.returncode == 1
