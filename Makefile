# scs-iaas — the two commands a newcomer needs: `make demo` and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test setup sys-deps lint typecheck unit integration box-install box-down bench bench-venvs clean ansible-sync

# Debian packages the tests use: a browser for the HTML report, fio and cryptsetup for the
# host benchmarks, Ceph Pacific for the real single-node cluster of the upgrade check,
# openssh-server for the Ansible fleet test (its own sshd on a loopback port).
# Installed only when missing (root, Debian 12).
SYS_PKGS := chromium fio cryptsetup ceph-mon ceph-mgr ceph-osd ceph-common openssh-server \
  openssh-sftp-server

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@$(BIN)/pip install -q -U pip >/dev/null
	@$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)

sys-deps:
	@missing=$$(for p in $(SYS_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages: $$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends $$missing >/dev/null; \
	fi

box-install: setup
	@$(BIN)/scs-iaas box install

box-down: setup
	@$(BIN)/scs-iaas box down

lint: setup
	$(BIN)/ruff check scs_iaas tests bench tools
	$(BIN)/ruff format --check scs_iaas tests bench tools

typecheck: setup
	$(BIN)/mypy

unit: setup
	$(BIN)/pytest tests/unit -q

integration: box-install
	$(BIN)/pytest tests/integration -q

test: setup sys-deps box-install lint typecheck
	$(BIN)/pytest tests

demo: box-install
	@$(BIN)/scs-iaas demo --fresh

bench: box-install bench-venvs
	$(BIN)/python bench/flavor_names.py
	$(BIN)/python bench/host_disk.py --repeat 1
	$(BIN)/python bench/box.py memory
	$(BIN)/python bench/check.py
	$(BIN)/python bench/managers.py

# the OSISM managers pin conflicting dependencies: one venv each (bench/venv is gitignored);
# the image manager's newest release needs Python >= 3.12, hence the pin
bench-venvs:
	@test -x bench/venv/ofm/bin/openstack-flavor-manager || (python3 -m venv bench/venv/ofm && \
	  bench/venv/ofm/bin/pip install -q openstack-flavor-manager==0.20261007.0)
	@test -x bench/venv/oim/bin/openstack-image-manager || (python3 -m venv bench/venv/oim && \
	  bench/venv/oim/bin/pip install -q openstack-image-manager==0.20261006.0)

# the Ansible collection ships the node collector as module_utils: a copy, pinned by a unit test
ansible-sync:
	cp scs_iaas/host/collect.py ansible/plugins/module_utils/scs_iaas_collect.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
