"""Boot one server, read its console through the API, delete it: the probe behind the
tests that must look inside a guest (scs-0101). Everything it creates carries the caller's
prefix and is removed in ``finally``; ``cleanup`` sweeps what a killed run left.

User data reaches the guest on a config drive, so no metadata service and no guest network
are needed. Where the project can reach an external network, the server gets a network of
its own with a router (as the official suite builds it), so the guest can install packages;
otherwise it boots without a network.
"""

from __future__ import annotations

import base64
import contextlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from scs_iaas.cloud.connection import Cloud
from scs_iaas.model.snapshot import ProbeResult, Snapshot
from scs_iaas.standards import entropy

#: Waiting for the server to become ACTIVE (TCG-emulated clouds take a while to build).
ACTIVE_TIMEOUT = 300.0
DELETE_TIMEOUT = 120.0
POLL = 2.0
#: the official suite's test network (its cleanup knows this range)
CIDR = "10.1.0.0/24"


class ProbeError(Exception):
    """The server could not be booted (quota, scheduling, build failure, timeout): the
    tests that need it ABORT with this one-line reason."""


@dataclass(frozen=True)
class ConsoleResult:
    console: str
    #: whether ``done(console)`` held before the console timeout
    finished: bool
    #: seconds from the create request to the last console read
    seconds: float
    server_id: str


def probe_guest_console(cloud: Cloud, snap: Snapshot, prefix: str) -> ProbeResult:
    """scs-0101: boot the newest public Debian (else Ubuntu) image with the official test's
    user data, return its console. ``ok`` False: the cloud could not boot it (the reason)."""
    image = entropy.choose_image(snap.images)
    if image is None:
        return ProbeResult(False, "no public Debian or Ubuntu image (os_distro/os_version)")
    choice = entropy.choose_flavor(snap.flavors, image)
    if choice is None:
        return ProbeResult(
            False,
            f"no public flavor has the {image.min_ram} MiB RAM image {image.name!r} needs",
            f"image {image.name}",
        )
    flavor, from_volume = choice
    name = f"{prefix}0101-{tag()}"
    resource = f"{name}: image {image.name!r}, flavor {flavor.name}"
    try:
        result = console_of_server(
            cloud,
            name=name,
            image_id=image.id,
            flavor_id=flavor.id,
            user_data=entropy.USER_DATA,
            done=entropy.finished,
            console_timeout=entropy.CONSOLE_TIMEOUT,
            volume_size=max(image.min_disk, entropy.MIN_VOLUME) if from_volume else None,
        )
    except ProbeError as exc:
        return ProbeResult(False, str(exc), resource)
    details = {
        "finished": result.finished,
        "boot_seconds": result.seconds,
        "image": image.name,
        "flavor": flavor.name,
        "boot_from_volume": from_volume,
    }
    reason = (
        "console read"
        if result.finished
        else f"no '{entropy.END}' on the console within {entropy.CONSOLE_TIMEOUT:.0f} s "
        "of the server becoming active"
    )
    return ProbeResult(True, reason, resource, console=result.console, details=details)


def tag() -> str:
    return secrets.token_hex(3)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:300]


def console_of_server(
    cloud: Cloud,
    *,
    name: str,
    image_id: str,
    flavor_id: str,
    user_data: str,
    done: Callable[[str], bool],
    console_timeout: float,
    volume_size: int | None = None,
    active_timeout: float = ACTIVE_TIMEOUT,
) -> ConsoleResult:
    """Create the server (from a volume of ``volume_size`` GiB when given), wait for ACTIVE,
    poll its console until ``done`` or ``console_timeout``; always delete what was made."""
    conn = cloud.conn
    made: list[tuple[str, Any]] = []
    t0 = time.monotonic()
    try:
        networks = _network(conn, name, made)
        kwargs: dict[str, Any] = {
            "name": name,
            "flavor_id": flavor_id,
            "networks": networks,
            "config_drive": True,
            "user_data": base64.b64encode(user_data.encode()).decode(),
        }
        if volume_size is None:
            kwargs["image_id"] = image_id
        else:
            kwargs["block_device_mapping"] = [
                {
                    "boot_index": 0,
                    "uuid": image_id,
                    "source_type": "image",
                    "destination_type": "volume",
                    "volume_size": volume_size,
                    "delete_on_termination": True,
                }
            ]
        try:
            server = conn.compute.create_server(**kwargs)
        except Exception as exc:
            raise ProbeError(f"cannot create server {name}: {_one_line(exc)}") from None
        made.append(("server", server))
        server = _wait_active(conn, server, active_timeout)
        deadline = time.monotonic() + console_timeout
        console = ""
        while True:
            with contextlib.suppress(Exception):  # a console not yet there is not an error
                console = conn.compute.get_server_console_output(server)["output"] or ""
            if done(console):
                return ConsoleResult(console, True, round(time.monotonic() - t0, 1), server.id)
            if time.monotonic() > deadline:
                return ConsoleResult(console, False, round(time.monotonic() - t0, 1), server.id)
            time.sleep(POLL)
    finally:
        _delete(conn, made)


