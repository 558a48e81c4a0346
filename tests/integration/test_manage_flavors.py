"""`scs-iaas manage flavors` against the local cloud: apply, no-op, drift, replace, in use.

The standard flavors are created for real (the demo and the check tests want them); every
destructive step uses flavors named ``scs-iaas-test-…`` that are deleted afterwards.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scs_iaas.box import BoxInfo
from scs_iaas.model.plan import CREATED_MARK
from scs_iaas.standards.flavors import standard_flavors

pytestmark = pytest.mark.integration


def manage(box: BoxInfo, *argv: str, cloud: str = "") -> tuple[int, dict[str, Any], str]:
    """Run the CLI (as box-admin) in a subprocess; return (exit code, JSON plan, stderr)."""
    env = {**os.environ, "OS_CLIENT_CONFIG_FILE": str(box.clouds_yaml)}
    proc = subprocess.run(
        [sys.executable, "-m", "scs_iaas", "manage", *argv, "--os-cloud",
         cloud or box.admin_cloud, "-f", "json"],
        env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    doc = json.loads(proc.stdout) if proc.stdout.strip() else {}
    return proc.returncode, doc, proc.stderr


def ops(doc: dict[str, Any]) -> list[tuple[str, str]]:
    return [(a["op"], a["name"]) for a in doc["actions"]]


@pytest.fixture
def prefix(admin_conn: Any) -> Iterator[str]:
    """A unique name prefix; every flavor with it is deleted afterwards."""
    p = f"scs-iaas-test-{uuid.uuid4().hex[:6]}"
    yield p
    for f in list(admin_conn.compute.flavors(is_public=None)):
        if f.name.startswith(p):
            admin_conn.compute.delete_flavor(f, ignore_missing=True)


def test_standard_flavors_apply_then_noop(box: BoxInfo, admin_conn: Any) -> None:
    rc, _, err = manage(box, "flavors", "--set", "all", "--apply")
    assert rc == 0, err
    # verify through the API: every standard flavor, exact sizes, every scs:* spec
    have = {f.name: f for f in admin_conn.compute.flavors(details=True, is_public=None)}
    for std in standard_flavors("all"):
        f = have[std.name]
        assert (f.vcpus, f.ram, f.disk) == (std.vcpus, std.ram_mib, std.disk_gb or 0)
        specs = admin_conn.compute.fetch_flavor_extra_specs(f).extra_specs
        assert {k: v for k, v in specs.items() if k.startswith("scs:")} == dict(std.extra_specs)
    rc, second, err = manage(box, "flavors", "--set", "all")
    assert rc == 0, err
    assert second["actions"] == [] and len(second["in_sync"]) == 31
    assert second["api_writes"] == 0
    assert second["api_requests"] <= 3  # token + flavor list (+ version discovery)


def _defs(tmp_path: Path, prefix: str, ram: int = 512) -> Path:
    f = tmp_path / "flavors.yaml"
    f.write_text(
        "flavors:\n"
        f"  - name: {prefix}-a\n    vcpus: 1\n    ram: {ram}\n    disk: 1\n"
        "    extra_specs:\n      hw:cpu_policy: shared\n      scs:cpu-type: shared-core\n"
        f"  - name: {prefix}-private\n    vcpus: 1\n    ram: 256\n    public: false\n"
    )
    return f


def test_drift_is_planned_and_fixed(
    box: BoxInfo, admin_conn: Any, prefix: str, tmp_path: Path
) -> None:
    defs = str(_defs(tmp_path, prefix))
    rc, doc, err = manage(box, "flavors", "--set", "none", "--definitions", defs, "-y")
    assert rc == 0, err
    assert ops(doc) == [("create", f"{prefix}-a"), ("create", f"{prefix}-private")]
    a = admin_conn.compute.find_flavor(f"{prefix}-a")
    # drift by hand: a spec removed, a wrong value, a stale scs:* key, a foreign key
    admin_conn.compute.delete_flavor_extra_specs_property(a, "hw:cpu_policy")
    admin_conn.compute.update_flavor_extra_specs_property(a, "scs:cpu-type", "dedicated-core")
    admin_conn.compute.create_flavor_extra_specs(a, {"scs:stale": "x", "custom:keep": "y"})
    rc, doc, err = manage(box, "flavors", "--set", "none", "--definitions", defs)
    assert rc == 0, err
    (act,) = doc["actions"]
    assert act["op"] == "update"
    assert act["params"]["set_specs"] == {"hw:cpu_policy": "shared", "scs:cpu-type": "shared-core"}
    assert act["params"]["unset_specs"] == ["scs:stale"]
    rc, doc, err = manage(box, "flavors", "--set", "none", "--definitions", defs, "-y")
    assert rc == 0, err
    specs = admin_conn.compute.fetch_flavor_extra_specs(a).extra_specs
    assert specs.pop(CREATED_MARK) == "true"  # made by scs-iaas: demo --fresh may remove it
    assert specs == {"hw:cpu_policy": "shared", "scs:cpu-type": "shared-core", "custom:keep": "y"}
    rc, doc, err = manage(box, "flavors", "--set", "none", "--definitions", defs)
    assert rc == 0 and doc["actions"] == [] and doc["api_writes"] == 0


def test_wrong_ram_is_a_conflict_replace_keeps_access(
    box: BoxInfo, admin_conn: Any, prefix: str, tmp_path: Path
) -> None:
    # hand-made flavors with the wrong RAM: one public, one private with access for a project
    admin_conn.compute.create_flavor(name=f"{prefix}-a", vcpus=1, ram=999, disk=1)
    priv = admin_conn.compute.create_flavor(
        name=f"{prefix}-private", vcpus=1, ram=999, disk=0, is_public=False
    )
    project = admin_conn.current_project_id
    admin_conn.compute.flavor_add_tenant_access(priv, project)
    defs = str(_defs(tmp_path, prefix))
    rc, doc, err = manage(box, "flavors", "--set", "none", "--definitions", defs)
    assert rc == 1, err
    assert [a["op"] for a in doc["actions"]] == ["conflict", "conflict"]
    assert "ram 999 (want 512)" in doc["actions"][0]["reason"]
    rc, doc, err = manage(box, "flavors", "--set", "none", "--definitions", defs, "--replace", "-y")
    assert rc == 0, err
    assert [a["op"] for a in doc["actions"]] == ["replace", "replace"]
    assert admin_conn.compute.find_flavor(f"{prefix}-a").ram == 512
    new_priv = admin_conn.compute.find_flavor(f"{prefix}-private", is_public=None)
    assert new_priv.ram == 256 and not new_priv.is_public and new_priv.id != priv.id
    access = admin_conn.compute.get_flavor_access(new_priv)
    assert [x["tenant_id"] for x in access] == [project]
    rc, doc, err = manage(box, "flavors", "--set", "none", "--definitions", defs, "--replace")
    assert rc == 0 and doc["actions"] == []


def test_a_server_blocks_replacement(
    box: BoxInfo, admin_conn: Any, prefix: str, tmp_path: Path
) -> None:
    flavor = admin_conn.compute.create_flavor(name=f"{prefix}-a", vcpus=1, ram=999, disk=1)
    image = admin_conn.image.create_image(
        name=f"{prefix}-img", disk_format="raw", container_format="bare", data=os.urandom(4096)
    )
    server = None
    try:
        try:
            server = admin_conn.compute.create_server(
                name=f"{prefix}-vm", flavor_id=flavor.id, image_id=image.id, networks="none"
            )
            server = admin_conn.compute.wait_for_server(server, wait=120)
        except Exception as exc:  # the box may run without nova-compute
            pytest.skip(f"cannot boot a server on the local cloud: {exc}")
        defs = str(_defs(tmp_path, prefix))
        rc, doc, err = manage(
            box, "flavors", "--set", "none", "--definitions", defs, "--replace", "-y"
        )
        assert rc == 1, err  # the conflict stays unresolved
        by = {a["name"]: a for a in doc["actions"]}
        assert by[f"{prefix}-a"]["op"] == "conflict"
        assert "1 server(s) use it" in by[f"{prefix}-a"]["reason"]
        assert by[f"{prefix}-private"]["op"] == "create"  # the rest is still applied
        assert admin_conn.compute.get_flavor(flavor.id).ram == 999  # untouched
    finally:
        if server is not None:
            admin_conn.compute.delete_server(server)
            admin_conn.compute.wait_for_delete(server, wait=120)
        admin_conn.image.delete_image(image, ignore_missing=True)


def test_killed_apply_converges(box: BoxInfo, admin_conn: Any, prefix: str, tmp_path: Path) -> None:
    """Kill the apply at random points, then finish: 0 lost, 0 duplicated, all specs right."""
    import random
    import time

    f = tmp_path / "many.yaml"
    f.write_text(
        "flavors:\n"
        + "".join(
            f"  - name: {prefix}-{i:02d}\n    vcpus: 1\n    ram: {256 + i}\n"
            "    extra_specs:\n      scs:cpu-type: shared-core\n      hw:cpu_policy: shared\n"
            for i in range(12)
        )
    )
    env = {**os.environ, "OS_CLIENT_CONFIG_FILE": str(box.clouds_yaml)}
    argv = [sys.executable, "-m", "scs_iaas", "manage", "flavors", "--set", "none",
            "--definitions", str(f), "--os-cloud", box.admin_cloud, "-y"]  # fmt: skip
    rng = random.Random(5)
    killed = 0
    for _ in range(5):
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.8, 2.5))
        if proc.poll() is None:
            proc.kill()
            killed += 1
        proc.wait()
    rc, doc, err = manage(box, "flavors", "--set", "none", "--definitions", str(f), "-y")
    assert rc == 0, err
    names = [
        x.name for x in admin_conn.compute.flavors(is_public=None) if x.name.startswith(prefix)
    ]
    assert sorted(names) == [f"{prefix}-{i:02d}" for i in range(12)]  # none lost, none twice
    for x in admin_conn.compute.flavors(details=True, is_public=None):
        if x.name.startswith(prefix):
            specs = admin_conn.compute.fetch_flavor_extra_specs(x).extra_specs
            specs.pop(CREATED_MARK, None)  # absent when a run was killed between the two POSTs
            assert specs == {"scs:cpu-type": "shared-core", "hw:cpu_policy": "shared"}
    rc, doc, err = manage(box, "flavors", "--set", "none", "--definitions", str(f))
    assert rc == 0 and doc["actions"] == [] and doc["api_writes"] == 0
    print(f"killed {killed} of 5 runs mid-apply")


def test_member_is_refused_before_any_change(
    box: BoxInfo, admin_conn: Any, prefix: str, tmp_path: Path
) -> None:
    defs = str(_defs(tmp_path, prefix))
    rc, _, err = manage(
        box, "flavors", "--set", "none", "--definitions", defs, "-y", cloud=box.member_cloud
    )
    assert rc == 2
    assert "needs the admin role" in err and "nothing was changed" in err
    assert not [f for f in admin_conn.compute.flavors(is_public=None) if f.name.startswith(prefix)]


def test_nova_validates_extra_specs_and_no_half_flavor_stays(
    box: BoxInfo, admin_conn: Any, prefix: str, tmp_path: Path
) -> None:
    f = tmp_path / "bogus.yaml"
    f.write_text(
        f"flavors:\n  - name: {prefix}-bogus\n    vcpus: 1\n    ram: 256\n"
        "    extra_specs:\n      hw:cpu_policy: bogus\n"
    )
    rc, _, err = manage(box, "flavors", "--set", "none", "--definitions", str(f), "-y")
    assert rc == 2
    assert "HTTP 400" in err and "bogus" in err and "deleted again" in err
    assert admin_conn.compute.find_flavor(f"{prefix}-bogus", ignore_missing=True) is None
