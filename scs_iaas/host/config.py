"""Everything the configuration checks (``host check --only config``) judge about one node."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scs_iaas.host.entropy import EntropyFacts, read_entropy
from scs_iaas.host.root import HostRoot
from scs_iaas.host.services import ServiceFacts, read_services


@dataclass(frozen=True)
class ConfigFacts:
    services: ServiceFacts
    entropy: EntropyFacts

    def summary(self, tls_targets: dict[str, list[str]] | None = None) -> dict[str, Any]:
        """Plain data for ``-f json``: which files were read, the CPU's instructions, the TLS
        endpoints the configuration names; never a configuration value (they hold
        passwords)."""
        return {
            "entropy": {"arch": self.entropy.arch, "instructions": self.entropy.instructions},
            **self.services.summary(),
            "tls_targets": dict(tls_targets or {}),
        }


def read_config_facts(root: HostRoot) -> ConfigFacts:
    return ConfigFacts(read_services(root), read_entropy(root))
