# The two commands: `make run` serves the monitor, `make test` runs every gate.
# Only Python 3.11+, pip and make are needed; everything else is installed into .venv.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test lint typecheck pytest test-postgres browser bench setup setup-dev data clean lock

$(VENV)/.runtime: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.lock
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	touch $@

setup: $(VENV)/.runtime
setup-dev: $(VENV)/.dev

## data: migrate the database and load the catalogue and the baseline evidence (idempotent)
data: setup
	$(BIN)/oip migrate --noinput
	$(BIN)/oip catalogue load
	$(BIN)/oip evidence load-baseline

## run: set everything up and serve the monitor on http://127.0.0.1:$(PORT)
run: data
	$(BIN)/oip serve --port $(PORT)

lint: setup-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: setup-dev
	$(BIN)/mypy

migrations-check: setup-dev
	OIP_VAR=$(CURDIR)/var/check $(BIN)/oip makemigrations --check --dry-run

pytest: setup-dev
	$(BIN)/pytest -q -p no:cacheprovider

## test: every gate — lint, format, types, migrations, the test suite (browser tests included
## when Chromium is installed; they skip with a message otherwise)
test: lint typecheck migrations-check pytest

## test-postgres: the suite again on PostgreSQL (DATABASE_URL must point at it)
test-postgres: setup-dev
	@case "$$DATABASE_URL" in postgres*) ;; *) echo "DATABASE_URL must point at PostgreSQL" >&2; exit 2;; esac
	$(BIN)/pytest -q -p no:cacheprovider -m "not browser"

## browser: the browser tests alone (needs /usr/bin/chromium)
browser: setup-dev
	$(BIN)/pytest -q -p no:cacheprovider -m browser

## bench: every speed figure with its target, on SQLite and PostgreSQL, in one table (<= 10 min;
## installs Debian's wrk if missing; results also in bench/out/results.json, see bench/README.md)
bench: setup-dev
	command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null)
	$(BIN)/python -m bench.run

## lock: refresh the lock files from a clean install of pyproject.toml
lock:
	rm -rf /tmp/oip-lock && $(PYTHON) -m venv /tmp/oip-lock
	/tmp/oip-lock/bin/pip install --quiet .
	/tmp/oip-lock/bin/pip freeze --exclude-editable | grep -v '^oip' > requirements.lock
	/tmp/oip-lock/bin/pip install --quiet '.[dev]'
	/tmp/oip-lock/bin/pip freeze --exclude-editable | grep -v '^oip' > requirements-dev.lock

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
