# Two commands matter on a fresh machine: `make run` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
# Local development runs with DEBUG on; production sets its own environment (README, "Operating").
export DEBUG ?= 1

.PHONY: run test test-browser lint format migrate seeds users messages clean venv

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# Local defaults for manage.py run by hand (config/env.py reads them; the real environment wins).
.env:
	printf '# Local development defaults, never committed. Production sets real environment variables.\nDEBUG=1\n' > $@

venv: $(BIN)/.installed .env

# Compiled catalogues (.mo) are built here from locale/*/LC_MESSAGES/django.po, never committed.
messages: venv
	$(BIN)/python manage.py compilemessages --ignore=.venv -v0

migrate: venv
	$(BIN)/python manage.py migrate --no-input

seeds: migrate
	$(BIN)/python manage.py load_seeds

users: migrate
	$(BIN)/python manage.py create_demo_users

# A task worker runs beside the server, as in production, so webhook retries wait out their backoff; emails are
# printed here (console backend). It does not reload on code changes: restart `make run` after changing tasks.
run: messages seeds users
	@echo "Serving on http://127.0.0.1:8000/ (admin at /admin/), with a task worker (db_worker) sending"
	@echo "notifications and webhooks; emails are printed here. Stop both with Ctrl-C."
	@$(BIN)/python manage.py db_worker --no-reload --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: messages
	$(BIN)/pytest $(PYTEST_ARGS)

test-browser: messages
	$(BIN)/pytest -m browser tests/browser $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles test-artifacts
