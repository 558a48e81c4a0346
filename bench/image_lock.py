"""Concurrent `manage images --apply` runs and what the image lock costs, on the local cloud.

    .venv/bin/python bench/image_lock.py [--rounds 5] [--images 3] [--mib 4] [--baseline DIR]

Each round: a new build of every definition (raw, N MiB, file://), then two `--apply` runs of
the same definition file started together (as issue 11 did it: within a second). Counted after
each round: images per (definition, build) (more than one is a duplicate), unfinished images
left, each run's exit code, and whether a run waited for the other. ``--baseline DIR`` runs the
same rounds with another checkout's scs-iaas (e.g. /work/main: without the lock) for the side
by side. Then the request counts of single runs: fresh (2 images), no-op plan, no-op --apply,
hand drift --apply. All images are named ``zzbench-lock-…`` and deleted at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CLOUDS_YAML = Path.home() / ".local/share/scs-iaas/box/clouds.yaml"
CLOUD = "box-admin"


def definition(name: str, versions: list[tuple[str, Path, str]], release: str) -> str:
    lines = [
        f"  - name: {name}",
        "    format: raw",
        "    min_disk: 1",
        "    min_ram: 64",
        "    os_distro: cirros",
        f'    os_version: "{release}"',
        "    architecture: x86_64",
        "    replace_frequency: never",
        "    provided_until: notice",
        "    uuid_validity: forever",
        "    os_purpose: generic",
        "    image_description: scs-iaas lock bench",
        "    image_original_user: none",
        "    image_source: private",
        "    versions:",
    ]
    for build, path, sha in versions:
        lines += [f"      - build_date: {build}", f"        url: {path.as_uri()}",
                  f"        checksum: sha256:{sha}"]  # fmt: skip
    return "\n".join(lines)


def run(exe: Path, defs: Path, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "OS_CLIENT_CONFIG_FILE": str(CLOUDS_YAML)}
    argv = [str(exe), "manage", "images", "--definitions", str(defs), "--os-cloud", CLOUD,
            "-f", "json", *extra]  # fmt: skip
    return subprocess.Popen(
        argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def images(conn: Any, prefix: str) -> list[dict[str, Any]]:
    out = {}
    for hidden in ("false", "true"):
        resp = conn.image.get("/images", params={"os_hidden": hidden, "limit": 1000})
        for img in resp.json()["images"]:
            if (img.get("name") or "").startswith(prefix) or str(
                img.get("scs-iaas:name", "")
            ).startswith(prefix):
                out[img["id"]] = img
    return list(out.values())


def cleanup(conn: Any, prefix: str) -> None:
    for img in images(conn, prefix):
        conn.image.delete(f"/images/{img['id']}")


def rounds(
    exe: Path, conn: Any, tmp: Path, n_rounds: int, n_images: int, mib: int
) -> dict[str, Any]:
    prefix = f"zzbench-lock-{uuid.uuid4().hex[:4]}"
    names = [f"{prefix} {i}" for i in range(n_images)]
    builds: dict[str, list[tuple[str, Path, str]]] = {n: [] for n in names}
    stats = {"rounds": n_rounds, "duplicates": 0, "unfinished": 0, "nonzero_exits": 0,
             "waited": 0, "wall": []}  # fmt: skip
    try:
        for r in range(n_rounds):
            build = f"2026-11-{r + 1:02d}"
            for i, n in enumerate(names):
                f = tmp / f"{prefix}-{i}-{r}.raw"
                data = os.urandom(mib << 20)
                f.write_bytes(data)
                builds[n].append((build, f, hashlib.sha256(data).hexdigest()))
            defs = tmp / f"{prefix}-{r}.yaml"
            body = [definition(n, builds[n], f"0.{i}") for i, n in enumerate(names)]
            defs.write_text("images:\n" + "\n".join(body) + "\n")
            t0 = time.monotonic()
            procs = [run(exe, defs, "-y") for _ in range(2)]
            outs = [p.communicate(timeout=900) for p in procs]
            stats["wall"].append(round(time.monotonic() - t0, 2))
            stats["nonzero_exits"] += sum(p.returncode != 0 for p in procs)
            stats["waited"] += sum("waiting for another" in err for _, err in outs)
            seen: dict[tuple[str, str], int] = {}
            for img in images(conn, prefix):
                if "scs-iaas:lock" in img:
                    continue
                if img.get("status") != "active" or "scs-iaas:upload-pending" in img:
                    stats["unfinished"] += 1
                key = (str(img.get("scs-iaas:name")), str(img.get("image_build_date")))
                seen[key] = seen.get(key, 0) + 1
            stats["duplicates"] += sum(c - 1 for c in seen.values() if c > 1)
            if stats["duplicates"] or stats["unfinished"]:
                cleanup(conn, prefix)  # start the next round clean
                for n in names:
                    builds[n] = []
    finally:
        cleanup(conn, prefix)
    return stats


def requests(exe: Path, conn: Any, tmp: Path) -> dict[str, Any]:
    prefix = f"zzbench-lock-{uuid.uuid4().hex[:4]}"
    versions = []
    body = []
    for i in range(2):
        f = tmp / f"{prefix}-r{i}.raw"
        data = os.urandom(1 << 20)
        f.write_bytes(data)
        versions.append(("2026-11-01", f, hashlib.sha256(data).hexdigest()))
        body.append(definition(f"{prefix} {i}", [versions[-1]], f"1.{i}"))
    defs = tmp / f"{prefix}.yaml"
    defs.write_text("images:\n" + "\n".join(body) + "\n")
    out: dict[str, Any] = {}
    try:
        for label, extra in (("fresh --apply (2 images)", ["-y"]), ("no-op plan", []),
                             ("no-op --apply", ["-y"])):  # fmt: skip
            doc = json.loads(run(exe, defs, *extra).communicate(timeout=300)[0])
            out[label] = (doc["api_requests"], doc["api_writes"])
        img = next(i for i in images(conn, prefix) if i.get("name") == f"{prefix} 0")
        conn.image.patch(f"/images/{img['id']}", json=[{"op": "replace", "path": "/os_distro",
                         "value": "windows"}],
                         headers={"Content-Type": "application/openstack-images-v2.1-json-patch"})  # fmt: skip
        doc = json.loads(run(exe, defs, "-y").communicate(timeout=300)[0])
        out["hand drift --apply"] = (doc["api_requests"], doc["api_writes"])
    finally:
        cleanup(conn, prefix)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--images", type=int, default=3)
    ap.add_argument("--mib", type=int, default=4)
    ap.add_argument("--baseline", type=Path, help="another checkout to compare (its .venv)")
    args = ap.parse_args()
    os.environ["OS_CLIENT_CONFIG_FILE"] = str(CLOUDS_YAML)
    import openstack

    conn = openstack.connect(cloud=CLOUD)
    tools = [("this checkout", ROOT / ".venv" / "bin" / "scs-iaas")]
    if args.baseline:
        tools.append((str(args.baseline), args.baseline / ".venv" / "bin" / "scs-iaas"))
    with tempfile.TemporaryDirectory(prefix="scs-lock-bench-") as d:
        tmp = Path(d)
        for label, exe in tools:
            st = rounds(exe, conn, tmp, args.rounds, args.images, args.mib)
            print(f"{label}: {json.dumps(st)}")
            print(f"{label}: requests, writes: {json.dumps(requests(exe, conn, tmp))}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
