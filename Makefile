# Two commands matter on a fresh machine: `make run` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
# Local development runs with DEBUG on; production sets its own environment (README, "Operating").
export DEBUG ?= 1

.PHONY: loadtest faulttest deliverybench run serve test test-browser lint format migrate seeds users messages clean venv runtime-venv lock upgrade bench backup restore

# The venv holds one of the two locks (README, "Dependencies"): the runtime lock for `make run`, the development
# lock (runtime + test and lint tools) for the rest. bin/venv checks Python, rebuilds a broken .venv and installs
# a lock only when it changed.
runtime-venv: .env
	@PYTHON=$(PYTHON) VENV=$(VENV) bin/venv requirements.txt

venv: .env
	@PYTHON=$(PYTHON) VENV=$(VENV) bin/venv requirements-dev.txt

# Local defaults for manage.py run by hand (config/env.py reads them; the real environment wins).
.env:
	printf '# Local development defaults, never committed. Production sets real environment variables.\nDEBUG=1\n' > $@

# Write both locks again from pyproject.toml, keeping every version that still fits; `make upgrade` takes the
# newest release of everything (then run `make test` and commit the locks). uv: README, "Dependencies".
LOCK = $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes --quiet \
	--custom-compile-command "make lock"
lock: venv
	$(LOCK) $(LOCK_ARGS) -o requirements.txt
	$(LOCK) $(LOCK_ARGS) --group dev -c requirements.txt -o requirements-dev.txt

upgrade:
	$(MAKE) lock LOCK_ARGS=--upgrade

# Compiled catalogues (.mo) are built here from locale/*/LC_MESSAGES/django.po, never committed. Babel compiles
# them in Python, so neither `make run` nor a server needs GNU gettext (only `makemessages` does).
messages: runtime-venv
	$(BIN)/pybabel -q compile --domain django --directory locale

migrate: runtime-venv
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
	@test -x $(BIN)/gunicorn || { echo "make serve: $(BIN)/gunicorn is missing; run \`make runtime-venv messages\` first." >&2; exit 1; }
	$(BIN)/python manage.py collectstatic --no-input -v0
	$(BIN)/python manage.py migrate --no-input
	exec $(BIN)/gunicorn --config config/gunicorn.conf.py --no-control-socket config.wsgi

test: venv messages
	$(BIN)/pytest $(PYTEST_ARGS)

test-browser: venv messages
	$(BIN)/pytest -m browser tests/browser $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python manage.py makemigrations --check --dry-run

# The OpenAPI document against Redocly's recommended rules (tools/apilint: the CLI pinned with its integrity hash in
# package-lock.json, installed with `npm ci`; trailing slashes allowed, see redocly.yaml). Needs Node.js and npm.
apilint: venv
	@command -v npm >/dev/null || { echo "make apilint needs Node.js and npm: apt-get install -y nodejs npm"; exit 1; }
	cd tools/apilint && npm ci --no-audit --no-fund --silent
	$(BIN)/python manage.py spectacular --validate --fail-on-warn --file tools/apilint/schema.yaml
	cd tools/apilint && node_modules/.bin/redocly lint schema.yaml --config redocly.yaml

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

# Event delivery under sustained writes (bench/delivery.py, results appended to bench/DELIVERY.md): latency from a
# change to its webhook arriving on loopback, the task queue's length, nothing lost.
deliverybench: venv
	$(BIN)/python -m bench.delivery $(LOAD_ARGS)

# Backups (README, "Backups"): the whole database of DATABASE_URL into BACKUP_DIR (default backups/, git-ignored);
# prints the file written. `make restore FILE=backups/tracker-….dump` puts one back, asking first unless CONFIRM=yes.
backup: runtime-venv
	$(BIN)/python manage.py backup

restore: runtime-venv
	@test -n "$(FILE)" || { echo "make restore: name the backup, e.g. make restore FILE=backups/tracker-20260131-120000.dump (add CONFIRM=yes to skip the question)." >&2; exit 2; }
	$(BIN)/python manage.py restore "$(FILE)" $(if $(filter yes,$(CONFIRM)),--yes)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles test-artifacts
