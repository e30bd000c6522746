# The README's two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app directory
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install instance bench bench-relevance bench-latency lint

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall when pyproject.toml changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip setuptools
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Create the database and index when missing; load the sample data when empty.
instance: install
	$(FLASK) init-db
	$(FLASK) seed --if-empty

run: instance
	$(BIN)/gunicorn --config gunicorn.conf.py --bind $(HOST):$(PORT) --access-logfile - wsgi:app

test: install
	./scripts/ensure-test-deps.sh
	$(BIN)/pytest

# Datasette (the HTTP baseline) lives in its own environment, never in the app's deps.
BENCH_VENV := .venv-bench
$(BENCH_VENV)/bin/datasette:
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet 'datasette>=0.65,<2'

# Speed at the register's size (N businesses, default 100,000) against same-run baselines.
bench: install $(BENCH_VENV)/bin/datasette
	$(BIN)/python -m bench $(if $(N),--n $(N))

# Relevance of search over a fixed judged set: nDCG@10 / recall@10, Indonesian vs plain.
bench-relevance: install
	$(BIN)/python -m bench.relevance

# Latency of a search on a generated index (100k businesses by default; N=... to change).
bench-latency: install
	$(BIN)/python -m bench.relevance.latency $(if $(N),--businesses $(N))

# ruff, then known vulnerabilities in the installed dependencies (scripts/audit.py says
# what it could not audit; AUDIT_STRICT=1 makes that an error too).
lint: install
	$(BIN)/ruff check directory tests bench scripts wsgi.py setup.py
	$(BIN)/python scripts/audit.py
