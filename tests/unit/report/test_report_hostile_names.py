"""Any tenant can name an image with NUL, BEL, ESC or a lone surrogate: every report format
must stay valid (JUnit parses as XML 1.0, JSON and YAML load, HTML and text encode as UTF-8
and carry no raw control character), and the name stays recognisable (written out as \\xNN)."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from scs_iaas.model.findings import Finding, Status
from scs_iaas.report import FORMATS, emit
from scs_iaas.report.meta import Meta
from scs_iaas.report.safe import safe_text

HOSTILE = [
    "nul\x00name",
    "bel\x07name",
    "esc\x1b[31mred\x1b[0m",
    "lone\ud800surrogate",
    "low\udfffsurrogate",
    "c1\x9bcsi",
    "del\x7f",
    "nonchar\ufffe\uffff",
    "vt\x0bff\x0c",
]


def _findings(name: str) -> list[Finding]:
    return [
        Finding("scs-0102-image-recency", "scs-0102", "v1", Status.FAIL, f"image {name} old",
                f"image {name}", f"delete {name}"),
        Finding("scs-0104-image-ubuntu-2404", "scs-0104", "v1", Status.WARN, name, name),
        Finding("scs-0102-prop-architecture", "scs-0102", "v1", Status.ABORT, name),
        Finding("scs-0102-prop-hw_disk_bus", "scs-0102", "v1", Status.SKIP, name),
        Finding("scs-0102-prop-os_version", "scs-0102", "v1", Status.PASS, name, name),
    ]  # fmt: skip


def _meta(name: str) -> Meta:
    return Meta(
        subject=f"cloud {name}",
        cloud=name,
        checked_at="2026-12-01T12:00:00+00:00",
        versions={"v5.1": {"main": "FAIL", "recommended": "FAIL", "line": name}},
        results={"scs-0102-image-recency": "FAIL"},
        verdict_lines=[f"- main: FAIL {name}"],
        argv=["scs-iaas", name],
        data={"image": name},
    )


def _render(fmt: str, name: str) -> str:
    buf = io.StringIO()
    emit(_findings(name), fmt, title=f"report {name}", meta=_meta(name), out=buf)
    return buf.getvalue()


def _valid(fmt: str, text: str) -> None:
    text.encode("utf-8")  # strict: a lone surrogate would raise here
    forbidden = [c for c in text if (ord(c) < 0x20 and c not in "\t\n\r") or 0x7F <= ord(c) < 0xA0]
    assert not forbidden, (fmt, forbidden)
    if fmt == "junit":
        ET.fromstring(text.encode("utf-8"))  # expat: XML 1.0 well-formedness
    elif fmt == "json":
        json.loads(text)
    elif fmt == "scs-yaml":
        yaml.safe_load(text)
    elif fmt == "html":
        HTMLParser().feed(text)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", HOSTILE, ids=lambda n: n.encode("unicode_escape").decode()[:20])
def test_every_format_stays_valid(fmt, name):
    _valid(fmt, _render(fmt, name))


@pytest.mark.parametrize("fmt", ["json", "junit", "html"])
def test_the_name_stays_recognisable(fmt):
    text = _render(fmt, "bel\x07name")
    assert "bel\\x07name" in text or "bel\\\\x07name" in text


def test_safe_text_writes_out_only_what_is_unsafe():
    assert safe_text("Ubuntu 24.04 – ü ✓ \t\n") == "Ubuntu 24.04 – ü ✓ \t\n"
    assert safe_text("a\x00b\x1bc\ud800") == "a\\x00b\\x1bc\\ud800"


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(codec=None, min_codepoint=0), max_size=40))
def test_junit_is_well_formed_for_any_name(name):
    _valid("junit", _render("junit", name))
