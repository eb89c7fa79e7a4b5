# newscrawl: the two commands are `make demo` and `make test`; both create .venv when missing.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_PORT ?= 8765
DEMO_ARTICLES ?= 300
DEMO_DIR ?= output

.PHONY: demo test test-fast lint typecheck check bench clean install

install: $(STAMP)

$(STAMP): pyproject.toml setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## demo: start the local replica, crawl all three editions into output/<language>/, print the summary
demo: $(STAMP)
	$(BIN)/python -m tests.demo --port $(DEMO_PORT) --articles $(DEMO_ARTICLES) --output $(DEMO_DIR)

## test: lint, type-check and run every test (unit, fixtures, end-to-end on the replica), on two
## pytest-xdist workers, a test file per worker at a time (TEST_WORKERS=0: in one process)
TEST_WORKERS ?= 2
test: $(STAMP) lint typecheck
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

## test-fast: the unit tests only, under a minute (no crawl, no scrapy subprocess; tests/conftest.py)
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not e2e and not slow"

lint: $(STAMP)
	$(BIN)/ruff check newscrawl newscrawl_data tests setup.py
	$(BIN)/ruff format --check newscrawl newscrawl_data tests setup.py

typecheck: $(STAMP)
	$(BIN)/mypy newscrawl newscrawl_data tests

## bench: the benchmark of what users feel (docs/benchmarks.md): polite crawls of a small replica
## at DOWNLOAD_DELAY=0.25 in latest and archive mode (politeness efficiency, about 4 minutes), an
## incremental run (requests per new article), CPU per article and peak RSS of the report crawl,
## the parse floor and the baseline at N articles per edition (politeness off), the extractor
## beside trafilatura; prints the tables, saves bench-output/$(LABEL).json and rewrites
## docs/benchmarks.md with the targets and a before/after table (the "before" figures:
## docs/benchmarks-before.json). make bench N="1000 20000" is the full one (about 15 minutes on
## 2 cores); LABEL=after names this run's column; REPEAT=2 crawls each twice and keeps the faster.
N ?= 1000
REPEAT ?= 1
LABEL ?= current
BENCH_ARGS ?=
bench: $(STAMP)
	$(BIN)/python -m tests.bench --articles $(N) --repeat $(REPEAT) --label $(LABEL) --profile $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .venv-min output .newscrawl .pytest_cache .mypy_cache .ruff_cache *.egg-info build
