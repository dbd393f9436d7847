# The whole set-up is `make run` (try it) and `make test` (check it). Python 3.11+, Java 17+ and Maven.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test bench-import bench-api bench-trace clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed, found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/creditfile assets
	@touch $@

run: install
	$(BIN)/creditfile run

test: install
	$(BIN)/python -m pytest -q

bench-import: install
	$(BIN)/python -m benchmarks.bench_import $(ARGS)

bench-api: install
	$(BIN)/python -m benchmarks.bench_api $(ARGS)

bench-trace: install
	$(BIN)/python -m benchmarks.bench_trace $(ARGS)

clean:
	-$(BIN)/creditfile neo4j stop
	rm -rf $(VENV) .creditfile
