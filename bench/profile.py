"""Time and profile one URL in-process, as production settings serve it: where a request's time goes.

    .venv/bin/python -m bench.profile --db tracker_bench --url '/api/v1/initiatives/?status=in_progress'
    .venv/bin/python -m bench.profile --db tracker_bench --url / --as-superuser --pyinstrument

Runs the served app's settings and environment (bench.context.app_environment: DEBUG off), with the per-process
cache unless `--cache redis://…` (as `make bench` serves), against an existing database (one a
`make bench … --keep-db` run left), through Django's test client: the middleware stack the WSGI application
picks (config/handlers.py: the API's own for a key) and the view, without HTTP and gunicorn. The API is called
with a fresh unrestricted partner key (created in that database), a page as a superuser. Prints the mean time
per request after a warm-up; `--pyinstrument` or `--cprofile` add a profile of the same requests. The figures
in RESULTS.md's "Where the targets are out of reach" were taken this way.
"""

import argparse
import logging
import os
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setup(database, cache_url="locmem://"):
    sys.path.insert(0, str(ROOT))
    from bench.context import app_environment

    # The served app's environment; by default the per-process cache, so a profile needs no Redis.
    os.environ.update(app_environment(database, cache_url), DB_CONN_MAX_AGE="60")
    import django

    django.setup()
    logging.disable(logging.CRITICAL)  # the access log would drown the figures
    from django.conf import settings

    # Pages name their static files; without a collectstatic run the manifest is missing.
    settings.STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"


def _client(as_superuser):
    from django.contrib.auth import get_user_model
    from django.test import Client

    from tracker.models import ApiKey

    if as_superuser:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(get_user_model().objects.filter(is_superuser=True).earliest("pk"))
        return client
    _key, token = ApiKey.issue(name=f"bench-profile-{secrets.token_hex(4)}")
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")
    client.handler = _api_handler()  # as config.wsgi serves a key's request (config/handlers.py)
    return client


def _api_handler():
    from django.test.client import ClientHandler

    from config.handlers import middleware_of

    class ApiStackHandler(ClientHandler):
        def load_middleware(self, is_async=False):
            with middleware_of("API_MIDDLEWARE"):
                super().load_middleware(is_async)

    return ApiStackHandler()


def _time(client, url, requests):
    started = time.perf_counter()
    for _ in range(requests):
        client.get(url)
    return (time.perf_counter() - started) / requests * 1000


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="tracker_bench", help="database name on 127.0.0.1 (default tracker_bench)")
    parser.add_argument("--url", required=True)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--as-superuser", action="store_true", help="a logged-in superuser instead of an API key")
    parser.add_argument(
        "--cache",
        default="locmem://",
        help="CACHE_URL: the cache and the rate budgets (default locmem://; `make bench` serves with "
        "redis://127.0.0.1:6379/9 when Redis answers)",
    )
    parser.add_argument("--pyinstrument", action="store_true")
    parser.add_argument("--cprofile", action="store_true", help="cProfile, sorted by --sort")
    parser.add_argument(
        "--sort", default="cumulative", choices=["cumulative", "tottime"], help="cProfile's order (default cumulative)"
    )
    args = parser.parse_args(argv)
    _setup(args.db, args.cache)
    client = _client(args.as_superuser)
    status = client.get(args.url).status_code
    if status != 200:
        parser.error(f"{args.url} answered {status}")
    _time(client, args.url, 30)  # warm-up: connections, prepared statements, caches
    print(f"{_time(client, args.url, args.requests):.2f} ms per request ({args.requests} requests, {args.url})")
    if args.pyinstrument:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        with profiler:
            _time(client, args.url, args.requests)
        print(profiler.output_text(color=False))
    if args.cprofile:
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.runcall(_time, client, args.url, args.requests)
        pstats.Stats(profile).sort_stats(args.sort).print_stats(60)


if __name__ == "__main__":
    main()
