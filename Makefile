# borderSim: the two commands of the README are `make run` and `make test`; `make check` is the quick loop.
# Everything is installed into a project virtual environment; nothing else is needed but Python >= 3.11.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PYVER  := $(shell $(PYTHON) -c 'import sys; print(f"{sys.version_info[0]}{sys.version_info[1]}")' 2>/dev/null)
LOCK   := constraints/py$(PYVER).txt
STAMP  := $(VENV)/.installed-$(PYVER)
PYTEST_ARGS ?=
SHELL  := /bin/bash
# pip's output condensed to one updating line: what is being collected or installed, nothing more
PROGRESS := awk '/^(Collecting|Downloading|Installing|Successfully)/ { printf "\r\033[K    %s", substr($$0, 1, 100); fflush() } END { print "" }'

.PHONY: run test check validation lint browser bench docs clean help

help:
	@echo "make run    - set up, run the baseline (200 replicates x 730 days), print and save its results"
	@echo "make test   - set up (incl. headless Chromium for the browser test) and run the whole test suite"
	@echo "make check  - lint and the fast tests (no slow, validation or browser test): about 2 minutes on 2 cores"
	@echo "make validation - the model against the record: strict xfails of known shortfalls, record figures"
	@echo "make lint   - ruff"
	@echo "make bench  - performance benchmark (rewrites benchmarks/results)"
	@echo "make docs   - regenerate the parameter table in docs/ODD.md"

$(STAMP): pyproject.toml $(wildcard constraints/*.txt)
	@echo "==> creating the environment $(VENV) with $$($(PYTHON) --version)"
	@$(PYTHON) -m venv $(VENV)
	@echo "==> installing borderSim and its pinned dependencies ($(LOCK)); about a minute"
	@set -o pipefail; $(BIN)/python -m pip install --upgrade pip 2>&1 | tee $(VENV)/install.log | $(PROGRESS) \
	  || { tail -n 20 $(VENV)/install.log; exit 1; }
	@set -o pipefail; $(BIN)/python -m pip install -e ".[dev]" $(if $(wildcard $(LOCK)),-c $(LOCK),) 2>&1 \
	  | tee -a $(VENV)/install.log | $(PROGRESS) || { tail -n 20 $(VENV)/install.log; exit 1; }
	@echo "==> installed: $$($(BIN)/borderSim --version)"
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/borderSim run scenarios/baseline.toml --replicates 200 --days 730

# Debian's Chromium for the end-to-end browser test (CI runs as root on a fresh machine).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "installing Debian chromium for the browser test"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

# -n 2: two worker processes; --dist loadgroup (pyproject.toml) keeps the tests of one xdist_group (which share
# a module fixture or a cached reference run) on one worker. Progress is the percentage at the end of each line.
test: $(STAMP) browser
	$(BIN)/python -m pytest -n 2 --durations=10 $(PYTEST_ARGS)

check: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	HYPOTHESIS_PROFILE=quick $(BIN)/python -m pytest -n 2 -q -m "not slow and not validation and not browser" \
	  $(PYTEST_ARGS)

validation: $(STAMP)
	$(BIN)/python -m pytest -n 2 -m validation $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

bench: $(STAMP)
	$(BIN)/borderSim bench --out benchmarks/results

docs: $(STAMP)
	$(BIN)/python -m borderSim.schema.tables docs/ODD.md
	$(BIN)/python tools/param_groups.py

clean:
	rm -rf $(VENV) .venv312 .pytest_cache .ruff_cache
