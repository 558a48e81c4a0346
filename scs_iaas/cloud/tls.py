"""What a TLS endpoint offers: protocol, cipher, certificate validity, and whether it still
accepts TLS 1.0/1.1 (Mozilla's "intermediate" profile, which scs-0125 names, allows only
TLS 1.2 and 1.3). Plain sockets and the ssl module; facts only, the check judges them."""

from __future__ import annotations

import socket
import ssl
import warnings
from datetime import datetime

from scs_iaas.model.snapshot import TlsFacts


def _handshake(
    host: str, port: int, ctx: ssl.SSLContext, timeout: float
) -> tuple[str | None, str | None, bytes | None]:
    with (
        socket.create_connection((host, port), timeout=timeout) as raw,
        ctx.wrap_socket(raw, server_hostname=host) as tls,
    ):
        cipher = tls.cipher()
        return tls.version(), cipher[0] if cipher else None, tls.getpeercert(binary_form=True)


def _not_after(der: bytes | None) -> datetime | None:
    if not der:
        return None
    from cryptography import x509

    try:
        return x509.load_der_x509_certificate(der).not_valid_after_utc
    except ValueError:
        return None


def _legacy_context() -> ssl.SSLContext | None:
    """A client that offers only TLS 1.0/1.1: deprecated on purpose, to see who still answers."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            ctx.minimum_version = ssl.TLSVersion.TLSv1
            ctx.maximum_version = ssl.TLSVersion.TLSv1_1
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    except (ValueError, ssl.SSLError):
        return None  # this OpenSSL cannot speak TLS 1.0/1.1 at all
    return ctx


def probe(host: str, port: int, *, timeout: float = 5.0, cafile: str | None = None) -> TlsFacts:
    """Handshake once verifying (system CAs or ``cafile``), once without verification if the
    first failed on the certificate, and once limited to TLS 1.0/1.1."""
    verify_error = None
    try:
        ctx = ssl.create_default_context(cafile=cafile)
        version, cipher, cert = _handshake(host, port, ctx, timeout)
    except ssl.SSLCertVerificationError as exc:
        verify_error = exc.verify_message or str(exc)
        insecure = ssl.create_default_context()
        insecure.check_hostname = False
        insecure.verify_mode = ssl.CERT_NONE
        try:
            version, cipher, cert = _handshake(host, port, insecure, timeout)
        except (OSError, ssl.SSLError) as inner:
            return TlsFacts(host, port, reachable=True, verify_error=verify_error, error=str(inner))
    except ssl.SSLError as exc:
        return TlsFacts(host, port, reachable=True, error=f"TLS handshake failed: {exc}")
    except OSError as exc:
        return TlsFacts(host, port, reachable=False, error=str(exc))
    not_after = _not_after(cert)
    legacy = None
    legacy_ctx = _legacy_context()
    if legacy_ctx is not None:
        try:
            _handshake(host, port, legacy_ctx, timeout)
            legacy = True
        except (OSError, ssl.SSLError):
            legacy = False
    return TlsFacts(
        host,
        port,
        reachable=True,
        version=version,
        cipher=cipher,
        verify_error=verify_error,
        not_after=not_after,
        legacy_accepted=legacy,
    )
