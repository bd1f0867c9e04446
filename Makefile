# Alma: `make demo` to try it, `make test` to check it. Everything lives in .venv and var/.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
PORT ?= 8000
PYTEST_ARGS ?=
CHROMIUM ?= /usr/bin/chromium

.PHONY: setup demo test test-fast bench lint browser clean messages

# Set-up says what it does: the first install takes a minute or two and must not look like a hang.
$(STAMP): pyproject.toml
	@echo "Setting up $(VENV) (first time or after pyproject.toml changed; a minute or two)..."
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Upgrading pip..."
	@$(BIN)/python -m pip install -q --upgrade pip
	@echo "Installing Alma and its dependencies (pip lists each package as it goes)..."
	@$(BIN)/python -m pip install --progress-bar off -e ".[test]"
	@echo "Set-up done."
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/alma demo --port $(PORT)

# Browser tests drive Debian's Chromium; on a fresh Debian machine as root it is installed here.
browser:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null); \
	  else echo "Browser tests need Chromium at $(CHROMIUM): sudo apt-get install chromium"; exit 1; fi; }

# The whole suite, browser tests included. DATABASE_URL=postgres://... runs it on PostgreSQL;
# PYTEST_ARGS adds pytest options (e.g. PYTEST_ARGS="-x -k profile").
test: setup browser
	$(BIN)/pytest -q $(PYTEST_ARGS)

test-fast: setup
	$(BIN)/pytest -q -m "not e2e" $(PYTEST_ARGS)

bench: setup
	$(BIN)/python -m bench

# ruff, mypy, the import contracts of pyproject.toml (docs/architecture.md), migrations.
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy alma $(if $(wildcard bench/*.py),bench)
	$(BIN)/lint-imports
	DATABASE_URL=sqlite:// DJANGO_SETTINGS_MODULE=alma.testing.settings $(BIN)/alma makemigrations --check --dry-run

# Refresh alma/locale/zh_Hans from alma/ only (not .venv, not tests), then compile the .mo we ship.
# Translate every new or fuzzy entry in the .po, run this again; tests/test_translations.py checks.
messages: setup
	cd alma && DJANGO_SETTINGS_MODULE=alma.testing.settings ../$(BIN)/alma makemessages -l zh_Hans --no-obsolete --add-location=file \
	  --ignore=tests --ignore=testing
	cd alma && DJANGO_SETTINGS_MODULE=alma.testing.settings ../$(BIN)/alma compilemessages -l zh_Hans

clean:
	rm -rf $(VENV) var
