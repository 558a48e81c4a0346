# scs-iaas — the two commands a newcomer needs: `make demo` and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test setup lint typecheck unit integration box-install bench clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@$(BIN)/pip install -q -U pip >/dev/null
	@$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)

box-install: setup
	@$(BIN)/scs-iaas box install

lint: setup
	$(BIN)/ruff check scs_iaas tests bench
	$(BIN)/ruff format --check scs_iaas tests bench

typecheck: setup
	$(BIN)/mypy

unit: setup
	$(BIN)/pytest tests/unit -q

integration: box-install
	$(BIN)/pytest tests/integration -q

test: setup box-install lint typecheck
	$(BIN)/pytest tests

demo: box-install
	@$(BIN)/scs-iaas demo

bench: box-install
	$(BIN)/python bench/flavor_names.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
