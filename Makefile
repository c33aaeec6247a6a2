# OGI Workflow — two commands on a fresh Debian machine (as root): `make run` and `make test`.
SHELL := /bin/bash
# The distribution's interpreter first: Debian builds it with PGO and LTO into a static executable.
# It ran the service layer with 14 % fewer instructions and ~19 % less CPU than the pyenv build
# (--enable-shared, no PGO) found first on PATH here (benchmarks/README.md, "the interpreter").
# PYTHON=… overrides.
PYTHON ?= $(firstword $(wildcard /usr/bin/python3.11) $(shell command -v python3.11 || command -v python3))
VENV ?= .venv
BIN := $(VENV)/bin
SYSTEM_PACKAGES := libharfbuzz-subset0 fonts-noto-cjk fonts-arphic-ukai fonts-arphic-uming poppler-utils chromium
export OGI_DATA_DIR ?= var
# axe-core (MPL-2.0, run unmodified by the portal's accessibility test) from the npm registry, by its hash.
AXE_VERSION := 4.14.1
AXE_SHA256 := e6b0ce02b84d892e2e33e403485e7f3d6c29e2be6df65daf44d89ba564139745
AXE_DIR := var/tools/axe-core-$(AXE_VERSION)
export OGI_AXE_JS ?= $(abspath $(AXE_DIR))/axe.min.js
export DATABASE_URL ?= sqlite:///var/ogi.db

.PHONY: run test setup axe system-packages db demo serve lock bench samples screenshots clean help

help:
	@echo "make run   — set up everything and serve on http://127.0.0.1:8000"
	@echo "make test  — set up everything and run the whole test suite"
	@echo "make bench — run the benchmark scripts"
	@echo "make lock  — regenerate requirements.lock from pyproject.toml"

run: setup db demo serve

test: setup axe
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Fetched once; without the registry the accessibility test skips locally (and fails in CI, CI=true).
axe: $(AXE_DIR)/axe.min.js
$(AXE_DIR)/axe.min.js:
	@mkdir -p $(AXE_DIR) && cd $(AXE_DIR) && \
	{ { command -v npm >/dev/null && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null; } || \
	  curl -fsSLO https://registry.npmjs.org/axe-core/-/axe-core-$(AXE_VERSION).tgz; } && \
	echo "$(AXE_SHA256)  axe-core-$(AXE_VERSION).tgz" | sha256sum -c --quiet && \
	tar -xzf axe-core-$(AXE_VERSION).tgz --strip-components=1 package/axe.min.js || \
	echo "axe-core $(AXE_VERSION) could not be fetched: the accessibility test will not run"

setup: system-packages
	@base=$$($(BIN)/python -c 'import os, sys; print(os.path.realpath(sys._base_executable))' 2>/dev/null); \
	want=$$($(PYTHON) -c 'import os, sys; print(os.path.realpath(sys.executable))'); \
	if [ -n "$$base" ] && [ "$$base" != "$$want" ]; then \
	  echo "$(VENV) was made with $$base, not $$want: making it again"; rm -rf $(VENV); fi
	@$(MAKE) --no-print-directory $(VENV)/.installed

# Installs only what is missing; needs root (or sudo) the first time.
system-packages:
	@missing=""; \
	for p in $(SYSTEM_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	$(PYTHON) -c "import ensurepip, venv" 2>/dev/null || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO="sudo"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps -e .
	touch $@

db: setup
	@mkdir -p $(OGI_DATA_DIR)
	$(BIN)/ogi db upgrade

# Loads the demo into an empty database only; set DEMO_PASSWORD to give every demo user that password.
demo: db
	$(BIN)/ogi demo --if-empty $(if $(DEMO_PASSWORD),--password "$(DEMO_PASSWORD)",)

serve: setup
	$(BIN)/ogi serve

samples: setup
	$(BIN)/ogi letters samples --out docs/samples

screenshots: setup
	$(BIN)/python -m tests.e2e.screenshots --out docs/screenshots

bench: setup
	for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

lock:
	$(BIN)/python -m pip install -q uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
