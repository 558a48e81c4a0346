"""Everything read from one host, area by area: what the host checks judge."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from scs_iaas.errors import InputError
from scs_iaas.host.block import StorageFacts
from scs_iaas.host.config import ConfigFacts
from scs_iaas.host.cpu import CcFacts
from scs_iaas.host.hwmon import HwmonFacts
from scs_iaas.host.novaconf import NovaConf
from scs_iaas.host.root import HostRoot
from scs_iaas.host.timesync import TimeSync

AREAS = ("cc", "storage", "sensors", "time", "config")


@dataclass(frozen=True)
class HostFacts:
    """The facts of the areas read (None: not read); ``nova`` when nova.conf is there."""

    root: str
    nova: NovaConf | None = None
    cc: CcFacts | None = None
    storage: StorageFacts | None = None
    sensors: HwmonFacts | None = None
    timesync: TimeSync | None = None
    # the OpenStack services this node runs, their configuration, the CPU's entropy
    config: ConfigFacts | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain data under the names reports use (``-f json`` puts it under ``facts``)."""
        out: dict[str, Any] = {"root": self.root, "nova": asdict(self.nova) if self.nova else None}
        for key, value in (
            ("confidential_computing", self.cc),
            ("storage", self.storage),
            ("sensors", self.sensors),
            ("timesync", self.timesync),
        ):
            if value is not None:
                out[key] = asdict(value)
        if self.config is not None:  # a summary: paths and names, never a value (secrets)
            out["config"] = self.config.summary()
        return out


def read_host(
    root: HostRoot,
    only: tuple[str, ...] = AREAS,
    instances_path: str | None = None,
    nova_conf: str | None = None,
) -> HostFacts:
    """Read the facts of the chosen areas. Paths the operator names (``nova_conf``,
    ``instances_path``) must exist: a typo must not read as "not a compute host"."""
    from scs_iaas.host.block import read_storage
    from scs_iaas.host.config import read_config_facts
    from scs_iaas.host.cpu import read_confidential
    from scs_iaas.host.hwmon import read_hwmon
    from scs_iaas.host.novaconf import DEFAULT_INSTANCES_PATH, DEFAULT_PATH, read_nova_conf
    from scs_iaas.host.timesync import read_timesync

    if nova_conf is not None and not root.file(nova_conf).is_file():
        raise InputError(f"--nova-conf {nova_conf}: no such file under {root.path}")
    if instances_path is not None and not root.file(instances_path).exists():
        raise InputError(f"--instances-path {instances_path}: does not exist under {root.path}")
    if nova_conf is None:  # the Kolla layout first (OSISM), then the packaged one
        from scs_iaas.host.services import BY_NAME

        kolla = BY_NAME["nova-compute"].files["conf"][0]
        nova_conf = kolla if root.file(kolla).is_file() else DEFAULT_PATH
    nova = read_nova_conf(root, nova_conf)
    path = instances_path or (nova.instances_path if nova else None) or DEFAULT_INSTANCES_PATH
    return HostFacts(
        root=str(root.path),
        nova=nova,
        cc=read_confidential(root) if "cc" in only else None,
        storage=read_storage(root, path) if "storage" in only else None,
        sensors=read_hwmon(root) if "sensors" in only else None,
        timesync=read_timesync(root) if "time" in only else None,
        config=read_config_facts(root) if "config" in only else None,
    )
