# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DASK   := $(VENV)/.installed-dask

.PHONY: setup setup-dask run test validate bench repair-rate clean

setup: $(STAMP)

# Dask, an optional extra for `--executor dask`: the tests and benchmarks use it, `make run` does not.
setup-dask: $(DASK)

# Re-installs only when the dependency pins change; safe to run again.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Python 3.11 or newer is needed (found $$($(PYTHON) --version)); set PYTHON=python3.x"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

$(DASK): $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test,dask]'
	@touch $(DASK)

run: setup
	$(PY) -m pipeline run

validate: setup
	$(PY) -m pipeline validate

test: setup-dask
	$(PY) -m pytest

bench: setup-dask
	$(PY) -m pytest tests/benchmarks -m benchmark --benchmark-enable

# Repair rate of the mirror byte-damage repair on the synthetic corpus, false positives on the negatives;
# with ../shared/realworld beside the project, false positives on its prose and pages and its encodings.
repair-rate: setup
	$(PY) tests/corpus/evaluate.py

clean:
	rm -rf $(VENV) .pytest_cache
