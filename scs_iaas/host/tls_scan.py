"""Scan TLS endpoints against Mozilla's "intermediate" profile with sslyze.

scs-0125 "Transport Layer Security (TLS)": all server-side TLS configurations MUST adhere to
Mozilla's "Intermediate" configuration. The official ``Tests/iaas/secure-connections/``
checker uses sslyze and Mozilla profile 5.7; sslyze ships the same 5.7 profile, used here.
This is the one part of the host checks that talks to the network: the judge (on the Ansible
controller, inside the management network) scans the internal endpoints the nodes' configs
name, each once, however many nodes name it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

PROFILE = "intermediate"
TIMEOUT_S = 5


@dataclass(frozen=True)
class TlsProfileResult:
    target: str  # host:port
    compliant: bool | None  # None: the scan could not be completed (see error)
    issues: dict[str, str] = field(default_factory=dict)
    error: str = ""
    profile_version: str = ""


def scan(
    targets: list[tuple[str, int]], ca_file: str | None = None, concurrency: int = 10
) -> dict[str, TlsProfileResult]:
    """Every ``(host, port)`` scanned concurrently; never raises for one bad target."""
    from sslyze import (  # type: ignore[attr-defined]
        CertificateInfoExtraArgument,
        ScanCommandsExtraArguments,
        Scanner,
        ServerNetworkConfiguration,
        ServerNetworkLocation,
        ServerScanRequest,
        ServerScanStatusEnum,
    )
    from sslyze.errors import ServerHostnameCouldNotBeResolved
    from sslyze.mozilla_tls_profile.tls_config_checker import (
        SCAN_COMMANDS_NEEDED_BY_MOZILLA_CHECKER,
        MozillaTlsConfiguration,
        ServerNotCompliantWithTlsConfiguration,
        ServerScanResultIncomplete,
        TlsConfigurationEnum,
        check_server_against_tls_configuration,
    )

    results: dict[str, TlsProfileResult] = {}
    extra = ScanCommandsExtraArguments(
        certificate_info=CertificateInfoExtraArgument(custom_ca_file=Path(ca_file))
        if ca_file
        else None
    )
    requests = []
    for host, port in sorted(set(targets)):
        key = f"{host}:{port}"
        try:
            location = ServerNetworkLocation(hostname=host, port=port)
        except ServerHostnameCouldNotBeResolved:
            results[key] = TlsProfileResult(key, None, error=f"{host}: name does not resolve")
            continue
        requests.append(
            ServerScanRequest(
                server_location=location,
                network_configuration=ServerNetworkConfiguration(
                    tls_server_name_indication=host,
                    network_timeout=TIMEOUT_S,
                    network_max_retries=1,
                ),
                scan_commands=SCAN_COMMANDS_NEEDED_BY_MOZILLA_CHECKER,
                scan_commands_extra_arguments=extra,
            )
        )
    if not requests:
        return results
    config = MozillaTlsConfiguration.get(TlsConfigurationEnum(PROFILE))
    version = str(MozillaTlsConfiguration._JSON_PROFILE_PATH.stem)
    scanner = Scanner(concurrent_server_scans_limit=concurrency)
    scanner.queue_scans(requests)
    for result in scanner.get_results():
        key = f"{result.server_location.hostname}:{result.server_location.port}"
        if result.scan_status != ServerScanStatusEnum.COMPLETED:
            trace = result.connectivity_error_trace
            why = " ".join(str(trace).split()) if trace else "connection failed"
            results[key] = TlsProfileResult(key, None, error=why[:300], profile_version=version)
            continue
        try:
            check_server_against_tls_configuration(result, config)
        except ServerNotCompliantWithTlsConfiguration as exc:
            results[key] = TlsProfileResult(key, False, dict(exc.issues), profile_version=version)
        except ServerScanResultIncomplete as exc:
            results[key] = TlsProfileResult(key, None, error=str(exc), profile_version=version)
        else:
            results[key] = TlsProfileResult(key, True, profile_version=version)
    return results
