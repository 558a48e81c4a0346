"""`scs-iaas upgrade check` against real services: the local cloud (2026.2) names its own
release from the evidence, and a real single-node Ceph Pacific is judged through the ceph CLI."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
RECORD = Path(__file__).parent.parent / "data" / "upgrade" / "ceph" / "record_single_node.sh"


def run_cli(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "scs_iaas", "upgrade", "check", *args]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)


def box_env(box) -> dict[str, str]:
    env = dict(os.environ, OS_CLIENT_CONFIG_FILE=str(box.clouds_yaml))
    env.pop("OS_CLOUD", None)
    return env


def upgrade_json(box, cloud: str, *args: str) -> tuple[int, dict]:
    proc = run_cli(
        box_env(box), "--os-cloud", cloud, "--skip-ceph", "--skip-host", "-f", "json", *args
    )
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def test_live_cloud_names_its_own_release_2026_2(box):
    rc, doc = upgrade_json(box, box.admin_cloud, "--to", "2026.2")
    assert rc == 0
    assert doc["detected"] == "≥ 2026.2 Hibiscus"
    assert doc["plan"] == ["2026.2"]
    by_service = {e["service"]: e for e in doc["evidence"]}
    assert by_service["compute"]["evidence"].startswith("nova max microversion ")
    assert by_service["compute"]["lowest"] == "2026.2"
    path = next(f for f in doc["findings"] if f["id"] == "scs-iaas-upgrade-path")
    assert path["status"] == "PASS" and path["reason"] == "already on 2026.2 Hibiscus"


def test_nova_maximum_agrees_with_keystoneauth_discovery(box, admin_conn):
    """Our reading of the raw document against keystoneauth's own version discovery."""
    data = admin_conn.session.get_endpoint_data(service_type="compute", interface="public")
    major, minor = data.max_microversion
    _, doc = upgrade_json(box, box.admin_cloud, "--to", "2026.2")
    nova = next(e for e in doc["evidence"] if e["service"] == "compute")
    assert nova["observed"] == f"{major}.{minor}"


def test_a_member_can_run_it_and_it_costs_a_handful_of_requests(box):
    rc, doc = upgrade_json(box, box.member_cloud, "--to", "Hibiscus")
    assert rc == 0
    assert doc["detected"] == "≥ 2026.2 Hibiscus"
    # token, 5 version documents, neutron's extension list, the image list (+ its discovery)
    assert doc["api_requests"] <= 10, doc["api_requests"]


def test_going_back_to_caracal_is_blocked(box):
    rc, doc = upgrade_json(box, box.admin_cloud, "--to", "caracal")
    assert rc == 1
    path = next(f for f in doc["findings"] if f["id"] == "scs-iaas-upgrade-path")
    assert path["status"] == "FAIL" and "no downgrades" in path["reason"]


def test_the_next_slurp_release_indri_is_one_step_but_not_released_yet(box):
    rc, doc = upgrade_json(box, box.admin_cloud, "--to", "2027.1")
    assert rc == 0
    # Indri is in development: the live 2026.2 cloud is not taken for it
    assert doc["detected"] == "≥ 2026.2 Hibiscus" and doc["plan"] == ["2026.2", "2027.1"]
    by = {f["id"]: f for f in doc["findings"]}
    assert by["scs-iaas-upgrade-path"]["status"] == "PASS"
    released = by["scs-iaas-upgrade-target-released"]
    assert released["status"] == "WARN"
    assert released["reason"] == (
        "2027.1 Indri is not released yet (in development, planned for 2027-03-24)"
    )
    # the real neutron 29 names its release through a marker read from its own package
    network = next(e for e in doc["evidence"] if e["service"] == "network")
    assert (
        network["lowest"] == "2026.2"
        and "neutron 29.0.0 neutron/extensions/" in (network["evidence"])
    )


def test_unknown_cloud_is_exit_2(box):
    proc = run_cli(box_env(box), "--os-cloud", "no-such-cloud", "--to", "2026.2", "--skip-ceph")
    assert proc.returncode == 2
    assert proc.stderr.startswith("scs-iaas: error:") and "no-such-cloud" in proc.stderr


# ---------------------------------------------------------------------------------------------
# real Ceph (Debian's Pacific): one mon, one mgr, one file-backed BlueStore OSD on loopback


