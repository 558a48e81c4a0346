"""Wall time of scs-iaas against a frozen service of the local cloud (issue 11: never hang).

    .venv/bin/python bench/faults.py [--services compute image] [--timeouts default 10]

A frozen service is one that accepts connections and never answers (a hung API process). It
is made by the fault proxy of the integration tests (``tests/integration/faultproxy.py``):
a test clouds.yaml points ``<service>_endpoint_override`` of compute, image, block-storage and
network at one proxy each and the proxy of the frozen service holds every request; nothing
of the shared box is stopped. Per frozen service and timeout it runs ``check``, ``manage
flavors``, ``manage images`` (plans only: a frozen read stops them before any write) and
``upgrade check``, and prints one markdown row each: wall time, exit code, the last line.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "integration"))

from faultproxy import FaultProxy  # noqa: E402

CLOUDS_YAML = Path.home() / ".local/share/scs-iaas/box/clouds.yaml"
OVERRIDES = {
    "compute": "compute",
    "image": "image",
    "block_storage": "block-storage",
    "network": "network",
}


def proxied_clouds(tmp: Path) -> tuple[Path, dict[str, FaultProxy]]:
    from scs_iaas.cloud.connection import connect

    os.environ["OS_CLIENT_CONFIG_FILE"] = str(CLOUDS_YAML)
    cloud = connect("box-admin")
    urls = {
        s["type"]: ep["url"]
        for s in cloud.catalog
        for ep in s["endpoints"]
        if ep["interface"] == "public"
    }
    proxies: dict[str, FaultProxy] = {}
    overrides = {}
    for key, stype in OVERRIDES.items():
        parts = urlsplit(urls[stype])
        proxies[stype] = FaultProxy(parts.port or 80).start()
        path = parts.path
        if key == "block_storage":
            path = "/".join(path.split("/")[:2]) + "/%(project_id)s"
        overrides[f"{key}_endpoint_override"] = proxies[stype].url + path
    config = yaml.safe_load(CLOUDS_YAML.read_text())
    clouds = {f"px-{n}": {**config["clouds"][n], **overrides} for n in ("box-admin", "box-member")}
    path = tmp / "clouds.yaml"
    path.write_text(yaml.safe_dump({"clouds": clouds}))
    return path, proxies


def wait_for_keystone(limit: float = 600) -> None:
    """The box is shared and restarted now and then: measure only while Keystone answers."""
    import urllib.request

    config = yaml.safe_load(CLOUDS_YAML.read_text())
    url = config["clouds"]["box-admin"]["auth"]["auth_url"]
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(5)
    raise SystemExit(f"Keystone at {url} did not answer for {limit:.0f} s")


TESTS = {  # service -> the tests that need a list read of it
    "compute": "^scs-0103-",
    "image": "^scs-0104-",
    "block-storage": "^scs-0114-",
    "network": "^scs-0115-",
}


def transient() -> int:
    import json

    with tempfile.TemporaryDirectory() as tmp_name:
        clouds, proxies = proxied_clouds(Path(tmp_name))
        env = dict(os.environ, OS_CLIENT_CONFIG_FILE=str(clouds))
        env.pop("OS_CLOUD", None)
        print("| service | fault | count | runs | all tests through | faults met | wall time |")
        print("|---|---|---|---|---|---|---|")
        for service, tests in TESTS.items():
            for mode, status in (("status", 503), ("status", 502), ("status", 504), ("reset", 0)):
                for count in (1, 2):
                    wait_for_keystone()
                    proxy = proxies[service]
                    proxy.seen.clear()
                    proxy.inject(mode, count, status=status or 503, method="GET")
                    cmd = [str(ROOT / ".venv" / "bin" / "scs-iaas"), "check", "-f", "json"]
                    cmd += ["--tests", tests, "--os-cloud", "px-box-member"]
                    t0 = time.monotonic()
                    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
                    took = time.monotonic() - t0
                    proxy.inject("pass")
                    try:
                        results = json.loads(proc.stdout)["results"]
                        through = "ABORT" not in results.values()
                    except (ValueError, KeyError):
                        through = False
                    fault = f"HTTP {status}" if mode == "status" else "reset"
                    print(
                        f"| {service} | {fault} | {count} | 1 | {'yes' if through else 'NO'} "
                        f"| {len(proxy.faults())} | {took:.1f} s |",
                        flush=True,
                    )
        for p in proxies.values():
            p.close()
    return 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--services", nargs="+", default=["compute", "image"])
    ap.add_argument("--timeouts", nargs="+", default=["default", "10"])
    ap.add_argument(
        "--transient",
        action="store_true",
        help="instead: inject 1 or 2 transient faults (503, 502, 504, reset) into each "
        "service's list read and count the check runs that still got every test through",
    )
    args = ap.parse_args()
    if args.transient:
        return transient()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        clouds, proxies = proxied_clouds(tmp)
        from scs_iaas.app.demo import demo_images

        images = demo_images(tmp)
        commands = {
            "check": ["check", "--os-cloud", "px-box-member"],
            "manage flavors": ["manage", "flavors", "--os-cloud", "px-box-admin"],
            "manage images": [
                "manage", "images", "--definitions", str(images), "--os-cloud", "px-box-admin",
            ],
            "upgrade check": ["upgrade", "check", "--to", "2025.1", "--os-cloud", "px-box-admin"],
        }  # fmt: skip
        env = dict(os.environ, OS_CLIENT_CONFIG_FILE=str(clouds))
        env.pop("OS_CLOUD", None)
        print("| frozen service | --timeout | command | wall time | exit | last line |")
        print("|---|---|---|---|---|---|")
        for service in args.services:
            for timeout in args.timeouts:
                for name, argv in commands.items():
                    wait_for_keystone()
                    proxies[service].inject("freeze")
                    extra = [] if timeout == "default" else ["--timeout", timeout]
                    cmd = [str(ROOT / ".venv" / "bin" / "scs-iaas"), *extra, *argv]
                    t0 = time.monotonic()
                    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
                    took = time.monotonic() - t0
                    proxies[service].inject("pass")
                    lines = (proc.stderr.strip() or proc.stdout.strip()).splitlines()
                    last = lines[-1][:110].replace("|", "/") if lines else ""
                    shown = "60 (default)" if timeout == "default" else timeout
                    print(
                        f"| {service} | {shown} | `{name}` | {took:.1f} s | {proc.returncode} "
                        f"| {last} |",
                        flush=True,
                    )
        for p in proxies.values():
            p.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
