"""Find the cloud checks and run them on one snapshot (the app grades and folds, once)."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterable, Sequence
from functools import cache

from scs_iaas.checks.base import Check, Context
from scs_iaas.model.findings import Finding


@cache
def all_checks() -> tuple[Check, ...]:
    """Every ``scs_*`` module under scs_iaas.checks that defines ``CHECK``, in name order
    (so by standard number, then our own ``scs_iaas_*`` checks): the cloud's checks."""
    return _discover("scs_")


@cache
def host_checks() -> tuple[Check, ...]:
    """Every ``host_*`` module's ``CHECK``: the checks of a host's facts."""
    return _discover("host_")


def _discover(prefix: str) -> tuple[Check, ...]:
    import scs_iaas.checks as pkg

    found = []
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        if not info.name.startswith(prefix):
            continue
        module = importlib.import_module(f"scs_iaas.checks.{info.name}")
        check = getattr(module, "CHECK", None)
        if isinstance(check, Check):
            found.append(check)
    return tuple(found)


def select(pattern: str | None = None, only: Iterable[str] | None = None) -> list[Check]:
    """Checks with at least one test id matching ``pattern`` (re.search) and, if given,
    contained in ``only``."""
    rx = re.compile(pattern) if pattern else None
    wanted = set(only) if only is not None else None
    out = []
    for check in all_checks():
        ids = [
            i
            for i in check.ids()
            if (rx is None or rx.search(i)) and (wanted is None or i in wanted)
        ]
        if ids:
            out.append(check)
    return out


def needed_kinds(checks: Sequence[Check]) -> frozenset[str]:
    kinds: set[str] = set()
    for c in checks:
        kinds |= c.needs
    return frozenset(kinds)


def run_checks(
    checks: Sequence[Check],
    ctx: Context,
    pattern: str | None = None,
    only: Iterable[str] | None = None,
) -> list[Finding]:
    """Run each check; a check whose data could not be read, or that raised, reports ABORT
    for each of its tests with the reason, and the others still run."""
    rx = re.compile(pattern) if pattern else None
    wanted = set(only) if only is not None else None
    findings: list[Finding] = []
    for check in checks:
        missing = sorted(k for k in check.needs - check.tolerates if k in ctx.snapshot.errors)
        if missing:
            reason = "; ".join(str(ctx.snapshot.errors[k]) for k in missing)
            out = [t.aborted(f"could not read the cloud: {reason}") for t in check.tests]
        else:
            try:
                out = check.run(ctx)
            except Exception as exc:  # a bug or an API error inside one check
                text = " ".join(str(exc).split()) or type(exc).__name__
                out = [t.aborted(f"check raised {type(exc).__name__}: {text}") for t in check.tests]
        findings.extend(
            f for f in out if (rx is None or rx.search(f.id)) and (wanted is None or f.id in wanted)
        )
    return findings
