# The two commands of README.md: `make demo` and `make test`. Both build the virtual environment first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test check lint bench clean screenshots

$(BIN)/ipstrong: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(BIN)/ipstrong

demo: $(BIN)/ipstrong
	$(BIN)/ipstrong demo
	$(BIN)/ipstrong serve

test: $(BIN)/ipstrong
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/pytest -n 2 --dist loadfile  # two workers, each test file on one (its module fixtures built once)

# the fast local loop: everything but the tests marked slow (browser, Spark, property, API schema, CLI processes)
check: $(BIN)/ipstrong
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/pytest -m "not slow"

# one PNG per page of each demo role's navigation, under screenshots/ (Debian's chromium, the demo's data)
screenshots: $(BIN)/ipstrong
	$(BIN)/ipstrong demo > /dev/null
	$(BIN)/python scripts/screenshots.py data screenshots

bench: $(BIN)/ipstrong
	$(BIN)/python benchmarks/bench_synth.py
	$(BIN)/python benchmarks/bench_ingest.py

clean:
	rm -rf $(VENV) data screenshots .pytest_cache .ruff_cache
