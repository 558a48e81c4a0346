"""bench-disk: the built-in O_DSYNC writer and fio, on a temp dir with a small job."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scs_iaas.checks.host_storage import check_disk_bench
from scs_iaas.errors import InputError
from scs_iaas.host import bench_disk
from scs_iaas.host.bench_disk import DiskBench, parse_fio_json, percentile, summarise
from scs_iaas.model.findings import Status

HOSTS = Path(__file__).parents[2] / "data" / "hosts"


def sane(result: DiskBench, writes: int) -> None:
    assert result.writes == writes
    assert result.iops > 0 and result.seconds > 0
    assert 0 < result.p50_ms <= result.p99_ms <= result.max_ms


def test_builtin_writer_on_temp_dir(tmp_path: Path) -> None:
    result = bench_disk.run(tmp_path, 200, "builtin")
    sane(result, 200)
    assert result.engine == bench_disk.BUILTIN
    assert list(tmp_path.iterdir()) == []  # scratch file removed


@pytest.mark.skipif(
    shutil.which("fio") is None, reason="fio is not installed (apt-get install fio)"
)
def test_fio_on_temp_dir(tmp_path: Path) -> None:
    result = bench_disk.run(tmp_path, 200, "fio")
    sane(result, 200)
    assert result.engine.startswith("fio")
    assert list(tmp_path.iterdir()) == []


def test_not_a_directory_or_device(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a directory or block device"):
        bench_disk.run(tmp_path / "nope", 10, "builtin")
    with pytest.raises(InputError, match="at least one write"):
        bench_disk.run(tmp_path, 0, "builtin")


def test_parse_recorded_fio_json() -> None:
    text = (HOSTS / "fio/seq-dsync-200.json").read_text()
    result = parse_fio_json(text, "fio-3.33", "/var/tmp")
    assert result.writes == 200
    assert result.iops == pytest.approx(5405.405405)
    assert result.p50_ms == pytest.approx(0.177152)
    assert result.p99_ms == pytest.approx(0.272384)


def test_fio_output_not_understood() -> None:
    from scs_iaas.errors import ScsIaasError

    with pytest.raises(ScsIaasError, match="fio output not understood"):
        parse_fio_json('{"jobs": []}', "fio", "/x")


@given(st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=300))
def test_percentile_is_a_member_and_monotonic(values: list[float]) -> None:
    data = sorted(values)
    p50, p99 = percentile(data, 50), percentile(data, 99)
    assert p50 in data and p99 in data
    assert data[0] <= p50 <= p99 <= data[-1]
    # nearest rank: at least p % of the values are at or below it
    assert sum(v <= p99 for v in data) >= math.ceil(0.99 * len(data))


def test_summarise_iops_from_total_time() -> None:
    r = summarise("x", "/t", [500_000] * 1000 + [2_000_000] * 20, 0.52)
    assert r.writes == 1020
    assert r.iops == pytest.approx(1020 / 0.52)
    assert (r.p50_ms, r.p99_ms, r.max_ms) == (0.5, 2.0, 2.0)


def test_scs_0110_verdict() -> None:
    fast = summarise("x", "/t", [400_000] * 100, 0.04)
    slow = summarise("x", "/t", [1_500_000] * 100, 0.15)
    assert check_disk_bench(fast).status == Status.PASS
    f = check_disk_bench(slow)
    assert f.status == Status.FAIL and f.standard == "scs-0110"
    assert ">1000 IOPS" in f.reason


def _some_block_device() -> Path | None:
    import stat

    for candidate in [*sorted(Path("/dev").glob("loop[0-9]*")), Path("/dev/vda")]:
        try:
            if stat.S_ISBLK(candidate.stat().st_mode):
                return candidate
        except OSError:
            continue
    return None


def test_block_device_refused_without_overwrite() -> None:
    """Writing to a device destroys its data: refused before anything is opened."""
    device = _some_block_device()
    if device is None:
        pytest.skip("no block device node visible here (/dev/loop*, /dev/vda)")
    for engine in ("builtin", "fio"):
        with pytest.raises(InputError, match="--overwrite-device"):
            bench_disk.run(device, 10, engine)
