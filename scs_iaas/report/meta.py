"""What a report says besides its findings, typed: the renderers read these fields."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any


@dataclass
class Meta:
    """``verbose``: list passing findings too; ``verdict_lines``: the per-version verdicts as
    the official suite prints them; ``versions``/``results``: the verdicts and one result per
    test id; ``data``: the command's own payload (host facts, upgrade evidence and plan, …),
    written as it is into the JSON document and nowhere else."""

    verbose: bool = False
    subject: str = ""
    cloud: str = ""
    checked_at: str = ""
    argv: list[str] = field(default_factory=list)
    results: dict[str, str] = field(default_factory=dict)
    versions: dict[str, Any] = field(default_factory=dict)
    verdict_lines: list[str] = field(default_factory=list)
    api_requests: int | None = None
    seconds: float | None = None
    # the certificate run, for the official report (scs-yaml) and the text report
    reference_date: str = ""
    scope: dict[str, Any] = field(default_factory=dict)  # uuid, name, url, source
    forced_version: str | None = None
    forced_tests: str | None = None
    official_results: dict[str, int] = field(default_factory=dict)  # judged ids: 1/0/-1
    outside_lines: list[str] = field(default_factory=list)  # outside the certificate
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document's top-level keys: the fields that say something, then ``data``."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name != "data" and (f.name == "verbose" or value not in (None, "", [], {})):
                out[f.name] = value
        out.update(self.data)
        return out
