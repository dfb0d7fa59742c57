# Two commands from a fresh clone: `make run` (the bot) and `make test` (lint + tests).
# Both create .venv and install the package with its pinned-range dependencies first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run console test test-pg lint format bench catalogs clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/python -m bot run

console: install
	$(BIN)/python -m bot console

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint
	$(BIN)/python -m pytest

# The same, with the PostgreSQL runs too: a throwaway cluster on loopback for the duration
# (needs PostgreSQL installed: apt-get install postgresql). Or set MSBOT_TEST_POSTGRESQL_URL.
test-pg: install
	$(BIN)/python -m tools.pgcluster run -- $(MAKE) test

bench: install
	$(BIN)/python -m bench

# Translations (README "Languages"): refresh the templates from the code, then merge them into
# every language's catalog; translate the new or fuzzy entries in bot/i18n/locales/*/LC_MESSAGES.
LOCALES := bot/i18n/locales
MESSAGE_LANGS := es de
COMMAND_LANGS := es de fr pt it
catalogs: install
	$(BIN)/pybabel extract -F babel.cfg -k ngettext:1,2 --add-comments=TRANSLATORS: \
		--sort-by-file --no-wrap --project="MS companion bot" -o $(LOCALES)/messages.pot .
	$(BIN)/python -m cogs._command_catalog $(LOCALES)/commands.pot
	for lang in $(MESSAGE_LANGS); do \
		$(BIN)/pybabel update --init-missing --no-wrap -D messages -l $$lang \
			-i $(LOCALES)/messages.pot -d $(LOCALES) || exit 1; done
	for lang in $(COMMAND_LANGS); do \
		$(BIN)/pybabel update --init-missing --no-wrap -D commands -l $$lang \
			-i $(LOCALES)/commands.pot -d $(LOCALES) || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
