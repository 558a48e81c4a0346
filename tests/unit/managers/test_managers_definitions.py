"""Definition files: schema errors name the file, the line and the field; dates stay text."""

from __future__ import annotations

from pathlib import Path

import pytest

from scs_iaas.errors import InputError
from scs_iaas.managers import definitions, images


def write(tmp_path: Path, text: str) -> Path:
    f = tmp_path / "d.yaml"
    f.write_text(text)
    return f


def test_unknown_field_points_at_its_own_line(tmp_path: Path) -> None:
    f = write(tmp_path, "flavors:\n  - name: a\n    vcpus: 1\n    ram: 1\n    colour: red\n")
    with pytest.raises(InputError) as err:
        definitions.load(f, "flavors")
    assert str(err.value).startswith(f"{f}:5: flavors[0].colour: unknown field (known: name,")


def test_missing_required_field(tmp_path: Path) -> None:
    f = write(tmp_path, "volume_types:\n  - description: x\n")
    with pytest.raises(InputError, match=r"d.yaml:2: volume_types\[0\]: 'name' is a required"):
        definitions.load(f, "volume_types")


def test_versions_or_inline_url_not_both(tmp_path: Path, data_dir: Path) -> None:
    text = (data_dir / "images.yaml").read_text()
    f = write(tmp_path, text.replace("    build_date: 2026-11-20\n", ""))
    with pytest.raises(InputError, match=r"d.yaml:30: images\[1\]: give either versions"):
        images.load_definitions(f)


def test_bad_yaml_has_a_line(tmp_path: Path) -> None:
    f = write(tmp_path, "images:\n  - name: x\n   format: raw\n")
    with pytest.raises(InputError, match=r"d.yaml:3: not valid YAML"):
        definitions.load(f, "images")


def test_dates_stay_as_written(tmp_path: Path) -> None:
    f = write(tmp_path, "a: 2026-11-01\nb: 2026-11-01 10:00\nc: 24.04\nd: yes\n")
    doc = definitions.Document(str(f), None, None)
    assert doc.line(["x"]) == 1
    import yaml

    data = yaml.load(f.read_text(), Loader=definitions._Loader)
    assert data == {"a": "2026-11-01", "b": "2026-11-01 10:00", "c": 24.04, "d": True}


def test_field_path() -> None:
    assert (
        definitions.field_path(["images", 0, "versions", 2, "url"]) == "images[0].versions[2].url"
    )
    assert definitions.field_path([]) == "(top level)"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("    disk: -1\n", r"flavors\[0\]\.disk: -1 must be >= 0"),
        ("    ram: 99999999999999999999\n", r"flavors\[0\]\.ram: .* must be <= 2147483647"),
        ("    ram: 1024.0\n", r"flavors\[0\]\.ram: 1024.0 must be of type integer"),
    ],
)
def test_number_limits_name_the_field(tmp_path: Path, body: str, message: str) -> None:
    f = write(
        tmp_path,
        "flavors:\n  - name: custom\n    vcpus: 1\n"
        + ("    ram: 1024\n" if "ram" not in body else "")
        + body,
    )
    with pytest.raises(InputError, match=message):
        definitions.load(f, "flavors")


def test_not_utf8_is_an_input_error(tmp_path: Path) -> None:
    f = tmp_path / "d.yaml"
    f.write_bytes(b"flavors:\n  - name: \xff\n")
    with pytest.raises(InputError, match=r"d.yaml: not UTF-8 text"):
        definitions.load(f, "flavors")
