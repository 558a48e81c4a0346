"""nova.conf (oslo.config ini) reading."""

from __future__ import annotations

from pathlib import Path

import pytest

from scs_iaas.errors import InputError
from scs_iaas.host.novaconf import parse_nova_conf, read_nova_conf
from scs_iaas.host.root import HostRoot

HOSTS = Path(__file__).parents[2] / "data" / "hosts"


def test_recorded_nova_conf() -> None:
    nova = read_nova_conf(HostRoot.of(HOSTS / "epyc-snp"))
    assert nova is not None
    assert nova.ram_allocation_ratio == 1.0
    assert nova.machine_type_for("x86_64") == "q35"
    assert nova.instances_path == "/var/lib/nova/instances"
    assert nova.ephemeral_encryption_enabled is False
    assert nova.num_memory_encrypted_guests is None


def test_missing_nova_conf_is_none() -> None:
    assert read_nova_conf(HostRoot.of(HOSTS / "plain")) is None


def test_machine_type_list_and_plain_value() -> None:
    nova = parse_nova_conf("[libvirt]\nhw_machine_type = aarch64=virt, x86_64=pc-q35-8.2\n")
    assert nova.machine_type_for("x86_64") == "pc-q35-8.2"
    assert nova.machine_type_for("aarch64") == "virt"
    assert nova.machine_type_for("ppc64le") is None
    assert parse_nova_conf("[libvirt]\nhw_machine_type = q35\n").machine_type_for() == "q35"


def test_repeated_key_last_wins_and_no_interpolation() -> None:
    nova = parse_nova_conf(
        "[DEFAULT]\nram_allocation_ratio = 2.0\nram_allocation_ratio = 1.0\n"
        "transport_url = rabbit://u:p%40ss@h//\n"
    )
    assert nova.ram_allocation_ratio == 1.0


def test_bad_number_names_file_and_key() -> None:
    with pytest.raises(InputError, match=r"/etc/nova/nova.conf: ram_allocation_ratio = 'lots'"):
        parse_nova_conf("[DEFAULT]\nram_allocation_ratio = lots\n")


def test_malformed_file_is_one_line_input_error() -> None:
    with pytest.raises(InputError, match=r"^nova.conf:1: not a valid INI file"):
        parse_nova_conf("ram_allocation_ratio = 1.0\n", "nova.conf")


def test_malformed_file_never_echoes_its_lines() -> None:
    text = "transport_url = rabbit://nova:RABBITPW@10.0.0.1:5672/\n"
    with pytest.raises(InputError) as err:
        parse_nova_conf(text, "nova.conf")
    assert "RABBITPW" not in str(err.value)
