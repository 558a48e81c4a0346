"""Per-certificate-version verdicts over test results (the scope itself is standards data)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from scs_iaas.model.findings import Status
from scs_iaas.standards import scope


@dataclass(frozen=True)
class Judged:
    verdict: scope.VersionVerdict

    @property
    def version(self) -> str:
        return self.verdict.version

    @property
    def main_failed(self) -> bool:
        return self.verdict.main == "FAIL"

    def lines(self) -> tuple[str, ...]:
        return self.verdict.lines

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self.verdict)
        d["targets"] = {t["target"]: t for t in d.pop("targets")}
        return d


def judge(results: Mapping[str, Status], version: str | None, subject: str) -> list[Judged]:
    """``version`` None: the default (effective) version; ``all``: every version."""
    if version == "all":
        names = [v.name for v in scope.versions()]
    else:
        names = [scope.get_version(version or scope.DEFAULT_VERSION).name]
    return [Judged(scope.verdict(name, results, subject=subject)) for name in names]
