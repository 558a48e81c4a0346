"""The generic oslo.config reader, libvirtd.conf, service discovery and DB URL verdicts."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scs_iaas.checks.host_scs_0125_secure_connections import judge_db_url
from scs_iaas.errors import InputError
from scs_iaas.host.collect import CONFIGS
from scs_iaas.host.ini import parse_ini
from scs_iaas.host.libvirtconf import parse_libvirt_conf
from scs_iaas.host.root import HostRoot
from scs_iaas.host.services import all_config_paths, read_services

HOSTS = Path(__file__).parents[2] / "data" / "hosts"


def test_ini_sections_defaults_dashes_and_last_wins() -> None:
    ini = parse_ini(
        "[DEFAULT]\ndebug = true\ntransport-url = rabbit://h//\n"
        "[libvirt]\ncpu_mode = custom\ncpu_mode = host-model\ncpu_models =\n",
        "/etc/nova/nova.conf",
    )
    assert ini.get("libvirt", "cpu_mode") == "host-model"
    assert ini.get("DEFAULT", "transport_url") == "rabbit://h//"
    assert ini.get("libvirt", "debug") == "true"  # oslo.config: a section falls back to DEFAULT
    assert ini.get("libvirt", "cpu_models") is None  # empty: the default applies
    assert ini.get_bool("DEFAULT", "debug") is True
    assert ini.get_list("libvirt", "missing") is None
    assert ("libvirt", "debug") not in ini.values


def test_ini_error_names_line_never_the_text() -> None:
    with pytest.raises(InputError) as err:
        parse_ini("[database]\nconnection = mysql://u:pw@h/db\nsecret line\n", "/f.conf")
    assert "secret" not in str(err.value) and "pw" not in str(err.value)
    assert str(err.value).startswith("/f.conf:3: ")
    with pytest.raises(InputError, match=r"^/f.conf:1: not a valid INI file"):
        parse_ini("password = hunter2\n", "/f.conf")


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_ini_never_crashes_otherwise(text: str) -> None:
    try:
        parse_ini(text, "/x.conf")
    except InputError as exc:
        assert str(exc).startswith("/x.conf")


def test_libvirt_conf_values() -> None:
    conf = parse_libvirt_conf(
        'listen_tcp = 1\nauth_tcp = "none"  # comment\n# listen_tls = 0\nlist = ["a", "b"]\n', "/l"
    )
    assert conf.get_int("listen_tcp") == 1
    assert conf.get("auth_tcp") == "none"
    assert conf.get("listen_tls") is None
    assert conf.get("list") == '["a", "b"]'


def test_services_by_layout_and_evidence() -> None:
    kolla = read_services(HostRoot.of(HOSTS / "kolla-compute-bad"))
    assert set(kolla.services) == {"nova-compute", "nova-libvirt"}
    assert kolla.services["nova-compute"].layout == "kolla"
    packaged = read_services(HostRoot.of(HOSTS / "packaged-control-bad"))
    assert packaged.processes_known
    assert "keystone" in packaged.services  # apache mod_wsgi process name
    assert "nova-api" not in packaged.services  # /etc/nova is there, no process
    summary = packaged.summary()
    assert summary["services"]["keystone"]["files"] == {"conf": "/etc/keystone/keystone.conf"}  # type: ignore[index]


def test_collector_lists_every_config_file_a_service_reads() -> None:
    # the collector is stdlib-only and cannot import the service table: pinned here instead
    assert sorted(CONFIGS) == all_config_paths()


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("mysql+pymysql://nova:pw@db/nova?ssl_ca=/ca.pem", True),
        ("mysql+pymysql://nova:pw@db/nova?charset=utf8", False),
        ("mysql+pymysql://nova:pw@/nova?unix_socket=/run/mysqld/mysqld.sock", True),
        ("postgresql://nova:pw@db/nova?sslmode=verify-full", True),
        ("postgresql://nova:pw@db/nova?sslmode=prefer", False),
        ("sqlite:////var/lib/nova/nova.sqlite", True),
    ],
)
def test_db_url_verdicts_never_show_the_password(url: str, ok: bool) -> None:
    verdict, why = judge_db_url(url)
    assert verdict is ok
    assert "pw" not in why
