"""First-start work: MariaDB accounts and databases, schema syncs, Keystone's users,
projects and catalog. Everything here is idempotent; stamps under data/ let a warm start
skip what is already done."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scs_iaas.box.config import (
    MEMBER_PROJECT,
    MEMBER_USER,
    SERVICE_USERS,
    db_url,
    transport_url,
)
from scs_iaas.box.layout import DATABASES, HOST, KEYSTONE_URL, PORTS, REGION, BoxPaths
from scs_iaas.box.secrets import BoxSecrets
from scs_iaas.errors import ScsIaasError


@dataclass(frozen=True)
class CatalogEntry:
    name: str
    type: str
    url: str


#: The service catalog; Cinder is registered under both of its current types.
CATALOG = (
    CatalogEntry("nova", "compute", f"http://{HOST}:{PORTS['nova-api']}/v2.1"),
    CatalogEntry("placement", "placement", f"http://{HOST}:{PORTS['placement']}"),
    CatalogEntry("glance", "image", f"http://{HOST}:{PORTS['glance']}"),
    CatalogEntry(
        "cinder", "block-storage", f"http://{HOST}:{PORTS['cinder-api']}/v3/$(project_id)s"
    ),
    CatalogEntry("cinderv3", "volumev3", f"http://{HOST}:{PORTS['cinder-api']}/v3/$(project_id)s"),
    CatalogEntry("neutron", "network", f"http://{HOST}:{PORTS['neutron']}"),
    CatalogEntry("barbican", "key-manager", f"http://{HOST}:{PORTS['barbican']}"),
    CatalogEntry("octavia", "load-balancer", f"http://{HOST}:{PORTS['octavia-api']}"),
    # RadosGW serves Swift under /swift (account in the URL, as Keystone names it) and
    # S3 at its root: v1 of scs-0123 probes S3 on the object-store's host, v2 wants the
    # S3 endpoint listed as object-store-s3
    CatalogEntry(
        "swift", "object-store", f"http://{HOST}:{PORTS['radosgw']}/swift/v1/AUTH_$(project_id)s"
    ),
    CatalogEntry("s3", "object-store-s3", f"http://{HOST}:{PORTS['radosgw']}"),
)
INTERFACES = ("public", "internal", "admin")


def catalog_key() -> str:
    """Changes whenever the users or catalog the box wants change."""
    blob = json.dumps(
        [[e.name, e.type, e.url] for e in CATALOG] + [list(SERVICE_USERS), MEMBER_USER],
    )
    return hashlib.sha256(blob.encode()).hexdigest()


def run_logged(argv: Sequence[str], log: Path, what: str, env: dict[str, str]) -> None:
    """Run a setup command with its output appended to ``log``; one-line error on failure."""
    with open(log, "ab") as out:
        out.write(f"\n$ {' '.join(argv)}\n".encode())
        out.flush()
        rc = subprocess.call(list(argv), stdout=out, stderr=subprocess.STDOUT, env=env)
    if rc != 0:
        raise ScsIaasError(f"{what} failed (exit {rc}), see {log}")


def mariadb_sql(paths: BoxPaths, sql: str) -> str:
    """Run SQL as MariaDB's root over the box's socket (root has no password there)."""
    client = shutil.which("mariadb") or "/usr/bin/mariadb"
    proc = subprocess.run(
        [client, "--no-defaults", f"--socket={paths.mariadb_socket}", "-uroot", "-N", "-e", sql],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise ScsIaasError(f"MariaDB refused setup SQL: {proc.stderr.strip()[:200]}")
    return proc.stdout


def databases_sql(secrets: BoxSecrets) -> str:
    """One account for the services, limited to loopback, and one database per service."""
    stmts = [
        f"CREATE USER IF NOT EXISTS 'os'@'{HOST}' IDENTIFIED BY '{secrets.database}'",
        f"ALTER USER 'os'@'{HOST}' IDENTIFIED BY '{secrets.database}'",
        f"GRANT ALL ON *.* TO 'os'@'{HOST}'",
    ]
    stmts += [f"CREATE DATABASE IF NOT EXISTS {db} CHARACTER SET utf8mb4" for db in DATABASES]
    return "; ".join(stmts) + ";"


Step = tuple[str, list[str]]


def sync_steps(paths: BoxPaths, secrets: BoxSecrets) -> dict[str, list[Step]]:
    """Schema syncs as independent chains by service (run concurrently); steps in a chain
    run in order. Each step is (label, argv); the label, not the argv, goes into errors."""
    b = paths.bin
    ks = [str(b / "keystone-manage"), "--config-file", str(paths.conf("keystone"))]
    nova = [str(b / "nova-manage"), "--config-file", str(paths.conf("nova"))]
    owner = ["--keystone-user", "root", "--keystone-group", "root"]
    urls = [f"--bootstrap-{i}-url={KEYSTONE_URL}/" for i in ("admin", "internal", "public")]
    return {
        "keystone": [
            ("keystone-manage db_sync", [*ks, "db_sync"]),
            ("keystone-manage fernet_setup", [*ks, "fernet_setup", *owner]),
            ("keystone-manage credential_setup", [*ks, "credential_setup", *owner]),
            (
                "keystone-manage bootstrap",
                [
                    *ks,
                    "bootstrap",
                    f"--bootstrap-password={secrets.admin}",
                    f"--bootstrap-region-id={REGION}",
                    *urls,
                ],
            ),
        ],
        "nova": [
            ("nova-manage api_db sync", [*nova, "api_db", "sync"]),
            (
                "nova-manage cell_v2 map_cell0",
                [
                    *nova,
                    "cell_v2",
                    "map_cell0",
                    "--database_connection",
                    db_url(secrets, "nova_cell0"),
                ],
            ),
            (
                "nova-manage cell_v2 create_cell",
                [
                    *nova,
                    "cell_v2",
                    "create_cell",
                    "--name",
                    "cell1",
                    "--database_connection",
                    db_url(secrets, "nova_cell1"),
                    "--transport-url",
                    transport_url(),
                ],
            ),
            ("nova-manage db sync", [*nova, "db", "sync"]),
        ],
        "neutron": [
            (
                "neutron-db-manage upgrade heads",
                [
                    str(b / "neutron-db-manage"),
                    "--config-file",
                    str(paths.conf("neutron")),
                    "upgrade",
                    "heads",
                ],
            )
        ],
        "cinder": [
            (
                "cinder-manage db sync",
                [
                    str(b / "cinder-manage"),
                    "--config-file",
                    str(paths.conf("cinder")),
                    "db",
                    "sync",
                ],
            )
        ],
        "glance": [
            (
                "glance-manage db_sync",
                [
                    str(b / "glance-manage"),
                    "--config-file",
                    str(paths.conf("glance", "glance-api.conf")),
                    "db_sync",
                ],
            )
        ],
        "placement": [
            (
                "placement-manage db sync",
                [
                    str(b / "placement-manage"),
                    "--config-file",
                    str(paths.conf("placement")),
                    "db",
                    "sync",
                ],
            )
        ],
        "barbican": [
            (
                "barbican-manage db upgrade",
                [
                    str(b / "barbican-manage"),
                    "db",
                    "upgrade",
                    "--db-url",
                    db_url(secrets, "barbican"),
                ],
            )
        ],
        "octavia": [
            (
                "octavia-db-manage upgrade head",
                [
                    str(b / "octavia-db-manage"),
                    "--config-file",
                    str(paths.conf("octavia")),
                    "upgrade",
                    "head",
                ],
            )
        ],
    }


def synced(paths: BoxPaths) -> set[str]:
    """The services whose schemas are synced (one name a line in the stamp; a stamp of
    a box made before it listed names, ``ok``, means the six core services)."""
    try:
        names = set(paths.db_stamp.read_text().split())
    except FileNotFoundError:
        return set()
    if "ok" in names:
        names = (names - {"ok"}) | {"keystone", "nova", "neutron", "cinder", "glance", "placement"}
    return names


def sync_databases(paths: BoxPaths, secrets: BoxSecrets, env: dict[str, str]) -> list[str]:
    """Run the schema syncs not yet done, three chains at a time (2 cores; each step is
    mostly imports); record each finished service in the stamp. Returns what ran."""
    log = paths.logfile("db-sync")
    done = synced(paths)
    todo = {name: c for name, c in sync_steps(paths, secrets).items() if name not in done}

    def chain(steps: list[Step]) -> None:
        for label, argv in steps:
            run_logged(argv, log, label, env)

    try:
        with ThreadPoolExecutor(max_workers=3) as pool:
            futures = {name: pool.submit(chain, c) for name, c in todo.items()}
            for name, future in futures.items():
                future.result()
                done.add(name)
    finally:
        paths.db_stamp.write_text("".join(f"{name}\n" for name in sorted(done)))
    return sorted(todo)


def register(conn: Any, secrets: BoxSecrets) -> None:
    """Service users, the member user and project, and the catalog (3 endpoints each)."""
    idc = conn.identity
    domain = "default"

    def project(name: str) -> Any:
        found = idc.find_project(name, domain_id=domain)
        return found if found is not None else idc.create_project(name=name, domain_id=domain)

    def role(name: str) -> Any:
        found = idc.find_role(name)
        return found if found is not None else idc.create_role(name=name)

    service_project = project("service")
    member_project = project(MEMBER_PROJECT)
    roles = {name: role(name) for name in ("admin", "member", "service")}

    def user(name: str, password: str, project: Any) -> Any:
        found = idc.find_user(name, domain_id=domain)
        if found is None:
            return idc.create_user(
                name=name, password=password, domain_id=domain, default_project_id=project.id
            )
        return idc.update_user(found, password=password)

    def service_user(name: str) -> None:
        svc_user = user(name, secrets.service, service_project)
        for role_name in ("admin", "service"):
            idc.assign_project_role_to_user(service_project, svc_user, roles[role_name])

    def member_user() -> None:
        member = user(MEMBER_USER, secrets.member, member_project)
        # the SCS suite refuses admin credentials: this user has the member role only
        idc.assign_project_role_to_user(member_project, member, roles["member"])

    def catalog(entry: CatalogEntry) -> None:
        service = idc.find_service(entry.name)
        if service is None:
            service = idc.create_service(name=entry.name, type=entry.type)
        have = {ep.interface for ep in idc.endpoints(service_id=service.id)}
        for interface in INTERFACES:
            if interface not in have:
                idc.create_endpoint(
                    service_id=service.id, interface=interface, url=entry.url, region_id=REGION
                )

    # about 100 requests, each independent of the others: as many at once as Keystone has
    # threads (a start waits on this, and Keystone answers slowly while the APIs import)
    with ThreadPoolExecutor(max_workers=4) as pool:
        jobs = [pool.submit(service_user, name) for name in SERVICE_USERS]
        jobs.append(pool.submit(member_user))
        jobs += [pool.submit(catalog, entry) for entry in CATALOG]
        for job in jobs:
            job.result()
