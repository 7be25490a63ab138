"""Settings the benchmark serves the app with: the project's own, plus the naive peer's route.

Everything else (DEBUG off, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, CACHE_URL, API_THROTTLE_RATE) comes from
the environment that bench/run.py sets, exactly as in production.
"""

import os
import tempfile
from pathlib import Path

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# collectstatic writes here, not into the project's staticfiles/: with DEBUG off the pages need the manifest.
STATIC_ROOT = Path(os.environ.get("BENCH_STATIC_ROOT", Path(tempfile.gettempdir()) / "tracker-bench-static"))
