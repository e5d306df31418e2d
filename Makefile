# NQI — the two commands: `make run` (product on http://127.0.0.1:8000) and `make test` (every test).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export NQI_VAR_DIR ?= $(CURDIR)/var

.PHONY: run test venv venv-test messages lint typecheck test-sqlite test-postgres test-browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when the dependency list changed (keeps a second `make run` fast).
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

venv: $(VENV)/.installed
venv-test: $(VENV)/.installed-test

messages: venv
	cd src/nqi && ../../$(BIN)/django-admin compilemessages --ignore='.venv' > /dev/null

run: venv messages
	mkdir -p var
	NQI_DEBUG=1 $(BIN)/nqi migrate
	NQI_DEBUG=1 $(BIN)/nqi demo
	NQI_DEBUG=1 $(BIN)/nqi serve --host 127.0.0.1 --port 8000

lint: venv-test
	$(BIN)/ruff check src tests scripts $(wildcard benchmarks)
	$(BIN)/mypy --strict src/nqi/text src/nqi/pubid src/nqi/uncertainty src/nqi/interlab src/nqi/dcc

# 1) everything on SQLite (unit, integration, API fuzzing, browser);
# 2) every database-backed test again on a real PostgreSQL.
test: venv-test messages lint
	NQI_DEBUG=1 $(BIN)/pytest -q -p no:cacheprovider
	NQI_DEBUG=1 $(BIN)/python scripts/with_postgres.py -- $(BIN)/pytest -q -p no:cacheprovider -m "db and not browser"

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache
