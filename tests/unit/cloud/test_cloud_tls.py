"""The TLS probe against real TLS servers on loopback (self-signed certificates made here)."""

from __future__ import annotations

import socket
import ssl
import threading
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from helpers_checks import ctx

from scs_iaas.checks import scs_0125_secure_connections as c0125
from scs_iaas.cloud.tls import probe
from scs_iaas.model.findings import Status


@pytest.fixture(scope="module")
def cert_files(tmp_path_factory):
    d = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(__import__("ipaddress").ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    crt, pem = d / "cert.pem", d / "key.pem"
    crt.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return crt, pem, cert.not_valid_after_utc


def serve(cert_files, minimum: ssl.TLSVersion):
    """A TLS server on an ephemeral loopback port that completes handshakes until closed."""
    crt, key, _ = cert_files
    ctx_ = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx_.load_cert_chain(crt, key)
    ctx_.minimum_version = minimum
    if minimum < ssl.TLSVersion.TLSv1_2:
        ctx_.set_ciphers("DEFAULT:@SECLEVEL=0")
    sock = socket.create_server(("127.0.0.1", 0))
    sock.settimeout(0.2)
    stop = threading.Event()

    def loop():
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                with ctx_.wrap_socket(conn, server_side=True) as tls:
                    tls.recv(1)
            except (OSError, ssl.SSLError):
                pass

    t = threading.Thread(target=loop, daemon=True)
    t.start()
    return sock, stop, t


@pytest.fixture
def modern(cert_files):
    sock, stop, t = serve(cert_files, ssl.TLSVersion.TLSv1_2)
    yield sock.getsockname()[1]
    stop.set()
    t.join()
    sock.close()


def test_modern_server_verifies_with_its_ca(cert_files, modern):
    facts = probe("127.0.0.1", modern, cafile=str(cert_files[0]))
    assert facts.reachable and facts.error is None
    assert facts.version in ("TLSv1.2", "TLSv1.3")
    assert facts.verify_error is None
    assert facts.legacy_accepted in (False, None)
    assert facts.not_after == cert_files[2].replace(microsecond=0)


def test_self_signed_is_reported_not_fatal(modern):
    facts = probe("127.0.0.1", modern)
    assert facts.reachable and facts.version
    assert facts.verify_error and "self" in facts.verify_error.lower()
    [finding] = c0125.run(ctx(tls={f"127.0.0.1:{modern}": facts}))[1:]
    assert finding.status == Status.WARN and "does not verify" in finding.reason


def test_nothing_listening_is_unreachable():
    s = socket.create_server(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    facts = probe("127.0.0.1", port, timeout=2)
    assert not facts.reachable and facts.error


@pytest.mark.filterwarnings("ignore:ssl.TLSVersion.TLSv1:DeprecationWarning")
def test_legacy_tls_is_flagged(cert_files):
    from scs_iaas.cloud.tls import _legacy_context

    if _legacy_context() is None:
        pytest.skip("this OpenSSL build cannot speak TLS 1.0/1.1 at all, so no server can either")
    sock, stop, t = serve(cert_files, ssl.TLSVersion.TLSv1)
    try:
        facts = probe("127.0.0.1", sock.getsockname()[1], cafile=str(cert_files[0]))
    finally:
        stop.set()
        t.join()
        sock.close()
    if facts.legacy_accepted is False:
        pytest.skip("the local OpenSSL refuses TLS 1.0/1.1 handshakes even at SECLEVEL=0")
    assert facts.legacy_accepted is True
    [finding] = c0125.run(ctx(tls={"legacy:1": facts}))[1:]
    assert "TLS 1.0/1.1" in finding.reason
