# Sikkerhedsportalen. `make run` serves the portal, `make test` runs every test.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: run test lint format install db browser stop clean migrations bench screenshots help

help:
	@echo "make run    - set up everything and serve http://127.0.0.1:$(PORT)/ with the worker"
	@echo "make test   - lint, then the whole test suite (unit, integration, browser)"
	@echo "make lint   - ruff check and format check"
	@echo "make screenshots - every page per role at 1366 and 390 px, as PNGs in var/screenshots/"
	@echo "make format - let ruff fix formatting"
	@echo "make stop   - stop the private PostgreSQL cluster and a running portal"
	@echo "make clean  - stop, then delete .venv, var/ (database!) and collected static files"

$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

install: $(STAMP)

db: install
	@python3 scripts/devdb.py start

browser:
	@scripts/install-browser.sh

run: db
	$(PY) manage.py migrate --no-input
	$(PY) manage.py collectstatic --no-input --verbosity 0
	PORTAL_DEMO=1 $(PY) manage.py create_demo_accounts
	HTTPS=0 PORT=$(PORT) SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} scripts/serve.sh

test: db browser lint
	$(PY) -m pytest

# The screenshot tour (tests/browser/tour.py) for people to look at; not a test of its own.
screenshots: db browser
	rm -rf var/screenshots
	$(PY) -m pytest tests/browser/tour.py -q -p no:randomly
	@echo "Screenshots in var/screenshots/<role>/<laptop|phone>/"

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

stop:
	@if [ -f var/serve.pid ]; then kill -TERM $$(cat var/serve.pid) 2>/dev/null || true; rm -f var/serve.pid; fi
	@python3 scripts/devdb.py stop

clean: stop
	rm -rf $(VENV) var staticfiles

# BENCH_ARGS="--sizes 1000 --duration 3" for a quick run; see README, "Benchmark".
bench: db
	$(PY) bench/run.py $(BENCH_ARGS)
