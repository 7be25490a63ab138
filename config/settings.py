"""Settings for cooperation-tracker, read from the environment (see README, "Configuration")."""

import os
from datetime import timedelta
from pathlib import Path

from csp import constants as csp
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_cache, env_database, env_int, env_list, env_str, env_timezone, load_env_file

BASE_DIR = Path(__file__).resolve().parent.parent

# Local defaults for development (`make` writes DEBUG=1 there on a fresh checkout); ENV_FILE names another file.
load_env_file(os.environ.get("ENV_FILE", BASE_DIR / ".env"))

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY (or SECRET_KEY_FILE) in production, "
            "or DEBUG=1 for local development."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])

INSTALLED_APPS = [
    # Before the admin: it patches the models (tracker/translation.py) before the admin reads their fields.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "django.contrib.humanize",
    "django.contrib.postgres",  # full-text and trigram search (tracker/domain/text_search.py)
    "simple_history",
    "import_export",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "axes",
    "tracker",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The request id (X-Request-ID) and access log first, so they cover every response below, errors included.
    "tracker.middleware.request_id.RequestIdMiddleware",
    # 503 pages instead of 500s while the database cannot be reached (the API answers problem+json itself).
    "tracker.middleware.database.DatabaseUnavailableMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # A signed-in user's own language wins over the browser's (tracker/middleware/language.py).
    "tracker.middleware.language.UserLanguageMiddleware",
    # Bodies over DATA_UPLOAD_MAX_MEMORY_SIZE (413) and NUL characters in parameters (400), before anything reads
    # them; after LocaleMiddleware, so the answer is in the user's language.
    "tracker.middleware.limits.RequestLimitsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]
# API requests without a session cookie (a partner system's key) skip what only pages use: sessions, the CSRF
# cookie, the signed-in user and their language, messages, static files, simple-history's request and the login
# lockout (config/handlers.py). Every header the API answers with is still written.
PAGE_ONLY_MIDDLEWARE = {
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tracker.middleware.language.UserLanguageMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
}
API_MIDDLEWARE = [name for name in MIDDLEWARE if name not in PAGE_ONLY_MIDDLEWARE]

ROOT_URLCONF = "config.urls"
# Forms render their widgets through TEMPLATES, so that templates/django/forms/widgets/ can write each option in
# place instead of including a template for it (a filter form's 150 options: bench/RESULTS.md, "Gains").
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tracker.web.context_processors.header_counts",
            ],
        },
    },
]

# Persistent connections in production (health-checked, so a restarted database is reconnected to);
# per-request connections in development, where the SQLite file is local anyway.
DB_CONN_MAX_AGE = env_int("DB_CONN_MAX_AGE", 0 if DEBUG else 60, minimum=0)
DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}", DB_CONN_MAX_AGE)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock at BEGIN, so concurrent writers queue instead of
    # failing half-way with "database is locked"; WAL lets readers go on meanwhile.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    # While PostgreSQL cannot be reached, requests fail fast (503) instead of hanging on connect; a
    # `?connect_timeout=` in DATABASE_URL wins.
    DB_CONNECT_TIMEOUT = env_int("DB_CONNECT_TIMEOUT", 3, minimum=1)
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", DB_CONNECT_TIMEOUT)
    # Server-side parameter binding lets psycopg prepare a statement it has run five times on a connection, so
    # PostgreSQL stops planning the hot queries (the API list's joins took longer to plan than to run; see
    # bench/RESULTS.md). DB_PREPARED_STATEMENTS=0 behind a pooler in transaction mode, which cannot keep them.
    if env_bool("DB_PREPARED_STATEMENTS", True):
        DATABASES["default"]["OPTIONS"].setdefault("server_side_binding", True)
        DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", 5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
# The language of a visitor whose browser asks for none we have, of emails to users without a preference, and of
# commands: Russian, as both sides of the cooperation work in it, unless the installation says otherwise.
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "ru")
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(f"LANGUAGE_CODE={LANGUAGE_CODE!r}: use one of {', '.join(dict(LANGUAGES))}.")
LOCALE_PATHS = [BASE_DIR / "locale"]
# Content (titles, names, summaries) is kept in these languages, Russian first: a text missing in one language
# reads in the other (tracker/translation.py). The interface may offer more languages than the content has.
MODELTRANSLATION_LANGUAGES = ("ru", "en")
MODELTRANSLATION_DEFAULT_LANGUAGE = "ru"
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("ru", "en")}
# One unambiguous date style per language on every surface (config/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = env_timezone("TIME_ZONE", "Europe/Minsk")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where `collectstatic` gathers the files whitenoise serves: outside the code in production (deploy/), so the
# code can stay read-only.
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "my-work"  # which sends those who own or watch nothing on to the dashboard
LOGOUT_REDIRECT_URL = "login"

