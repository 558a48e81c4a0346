"""bench-encryption: runs where loop devices and dm-crypt are there, else says why not."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from scs_iaas.checks.host_storage import check_encryption_bench
from scs_iaas.host import bench_encryption
from scs_iaas.host.bench_encryption import CannotRun, has_device_mapper
from scs_iaas.model.findings import Status


def test_device_mapper_is_read_from_proc_misc() -> None:
    assert has_device_mapper("237 loop-control\n236 device-mapper\n")
    assert not has_device_mapper("237 loop-control\n229 fuse\n")


def test_runs_or_names_the_reason(tmp_path: Path) -> None:
    reason = bench_encryption.why_not(tmp_path)
    if reason is not None:
        with pytest.raises(CannotRun, match="bench-encryption cannot run here: "):
            bench_encryption.run(tmp_path, 100)
        pytest.skip(f"bench-encryption cannot run on this machine: {reason}")
    result = bench_encryption.run(tmp_path, 200)
    assert result.raw.writes == result.luks.writes == 200
    assert result.iops_ratio > 0
    assert result.luks.target.startswith("/dev/mapper/scs-iaas-bench-")
    findings = check_encryption_bench(result)
    assert findings[-1].status == Status.PASS and "of raw IOPS" in findings[-1].reason
    # nothing left behind: no mapping, no loop device on the (deleted) backing file
    assert not Path(result.luks.target).exists()
    loops = subprocess.run(["losetup", "-a"], capture_output=True, text=True).stdout
    assert str(tmp_path) not in loops
    assert list(tmp_path.iterdir()) == []


def _loops_on(directory: Path) -> str:
    out = subprocess.run(["losetup", "-a"], capture_output=True, text=True).stdout
    return "\n".join(line for line in out.splitlines() if str(directory) in line)


@pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("cryptsetup") or not os.path.exists("/dev/loop-control"),
    reason="needs root, cryptsetup and loop devices to set up the devices it must clean up",
)
def test_cleanup_when_a_later_step_fails(tmp_path: Path) -> None:
    """Without the up-front check the run goes as far as this kernel allows; whatever fails
    (here: cryptsetup open without device-mapper), no loop device or mapping is left."""
    try:
        result = bench_encryption.run(tmp_path, 50, "builtin", check_first=False)
    except CannotRun as exc:
        assert str(exc).startswith(("cryptsetup open failed", "cryptsetup luksFormat failed"))
    else:
        assert result.iops_ratio > 0
    assert _loops_on(tmp_path) == ""
    assert not any(Path("/dev/mapper").glob(f"scs-iaas-bench-{os.getpid()}"))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("losetup") or not os.path.exists("/dev/loop-control"),
    reason="needs root and loop devices to set up the devices it must clean up",
)
def test_sigterm_mid_run_cleans_up(tmp_path: Path) -> None:
    """SIGTERM while the raw job runs on the loop device: the loop device is detached."""
    import signal
    import sys
    import time

    code = (
        "import sys; from pathlib import Path; from scs_iaas.host import bench_encryption as b; "
        "b.run(Path(sys.argv[1]), 500_000, 'builtin', check_first=False)"
    )
    proc = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)])
    try:
        deadline = time.monotonic() + 20
        while not _loops_on(tmp_path) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _loops_on(tmp_path), "the loop device never appeared"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 128 + signal.SIGTERM
    finally:
        if proc.poll() is None:
            proc.kill()
    assert _loops_on(tmp_path) == ""
    assert list(tmp_path.iterdir()) == []
