# The whole set-up is `make run` (try it) and `make test` (check it). Python 3.11+, Java 17+ and Maven.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test bench-import bench-bulk bench-api bench-trace bench-loop bench-dashboard bench-repair bench-peer clean

install: $(STAMP)

$(STAMP): pyproject.toml package-lock.json tests/audit/package-lock.json
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed, found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
# The front-end libraries served at /static (GraphiQL, Cytoscape.js, ECharts), pinned by package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/creditfile assets
# graphql-http's GraphQL-over-HTTP audit, run by tests/test_http.py (needs Node.js 18+ and npm)
	cd tests/audit && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

run: install
	$(BIN)/creditfile run

# Style and types first (settings in pyproject.toml): they take seconds, the suite minutes.
test: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

bench-import: install
	$(BIN)/python -m benchmarks.bench_import $(ARGS)

bench-bulk: install
	$(BIN)/python -m benchmarks.bench_bulk $(ARGS)

bench-api: install
	$(BIN)/python -m benchmarks.bench_api $(ARGS)

bench-trace: install
	$(BIN)/python -m benchmarks.bench_trace $(ARGS)

bench-loop: install
	$(BIN)/python -m benchmarks.bench_loop $(ARGS)

bench-repair: install
	$(BIN)/python -m benchmarks.bench_repair $(ARGS)

bench-dashboard: install
	$(BIN)/python -m benchmarks.bench_dashboard $(ARGS)

# The peer of bench-peer (@neo4j/graphql, graphql-yoga, neo4j-driver; Node.js 20+), pinned by its package-lock.json
PEER := benchmarks/peer
$(PEER)/node_modules/.package-lock.json: $(PEER)/package.json $(PEER)/package-lock.json
	npm ci --prefix $(PEER) --no-audit --no-fund --loglevel=error
	@touch $@

bench-peer: install $(PEER)/node_modules/.package-lock.json
	$(BIN)/python -m benchmarks.bench_peer $(ARGS)

clean:
	-$(BIN)/creditfile neo4j stop
	rm -rf $(VENV) .creditfile node_modules $(PEER)/node_modules
