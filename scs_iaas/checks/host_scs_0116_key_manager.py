"""scs-0116 v1 "Key Manager Standard": "the Master-KEK of the Key Manager MUST be stored in
another place than the Keys", and "CSPs SHOULD NOT store the Master-KEK in plain-text on the
physical host the Key Manager is running on".

Judged on nodes that run Barbican. Its secrets sit in its database; where the master KEK sits
follows from the plugins: ``store_crypto`` with ``simple_crypto`` (both the defaults) keeps the
KEK in plain text in barbican.conf, on the Barbican host — left unset it is even the sample KEK
every Barbican ships with. That is a FAIL with the reason. ``p11_crypto`` (an HSM via PKCS#11),
Vault, KMIP and Dogtag keep the master key outside Barbican's host and database: PASS.
"""

from __future__ import annotations

from scs_iaas.checks.base import Check, Context, std_url
from scs_iaas.checks.host_config import unreadable, where
from scs_iaas.host.config import ConfigFacts
from scs_iaas.host.ini import IniFile
from scs_iaas.model.findings import Finding, Test

KEK = Test(
    "scs-iaas-host-barbican-kek",
    "scs-0116",
    "v1",
    "Barbican's master KEK is not kept in plain text beside the secrets",
    "use an HSM ([crypto] enabled_crypto_plugins = p11_crypto) or Vault/KMIP "
    "([secretstore] enabled_secretstore_plugins = vault_plugin | kmip_plugin)",
    std_url("scs-0116-v1-key-manager-standard"),
)
EXTERNAL_STORES = {"vault_plugin": "Vault", "kmip_plugin": "KMIP", "dogtag_crypto": "Dogtag"}
EXTERNAL_CRYPTO = {"p11_crypto": "PKCS#11 HSM"}


def _stores(conf: IniFile | None) -> list[tuple[str, str]]:
    """(secret store plugin, crypto plugin or "") for every store Barbican uses."""
    if conf is not None and conf.get_bool("secretstore", "enable_multiple_secret_stores"):
        stores = []
        for section, option in conf.values:
            if section.startswith("secretstore:") and option == "secret_store_plugin":
                stores.append(
                    (conf.values[(section, option)], conf.get(section, "crypto_plugin") or "")
                )
        if stores:
            return stores
    plugins = (conf.get_list("secretstore", "enabled_secretstore_plugins") if conf else None) or (
        "store_crypto",
    )
    crypto = (conf.get_list("crypto", "enabled_crypto_plugins") if conf else None) or (
        "simple_crypto",
    )
    return [(p, crypto[0] if p == "store_crypto" else "") for p in plugins]


def check(facts: ConfigFacts) -> list[Finding]:
    svc = facts.services.get("barbican-api")
    if svc is None:
        return []
    bad = unreadable(KEK, svc)
    if bad is not None:
        return [bad]
    conf = svc.ini()
    res = where(svc)
    out = []
    for store, crypto in _stores(conf):
        if store in EXTERNAL_STORES:
            out.append(
                KEK.passed(
                    f"secret store {store}: keys and master key in {EXTERNAL_STORES[store]}", res
                )
            )
        elif store == "store_crypto" and crypto in EXTERNAL_CRYPTO:
            out.append(
                KEK.passed(
                    f"store_crypto with {crypto}: the master KEK stays in the "
                    f"{EXTERNAL_CRYPTO[crypto]}",
                    res,
                )
            )
        elif store == "store_crypto" and crypto == "simple_crypto":
            kek_set = conf is not None and conf.get("simple_crypto_plugin", "kek") is not None
            where_kek = (
                "in plain text in [simple_crypto_plugin] kek"
                if kek_set
                else "left at Barbican's published sample KEK"
            )
            out.append(
                KEK.failed(
                    f"store_crypto with simple_crypto: the master KEK is {where_kek}, on the "
                    "Barbican host beside the database of secrets",
                    res,
                )
            )
        else:
            out.append(
                KEK.warned(f"secret store {store} {crypto}: unknown plugin, not judged", res)
            )
    return out


def run(ctx: Context) -> list[Finding]:
    assert ctx.host is not None and ctx.host.config is not None
    return check(ctx.host.config)


CHECK = Check(
    name="scs-0116 Barbican master KEK",
    tests=[KEK],
    needs=frozenset({"host:config"}),
    run=run,
)
