# orderpack — two commands do all the set-up:
#   make demo   set up, then build the AliExpress sample case
#   make test   set up, then run linters, type checks and the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SAMPLE := samples/aliexpress-missing
TODAY  := 2026-11-26

.PHONY: demo test lint typecheck setup system-deps bench bench-web preview samples clean

setup: system-deps $(STAMP)

system-deps:
	@sh scripts/system-deps.sh

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: setup
	$(BIN)/orderpack validate $(SAMPLE)/order.yaml
	$(BIN)/orderpack status $(SAMPLE)/order.yaml --today $(TODAY)
	$(BIN)/orderpack build $(SAMPLE)/order.yaml --today $(TODAY)

lint: setup
	$(BIN)/ruff check .

typecheck: setup
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/pytest

bench: setup
	$(BIN)/python benchmarks/run.py --write BENCHMARKS.md

# The web page's server-side times; writes only the "Web page" section of BENCHMARKS.md.
bench-web: setup
	$(BIN)/python benchmarks/web.py --write BENCHMARKS.md

# The first page of the sample bundle as a PNG, shown in the README.
preview: demo
	@mkdir -p docs
	pdftoppm -png -r 60 -f 1 -l 1 -singlefile $(SAMPLE)/out/evidence.pdf docs/sample-page-1

samples: setup
	$(BIN)/python samples/make_samples.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache $(SAMPLE)/out
