# scs-iaas — the two commands a newcomer needs: `make demo` and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test setup sys-deps lint typecheck unit integration box-install box-down bench bench-venvs peers-venvs clean ansible-sync

# Debian packages the tests use: a browser for the HTML report, fio and cryptsetup for the
# host benchmarks, Ceph Pacific for the real single-node cluster of the upgrade check,
# openssh-server for the Ansible fleet test (its own sshd on a loopback port).
# Installed only when missing (root, Debian 12).
SYS_PKGS := chromium fio cryptsetup ceph-mon ceph-mgr ceph-osd ceph-common openssh-server \
  openssh-sftp-server
# the official SCS compliance monitor beside the tests: PostgreSQL, and what its psycopg2 builds
# with; ssh-keygen signs reports (scs-iaas report upload)
SYS_PKGS += postgresql libpq-dev gcc python3-dev python3-venv openssh-client
PEERS := $(firstword $(wildcard ../shared/peers/scs-standards ../../shared/peers/scs-standards))

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

integration: box-install peers-venvs
	$(BIN)/pytest tests/integration -q

test: setup sys-deps box-install peers-venvs lint typecheck
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

# the official SCS suite and compliance monitor (../shared/peers, where present), each in its own
# venv as their READMEs say; used by the certification-parity tests and bench/official.py
peers-venvs:
ifneq ($(PEERS),)
	@test -x bench/venv/scs-suite/bin/python || (python3 -m venv bench/venv/scs-suite && \
	  bench/venv/scs-suite/bin/pip install -q -r $(PEERS)/Tests/iaas/requirements.txt)
	@test -x bench/venv/scs-monitor/bin/uvicorn || (python3 -m venv bench/venv/scs-monitor && \
	  bench/venv/scs-monitor/bin/pip install -q -r $(PEERS)/compliance-monitor/requirements.txt)
endif

# the Ansible collection ships the node collector as module_utils: a copy, pinned by a unit test
ansible-sync:
	cp scs_iaas/host/collect.py ansible/plugins/module_utils/scs_iaas_collect.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
