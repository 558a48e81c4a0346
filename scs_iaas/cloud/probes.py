"""The probes that must create resources to find something out, and the sweep that removes
what an interrupted run left behind.

A probe runs only on a run that may create resources (``check --with-resources``). It names
everything it creates with the run's prefix (``RESOURCE_PREFIX``), deletes it again, and reports
a ``ProbeResult`` the check then judges: the checks themselves never call the API.
"""

from __future__ import annotations

import contextlib
import secrets as pysecrets
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from scs_iaas.cloud import vm_probe
from scs_iaas.cloud.connection import Cloud
from scs_iaas.cloud.snapshot import sg_rule_from_api
from scs_iaas.model.snapshot import ProbeResult, SecurityGroupRuleRec, Snapshot

# Every resource a probe creates is named with this prefix; `check --cleanup` sweeps them.
RESOURCE_PREFIX = "scs-iaas-check-"
#: states in which Cinder lets a volume or backup be deleted
SETTLED = frozenset({"available", "error", "error_restoring", "error_extending"})
WAIT = 180  # seconds per volume/backup state change; the official suite waits about 110 s


def _line(exc: BaseException, limit: int = 300) -> str:
    return " ".join(str(exc).split())[:limit] or type(exc).__name__


# -- scs-0115: the fallback for a Neutron without the default-rules API (before 2023.1) -------------------------------------


def rules_of_new_security_groups(cloud: Cloud, name: str) -> tuple[SecurityGroupRuleRec, ...]:
    """What rules a new security group gets, and what the project's ``default`` group holds.
    Creates the group ``name`` and deletes it again."""

    def rules(group_id: str) -> list[SecurityGroupRuleRec]:
        items = cloud.list(
            "network",
            "/v2.0/security-group-rules",
            "security_group_rules",
            params={"security_group_id": group_id},
        )
        return [sg_rule_from_api(r) for r in items]

    net = cloud.conn.network
    group = net.create_security_group(name=name, description="scs-iaas check, deleted at once")
    try:
        out = [replace(r, used_in_non_default_sg=True) for r in rules(group.id)]
    finally:
        net.delete_security_group(group, ignore_missing=True)
    defaults = cloud.list(
        "network",
        "/v2.0/security-groups",
        "security_groups",
        params={"name": "default", "project_id": cloud.project_id},
    )
    for default in defaults:
        for rec in rules(default["id"]):
            if rec.remote_group_id == default["id"]:
                rec = replace(rec, remote_group_id="PARENT")
            out.append(replace(rec, used_in_default_sg=True))
    return tuple(out)


def probe_new_security_group(cloud: Cloud, snap: Snapshot, prefix: str) -> ProbeResult | None:
    """Only where the default-rules API does not exist (and Neutron does)."""
    error = snap.errors.get("default_sg_rules")
    if error is None or not error.unsupported or not snap.has_service("network"):
        return None
    name = f"{prefix}default-sg"
    try:
        rules = rules_of_new_security_groups(cloud, name)
    except Exception as exc:
        return ProbeResult(False, f"inspecting a new security group failed: {_line(exc)}", name)
    return ProbeResult(True, f"rules of new group {name}", name, rules)


# -- scs-0116: a member's secret round trip -----------------------------------------------


def _secret_id(secret: Any) -> str:
    """The secret's UUID. openstacksdk's Secret carries the whole ``secret_ref`` URL as its id,
    and ``delete_secret`` appends that to the endpoint (a 404 that ``ignore_missing`` would
    hide: the secret stays); the UUID at the end of the ref deletes it."""
    return str(secret.id).rstrip("/").rsplit("/", 1)[-1]


def probe_secret(cloud: Cloud, snap: Snapshot, prefix: str) -> ProbeResult | None:
    """Create, read and delete a secret as the run's user (only where Barbican exists)."""
    if not snap.has_service("key-manager"):
        return None
    km = cloud.conn.key_manager
    name = f"{prefix}secret-{pysecrets.token_hex(4)}"
    secret = None
    try:
        secret = km.create_secret(
            name=name,
            payload=pysecrets.token_hex(16),
            payload_content_type="text/plain",
            secret_type="opaque",
        )
        km.get_secret(secret)
        km.delete_secret(_secret_id(secret), ignore_missing=False)
        secret = None
        return ProbeResult(True, "member created, read and deleted a secret", name)
    except Exception as exc:
        return ProbeResult(False, f"secret round trip failed: {_line(exc, 1000)}", name)
    finally:
        if secret is not None:
            with contextlib.suppress(Exception):
                km.delete_secret(_secret_id(secret))


# -- scs-0117: volume backup and restore --------------------------------------------------


def probe_volume_backup(cloud: Cloud, snap: Snapshot, prefix: str) -> ProbeResult | None:
    """Create a 1 GiB volume, back it up, restore the backup; delete all three again."""
    bs = cloud.conn.block_storage
    tag = pysecrets.token_hex(4)
    resource = f"{prefix}*-{tag}"
    made: list[tuple[str, Any]] = []
    step = "create volume"
    try:
        vol = bs.create_volume(size=1, name=f"{prefix}volume-{tag}")
        made.append(("volume", vol))
        bs.wait_for_status(vol, "available", failures=["error"], wait=WAIT)
        step = "create backup"
        backup = bs.create_backup(volume_id=vol.id, name=f"{prefix}backup-{tag}")
        made.append(("backup", backup))
        bs.wait_for_status(backup, "available", failures=["error"], wait=WAIT)
        step = "restore backup"
        restored = bs.restore_backup(backup.id, name=f"{prefix}restored-{tag}")
        rvol = bs.get_volume(
            restored["volume_id"] if isinstance(restored, dict) else restored.volume_id
        )
        made.append(("volume", rvol))
        bs.wait_for_status(rvol, "available", failures=["error", "error_restoring"], wait=WAIT)
        return ProbeResult(True, "volume created, backed up and restored", resource)
    except Exception as exc:
        return ProbeResult(False, f"{step}: {_line(exc)}", resource)
    finally:
        for kind, res in reversed(made):
            with contextlib.suppress(Exception):
                if kind == "backup":
                    bs.delete_backup(res, ignore_missing=True)
                    bs.wait_for_delete(res, wait=WAIT)
                else:
                    bs.delete_volume(res, ignore_missing=True)
                    bs.wait_for_delete(res, wait=WAIT)


Probe = Callable[[Cloud, Snapshot, str], ProbeResult | None]

# probe name (what a check's ``probes`` refers to) -> the probe
PROBES: dict[str, Probe] = {
    "new_security_group": probe_new_security_group,
    "secret": probe_secret,
    "volume_backup": probe_volume_backup,
    "guest_console": vm_probe.probe_guest_console,
}


def run_probes(cloud: Cloud, snap: Snapshot, names: list[str], prefix: str) -> Snapshot:
    """The snapshot with the named probes' results added (a probe that does not apply to this
    cloud adds nothing)."""
    found: dict[str, ProbeResult] = dict(snap.probes)
    for name in dict.fromkeys(names):  # once per run, though several tests judge it
        result = PROBES[name](cloud, snap, prefix)
        if result is not None:
            found[name] = result
    return replace(snap, probes=found)


# -- the sweep --------------------------------------------------------------------------------


def cleanup(cloud: Cloud, prefix: str = RESOURCE_PREFIX) -> int:
    """Delete what an interrupted probe left behind: every server, router, network, security
    group, secret, backup and volume of the project whose name starts with ``prefix``.
    Returns how many."""
    n = vm_probe.cleanup(cloud, prefix)  # servers first: their ports hold networks and groups
    for group in cloud.conn.network.security_groups():
        if (group.name or "").startswith(prefix):
            cloud.conn.network.delete_security_group(group, ignore_missing=True)
            n += 1
    if any(s.get("type") == "key-manager" for s in cloud.catalog):
        for s in cloud.conn.key_manager.secrets():
            if (s.name or "").startswith(prefix):
                cloud.conn.key_manager.delete_secret(_secret_id(s), ignore_missing=False)
                n += 1
    bs: Any = cloud.conn.block_storage  # v2 and v3 proxies: the SDK's types do not line up
    # backups first: Cinder refuses to delete a volume that still has one; one in transit
    # belongs to a run still going (the prefix is shared by every run): Cinder refuses to
    # delete it too, and that run deletes it itself
    for listing, delete in ((bs.backups, bs.delete_backup), (bs.volumes, bs.delete_volume)):
        for res in listing():
            if (res.name or "").startswith(prefix) and res.status in SETTLED:
                delete(res, ignore_missing=True)
                with contextlib.suppress(Exception):
                    bs.wait_for_delete(res, wait=WAIT)
                n += 1
    return n
