"""Measure `scs-iaas check` on the local cloud: HTTP requests, wall time against the floor,
and time from process start to the first request.

The floor is the same GETs (token + one list per resource kind) issued bare with keystoneauth,
concurrently, in a fresh interpreter: what any tool must at least pay for the same data.

    .venv/bin/python bench/check.py [--runs 5] [--images 300]

Runs on the Cloud-in-a-Box (`scs-iaas box up` first), empty (the standard flavors, the demo
images and the encrypted type removed) and then loaded with the 31 standard flavors and N
metadata-only public images (created as admin, deleted afterwards; `scs-iaas demo` restores
the rest).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable

FLOOR = r"""
import time, sys, json
from concurrent.futures import ThreadPoolExecutor
from keystoneauth1 import session
from keystoneauth1.identity import v3
import yaml, os
cfg = yaml.safe_load(open(os.environ["OS_CLIENT_CONFIG_FILE"]))["clouds"][sys.argv[1]]["auth"]
auth = v3.Password(**cfg)
s = session.Session(auth=auth)
n = [0]
s.session.hooks["response"].append(lambda r, *a, **k: n.__setitem__(0, n[0] + 1))
s.get_token()
def get(args):
    st, path, params, mv = args
    kw = {"endpoint_filter": {"service_type": st, "interface": "public"}}
    if mv:
        kw.update(microversion=mv, microversion_service_type=st)
    return s.get(path, params=params, **kw).status_code
jobs = [
    ("compute", "/flavors/detail", {"is_public": "none", "limit": 1000}, "2.86"),
    ("image", "/v2/images", {"limit": 1000, "os_hidden": "false"}, None),
    ("image", "/v2/images", {"limit": 1000, "os_hidden": "true"}, None),
    ("block-storage", "/types", {"is_public": "none"}, None),
    ("network", "/v2.0/default-security-group-rules", None, None),
    ("network", "/v2.0/networks", None, None),
]
with ThreadPoolExecutor(6) as pool:
    codes = list(pool.map(get, jobs))
print(json.dumps({"requests": n[0], "codes": codes}))
"""


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, str, float]:
    started = time.time()
    t = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr[-500:]}")
    return wall, proc.stdout, started


def measure(env: dict[str, str], runs: int) -> dict[str, object]:
    ours, floor, first, requests, floor_requests = [], [], [], set(), set()
    for _ in range(runs):
        wall, out, started = timed(
            [PY, "-m", "scs_iaas", "check", "--os-cloud", "box-member", "-f", "json"], env
        )
        doc = json.loads(out)
        ours.append(wall)
        requests.add(doc["api_requests"])
        first.append(doc["timing"]["first_request_epoch"] - started)
        wall, out, _ = timed([PY, "-c", FLOOR, "box-member"], env)
        floor.append(wall)
        floor_requests.add(json.loads(out)["requests"])
    return {
        "scs_iaas_s": round(min(ours), 3),
        "scs_iaas_median_s": round(statistics.median(ours), 3),
        "floor_s": round(min(floor), 3),
        "ratio_to_floor": round(min(ours) / min(floor), 2),
        "first_request_s": round(min(first), 3),
        "requests": sorted(requests),
        "floor_requests": sorted(floor_requests),
        "tests": len(doc["results"]),
    }


def load(env: dict[str, str], images: int) -> list[str]:
    import openstack

    conn = openstack.connect(cloud="box-admin")
    made = []
    for i in range(images):
        img = conn.image.create_image(
            name=f"scs-iaas-bench-{i:04d}", disk_format="raw", container_format="bare",
            visibility="public", architecture="x86_64", os_distro="ubuntu", os_version="24.04",
        )  # fmt: skip
        made.append(img.id)
    return made


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--images", type=int, default=300)
    args = ap.parse_args()
    env = dict(os.environ)
    env.setdefault(
        "OS_CLIENT_CONFIG_FILE", str(Path.home() / ".local/share/scs-iaas/box/clouds.yaml")
    )
    os.environ.update(env)
    env.pop("OS_CLOUD", None)
    subprocess.run(
        [PY, "-m", "scs_iaas", "check", "--os-cloud", "box-member", "-f", "json"],
        env=env,
        capture_output=True,
        check=False,
    )  # fmt: skip  (warm the services)
    from scs_iaas.app.demo import empty

    empty("box-admin")  # no standard flavors, no demo images, no encrypted type
    result = {"empty": measure(env, args.runs)}
    subprocess.run(
        [PY, "-m", "scs_iaas", "manage", "flavors", "--set", "all", "--os-cloud", "box-admin",
         "--apply"], env=env, capture_output=True, check=True,
    )  # fmt: skip
    made = load(env, args.images)
    try:
        result["loaded"] = measure(env, args.runs)
        result["loaded"]["images"] = args.images
    finally:
        import openstack

        conn = openstack.connect(cloud="box-admin")
        for image_id in made:
            conn.image.delete_image(image_id, ignore_missing=True)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
