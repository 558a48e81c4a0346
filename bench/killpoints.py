"""Kill-point convergence of the three managers (issue 11): SIGKILL an ``--apply`` mid-way,
then finish it, and count what was lost, duplicated or left pending.

    .venv/bin/python bench/killpoints.py [--rounds 8] [--managers flavors images volume-types]

Per manager, one unkilled ``--apply`` of a small definition set is timed first (duration D).
Then N rounds, each with a fresh name prefix: ``--apply`` is started as a subprocess and
SIGKILLed after a delay (the N delays evenly spread between 0.1 s and D); a kill is
"mid-way" when the cloud then holds some of the set but not all of it as defined (a kill
before the first write leaves nothing: it only counts as killed). Then one unkilled
``--apply`` and one ``--check`` run, and the cloud is read directly (openstacksdk): the
state is converged when every defined resource exists exactly once, as defined, and nothing
is left queued or pending. Last a second ``--apply`` (a no-op rerun) has its writes counted. Everything under this run's prefix is deleted at the end, also on errors.
Uses the box's clouds.yaml under ``$HOME`` (cloud ``box-admin``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CLOUDS_YAML = Path.home() / ".local/share/scs-iaas/box/clouds.yaml"
CLOUD = "box-admin"
NAME_PROP = "scs-iaas:name"
PENDING = "scs-iaas:upload-pending"
ENV = {**os.environ, "OS_CLIENT_CONFIG_FILE": str(CLOUDS_YAML)}
ENV.pop("OS_CLOUD", None)


def cli(kind: str, extra: list[str]) -> list[str]:
    argv = [sys.executable, "-m", "scs_iaas", "manage", kind]
    if kind == "flavors":
        argv += ["--set", "none"]
    return argv + extra + ["--os-cloud", CLOUD]


def run_json(argv: list[str]) -> tuple[int, dict[str, Any], str]:
    proc = subprocess.run(
        [*argv, "-f", "json"], env=ENV, capture_output=True, text=True, timeout=600, check=False
    )
    doc = json.loads(proc.stdout) if proc.stdout.strip() else {}
    return proc.returncode, doc, proc.stderr


# -- the three managers: definitions, what the cloud holds, cleanup ---------------------------

N_FLAVORS = 6
VOLUME_TYPES = [("enc", True, False), ("rep", False, True), ("both", True, True), ("plain", False, False)]  # fmt: skip


def flavor_defs(tmp: Path, prefix: str) -> Path:
    f = tmp / f"{prefix}.yaml"
    f.write_text(
        "flavors:\n"
        + "".join(
            f"  - name: {prefix}-{i:02d}\n    vcpus: 1\n    ram: {256 + i}\n"
            "    extra_specs:\n      scs:cpu-type: shared-core\n      hw:cpu_policy: shared\n"
            for i in range(N_FLAVORS)
        )
    )
    return f


def flavor_state(conn: Any, prefix: str) -> tuple[list[str], list[str], int]:
    """(names held, names expected, resources not as defined)."""
    held = [
        f for f in conn.compute.flavors(details=True, is_public=None) if f.name.startswith(prefix)
    ]
    bad = 0
    for f in held:
        specs = conn.compute.fetch_flavor_extra_specs(f).extra_specs
        i = int(f.name.rsplit("-", 1)[1])
        if (
            (f.vcpus, f.ram) != (1, 256 + i)
            or specs.get("scs:cpu-type") != "shared-core"
            or (specs.get("hw:cpu_policy") != "shared")
        ):
            bad += 1
    return [f.name for f in held], [f"{prefix}-{i:02d}" for i in range(N_FLAVORS)], bad


def flavor_cleanup(conn: Any, base: str) -> None:
    for f in list(conn.compute.flavors(is_public=None)):
        if f.name.startswith(base):
            conn.compute.delete_flavor(f, ignore_missing=True)


SOURCES: dict[str, tuple[str, str]] = {}


def image_defs(tmp: Path, prefix: str) -> Path:
    if not SOURCES:
        for tag, size in (("v1", 8 * 1024 * 1024), ("v2", 8 * 1024 * 1024 + 7)):
            data = os.urandom(size)
            path = tmp / f"{tag}.raw"
            path.write_bytes(data)
            SOURCES[tag] = (path.as_uri(), hashlib.sha256(data).hexdigest())
    lines = ["images:"]
    for letter, build, tag, purpose in (("A", "2026-11-01", "v1", "generic"), ("B", "2026-11-20", "v2", "custom")):  # fmt: skip
        url, sha = SOURCES[tag]
        lines += [
            f"  - name: {prefix} {letter}",
            "    format: raw",
            "    min_disk: 1",
            "    min_ram: 64",
            "    os_distro: cirros",
            '    os_version: "0.6"',
            "    architecture: x86_64",
            "    hw_disk_bus: virtio",
            "    replace_frequency: never",
            "    provided_until: notice",
            "    uuid_validity: forever",
            f"    os_purpose: {purpose}",
            "    image_description: random bytes for bench/killpoints.py",
            "    image_original_user: none",
            "    image_source: private",
            "    versions:",
            f"      - build_date: {build}",
            f"        url: {url}",
            f"        checksum: sha256:{sha}",
        ]
    f = tmp / f"{prefix}.yaml"
    f.write_text("\n".join(lines) + "\n")
    return f


def own_images(conn: Any, base: str) -> list[Any]:
    out = {}
    for hidden in (False, True):
        for img in conn.image.images(os_hidden=hidden):
            if str((img.properties or {}).get(NAME_PROP, "")).startswith(base) or (
                img.name or ""
            ).startswith(base):
                out[img.id] = img
    return list(out.values())


def image_state(conn: Any, prefix: str) -> tuple[list[str], list[str], int]:
    held = [conn.image.get_image(i.id) for i in own_images(conn, prefix)]
    bad = sum(1 for i in held if i.status != "active" or PENDING in (i.properties or {}))
    return [i.name for i in held], [f"{prefix} A", f"{prefix} B"], bad


def image_cleanup(conn: Any, base: str) -> None:
    for img in own_images(conn, base):
        conn.image.delete_image(img, ignore_missing=True)


def vtype_defs(tmp: Path, prefix: str) -> Path:
    f = tmp / f"{prefix}.yaml"
    f.write_text(
        "volume_types:\n"
        + "".join(
            f"  - name: {prefix}-{n}\n    description: bench {n}\n"
            f"    encrypted: {str(enc).lower()}\n    replicated: {str(rep).lower()}\n"
            for n, enc, rep in VOLUME_TYPES
        )
    )
    return f


def vtype_state(conn: Any, prefix: str) -> tuple[list[str], list[str], int]:
    held = [t for t in conn.block_storage.types() if t.name.startswith(prefix)]
    want = {f"{prefix}-{n}": (enc, rep) for n, enc, rep in VOLUME_TYPES}
    bad = 0
    for t in held:
        enc, rep = want.get(t.name, (None, None))
        desc = t.description or ""
        has_enc = bool(
            conn.block_storage.get(f"/types/{t.id}/encryption").json().get("encryption_id")
        )
        tag = desc.split("]")[0] if desc.startswith("[scs:") else ""
        tags_ok = ("encrypted" in tag) == enc and ("replicated" in tag) == rep
        if enc is None or has_enc != enc or not tags_ok or not desc.endswith(t.name.split("-")[-1]):
            bad += 1
    return [t.name for t in held], list(want), bad


def vtype_cleanup(conn: Any, base: str) -> None:
    for t in list(conn.block_storage.types()):
        if t.name.startswith(base):
            enc = conn.block_storage.get(f"/types/{t.id}/encryption").json()
            if enc.get("encryption_id"):
                conn.block_storage.delete(f"/types/{t.id}/encryption/{enc['encryption_id']}")
            conn.block_storage.delete_type(t, ignore_missing=True)


@dataclass
class Manager:
    kind: str
    defs: Callable[[Path, str], Path]
    state: Callable[[Any, str], tuple[list[str], list[str], int]]
    cleanup: Callable[[Any, str], None]


MANAGERS = {
    "flavors": Manager("flavors", flavor_defs, flavor_state, flavor_cleanup),
    "images": Manager("images", image_defs, image_state, image_cleanup),
    "volume-types": Manager("volume-types", vtype_defs, vtype_state, vtype_cleanup),
}


@dataclass
class Tally:
    rounds: int = 0
    duration: float = 0.0
    killed: int = 0
    partial: int = 0
    converged: int = 0
    lost: int = 0
    duplicated: int = 0
    pending: int = 0
    check_clean: int = 0
    rerun_writes: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def measure(conn: Any, m: Manager, rounds: int, base: str, tmp: Path) -> Tally:
    t = Tally(rounds=rounds)
    defs = m.defs(tmp, f"{base}-cal")
    start = time.monotonic()
    rc, _, err = run_json(cli(m.kind, ["--definitions", str(defs), "--apply"]))
    t.duration = time.monotonic() - start
    if rc != 0:
        t.errors.append(f"calibration apply exit {rc}: {err.strip()[-200:]}")
    m.cleanup(conn, f"{base}-cal")
    for r in range(rounds):
        delay = 0.1 + (t.duration - 0.1) * r / max(rounds - 1, 1)
        prefix = f"{base}-r{r}"
        defs = m.defs(tmp, prefix)
        argv = cli(m.kind, ["--definitions", str(defs), "--apply"])
        proc = subprocess.Popen(argv, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            t.killed += 1
            proc.wait()
            held, want, bad = m.state(conn, prefix)
            if held and (sorted(held) != sorted(want) or bad):
                t.partial += 1  # killed between its first and its last write
        proc.wait()
        rc, _, err = run_json(argv)
        if rc != 0:
            t.errors.append(
                f"round {r} (kill at {delay:.2f} s): apply exit {rc}: {err.strip()[-200:]}"
            )
        rc_check, doc, err = run_json(cli(m.kind, ["--definitions", str(defs), "--check"]))
        if rc_check == 0 and not doc.get("actions"):
            t.check_clean += 1
        held, want, bad = m.state(conn, prefix)
        lost = len(set(want) - set(held))
        dup = sum(held.count(n) - 1 for n in set(held))
        extra = len([n for n in held if n not in want])
        t.lost += lost
        t.duplicated += dup + extra
        t.pending += bad
        if not lost and not dup and not extra and not bad:
            t.converged += 1
        _, doc, _ = run_json(argv)
        t.rerun_writes.append(int(doc.get("api_writes", -1)))
        m.cleanup(conn, prefix)
    return t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--managers", nargs="+", choices=list(MANAGERS), default=list(MANAGERS))
    args = ap.parse_args()
    import openstack

    os.environ["OS_CLIENT_CONFIG_FILE"] = str(CLOUDS_YAML)
    conn = openstack.connect(cloud=CLOUD)
    base = f"scs-iaas-kp-{uuid.uuid4().hex[:6]}"
    results: dict[str, Tally] = {}
    with tempfile.TemporaryDirectory() as tmp:
        try:
            for kind in args.managers:
                results[kind] = measure(conn, MANAGERS[kind], args.rounds, base, Path(tmp))
        finally:
            for kind in args.managers:
                MANAGERS[kind].cleanup(conn, base)
    print(
        "| manager | rounds | unkilled apply | killed | killed mid-way | converged | lost | duplicated "
        "| left pending/wrong | `--check` clean | writes of the no-op reruns |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for kind, t in results.items():
        writes = f"{sum(t.rerun_writes)} in {len(t.rerun_writes)} runs"
        if min(t.rerun_writes, default=0) < 0:
            writes += " (a rerun printed no plan)"
        print(
            f"| {kind} | {t.rounds} | {t.duration:.1f} s | {t.killed} | {t.partial} | {t.converged} | {t.lost} "
            f"| {t.duplicated} | {t.pending} | {t.check_clean} | {writes} |"
        )
    for kind, t in results.items():
        for e in t.errors:
            print(f"- {kind}: {e}")
    return 0 if all(t.converged == t.rounds and not t.errors for t in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