# --- production: HTTPS, browser security headers, sessions, login protection (README, "Configuration") ---------

# Behind nginx (deploy/nginx.conf), which ends TLS and says so in X-Forwarded-Proto / X-Forwarded-For. Trust
# those headers only when a proxy you run sets them: a client reaching gunicorn directly could forge them.
TRUST_X_FORWARDED_PROTO = env_bool("TRUST_X_FORWARDED_PROTO", False)
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", False)
if TRUST_X_FORWARDED_PROTO:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Plain-HTTP requests are redirected to HTTPS, except the health checks a load balancer or systemd sends on HTTP.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# HSTS: browsers refuse plain HTTP to this host for a year after their first visit. SECURE_HSTS_SECONDS=0 turns it
# off (a plain-HTTP intranet). Preloading commits the whole domain, so its owner decides; while it is off, Django's
# reminder about it (security.W021) is silenced so that `check --deploy --fail-level WARNING` passes.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# Cookies only over HTTPS; SECURE_COOKIES=0 for a plain-HTTP intranet (or the browser never sends them back).
SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
# Origins allowed to POST forms besides this host itself, e.g. "https://tracker.example.org" when the proxy
# rewrites the Host header.
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "tracker.api.errors.csrf_failure"  # problem+json under /api/, Django's page elsewhere

# A session lasts a working day from the login, then the user logs in again; scripts cannot read its cookie, and
# other sites' forms do not get it sent along.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60, minimum=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# django-csp: scripts and styles only from this site's own files, never inline. The two inline <style> blocks of
# third-party pages (Swagger UI's, the browsable API's code highlighting) carry the request's nonce
# (templates/drf_spectacular/, templates/rest_framework/); Swagger UI's start-up script is a separate file
# (SpectacularSwaggerSplitView). style-src-attr allows style="…" attributes only: DRF's browsable API,
# django-import-export's export form and django-simple-history's history list write a few; an attribute holds no
# selectors, so it cannot read the page the way an injected <style> block could, and those stay refused.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF, csp.NONCE],
        "style-src-attr": [csp.UNSAFE_INLINE],
        "img-src": [csp.SELF, "data:"],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "frame-ancestors": [csp.NONE],
        "form-action": [csp.SELF],
    },
}
# django-permissions-policy: no page here uses a camera, a microphone, the location and so on; nor may anything
# embedded in one.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "xr-spatial-tracking",
    )
}

