# Kingraph: the README's two commands are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
KG := $(BIN)/kingraph
STAMP := $(VENV)/.installed

# The test server is a separate instance on its own ports, so tests never touch
# the demo graph.
TEST_BOLT_PORT ?= 17687
TEST_HTTP_PORT ?= 17474
TEST_ENV := KINGRAPH_NEO4J_INSTANCE=test KINGRAPH_NEO4J_BOLT_PORT=$(TEST_BOLT_PORT) \
	KINGRAPH_NEO4J_HTTP_PORT=$(TEST_HTTP_PORT) KINGRAPH_NEO4J_HEAP=2g KINGRAPH_NEO4J_PAGECACHE=2g

.PHONY: install demo test test-unit lint bench neo4j-start neo4j-stop clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found (Python 3.11+ is required)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(KG) neo4j start
	$(KG) db init

test: $(STAMP)
	$(TEST_ENV) $(KG) neo4j start
	@status=0; \
	$(TEST_ENV) $(BIN)/pytest tests || status=$$?; \
	$(TEST_ENV) $(KG) neo4j stop; \
	exit $$status

test-unit: $(STAMP)
	$(BIN)/pytest tests/unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

neo4j-start: $(STAMP)
	$(KG) neo4j start

neo4j-stop: $(STAMP)
	$(KG) neo4j stop

clean:
	-$(KG) neo4j stop
	rm -rf $(VENV) var
