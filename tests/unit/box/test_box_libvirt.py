"""The compute-driver choice and the libvirt parts of the box (no daemon started)."""

from __future__ import annotations

import configparser
from pathlib import Path

import pytest

from scs_iaas.box import guest, libvirt
from scs_iaas.box.config import render_ini
from scs_iaas.box.layout import BoxPaths
from scs_iaas.box.services import Stage, services

PATHS = BoxPaths(Path("/srv/box"))
LIBVIRT_TCG = libvirt.ComputeChoice("libvirt", "qemu", "emulation (TCG): test")


def test_libvirt_config_switches_driver_machine_type_and_config_drive() -> None:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(render_ini(libvirt.compute_conf(PATHS, LIBVIRT_TCG)))
    assert parser["DEFAULT"]["compute_driver"] == "libvirt.LibvirtDriver"
    assert parser["DEFAULT"]["force_config_drive"] == "true"
    assert parser["libvirt"]["virt_type"] == "qemu"
    assert parser["libvirt"]["cpu_mode"] == "none"
    assert parser["libvirt"]["hw_machine_type"] == "x86_64=pc"
    helper = parser["nova_sys_admin"]["helper_command"]
    assert helper.startswith("/srv/box/venv/bin/privsep-helper --config-file")
    assert str(libvirt.compute_conf_path(PATHS)) in helper


def test_fake_choice_keeps_the_fake_driver() -> None:
    fake = libvirt.ComputeChoice("fake", None, "x")
    conf = libvirt.compute_conf(PATHS, fake)
    assert conf == {"DEFAULT": {"compute_driver": "fake.FakeDriverWithoutFakeNodes"}}
    table = libvirt.adjust_services(services(PATHS, with_volume=False), PATHS, fake)
    assert "libvirtd" not in {s.name for s in table}


def test_libvirt_daemons_start_before_any_worker_and_compute_reads_the_driver_file() -> None:
    table = libvirt.adjust_services(services(PATHS, with_volume=True), PATHS, LIBVIRT_TCG)
    names = [s.name for s in table]
    assert [s.stage.value for s in table] == sorted(s.stage.value for s in table)
    assert table[names.index("libvirtd")].stage is Stage.INFRA
    assert names.index("virtlogd") < names.index("libvirtd") < names.index("nova-compute")
    compute = table[names.index("nova-compute")]
    assert compute.argv[-2:] == ("--config-file", str(libvirt.compute_conf_path(PATHS)))


def test_libvirtd_runs_under_the_service_host_name() -> None:
    argv = libvirt.libvirtd_argv(PATHS)
    assert argv[:3] == ("unshare", "--uts", "--mount")
    assert "mount --bind /srv/box/etc/libvirt/qemu.conf /etc/libvirt/qemu.conf" in argv[-1]
    assert "hostname box && exec /usr/sbin/libvirtd" in argv[-1]
    assert 'user = "root"' in libvirt.QEMU_CONF


def test_choice_honours_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(libvirt.ENV, "fake")
    choice = libvirt.choose(BoxPaths(tmp_path))
    assert choice.driver == "fake"
    assert "SCS_IAAS_BOX_COMPUTE=fake" in choice.describe()


def test_without_the_binding_the_fake_driver_says_why(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(libvirt.ENV, raising=False)
    choice = libvirt.choose(BoxPaths(tmp_path))  # no venv in tmp_path
    assert choice.driver == "fake"
    assert choice.reason  # what is missing: the daemon, QEMU or the binding


def test_choice_is_recorded_and_read_back(tmp_path: Path) -> None:
    paths = BoxPaths(tmp_path)
    assert libvirt.recorded(paths) is None
    libvirt.record(paths, LIBVIRT_TCG)
    assert libvirt.recorded(paths) == LIBVIRT_TCG


def test_recipe_key_covers_the_init_script() -> None:
    assert len(guest.recipe_key()) == 16
    assert guest.init_script().startswith("#!/bin/sh\n")
    assert "config-2" in guest.init_script()


def test_direct_boot_runs_qemu_as_nova_would(tmp_path: Path) -> None:
    image = guest.GuestImage(tmp_path, "k", "6.1", 1.0)
    argv = guest.qemu_argv(image, tmp_path / "cd.iso", tmp_path / "console.log")
    assert argv[argv.index("-accel") + 1] == "tcg"
    assert argv[argv.index("-machine") + 1] == "pc"
    assert argv[argv.index("-append") + 1] == guest.KERNEL_CMDLINE
    assert guest.KERNEL_CMDLINE.split()[-2] == "console=ttyS0,115200"
    assert "virtio-rng-pci,rng=rng0" in argv