# django-axes: after AXES_FAILURE_LIMIT wrong passwords for one username from one address, that pair is refused
# (429 and the lockout page, on the pages' login and the admin's alike) for AXES_COOLOFF_MINUTES; other users and
# addresses are unaffected. An administrator unlocks sooner in the admin ("Access attempts") or with
# `manage.py axes_reset_username NAME`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: it refuses a locked-out login before the password is checked
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_MINUTES = env_int("AXES_COOLOFF_MINUTES", 15, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tracker.web.lockout.lockout_response"
# The client's address: the one nginx saw (the right-most X-Forwarded-For entry) with TRUST_X_FORWARDED_FOR,
# else the connection's.
AXES_CLIENT_IP_CALLABLE = "tracker.web.lockout.client_ip"
AXES_USERNAME_CALLABLE = "tracker.web.lockout.client_username"

# The side this installation works for: trade figures are read with it as the reporter.
HOME_REGION = env_str("HOME_REGION", "BY")

# django-import-export: every import runs in a transaction, so a file with one bad row writes nothing.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# django-simple-history: record the acting user and keep the admin history page.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_REVERT_DISABLED = True

# A cache shared by every app process (throttling counts must add up across workers): Redis in production,
# this process's memory for a first run.
CACHES = {"default": env_cache("CACHE_URL", "locmem://")}
# The API's rate budgets (tracker.api.throttling) are counted beside it: in the same Redis, or in this process.
API_THROTTLE_STORAGE = CACHES["default"].get("LOCATION", "memory://")
# A verified API key is kept in the process this long (tracker/api/keyring.py), where the budgets are in Redis;
# any change to a key is still seen by its next request. 0: every request looks its key up.
API_KEY_KEEP_SECONDS = env_int("API_KEY_KEEP_SECONDS", 60, minimum=0)

API_PAGE_SIZE = env_int("API_PAGE_SIZE", 50, minimum=1)
API_MAX_PAGE_SIZE = env_int("API_MAX_PAGE_SIZE", 500, minimum=1)
API_MAX_BULK_OBSERVATIONS = env_int("API_MAX_BULK_OBSERVATIONS", 10_000, minimum=1)  # more: 413

# --- resource limits: no request may take unbounded memory or time (README, "Resource limits") -------------------

# A request body larger than this is refused with 413 before it is read (tracker.middleware.limits), on the
# pages and the API alike. Files uploaded to the admin's import do not count: above FILE_UPLOAD_MAX_MEMORY_SIZE
# they are spooled to a temporary file instead of memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024, minimum=1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2_621_440, minimum=0)
# Path and query of one address, in characters: longer ones are answered 414 (tracker/middleware/limits.py). The
# default fits the request line gunicorn reads (8,190 bytes, config/gunicorn.conf.py) with the method and version.
MAX_URL_LENGTH = env_int("MAX_URL_LENGTH", 8000, minimum=256)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("DATA_UPLOAD_MAX_NUMBER_FIELDS", 1000, minimum=1)  # more: 400
# Rows one export may have (the pages' initiative list, the API's observations.csv); more is a 413 saying by how
# much. XLSX is built whole in a temporary file before anything is sent, so its limit is lower.
EXPORT_MAX_ROWS = env_int("EXPORT_MAX_ROWS", 2_000_000, minimum=1)
# Days after completing or cancelling an initiative during which its owner may reopen it (with a reason); after
# them, an administrator.
REOPEN_GRACE_DAYS = env_int("REOPEN_GRACE_DAYS", 7, minimum=0)
# Days a read notification stays listed in the app before `send_digest` prunes it; unread ones stay.
NOTIFICATION_KEEP_DAYS = env_int("NOTIFICATION_KEEP_DAYS", 90, minimum=1)
# My work: how far ahead deadlines are listed, and after how many days without a change an initiative waits on you.
MY_WORK_HORIZON_DAYS = env_int("MY_WORK_HORIZON_DAYS", 30, minimum=1)
MY_WORK_QUIET_DAYS = env_int("MY_WORK_QUIET_DAYS", 30, minimum=1)
# Where the meeting file's PDF and chart image find DejaVu Sans (Debian: fonts-dejavu-core); without it no PDF.
DOCUMENT_FONT_DIR = env_str("DOCUMENT_FONT_DIR", "/usr/share/fonts/truetype/dejavu")
EXPORT_MAX_XLSX_ROWS = env_int("EXPORT_MAX_XLSX_ROWS", 100_000, minimum=1)
# PostgreSQL cancels a statement of a web request after this long (0: never), and the API answers 503. Applied
# by the web entry points only (config/statement_timeout.py): commands and task workers run without it.
DB_STATEMENT_TIMEOUT_MS = env_int("DB_STATEMENT_TIMEOUT_MS", 30_000, minimum=0)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tracker.api.auth.BearerKeyAuthentication",
        "tracker.api.auth.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["tracker.api.filters.GivenFiltersBackend"],
    "DEFAULT_PAGINATION_CLASS": "tracker.api.pagination.KeysetPagination",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "tracker.api.schema.TrackerAutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["tracker.api.throttling.PrincipalRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"principal": env_str("API_THROTTLE_RATE", "1200/minute")},
    "EXCEPTION_HANDLER": "tracker.api.errors.problem_exception_handler",
    # JSON bodies only, so the schema offers generated clients one body type (a form or multipart body is 415);
    # JSON nested too deeply to read is answered 400 rather than 500.
    "DEFAULT_PARSER_CLASSES": ["tracker.api.parsers.JSONParser"],
    "DEFAULT_METADATA_CLASS": "tracker.api.metadata.Metadata",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "cooperation-tracker API",
    "DESCRIPTION": "Initiatives, their journal and milestones, and trade figures, for partner systems. "
    "Authenticate with `Authorization: Bearer <key>`.",
    "VERSION": "1.0.0",
    "LICENSE": {"name": "MIT", "url": "https://opensource.org/licenses/MIT"},
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "tracker.api.schema.typed_nullables"],
    "SERVERS": [{"url": "/", "description": "This server"}],
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No badge from validator.swagger.io: the page loads nothing from other sites (CONTENT_SECURITY_POLICY).
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "tracker.domain.choices.Status",
        "HealthEnum": "tracker.domain.choices.Health",
    },
}

