"""scs-iaas manage vs the OSISM managers on the same local cloud, in one run.

    bench/venv/ofm: pip install openstack-flavor-manager==0.20261007.0
    bench/venv/oim: pip install openstack-image-manager==0.20261006.0
    (two venvs: the two peers pin conflicting dependencies; 0.20261007.0 of the image
    manager needs Python >= 3.12 through patool)

    .venv/bin/python bench/managers.py [--runs 3] [--image-mib 50] [--big-mib 256]

Every tool runs as its own process; a ``sitecustomize.py`` on PYTHONPATH wraps urllib3's
``HTTPConnectionPool.urlopen`` and logs one line per HTTP request (method, path), so auth and
version discovery are counted too, for all tools alike. Wall time is the whole process.
Scenarios: 31 flavors (the scs-0103 shapes, names prefixed, scs:cpu-type/disk0-type specs)
fresh and no-op; 2 raw images of N MiB from file:// fresh, no-op, and a no-op after metadata
was changed by hand (does the tool see it?); upload throughput vs reading the file alone.
All bench resources are named ``zzbench-…`` and deleted at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / "bench" / "venv"
SCS = [str(ROOT / ".venv" / "bin" / "scs-iaas")]
OFM = [str(VENV / "ofm" / "bin" / "openstack-flavor-manager")]
OIM = [str(VENV / "oim" / "bin" / "openstack-image-manager")]
CLOUD = "box-admin"
CLOUDS_YAML = Path.home() / ".local/share/scs-iaas/box/clouds.yaml"

SITECUSTOMIZE = """
import os
_log = os.environ.get("BENCH_REQLOG")
if _log:
    import urllib3.connectionpool as _cp
    _orig = _cp.HTTPConnectionPool.urlopen
    def urlopen(self, method, url, *a, **kw):
        with open(_log, "a") as fh:
            fh.write(f"{method} {self.host}:{self.port} {url.split('?')[0]}\\n")
        return _orig(self, method, url, *a, **kw)
    _cp.HTTPConnectionPool.urlopen = urlopen
