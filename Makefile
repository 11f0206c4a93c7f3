# orderpack — two commands do all the set-up:
#   make demo   set up, then build the AliExpress sample case
#   make test   set up, then run linters, type checks and the whole test suite
#   make test-pythons   the test suite on the newest Python the project claims (3.13) as
#               well; `make test` runs it on the default python3 (3.11, the oldest claimed)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SAMPLE := samples/aliexpress-missing
TODAY  := 2026-11-26

# The newest Python of pyproject's classifiers: found on PATH, or where pyenv keeps it.
NEWEST  := 3.13
PYTHON_NEWEST ?= $(firstword $(foreach candidate,python$(NEWEST) \
	$(wildcard $(HOME)/.pyenv/versions/$(NEWEST).*/bin/python$(NEWEST)),\
	$(shell $(candidate) -c 'import sys' >/dev/null 2>&1 && echo $(candidate))))
VENV_NEWEST := .venv-$(NEWEST)

.PHONY: demo test test-pythons test-tmpdir lint typecheck setup system-deps bench bench-web preview samples catalogs clean

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

# The tests write Python's compiled modules (__pycache__, ignored by git) even where
# PYTHONDONTWRITEBYTECODE is set: each pytest-xdist worker, and each orderpack process a test
# starts, would otherwise compile every module it imports again (a worker's start: 4.7 s of
# CPU rather than 1.9 s).
test test-pythons: export PYTHONDONTWRITEBYTECODE =

# The tests' temporary files (some 8,000 files and folders, 350 MB a run) go to a RAM
# disk where the machine has one with room (4 GB free in /dev/shm): on a disk that is told
# of every freed block (ext4 mounted with `discard`, as cloud machines often are), writing
# them and deleting an earlier run's took 5-15 s of a run's wall time. Elsewhere they go
# where they always do (TMPDIR, else /tmp). TEST_TMPDIR= turns it off.
SHM_FREE := $(shell df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $$4 }')
TEST_TMPDIR ?= $(if $(shell [ "$(SHM_FREE)" -ge 4194304 ] 2>/dev/null && [ -w /dev/shm ] && echo yes),/dev/shm/orderpack-tests-$(shell id -u))
ifneq ($(TEST_TMPDIR),)
test test-pythons: export TMPDIR = $(TEST_TMPDIR)
endif

test-tmpdir:
	@if [ -n "$(TEST_TMPDIR)" ]; then mkdir -p -m 700 "$(TEST_TMPDIR)" && echo "temporary files: $(TEST_TMPDIR) (RAM disk)"; fi

# mypy runs while the test suite runs on both cores (its output is shown after the
# suite's); ruff takes a tenth of a second, first. mypy runs at a lower priority (nice 10):
# the suite's workers have the cores when they need them, and mypy takes the moments they
# wait (a browser page, a program they started), still ending well before them. With its
# first run (no cache yet: 7-8 s of CPU), a fresh clone's `make test` took 56.4-57.9 s this
# way, against 58.1-62.0 s with mypy at the tests' priority (three alternated runs each).
test: lint test-tmpdir
	@echo "nice -n 10 $(BIN)/mypy  (while the tests run)"
	@nice -n 10 $(BIN)/mypy > $(VENV)/mypy.out 2>&1 & typecheck=$$!; \
	$(BIN)/pytest; tests=$$?; \
	wait $$typecheck; typed=$$?; \
	echo "mypy:"; cat $(VENV)/mypy.out; \
	[ $$tests -eq 0 ] && [ $$typed -eq 0 ]

# The whole suite again on Python $(NEWEST), in its own virtual environment.
test-pythons: system-deps $(VENV_NEWEST)/.installed test-tmpdir
	$(VENV_NEWEST)/bin/python --version
	$(VENV_NEWEST)/bin/pytest

$(VENV_NEWEST)/.installed: pyproject.toml
	@if [ -z "$(PYTHON_NEWEST)" ]; then \
		echo "Python $(NEWEST) is needed to test on the newest Python orderpack supports." >&2; \
		echo "Install it with:  pyenv install $(NEWEST)   (or: sudo apt-get install python$(NEWEST) python$(NEWEST)-venv)" >&2; \
		echo "or name it:       make test-pythons PYTHON_NEWEST=/path/to/python$(NEWEST)" >&2; \
		exit 1; \
	fi
	$(PYTHON_NEWEST) -m venv $(VENV_NEWEST)
	$(VENV_NEWEST)/bin/python -m pip install --quiet --upgrade pip
	$(VENV_NEWEST)/bin/python -m pip install --quiet -e '.[dev]'
	@touch $@

bench: setup
	$(BIN)/python benchmarks/run.py --write BENCHMARKS.md

# The web page's server-side times; writes only the "Web page" section of BENCHMARKS.md.
bench-web: setup
	$(BIN)/python benchmarks/web.py --write BENCHMARKS.md

# The first page of the sample bundle as a PNG, shown in the README.
preview: demo
	@mkdir -p docs
	pdftoppm -png -r 60 -f 1 -l 1 -singlefile $(SAMPLE)/out/evidence.pdf docs/sample-page-1

# The translation catalogs: the English sentences extracted from the code and templates into
# messages.pot, each language's messages.po updated from it (new sentences appear there
# untranslated), and the .po files compiled to the .mo files orderpack reads.
LOCALES := orderpack/locale
catalogs: setup
	$(BIN)/pybabel extract --mapping-file babel.cfg --output-file $(LOCALES)/messages.pot \
		--keyword mark --keyword pmark:1c,2 --add-comments Translators: --add-location file --sort-by-file \
		--project orderpack --copyright-holder "the orderpack authors" --omit-header \
		--width 100 .
	$(BIN)/pybabel update --input-file $(LOCALES)/messages.pot --output-dir $(LOCALES) \
		--domain messages --width 100 --ignore-pot-creation-date
	$(BIN)/pybabel compile --directory $(LOCALES) --domain messages --statistics

samples: setup
	$(BIN)/python samples/make_samples.py

clean:
	rm -rf $(VENV) $(VENV_NEWEST) .pytest_cache .mypy_cache .ruff_cache $(SAMPLE)/out
