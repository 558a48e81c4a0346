"""The provider's side of the standards: configuration checks on one control or compute node.

One module per standard (``host_scs_0101_entropy.py`` …) judges the facts of
``host/config.py``; this module runs them all and holds what they share: how a service's file
is named in a finding, and the ABORT for a file that is there but cannot be read.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from scs_iaas.checks.base import Test
from scs_iaas.errors import InputError
from scs_iaas.host.config import ConfigFacts
from scs_iaas.host.services import ServiceConf
from scs_iaas.model.findings import Finding


def where(svc: ServiceConf, role: str = "conf") -> str:
    """``nova-compute /etc/kolla/nova-compute/nova.conf``: the resource of a finding."""
    return f"{svc.service} {svc.paths.get(role, '')}".strip()


def unreadable(test: Test, svc: ServiceConf, role: str = "conf") -> Finding | None:
    """ABORT when the file is there but could not be read or parsed (never a silent default)."""
    error = svc.errors.get(role)
    if error is None:
        return None
    return test.aborted(error, where(svc, role))


def default_note(value: object | None, default: object) -> str:
    """``= False`` or ``left at its default (False)``."""
    return f"= {value}" if value is not None else f"left at its default ({default})"


def all_checks() -> list[Callable[[ConfigFacts], list[Finding]]]:
    from scs_iaas.checks import (
        host_scs_0101_entropy,
        host_scs_0116_key_manager,
        host_scs_0117_volume_backup,
        host_scs_0121_availability_zones,
        host_scs_0125_secure_connections,
        host_scs_0127_dns,
        host_scs_0302_domain_manager,
    )

    return [
        host_scs_0101_entropy.check,
        host_scs_0121_availability_zones.check,
        host_scs_0125_secure_connections.check,
        host_scs_0127_dns.check,
        host_scs_0302_domain_manager.check,
        host_scs_0116_key_manager.check,
        host_scs_0117_volume_backup.check,
    ]


def check(facts: ConfigFacts) -> list[Finding]:
    """Every standard's findings; a value a check cannot parse ABORTs that standard's first
    test with the file and option (never the value), the other standards still run."""
    out: list[Finding] = []
    for run in all_checks():
        try:
            out += run(facts)
        except Exception as exc:  # as the runner does: that standard ABORTs, the rest run
            module = sys.modules[run.__module__]
            tests = [v for v in vars(module).values() if isinstance(v, Test)]
            text = " ".join(str(exc).split()) or type(exc).__name__
            reason = (
                text
                if isinstance(exc, InputError)
                else f"check raised {type(exc).__name__}: {text}"
            )
            out += [t.aborted(reason, "host") for t in tests]
    return out
