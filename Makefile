# evex: `make install` sets up .venv; `make test` runs the test suite (the command CI runs);
# `make test-fast` the extraction rules alone (under a minute).
PYTHON ?= python3.11
VENV ?= .venv
export STANZA_RESOURCES_DIR ?= $(abspath ../shared/stanza_resources)

.PHONY: install test test-fast run
install:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --upgrade pip
	$(VENV)/bin/pip install -e '.[test]'

test:
	$(VENV)/bin/pytest -q

# The extraction rules, lexicon and validation records on stored parses: no Stanza, database or Prefect.
FAST_TESTS = tests/test_extract_*.py tests/test_timex.py tests/test_gazetteer.py tests/test_learn.py tests/validation
test-fast:
	$(VENV)/bin/pytest -q -m "not stanza" $(FAST_TESTS)

run:
	$(VENV)/bin/evex run seeds/

# The map's JavaScript and countries, from npm, copied into evex/map_assets/ (committed; the page inlines them).
MAP_ASSETS = evex/map_assets
.PHONY: map-assets
map-assets:
	tmp=$$(mktemp -d) && cd $$tmp && npm pack --silent leaflet@1.9.4 topojson-client@3.1.0 world-atlas@2.0.2 \
	&& for f in *.tgz; do mkdir "$${f%.tgz}" && tar xzf "$$f" -C "$${f%.tgz}"; done \
	&& cp leaflet-1.9.4/package/dist/leaflet.js leaflet-1.9.4/package/dist/leaflet.css $(CURDIR)/$(MAP_ASSETS)/ \
	&& cp leaflet-1.9.4/package/LICENSE $(CURDIR)/$(MAP_ASSETS)/LICENSE-leaflet \
	&& cp topojson-client-3.1.0/package/dist/topojson-client.min.js $(CURDIR)/$(MAP_ASSETS)/ \
	&& cp topojson-client-3.1.0/package/LICENSE $(CURDIR)/$(MAP_ASSETS)/LICENSE-topojson-client \
	&& cp world-atlas-2.0.2/package/countries-110m.json $(CURDIR)/$(MAP_ASSETS)/ \
	&& cp world-atlas-2.0.2/package/LICENSE $(CURDIR)/$(MAP_ASSETS)/LICENSE-world-atlas
