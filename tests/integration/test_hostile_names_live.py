"""Another tenant names a community image with BEL, ESC, NUL and C1 (Glance stores them as
given): every report format of a member's `check` stays valid, and shows the name escaped."""

from __future__ import annotations

import json
import secrets
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
import yaml
from helpers_cli import run_cli

pytestmark = pytest.mark.integration

HOSTILE = "\x07bel\x1b[31mesc\x00nul\x9bc1"


@pytest.fixture
def hostile_image(admin_conn):
    name = f"s11-hostile-{secrets.token_hex(3)}{HOSTILE}"
    image = admin_conn.image.create_image(
        name=name, disk_format="raw", container_format="bare", data=b"x" * 512,
        visibility="community",
    )  # fmt: skip
    try:
        assert admin_conn.image.get_image(image.id).name == name  # stored as given
        yield image
    finally:
        admin_conn.image.delete_image(image.id, ignore_missing=True)


@pytest.mark.parametrize("fmt", ["junit", "json", "html", "scs-yaml", "text"])
def test_every_report_format_is_valid(box, hostile_image, fmt):
    proc = run_cli(box, "check", "-f", fmt, "--tests", "^scs-0102-", cloud=box.member_cloud)
    assert proc.returncode in (0, 1), proc.stderr
    out = proc.stdout
    out.encode("utf-8")
    raw = [c for c in out if (ord(c) < 0x20 and c not in "\t\n\r") or 0x7F <= ord(c) < 0xA0]
    assert not raw, raw
    if fmt == "junit":
        ET.fromstring(out.encode("utf-8"))
    elif fmt == "json":
        doc = json.loads(out)
        assert any(
            "\\x07bel\\x1b[31mesc\\x00nul\\x9bc1" in f["resource"] + f["reason"]
            for f in doc["findings"]
        ), "the community image is judged, its name escaped"
    elif fmt == "scs-yaml":
        yaml.safe_load(out)
    elif fmt == "html":
        HTMLParser().feed(out)
