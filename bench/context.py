"""What every part of a benchmark run shares: the options, the environment of the app, the principals."""

import os
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench import db

__all__ = ["BASE_DIR", "Bench", "app_environment", "log"]

BASE_DIR = Path(__file__).resolve().parent.parent
REDIS_DB = 9  # the Redis database the bench's throttle counters use (flushed at start)


_STARTED = time.monotonic()


def log(message):
    print(f"[bench {time.monotonic() - _STARTED:6.1f} s] {message}", flush=True)


def app_environment(db_name, cache_url):
    """The app as production runs it: DEBUG off, its own secret, only loopback as host, persistent database
    connections (DB_CONN_MAX_AGE defaults to 60 without DEBUG) and a throttle rate no run can reach, so the
    throttle's cache round trips are measured but never answer 429. ENV_FILE=/dev/null keeps the developer's
    .env (DEBUG=1) out. Used by the served app and by `python -m bench.profile`."""
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "ENV_FILE": "/dev/null",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "http://127.0.0.1",
        # Plain HTTP on loopback, as behind the TLS-ending proxy of a deployment: no redirect to https.
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": db.url(db_name),
        "CACHE_URL": cache_url,
        "API_THROTTLE_RATE": "100000000/minute",
        "TIME_ZONE": os.environ.get("TIME_ZONE", "Europe/Minsk"),
    }


@dataclass
class Bench:
    args: object
    work_dir: Path
    cache_url: str
    env: dict = field(default_factory=dict)
    token: str = ""  # the partner API key (Bearer)
    session_cookie: str = ""  # a logged-in superuser's session, for the pages
    sizes: dict = field(default_factory=dict)
    targets: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)
    load_at_start: float = 0.0  # the 1-minute load average when the run began: was the machine busy?

    def __post_init__(self):
        self.env = {
            **os.environ,
            **app_environment(self.args.db_name, self.cache_url),
            "BENCH_STATIC_ROOT": str(self.work_dir / "static"),
            "BENCH_DSN": db.url(self.args.db_name),
            "PYTHONUNBUFFERED": "1",
        }

    @property
    def auth_headers(self):
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def cookie_headers(self):
        return {"Cookie": f"sessionid={self.session_cookie}"}

    def manage(self, *arguments, timed=None):
        """Run `manage.py …` under the bench settings; return its output. Fails loudly with that output."""
        started = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "manage.py", *arguments],
            cwd=BASE_DIR,
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
        elapsed = time.perf_counter() - started
        if out.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(arguments)} failed ({out.returncode}):\n{out.stdout}{out.stderr}")
        if timed:
            self.timings[timed] = elapsed
        return out.stdout, elapsed

    def connect(self, **kwargs):
        return db.connect(self.args.db_name, **kwargs)
