# evex: `make install` sets up .venv; `make test` runs the test suite (the command CI runs).
PYTHON ?= python3.11
VENV ?= .venv
export STANZA_RESOURCES_DIR ?= $(abspath ../shared/stanza_resources)

.PHONY: install test run
install:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --upgrade pip
	$(VENV)/bin/pip install -e '.[test]'

test:
	$(VENV)/bin/pytest -q

run:
	$(VENV)/bin/evex run seeds/
