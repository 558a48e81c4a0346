"""scs-0116 key manager: present in the catalog; usable by a plain member."""

from __future__ import annotations

import contextlib
import secrets as pysecrets

from scs_iaas.checks.base import Check, Context, Test, std_url
from scs_iaas.findings import Finding

URL = std_url("scs-0116-v1-key-manager-standard")
PRESENCE = Test(
    "scs-0116-presence",
    "scs-0116",
    "v1",
    "a key manager (Barbican) is in the catalog",
    "deploy Barbican and register it with service type 'key-manager'",
    URL,
)
PERMISSIONS = Test(
    "scs-0116-permissions",
    "scs-0116",
    "v1",
    "a member can create, read and delete a secret",
    "grant the 'member' role the Barbican creator rights (policy secret:post, secret:get, "
    "secret:delete), see scs-0116",
    URL,
)


def run(ctx: Context) -> list[Finding]:
    has_km = ctx.snapshot.has_service("key-manager")
    out = [
        PRESENCE.passed("key-manager in the catalog", "catalog")
        if has_km
        else PRESENCE.failed("no key-manager service in the catalog", "catalog")
    ]
    if not has_km:
        out.append(
            PERMISSIONS.passed("no key manager: nothing a member could be denied", "catalog")
        )
    elif not ctx.wants(PERMISSIONS.id):
        pass  # not asked for: no secret is created
    elif not ctx.with_resources or ctx.cloud is None:
        out.append(PERMISSIONS.skipped("needs --with-resources (creates and deletes a secret)"))
    else:
        out.append(_try_secret(ctx))
    return out


def _try_secret(ctx: Context) -> Finding:
    assert ctx.cloud is not None
    km = ctx.cloud.conn.key_manager
    name = f"{ctx.prefix}secret-{pysecrets.token_hex(4)}"
    secret = None
    try:
        secret = km.create_secret(
            name=name,
            payload=pysecrets.token_hex(16),
            payload_content_type="text/plain",
            secret_type="opaque",
        )
        km.get_secret(secret)
        km.delete_secret(secret)
        secret = None
        return PERMISSIONS.passed("member created, read and deleted a secret", name)
    except Exception as exc:
        return PERMISSIONS.failed(f"secret round trip failed: {' '.join(str(exc).split())}", name)
    finally:
        if secret is not None:
            with contextlib.suppress(Exception):
                km.delete_secret(secret)


def cleanup(cloud: object, prefix: str) -> int:
    from scs_iaas.cloud.connection import Cloud

    assert isinstance(cloud, Cloud)
    if not any(s.get("type") == "key-manager" for s in cloud.catalog):
        return 0
    n = 0
    for s in cloud.conn.key_manager.secrets():
        if (s.name or "").startswith(prefix):
            cloud.conn.key_manager.delete_secret(s)
            n += 1
    return n


CHECK = Check(
    name="scs-0116 key manager",
    tests=[PRESENCE, PERMISSIONS],
    needs=frozenset(),
    run=run,
    creates_resources=True,
    cleanup=cleanup,
)
