"""The CPU's entropy instructions (scs-0101): RDRAND/RDSEED on x86_64, RNDR on arm64.

``/proc/cpuinfo`` names them in ``flags`` (x86: ``rdrand``, ``rdseed``) or ``Features``
(arm64: ``rng`` is FEAT_RNG, the RNDR/RNDRRS instructions). All cores share them; the first
processor block is read.
"""

from __future__ import annotations

from dataclasses import dataclass

from scs_iaas.host.root import HostRoot


@dataclass(frozen=True)
class EntropyFacts:
    arch: str  # x86_64 | arm64 | "" (unknown: no cpuinfo)
    rdrand: bool = False
    rdseed: bool = False
    rndr: bool = False

    @property
    def instructions(self) -> tuple[str, ...]:
        found = (("RDRAND", self.rdrand), ("RDSEED", self.rdseed), ("RNDR", self.rndr))
        return tuple(name for name, present in found if present)


def parse_entropy(cpuinfo: str) -> EntropyFacts:
    for line in cpuinfo.splitlines():
        key, sep, value = line.partition(":")
        if not sep:
            continue
        key = key.strip().lower()
        words = set(value.split())
        if key == "flags":
            return EntropyFacts("x86_64", "rdrand" in words, "rdseed" in words)
        if key == "features":
            return EntropyFacts("arm64", rndr="rng" in words)
    return EntropyFacts("")


def read_entropy(root: HostRoot) -> EntropyFacts:
    return parse_entropy(root.read("/proc/cpuinfo") or "")
