# Two commands matter on a fresh machine: `make run` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
# Local development runs with DEBUG on; production sets its own environment (README, "Operating").
export DEBUG ?= 1

.PHONY: loadtest faulttest run serve test test-browser lint format migrate seeds users messages clean venv bench backup restore

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

# Production (deploy/README.md): DEBUG off whatever the environment says, static files collected for whitenoise,
# migrations, then gunicorn (config/gunicorn.conf.py: BIND, WEB_CONCURRENCY). Without SECRET_KEY (or
# SECRET_KEY_FILE) and the other production settings it refuses to start, naming what is missing.
serve: export DEBUG = 0
serve:
	@test -x $(BIN)/gunicorn || { echo "make serve: $(BIN)/gunicorn is missing; run \`make venv messages\` first." >&2; exit 1; }
	$(BIN)/python manage.py collectstatic --no-input -v0
	$(BIN)/python manage.py migrate --no-input
	exec $(BIN)/gunicorn --config config/gunicorn.conf.py --no-control-socket config.wsgi

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

# Performance benchmark against PostgreSQL and gunicorn (bench/README.md); BENCH_ARGS=--quick for a 2-minute run.
bench: venv
	@command -v wrk >/dev/null || (apt-get update && apt-get install -y wrk)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# Load and fault tests (bench/load.py, results appended to bench/LOAD.md): mixed reads and writes from several
# clients through gunicorn + PostgreSQL with a ledger of acknowledged writes; faulttest also stops PostgreSQL for
# 5 s mid-run (it must not be run while anything else uses the local cluster).
loadtest: venv
	$(BIN)/python -m bench.load $(LOAD_ARGS)

faulttest: venv
	$(BIN)/python -m bench.load --fault $(LOAD_ARGS)

# Backups (README, "Backups"): the whole database of DATABASE_URL into BACKUP_DIR (default backups/, git-ignored);
# prints the file written. `make restore FILE=backups/tracker-….dump` puts one back, asking first unless CONFIRM=yes.
backup: venv
	$(BIN)/python manage.py backup

restore: venv
	@test -n "$(FILE)" || { echo "make restore: name the backup, e.g. make restore FILE=backups/tracker-20260131-120000.dump (add CONFIRM=yes to skip the question)." >&2; exit 2; }
	$(BIN)/python manage.py restore "$(FILE)" $(if $(filter yes,$(CONFIRM)),--no-input)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles test-artifacts
