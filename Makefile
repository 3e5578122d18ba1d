# `make run` and `make test` work on a fresh machine with Python 3.11+ and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# openapi-python-client in a venv of its own: it caps typer below the service's pin.
GENERATOR := $(VENV)/generator
GENERATOR_STAMP := $(GENERATOR)/.installed
GENERATOR_LOCK := clients/python/generator/requirements.lock
HOST ?= 127.0.0.1
PORT ?= 8000
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet

.PHONY: install run test lint format lock client clean

$(STAMP): pyproject.toml requirements.lock clients/python/pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install -r requirements.lock
	$(PIP) install --no-deps -e . -e clients/python
	@touch $@

$(GENERATOR_STAMP): $(GENERATOR_LOCK) | $(STAMP)
	@test -x $(GENERATOR)/bin/python || $(PYTHON) -m venv $(GENERATOR)
	$(GENERATOR)/bin/python -m pip --disable-pip-version-check --quiet install -r $(GENERATOR_LOCK)
	@touch $@

install: $(STAMP) $(GENERATOR_STAMP)

# Regenerate clients/python from the OpenAPI document (a test fails while it is stale).
client: install
	$(BIN)/python clients/python/generate.py

run: $(STAMP)
	@SERVICEDESK_LOG_FORMAT=console $(BIN)/servicedesk db upgrade > /dev/null
	@$(BIN)/servicedesk tenants create demo --if-not-exists > /dev/null
	@KEY=$$($(BIN)/servicedesk keys create --tenant demo --name "make run" --replace \
		--scope tickets:read --scope tickets:write --scope kb:read --scope kb:write \
		--scope config:read --scope config:write --scope users:read --scope users:write \
		--scope webhooks:manage --scope email:ingest | tail -n 1) && \
	echo "" && \
	echo "servicedesk on http://$(HOST):$(PORT)  (docs: http://$(HOST):$(PORT)/docs)" && \
	echo "demo API key: $$KEY" && \
	echo "try:" && \
	echo "  curl -s -X POST http://$(HOST):$(PORT)/api/v1/tickets -H \"X-API-Key: $$KEY\"" \
		"-H 'Content-Type: application/json'" \
		"-d '{\"subject\": \"VPN not connecting\", \"description\": \"Unable to connect since this morning.\"}'" && \
	echo "" && \
	echo "console: http://$(HOST):$(PORT)/console/  (first admin, in another terminal:" && \
	echo "  $(BIN)/servicedesk users create --tenant demo --email you@example.com --role admin)" && \
	echo "" && \
	SERVICEDESK_LOG_FORMAT=$${SERVICEDESK_LOG_FORMAT:-console} \
		exec $(BIN)/servicedesk serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check src tests bench clients/python
	$(BIN)/ruff format --check src tests bench clients/python
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -n 3 --maxschedchunk 1 --durations=25

format: install
	$(BIN)/ruff check --fix src tests bench clients/python
	$(BIN)/ruff format src tests bench clients/python

# Re-pin every dependency after editing pyproject.toml.
lock:
	$(PYTHON) -m venv .lock-venv && .lock-venv/bin/pip install --quiet uv
	.lock-venv/bin/uv pip compile pyproject.toml --extra dev --universal \
		--python-version 3.11 --quiet -o requirements.lock
	.lock-venv/bin/uv pip compile clients/python/generator/requirements.in --universal \
		--python-version 3.11 --quiet -o $(GENERATOR_LOCK)
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
