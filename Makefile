# Redbridge: the developer and CI entry points.
#
#   make install    .venv with the package and its test tools (pip install -e '.[test]')
#   make postgres   the PostgreSQL server binaries the test suite starts its own server from
#   make browser    Debian's headless Chromium, which the dashboard's browser tests drive
#   make check      ruff (lint and format) and mypy --strict
#   make test       install + postgres, then check, then the whole pytest suite (.ci/run)
#   make quick      the inner loop: SQLite, no real process, no slow test (about a minute)
#   make run        install, load the demo data and serve Redbridge (the quick start)
#
# The tests start a throwaway PostgreSQL server themselves (tests/support/postgres.py),
# one per pytest-xdist worker; set REDBRIDGE_TEST_POSTGRES_URL to use an existing one.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := test

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PG_BIN ?= /usr/lib/postgresql/15/bin
PYTEST_ARGS ?=
# Workers for pytest-xdist. Most of a test's time is spent waiting (on real processes,
# PostgreSQL, Telegram's per-second limits in the emulator), so twice the cores pays off.
PYTEST_WORKERS ?= 4

.PHONY: install postgres gettext browser check test quick run

install: $(VENV)/.installed

# Re-installs when the dependencies change; the stamp keeps repeated runs offline.
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -qq -e '.[test]'
	touch $@

postgres:
	@if [ -n "$${REDBRIDGE_TEST_POSTGRES_URL:-}" ]; then \
		echo "Tests use the PostgreSQL server at REDBRIDGE_TEST_POSTGRES_URL."; \
	elif [ -x "$(PG_BIN)/initdb" ] || compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then \
		true; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "Installing the PostgreSQL server (Debian package postgresql)..."; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; \
		compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; \
	else \
		echo "The tests need the PostgreSQL server binaries (initdb, pg_ctl) in $(PG_BIN)." >&2; \
		echo "Install them as root: apt-get install postgresql" >&2; \
		echo "or point REDBRIDGE_TEST_POSTGRES_URL at a server the tests may create" >&2; \
		echo "databases on (postgresql+asyncpg://user:password@host:port/dbname)." >&2; \
		exit 1; \
	fi

# msgfmt checks the catalogues (tests/test_catalogues.py); Debian's package gettext.
gettext:
	@if command -v msgfmt >/dev/null; then \
		true; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "Installing GNU gettext (Debian package gettext)..."; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq gettext >/dev/null; \
	else \
		echo "The catalogue checks need msgfmt: install it as root with apt-get install gettext" >&2; \
		exit 1; \
	fi

# The dashboard's tests drive Debian's Chromium with Playwright (tests/web/conftest.py);
# Playwright's own browser download is never used. Without it those tests fail, not skip.
CHROMIUM ?= /usr/bin/chromium
browser:
	@if [ -x "$(CHROMIUM)" ]; then \
		true; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "Installing headless Chromium (Debian package chromium)..."; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
		test -x "$(CHROMIUM)"; \
	else \
		echo "The dashboard's browser tests need $(CHROMIUM): install it as root with" >&2; \
		echo "apt-get install chromium" >&2; \
		exit 1; \
	fi

check: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# pytest's own exit code decides: 5 (no tests collected) fails the run like any failure.
# worksteal: an idle worker takes tests queued for a busy one, so the long real-time tests
# do not decide the end. --durations: the slowest tests, to see where the time goes.
# The tests marked "alone" time the real process against Telegram's per-second limits:
# beside four busy workers on two cores they measured the machine, not the code, so they
# run afterwards, one at a time. Each run fails on its own exit code (5 included).
test: install postgres gettext browser check
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist worksteal --durations=15 -m "not alone" $(PYTEST_ARGS)
	$(BIN)/pytest --durations=5 -m alone $(PYTEST_ARGS)

quick: install gettext
	$(BIN)/pytest -n $(PYTEST_WORKERS) -m "not postgresql and not process and not slow" $(PYTEST_ARGS)

# Quick start: the embedded default (a SQLite file in this folder) with the demo data,
# the API on http://127.0.0.1:8000 (override with REDBRIDGE_HOST / REDBRIDGE_PORT).
run: install
	$(BIN)/redbridge demo
	$(BIN)/redbridge serve
