"""The Octavia CA and the Ceph bootstrap's pure parts: files in a scratch home, no daemons."""

from __future__ import annotations

import stat
from pathlib import Path

from cryptography import x509

from scs_iaas.box import ceph, pki
from scs_iaas.box.config import RGW_NAME
from scs_iaas.box.layout import BoxPaths


def test_octavia_ca_is_a_ca_with_a_private_key_and_is_made_once(tmp_path: Path) -> None:
    cert, key = tmp_path / "certs" / "ca.pem", tmp_path / "certs" / "ca.key"
    pki.make_ca(cert, key)
    ca = x509.load_pem_x509_certificate(cert.read_bytes())
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert ca.issuer == ca.subject
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert b"PRIVATE KEY" in key.read_bytes()
    first = cert.read_bytes()
    pki.make_ca(cert, key)
    assert cert.read_bytes() == first  # kept: amphora certificates were signed with it


def test_ceph_cluster_id_is_made_once_and_kept(tmp_path: Path) -> None:
    paths = BoxPaths(tmp_path)
    fsid = ceph.fsid(paths)
    assert len(fsid) == 36 and ceph.fsid(paths) == fsid
    assert not ceph.mon_made(paths) and not ceph.osd_made(paths)


def test_every_ceph_daemon_has_a_key_with_its_capabilities() -> None:
    assert set(ceph.KEYS) == {"mon.", "client.admin", f"osd.{ceph.OSD_ID}", f"client.{RGW_NAME}"}
    # RadosGW creates its pools and writes objects; it may not administer the cluster
    assert ceph.KEYS[f"client.{RGW_NAME}"] == {"mon": "allow rw", "osd": "allow rwx"}