def _wait_active(conn: Any, server: Any, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        try:
            server = conn.compute.get_server(server.id)
        except Exception as exc:
            raise ProbeError(f"cannot read server {server.name}: {_one_line(exc)}") from None
        if server.status == "ACTIVE":
            return server
        if server.status == "ERROR":
            fault = (server.fault or {}).get("message") or "no fault message"
            raise ProbeError(f"server {server.name} went to ERROR: {' '.join(fault.split())}")
        if time.monotonic() > deadline:
            raise ProbeError(
                f"server {server.name} not ACTIVE within {timeout:.0f} s (status {server.status})"
            )
        time.sleep(POLL)


def _network(conn: Any, name: str, made: list[tuple[str, Any]]) -> Any:
    """A network with a router to the external network when there is one; else none."""
    try:
        external = [n for n in conn.network.networks(is_router_external=True)]
    except Exception:
        external = []
    if not external:
        return "none"
    try:
        net = conn.network.create_network(name=f"{name}-net")
        made.append(("network", net))
        subnet = conn.network.create_subnet(
            network_id=net.id,
            name=f"{name}-subnet",
            ip_version=4,
            cidr=CIDR,
            enable_dhcp=True,
            dns_nameservers=["9.9.9.9"],
        )
        made.append(("subnet", subnet))
        router = conn.network.create_router(
            name=f"{name}-router", external_gateway_info={"network_id": external[0].id}
        )
        made.append(("router", router))
        conn.network.add_interface_to_router(router, subnet_id=subnet.id)
        made.append(("interface", (router, subnet.id)))
    except Exception as exc:
        raise ProbeError(f"cannot create the test network {name}-net: {_one_line(exc)}") from None
    return [{"uuid": net.id}]


def _delete(conn: Any, made: list[tuple[str, Any]]) -> None:
    """Delete in reverse order of creation; the server first, and wait for it, since its
    port holds the network."""
    for kind, res in reversed(made):
        with contextlib.suppress(Exception):
            if kind == "server":
                conn.compute.delete_server(res, ignore_missing=True)
                conn.compute.wait_for_delete(res, wait=DELETE_TIMEOUT)
            elif kind == "interface":
                router, subnet_id = res
                conn.network.remove_interface_from_router(router, subnet_id=subnet_id)
            elif kind == "router":
                conn.network.delete_router(res, ignore_missing=True)
            elif kind == "subnet":
                conn.network.delete_subnet(res, ignore_missing=True)
            elif kind == "network":
                conn.network.delete_network(res, ignore_missing=True)


def cleanup(cloud: Cloud, prefix: str) -> int:
    """Delete the servers, routers and networks a killed run left (named with ``prefix``)."""
    conn = cloud.conn
    made: list[tuple[str, Any]] = []
    for net in conn.network.networks():
        if (net.name or "").startswith(prefix):
            made.append(("network", net))
    for router in conn.network.routers():
        if (router.name or "").startswith(prefix):
            made.append(("router", router))
            for port in conn.network.ports(device_id=router.id):
                for ip in port.fixed_ips or []:
                    made.append(("interface", (router, ip["subnet_id"])))
    for server in conn.compute.servers():
        if (server.name or "").startswith(prefix):
            made.append(("server", server))
    _delete(conn, made)
    return len([kind for kind, _ in made if kind != "interface"])
