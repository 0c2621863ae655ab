# Two commands set up everything on a fresh machine: `make demo` and `make test`.
# Debian's own interpreter where there is one: every user can run it (hub students, an
# unprivileged grader), and being linked statically against libpython it runs the graders about
# 14 % faster than a Python built as a shared library (`--enable-shared`, as many pyenv set-ups
# are). Any other python3.11 works: `make PYTHON=/path/to/python3.11 ...`.
PYTHON ?= $(firstword $(wildcard /usr/bin/python3.11) python3.11)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export TF_CPP_MIN_LOG_LEVEL ?= 2
export TF_ENABLE_ONEDNN_OPTS ?= 0

.PHONY: demo test test-hub lint build check-build bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/course build --check
	@echo "== public checks on the untouched stubs (exercises/) =="
	-$(BIN)/course check
	@echo "== public checks on the reference solutions (solutions/) =="
	$(BIN)/course check --path solutions
	@echo "== grading the bundled sample class (samples/class/) in sandboxes =="
	$(BIN)/course grade samples/class --out demo-out --force

test: $(STAMP)
	$(BIN)/ruff check grader tests bench solutions
	$(BIN)/ruff format --check grader tests bench
	$(BIN)/python -m pytest -n auto --dist loadgroup tests

# The classroom hub end to end in headless Chromium (root; see .ci/run for what it needs).
test-hub: $(STAMP)
	$(BIN)/python -m pytest -m hub -s tests

lint: $(STAMP)
	$(BIN)/ruff check grader tests bench solutions
	$(BIN)/ruff format --check grader tests bench

build: $(STAMP)
	$(BIN)/course build

clean:
	rm -rf $(VENV) build dist *.egg-info
