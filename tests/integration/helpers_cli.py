"""Run `scs-iaas` as a user would: a subprocess against the box's clouds.yaml."""

from __future__ import annotations

import os
import subprocess
import sys


def run_cli(box, *args: str, cloud: str | None = None, timeout: float = 180):
    env = dict(os.environ, OS_CLIENT_CONFIG_FILE=str(box.clouds_yaml))
    env.pop("OS_CLOUD", None)
    cmd = [sys.executable, "-m", "scs_iaas", *args]
    if cloud:
        cmd += ["--os-cloud", cloud]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
