"""The provider's side of the standards: configuration checks on one control or compute node.

One module per standard (``host_scs_0101_entropy.py`` …) has a ``CHECK`` on the ``config`` area
of the host facts (``host/config.py``), run by the same runner as every check; this module holds
what they share — how a service's file is named in a finding, the ABORT for a file that is there
but cannot be read — and runs them all on one node's configuration.
"""

from __future__ import annotations

from scs_iaas.checks.base import Check, Context
from scs_iaas.host.config import ConfigFacts
from scs_iaas.host.services import ServiceConf
from scs_iaas.model.findings import Finding, Test


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


def config_checks() -> list[Check]:
    """The CHECKs of the configuration area (the ``host_*`` modules that need it)."""
    from scs_iaas.checks import runner

    return [c for c in runner.host_checks() if c.needs == {"host:config"}]


def check(facts: ConfigFacts) -> list[Finding]:
    """Every standard's findings on one node's configuration, through the runner (a value a
    check cannot parse ABORTs that standard's tests with the file and option, never the
    value; the other standards still run)."""
    from scs_iaas.checks import runner
    from scs_iaas.host.facts import HostFacts

    return runner.run_checks(config_checks(), Context(host=HostFacts(root="", config=facts)))