# --- background work: notifications and webhooks (tracker.delivery.outbox, README "Notifications and webhooks") ---

# django-tasks: "db" queues tasks in the database, where `manage.py db_worker` processes run them (as many as
# you like, on as many machines); "immediate" runs each task in the process that queues it, after the commit
# (development only: webhook retries then wait for the next change instead of their backoff).
_TASK_BACKENDS = {
    "db": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS_BACKEND = env_str("TASKS_BACKEND", "db")
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND={TASKS_BACKEND!r} is not a task backend: use db (run `manage.py db_worker`) "
        "or immediate (development only)."
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND]}}
# How long a worker may hold a claimed piece of work (a dispatch run, an email) before another worker assumes
# it died and takes the work over. Webhook deliveries hold theirs for three times WEBHOOK_TIMEOUT, at least this.
TASK_LEASE = env_int("TASK_LEASE", 60, minimum=1)

# Email: printed to the console in development; SMTP in production.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "cooperation-tracker@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Who hears of a webhook disabled for failures when its key names no one: "a@example.org,b@example.org".
ADMINS = [(address, address) for address in env_list("ADMINS", [])]
# The address of this installation as people and partners reach it, for links in emails and webhook payloads.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")

WEBHOOK_TIMEOUT = env_int("WEBHOOK_TIMEOUT", 5, minimum=1)  # seconds to connect, and to wait for the answer
WEBHOOK_MAX_FAILURES = env_int("WEBHOOK_MAX_FAILURES", 8, minimum=1)  # consecutive; then the subscription is off
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 8, minimum=1)  # per delivery
WEBHOOK_RETRY_BASE = env_int("WEBHOOK_RETRY_BASE", 2, minimum=0)  # seconds; doubles per attempt, full jitter
WEBHOOK_RETRY_CAP = env_int("WEBHOOK_RETRY_CAP", 3600, minimum=1)  # seconds: the longest wait between attempts
WEBHOOK_MAX_RESPONSE_BYTES = 64 * 1024  # read of a receiver's answer; the first KB is kept
WEBHOOK_ALLOW_PRIVATE_NETWORKS = env_bool("WEBHOOK_ALLOW_PRIVATE_NETWORKS", False)
# After a secret is rotated, deliveries are signed with the new and the previous secret for this long (hours), so a
# receiver can switch over without losing any.
WEBHOOK_SECRET_OVERLAP_HOURS = env_int("WEBHOOK_SECRET_OVERLAP_HOURS", 24, minimum=0)

# --- operations: logs and backups (README, "Health checks, logs and request ids" and "Backups") -------------------

# One JSON object per line on stdout for a log collector (tracker/ops/logging.py), or readable text in development.
# Every line logged while serving a request or command carries its id (X-Request-ID); `tracker.request` writes
# one access line per request.
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json").lower()
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r} is not a log format: use json or text.")
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
    raise ImproperlyConfigured(f"LOG_LEVEL={LOG_LEVEL!r} is not a level: use DEBUG, INFO, WARNING or ERROR.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "formatters": {
        "json": {"()": "tracker.ops.logging.JsonFormatter"},
        "text": {"()": "tracker.ops.logging.TextFormatter"},
    },
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": LOG_FORMAT},
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "django.utils.log.AdminEmailHandler",
        },
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        # Django's records go to stdout through the root like every other; server errors also to ADMINS.
        "django": {"handlers": ["mail_admins"], "level": LOG_LEVEL, "propagate": True},
        # runserver's own access lines would repeat tracker.request's.
        "django.server": {"handlers": [], "level": "ERROR", "propagate": True},
        # django-axes announces itself at INFO in every process, commands included (whose output is on stdout).
        "axes.apps": {"level": "WARNING"},
        # fpdf2 subsets the PDF's font through fontTools, which logs every glyph table at INFO.
        "fontTools": {"level": "WARNING"},
    },
}

# `manage.py backup` / `make backup` write here (tracker/ops/backups.py); git-ignored.
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(BASE_DIR / "backups")))
