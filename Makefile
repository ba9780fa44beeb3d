# Sinjalizo: developer commands.
#
#   make run     create .venv if needed, then start everything at http://127.0.0.1:5000/
#                (pass flags with RUN_ARGS, e.g. make run RUN_ARGS="--port 8000")
#   make test    create .venv, install PostgreSQL and Chromium if missing, then ruff, mypy
#                and pytest
#   make lint    ruff and mypy only
#   make bench   run every bench/*.py script with the venv's Python
#   make messages  extract user-facing text and update the sq, sr and en catalogs
#   make venv    create .venv and install the project with its test tools
#   make clean   remove .venv and the tool caches (instance/, the local database, is kept)

PYTHON = python3
VENV = .venv
STAMP = $(VENV)/.installed
PYTEST_ARGS = -q -n 2
RUN_ARGS =

help:
	@sed -n '1,/^$$/s/^# \{0,1\}//p' Makefile

venv: $(STAMP)

# Reinstall only when the dependencies may have changed; the install is editable.
$(STAMP): pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing Sinjalizo and its test tools into $(VENV) (a minute the first time)..."
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

run: venv
	$(VENV)/bin/sinjalizo run $(RUN_ARGS)

# The tests start a throwaway PostgreSQL from Debian's binaries, unless
# SINJALIZO_TEST_POSTGRES_URL names a server to use instead.
pg-binaries:
	@if [ -n "$${SINJALIZO_TEST_POSTGRES_URL:-}" ]; then \
		echo "Using the PostgreSQL server in SINJALIZO_TEST_POSTGRES_URL."; \
	elif ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		:; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian's postgresql for the tests..."; \
		DEBIAN_FRONTEND=noninteractive apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql; \
	elif command -v sudo >/dev/null 2>&1; then \
		echo "Installing Debian's postgresql for the tests (sudo)..."; \
		sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q && \
		sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql; \
	else \
		echo "PostgreSQL binaries not found: install Debian's postgresql package," >&2; \
		echo "or set SINJALIZO_TEST_POSTGRES_URL to a server the tests may use." >&2; \
		exit 1; \
	fi

# Browser tests drive Debian's Chromium with Playwright; no browser is ever downloaded.
chromium:
	@if [ -x /usr/bin/chromium ]; then \
		:; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian's chromium for the browser tests..."; \
		DEBIAN_FRONTEND=noninteractive apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	elif command -v sudo >/dev/null 2>&1; then \
		echo "Installing Debian's chromium for the browser tests (sudo)..."; \
		sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q && \
		sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	else \
		echo "Chromium not found: install Debian's chromium package (/usr/bin/chromium)." >&2; \
		exit 1; \
	fi

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

# `python -m pytest` puts the repository root on sys.path, which `from tests.pgcluster
# import ...` in the fixtures needs; -n 2 runs two xdist workers, each on its own databases.
test: venv pg-binaries chromium lint
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

bench: venv
	@found=no; \
	for script in bench/*.py; do \
		[ -f "$$script" ] || continue; \
		found=yes; \
		echo "== $$script"; \
		$(VENV)/bin/python "$$script" || exit 1; \
	done; \
	[ "$$found" = yes ] || echo "No bench/*.py scripts yet."

# Catalogs are read as .po at start-up (no compile step); after extracting, translate
# every new entry in locales/*/LC_MESSAGES/messages.po: a test fails on any left empty.
messages: venv
	$(VENV)/bin/pybabel extract -F babel.cfg -k msg -k nmsg:1,2 -k N_ -k _ -k ngettext:1,2 \
		--no-location --sort-output --project=Sinjalizo -o locales/messages.pot .
	$(VENV)/bin/pybabel update -i locales/messages.pot -d locales --no-wrap --ignore-obsolete
	$(VENV)/bin/python -m locales

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis build dist *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

.PHONY: help venv run pg-binaries chromium lint test bench messages clean
