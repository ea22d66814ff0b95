# MRA Fair Share. Needs nothing but Python 3.11 to start; everything else installs itself.
# `make run` serves the app with demo data, `make test` runs the whole suite.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
UV_VERSION := 0.13.8
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: setup run test bench lint format messages clean

$(BIN)/uv:
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.installed: pyproject.toml uv.lock $(BIN)/uv
	$(BIN)/uv sync --frozen --inexact --python $(BIN)/python
	@touch $@

setup: $(VENV)/.installed

run: setup
	DEBUG=true $(BIN)/python manage.py migrate --no-input
	DEBUG=true $(BIN)/python manage.py demo_data
	DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# SECRET_KEY only for the test run; tests never serve real users.
test: setup
	SECRET_KEY=test-only-not-a-secret $(BIN)/python -m pytest $(PYTEST_ARGS)

# `make bench BENCH="group command"` runs only bench/bench_group.py and bench/bench_command.py.
bench: setup
	SECRET_KEY=bench-only-not-a-secret $(BIN)/python bench/run.py $(BENCH)

lint: setup
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	SECRET_KEY=lint $(BIN)/lint-imports
	$(BIN)/djlint --lint --extension html .
	SECRET_KEY=lint $(BIN)/mypy accounts core municipalities target_groups figures allocation agreements reports dashboards monitoring public home mra_housing

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: setup
	DEBUG=true $(BIN)/python manage.py makemessages -l nl --ignore=.venv --no-obsolete
	DEBUG=true $(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