"""


class Runner:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        (tmp / "site").mkdir()
        (tmp / "site" / "sitecustomize.py").write_text(SITECUSTOMIZE)
        self.n = 0

    def run(self, argv: list[str], ok: tuple[int, ...] = (0,)) -> dict[str, Any]:
        self.n += 1
        log = self.tmp / f"req-{self.n}.log"
        env = {
            **os.environ,
            "PYTHONPATH": str(self.tmp / "site"),
            "BENCH_REQLOG": str(log),
            "OS_CLIENT_CONFIG_FILE": str(CLOUDS_YAML),
            "PYTHONWARNINGS": "ignore",
        }
        env.pop("OS_CLOUD", None)
        t0 = time.perf_counter()
        proc = subprocess.run(argv, env=env, capture_output=True, text=True, cwd=self.tmp)
        wall = time.perf_counter() - t0
        if proc.returncode not in ok:
            sys.exit(
                f"{argv[0]} failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
            )
        lines = log.read_text().splitlines() if log.exists() else []
        writes = [
            ln for ln in lines if ln.split()[0] not in ("GET", "HEAD") and "/auth/tokens" not in ln
        ]
        return {"wall": wall, "requests": len(lines), "writes": len(writes), "lines": lines,
                "rc": proc.returncode, "out": proc.stdout}  # fmt: skip


def conn() -> Any:
    import openstack

    os.environ["OS_CLIENT_CONFIG_FILE"] = str(CLOUDS_YAML)
    return openstack.connect(cloud=CLOUD)


def cleanup(c: Any) -> None:
    for f in list(c.compute.flavors(is_public=None)):
        if f.name.startswith("zzbench-"):
            c.compute.delete_flavor(f)
    for hidden in (False, True):
        for img in list(c.image.images(os_hidden=hidden)):
            if img.name.startswith("zzbench-"):
                if img.is_protected:
                    c.image.update_image(img, is_protected=False)
                c.image.delete_image(img)


# -- flavors -----------------------------------------------------------------------------------


def flavor_files(tmp: Path) -> tuple[Path, Path]:
    from scs_iaas.standards.flavors import standard_flavors

    ofm = ["reference:", "  - field: name", "  - field: public", "    default: true",
           "  - field: disabled", "    default: false"]  # fmt: skip
    scs = ["flavors:"]
    for status in ("mandatory", "recommended"):
        ofm.append(f"{status}:")
        for f in standard_flavors(status):
            specs = {k: v for k, v in f.extra_specs.items() if not k.startswith("scs:name")}
            ofm += [f"  - name: zzbench-ofm-{f.name}", f"    cpus: {f.vcpus}",
                    f"    ram: {f.ram_mib}", f"    disk: {f.disk_gb or 0}"]  # fmt: skip
            ofm += [f"    {k}: {v}" for k, v in specs.items()]
            scs += [f"  - name: zzbench-scs-{f.name}", f"    vcpus: {f.vcpus}",
                    f"    ram: {f.ram_mib}", f"    disk: {f.disk_gb or 0}", "    extra_specs:"]  # fmt: skip
            scs += [f"      {k}: {v}" for k, v in specs.items()]
    (tmp / "ofm.yaml").write_text("\n".join(ofm) + "\n")
    (tmp / "scs-flavors.yaml").write_text("\n".join(scs) + "\n")
    return tmp / "ofm.yaml", tmp / "scs-flavors.yaml"


def bench_flavors(r: Runner, c: Any, runs: int) -> dict[str, list[dict[str, Any]]]:
    ofm_yaml, scs_yaml = flavor_files(r.tmp)
    ofm = [*OFM, "--cloud", CLOUD, "--name", "local", "--url", ofm_yaml.as_uri(),
           "--recommended", "--limit-memory", "1024"]  # fmt: skip
    scs = [*SCS, "manage", "flavors", "--os-cloud", CLOUD, "--set", "none",
           "--definitions", str(scs_yaml)]  # fmt: skip
    out: dict[str, list[dict[str, Any]]] = {}
    for _ in range(runs):
        cleanup(c)
        out.setdefault("flavors: ofm fresh", []).append(r.run(ofm))
        out.setdefault("flavors: ofm no-op", []).append(r.run(ofm))
        out.setdefault("flavors: scs fresh", []).append(r.run([*scs, "-y"]))
        out.setdefault("flavors: scs no-op", []).append(r.run(scs))
        out.setdefault("flavors: scs no-op, standard set on the cloud", []).append(
            r.run([*SCS, "manage", "flavors", "--os-cloud", CLOUD, "--set", "all"])
        )
    count = sum(1 for f in c.compute.flavors(is_public=None) if f.name.startswith("zzbench-"))
    assert count == 62, f"expected 2 x 31 bench flavors, found {count}"
    return out


# -- images ------------------------------------------------------------------------------------

META = {
    "architecture": "x86_64", "hw_disk_bus": "scsi", "hw_rng_model": "virtio",
    "hw_scsi_model": "virtio-scsi", "hypervisor_type": "qemu", "os_distro": "ubuntu",
    "os_version": "24.04", "os_purpose": "generic", "replace_frequency": "never",
    "uuid_validity": "forever", "provided_until": "none",
}  # fmt: skip


def image_files(tmp: Path, mib: int) -> tuple[Path, Path, list[str]]:
    blobs = []
    for tag in ("A", "B"):
        f = tmp / f"img-{tag}.raw"
        with open(f, "wb") as fh:
            for _ in range(mib):
                fh.write(os.urandom(1 << 20))
        blobs.append((tag, f, hashlib.sha256(f.read_bytes()).hexdigest()))
    oim = ["images:"]
    scs = ["images:"]
    for tag, f, sha in blobs:
        oim += [f"  - name: zzbench-oim {tag}", "    enable: true", "    format: raw",
                "    login: ubuntu", "    min_disk: 1", "    min_ram: 512", "    status: active",
                "    visibility: public", "    multi: true", "    meta:"]  # fmt: skip
        oim += [f"      {k}: '{v}'" for k, v in META.items()]
        oim += ["    tags: []", "    versions:", "      - version: '20261101'",
                f"        url: {f.as_uri()}", f"        checksum: sha256:{sha}",
                "        build_date: 2026-11-01"]  # fmt: skip
        scs += [f"  - name: zzbench-scs {tag}", "    format: raw", "    min_disk: 1",
                "    min_ram: 512", "    image_original_user: ubuntu",
                "    image_description: bench", "    image_source: private"]  # fmt: skip
        scs += [f"    {k}: '{v}'" for k, v in META.items() if k not in ("hw_rng_model",
                "hw_scsi_model", "hypervisor_type")]  # fmt: skip
        scs += ["    properties:", "      hw_rng_model: virtio", "      hw_scsi_model: virtio-scsi",
                "      hypervisor_type: qemu", "    versions:", "      - build_date: 2026-11-01",
                f"        url: {f.as_uri()}", f"        checksum: sha256:{sha}"]  # fmt: skip
    (tmp / "oim.yaml").write_text("\n".join(oim) + "\n")
    (tmp / "scs-images.yaml").write_text("\n".join(scs) + "\n")
    return tmp / "oim.yaml", tmp / "scs-images.yaml", [str(b[1]) for b in blobs]


def drift(c: Any, name: str) -> None:
    img = next(i for i in c.image.images() if i.name == name)
    c.image.update_image(img, os_distro="windows", hw_rng_model="none")


def prop(c: Any, name: str, key: str) -> Any:
    img = next(i for i in c.image.images() if i.name == name)
    return c.image.get(f"/images/{img.id}").json().get(key)


def bench_images(r: Runner, c: Any, runs: int, mib: int) -> dict[str, list[dict[str, Any]]]:
    oim_yaml, scs_yaml, _ = image_files(r.tmp, mib)
    oim = [*OIM, "--cloud", CLOUD, "--images", str(oim_yaml), "--tag", "zzbench_oim"]
    scs = [*SCS, "manage", "images", "--os-cloud", CLOUD, "--definitions", str(scs_yaml)]
    out: dict[str, list[dict[str, Any]]] = {}
    for i in range(runs):
        cleanup(c)
        out.setdefault("images: oim fresh", []).append(r.run(oim))
        out.setdefault("images: scs fresh", []).append(r.run([*scs, "-y"]))
        out.setdefault("images: oim no-op", []).append(r.run(oim))
        out.setdefault("images: scs no-op", []).append(r.run(scs))
        if i == 0:
            drift(c, "zzbench-oim A")
            res = r.run(oim)
            res["fixed"] = prop(c, "zzbench-oim A", "os_distro") == "ubuntu"
            out["images: oim after hand drift"] = [res]
            drift(c, "zzbench-scs A")
            res = r.run(scs, ok=(0,))
            res["detected"] = "update" in res["out"]
            res2 = r.run([*scs, "-y"])
            res2["fixed"] = prop(c, "zzbench-scs A", "os_distro") == "ubuntu"
            out["images: scs after hand drift (plan)"] = [res]
            out["images: scs after hand drift (apply)"] = [res2]
    return out


def bench_throughput(tmp: Path, mib: int) -> dict[str, float]:
    """MiB/s: read the file; read + sha256 + sha512; scs-iaas upload (apply only, in-process)."""
    from datetime import date

    from scs_iaas.cloud.apply import CHUNK, apply_plan
    from scs_iaas.cloud.connection import connect
    from scs_iaas.cloud.snapshot import read_snapshot
    from scs_iaas.managers.images import load_definitions, plan_images

    f = tmp / "big.raw"
    with open(f, "wb") as fh:
        for _ in range(mib):
            fh.write(os.urandom(1 << 20))
    sha = hashlib.sha256(f.read_bytes()).hexdigest()
    os.sync()
    res: dict[str, float] = {}
    for label, algos in (("read only", ()), ("read + sha256 + sha512", ("sha256", "sha512"))):
        hs = [hashlib.new(a) for a in algos]
        t0 = time.perf_counter()
        with open(f, "rb") as fh:
            while block := fh.read(CHUNK):
                for h in hs:
                    h.update(block)
        res[label] = mib / (time.perf_counter() - t0)
    defs = tmp / "big.yaml"
    text = (tmp / "scs-images.yaml").read_text().split("  - name: zzbench-scs B")[0]
    text = text.replace("zzbench-scs A", "zzbench-scs big")
    text = text.split("      - build_date:")[0] + (
        f"      - build_date: 2026-11-01\n        url: {f.as_uri()}\n        checksum: sha256:{sha}\n"
    )
    defs.write_text(text)
    os.environ["OS_CLIENT_CONFIG_FILE"] = str(CLOUDS_YAML)
    cloud = connect(CLOUD)
    plan = plan_images(load_definitions(defs), read_snapshot(cloud, {"images"}), today=date.today())
    t0 = time.perf_counter()
    apply_plan(cloud, plan, progress=False)
    res["scs-iaas upload (create + stream + verify + publish)"] = mib / (time.perf_counter() - t0)
    # baseline: Glance's own ingest speed, a bare PUT of the open file (no hashing on our side)
    body = {"name": "zzbench-raw-put", "disk_format": "raw", "container_format": "bare"}
    iid = cloud.conn.image.post("/images", json=body).json()["id"]
    with open(f, "rb") as fh:
        t0 = time.perf_counter()
        resp = cloud.conn.image.put(
            f"/images/{iid}/file", data=fh, headers={"Content-Type": "application/octet-stream"}
        )
        res["bare PUT of the file to Glance (baseline, no client-side hashing)"] = mib / (
            time.perf_counter() - t0
        )
    assert resp.status_code == 204, resp.text
    return res


def fmt(rows: list[dict[str, Any]]) -> str:
    walls = [x["wall"] for x in rows]
    reqs = sorted({x["requests"] for x in rows})
    writes = sorted({x["writes"] for x in rows})
    med = statistics.median(walls)
    return (f"{min(walls):.2f} / {med:.2f} s ({len(rows)}) | "
            f"{'/'.join(map(str, reqs))} | {'/'.join(map(str, writes))}")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--image-runs", type=int, default=2)
    ap.add_argument("--image-mib", type=int, default=50)
    ap.add_argument("--big-mib", type=int, default=256)
    ap.add_argument("--show-requests", action="store_true")
    args = ap.parse_args()
    c = conn()
    with tempfile.TemporaryDirectory(prefix="scs-iaas-bench-") as d:
        tmp = Path(d)
        r = Runner(tmp)
        try:
            results = bench_flavors(r, c, args.runs)
            results.update(bench_images(r, c, args.image_runs, args.image_mib))
            tput = bench_throughput(tmp, args.big_mib)
        finally:
            cleanup(c)
    print("| tool / scenario | wall min / median (n) | HTTP requests | writes | notes |")
    print("|---|---|---|---|---|")
    for k, rows in results.items():
        note = ""
        if "fixed" in rows[0]:
            note += f"fixed: {rows[0]['fixed']}"
        if "detected" in rows[0]:
            note += f"detected: {rows[0]['detected']}"
        print(f"| {k} | {fmt(rows)} | {note} |")
    print()
    print(f"| upload throughput ({args.big_mib} MiB raw, file://, loopback Glance) | MiB/s |")
    print("|---|---|")
    for k, v in tput.items():
        print(f"| {k} | {v:.0f} |")
    if args.show_requests:
        for k, rows in results.items():
            print(f"\n## {k}\n" + "\n".join(rows[0]["lines"]))


if __name__ == "__main__":
    main()
