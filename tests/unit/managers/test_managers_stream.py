"""The upload stream: hashes while Glance reads, and never hands over the last block if wrong."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest

from scs_iaas.cloud.apply import ChecksumMismatch, VerifiedStream, open_source
from scs_iaas.errors import InputError

DATA = os.urandom(10 * 1000 + 7)
SHA256 = hashlib.sha256(DATA).hexdigest()


def test_correct_checksum_streams_everything() -> None:
    seen: list[int] = []
    s = VerifiedStream(
        io.BytesIO(DATA),
        size=len(DATA),
        expected=f"sha256:{SHA256}",
        progress=seen.append,
        chunk=1000,
    )
    assert len(s) == len(DATA)
    assert b"".join(s) == DATA
    assert s.done and s.sent == len(DATA) and sum(seen) == len(DATA)
    assert s.digest("sha256") == SHA256
    assert s.digest("sha512") == hashlib.sha512(DATA).hexdigest()  # Glance's default algo


def test_wrong_checksum_withholds_the_last_block() -> None:
    s = VerifiedStream(io.BytesIO(DATA), size=len(DATA), expected="sha256:" + "0" * 64, chunk=1000)
    got = []
    with pytest.raises(ChecksumMismatch, match="checksum mismatch"):
        for block in s:
            got.append(block)
    assert 0 < len(b"".join(got)) < len(DATA)
    assert not s.done
    assert not isinstance(ChecksumMismatch("x"), OSError)  # urllib3 must not retry it


def test_empty_source_is_verified_too() -> None:
    with pytest.raises(ChecksumMismatch):
        list(VerifiedStream(io.BytesIO(b""), size=0, expected="sha256:" + "0" * 64))
    empty = hashlib.sha512(b"").hexdigest()
    assert list(VerifiedStream(io.BytesIO(b""), size=0, expected=f"sha512:{empty}")) == []


def test_no_checksum_still_hashes_sha512_and_unknown_size_has_no_len() -> None:
    s = VerifiedStream(io.BytesIO(DATA), size=None, expected=None, chunk=4096)
    assert b"".join(s) == DATA
    assert s.digest("sha512") == hashlib.sha512(DATA).hexdigest()
    assert not hasattr(s, "len")
    with pytest.raises(TypeError):
        len(s)


def test_open_file_source(tmp_path: Path) -> None:
    f = tmp_path / "disk image.raw"
    f.write_bytes(DATA)
    src = open_source(f.as_uri())
    try:
        assert src.size == len(DATA)
        assert src.stream.read() == DATA
    finally:
        src.close()
    with pytest.raises(InputError, match="cannot open image source"):
        open_source((tmp_path / "nope.raw").as_uri())
    with pytest.raises(InputError, match="unsupported"):
        open_source("ftp://example.org/x.img")


class Drip(io.RawIOBase):
    """A source that delivers ``step`` bytes per read while ``clock`` advances ``dt`` per read."""

    def __init__(self, data: bytes, step: int, clock: list[float], dt: float) -> None:
        self.data, self.step, self.clock, self.dt = data, step, clock, dt

    def readable(self) -> bool:
        return True

    def read1(self, n: int = -1) -> bytes:
        self.clock[0] += self.dt
        out, self.data = self.data[: self.step], self.data[self.step :]
        return out


def test_what_arrives_is_passed_on_without_waiting_for_a_whole_chunk() -> None:
    now = [0.0]
    s = VerifiedStream(Drip(DATA, 100, now, 0.01), size=len(DATA), expected=None,
                       chunk=4 * 1024 * 1024, clock=lambda: now[0])  # fmt: skip
    blocks = list(s)
    assert b"".join(blocks) == DATA and max(len(b) for b in blocks) == 100


def test_a_source_below_the_rate_floor_is_stopped_within_one_window() -> None:
    from scs_iaas.cloud.apply import SourceFailed

    now = [0.0]
    s = VerifiedStream(Drip(DATA, 1, now, 1.0), size=len(DATA), expected=None,
                       min_rate=1024, window=5, clock=lambda: now[0])  # fmt: skip
    with pytest.raises(SourceFailed, match=r"too slow: 0\.0 KiB/s over the last 5 s"):
        list(s)
    assert now[0] <= 6 and s.received <= 6
    # fast enough: 100 bytes per 0.05 s = 2000 B/s over a 1024 B/s floor
    fast = VerifiedStream(Drip(DATA, 100, now, 0.05), size=len(DATA), expected=None,
                          min_rate=1024, window=5, clock=lambda: now[0])  # fmt: skip
    assert b"".join(fast) == DATA
