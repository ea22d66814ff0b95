# MRA Fair Share. Needs nothing but Python 3.11 to start; everything else installs itself.
# `make run` serves the app with demo data, `make test` runs the whole suite.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
UV_VERSION := 0.13.8
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: setup run test bench lint format messages clean screens load

$(BIN)/uv:
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.installed: pyproject.toml uv.lock $(BIN)/uv
	$(BIN)/uv sync --frozen --inexact --python $(BIN)/python
	@touch $@

setup: $(VENV)/.installed

run: setup
	@# Bytecode caches on, even where the shell turns them off: without them every start
	@# compiles Django and the app again (seconds), and a second `make run` would pay that.
	PYTHONDONTWRITEBYTECODE= DEBUG=true $(BIN)/python manage.py serve_demo 127.0.0.1:$(PORT)

# SECRET_KEY only for the test run; tests never serve real users.
test: setup
	SECRET_KEY=test-only-not-a-secret $(BIN)/python -m pytest $(PYTEST_ARGS)

# `make bench BENCH="group command"` runs only bench/bench_group.py and bench/bench_command.py.
bench: setup
	SECRET_KEY=bench-only-not-a-secret $(BIN)/python bench/run.py $(BENCH)

# Bounded load run (issue 14): gunicorn as in compose + PostgreSQL + the local Redis on
# loopback, 50 users for 60 s; LOAD_ARGS="--users 10 --seconds 20" to change. docs/performance.md.
load: setup
	$(BIN)/python bench/load.py $(LOAD_ARGS)

lint: setup
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	SECRET_KEY=lint $(BIN)/lint-imports
	$(BIN)/djlint --lint --extension html .
	SECRET_KEY=lint $(BIN)/mypy accounts core municipalities target_groups figures allocation agreements reports dashboards monitoring public home partners mra_housing

# Screenshots of the main pages per role into docs/screens/ (own demo database, loopback).
screens: setup
	$(BIN)/python tools/screens.py

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: setup
	DEBUG=true $(BIN)/python manage.py makemessages -l nl --ignore=.venv --no-obsolete
	DEBUG=true $(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