def _ours(conf: Path) -> list[int]:
    """PIDs of the daemons started with our private ceph.conf (nothing else is touched)."""
    # -ww: never cut the command line (ps otherwise cuts it to $COLUMNS)
    out = subprocess.run(["ps", "-ww", "-eo", "pid=,stat=,args="], capture_output=True, text=True)
    pids = []
    for line in out.stdout.splitlines():
        pid, stat, args = line.split(None, 2)
        if str(conf) in args and args.startswith("ceph-") and not stat.startswith("Z"):
            pids.append(int(pid))
    return pids


def _port_free(port: int) -> bool:
    import socket

    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


@pytest.fixture
def ceph_cluster(tmp_path: Path):
    missing = [b for b in ("ceph-mon", "ceph-mgr", "ceph-osd", "ceph") if not shutil.which(b)]
    if missing:
        pytest.skip(
            f"real Ceph needs {', '.join(missing)} (apt-get install ceph-mon ceph-mgr ceph-osd "
            "ceph-common)"
        )
    if not (_port_free(3300) and _port_free(6789)):
        pytest.skip("ports 3300/6789 are busy: another Ceph monitor runs on this machine")
    d = tmp_path / "c"
    conf = d / "ceph.conf"
    try:
        subprocess.run(
            ["bash", str(RECORD), str(d)], check=True, capture_output=True, text=True, timeout=180
        )
        yield conf
    finally:
        for pid in _ours(conf):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        while _ours(conf) and time.monotonic() < deadline:
            time.sleep(0.5)
        for pid in _ours(conf):
            os.kill(pid, signal.SIGKILL)


def _ceph(conf: Path, *args: str) -> None:
    subprocess.run(["ceph", "-c", str(conf), *args], check=True, capture_output=True, timeout=60)


def test_real_pacific_through_the_ceph_cli(ceph_cluster: Path):
    env = dict(os.environ)
    common = ["--to", "2026.2", "--skip-openstack", "--skip-host", "--ceph-conf"]
    # a health warning for sure: a fresh Pacific often (not always) warns about insecure
    # global_id reclaim; the noout flag always makes HEALTH_WARN (OSDMAP_FLAGS)
    _ceph(ceph_cluster, "osd", "set", "noout")
    proc = run_cli(env, *common, str(ceph_cluster), "-f", "json")
    doc = json.loads(proc.stdout)
    by = {f["id"]: f for f in doc["findings"]}
    assert doc["ceph"]["source"] == "ceph CLI"
    assert doc["ceph"]["running"] == "pacific" and doc["ceph"]["target"] == "quincy"
    assert by["scs-iaas-upgrade-ceph-versions"]["status"] == "PASS"
    assert by["scs-iaas-upgrade-ceph-require-osd-release"]["status"] == "PASS"
    # a cluster that is not HEALTH_OK blocks the upgrade, naming the health check
    assert by["scs-iaas-upgrade-ceph-health"]["status"] == "FAIL"
    assert "OSDMAP_FLAGS" in by["scs-iaas-upgrade-ceph-health"]["reason"]
    assert proc.returncode == 1

    _ceph(ceph_cluster, "osd", "unset", "noout")
    _ceph(ceph_cluster, "config", "set", "mon", "auth_allow_insecure_global_id_reclaim", "false")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        proc = run_cli(env, *common, str(ceph_cluster), "-f", "json")
        if proc.returncode == 0:
            break
        time.sleep(1)
    doc = json.loads(proc.stdout)
    assert proc.returncode == 0, doc["findings"]
    assert {f["status"] for f in doc["findings"]} == {"PASS"}


def test_a_refused_token_is_an_error_not_missing_services(box, tmp_path, monkeypatch):
    """The endpoint lookup needs a token; when Keystone refuses it, that is said in one line
    (exit 2), not read as "the catalog has none of the services"."""
    import yaml

    from scs_iaas.errors import CloudError
    from scs_iaas.upgrade.openstack import fetch_documents

    config = yaml.safe_load(Path(box.clouds_yaml).read_text())
    entry = config["clouds"][box.member_cloud]
    entry["auth"]["password"] = "not-the-password"
    wrong = tmp_path / "clouds.yaml"
    wrong.write_text(yaml.safe_dump({"clouds": {"wrong": entry}}))

    import openstack.config
    import openstack.connection

    # openstacksdk reads $OS_CLIENT_CONFIG_FILE before config_files: keep only ours
    monkeypatch.delenv("OS_CLIENT_CONFIG_FILE", raising=False)
    cfg = openstack.config.OpenStackConfig(config_files=[str(wrong)], vendor_files=[])
    conn = openstack.connection.Connection(config=cfg.get_one(cloud="wrong"))
    with pytest.raises(CloudError, match="cannot look up its endpoint in the catalog"):
        fetch_documents(conn)
