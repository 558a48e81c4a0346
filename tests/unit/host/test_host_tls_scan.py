"""sslyze against real TLS servers on loopback: Mozilla intermediate, compliant or not."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers_tls import closed_port, make_pki, tls_server

from scs_iaas.app.host_fleet import tls_profile
from scs_iaas.model.findings import Status

pytestmark = pytest.mark.slow


def test_intermediate_server_passes_legacy_warns_closed_port_says_why(tmp_path: Path) -> None:
    ca, cert, key = make_pki(tmp_path)
    with tls_server(cert, key) as good, tls_server(cert, key, legacy=True) as old:
        down = closed_port()
        targets = {
            f"localhost:{good}": ["ctl-1: keystone /etc/kolla/keystone/keystone.conf"],
            f"localhost:{old}": ["ctl-1: nova-api /etc/kolla/nova-api/nova.conf", "cmp-2: x"],
            f"localhost:{down}": ["cmp-2: nova-compute /etc/nova/nova.conf"],
        }
        findings = {f.resource.split()[0]: f for f in tls_profile(targets, str(ca))}
    ok = findings[f"localhost:{good}"]
    assert ok.status is Status.PASS, ok.reason
    assert ok.standard == "scs-0125" and "5.7" in ok.reason
    legacy = findings[f"localhost:{old}"]
    assert legacy.status is Status.WARN
    assert "tls_versions" in legacy.reason or "ciphers" in legacy.reason
    assert "and 1 more" in legacy.resource
    closed = findings[f"localhost:{down}"]
    assert closed.status is Status.WARN and closed.reason.startswith("scan incomplete")
