"""Typed readers for environment variables.

Each reader fails at start-up with ImproperlyConfigured naming the variable and the accepted values,
so a typo in a deployment is found before the first request, not in the middle of one.
"""

import os
import zoneinfo
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

__all__ = ["env_bool", "env_cache", "env_database", "env_int", "env_list", "env_str", "env_timezone", "load_env_file"]

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name):
    return os.environ.get(name)


def env_str(name, default=None):
    """A string; `*_FILE` names a file holding it (for secrets mounted by an orchestrator)."""
    path = _raw(f"{name}_FILE")
    if path:
        try:
            with open(path, encoding="utf-8") as handle:
                return handle.read().strip()
        except OSError as error:
            raise ImproperlyConfigured(f"{name}_FILE={path!r} cannot be read: {error.strerror}.") from error
    value = _raw(name)
    return default if value is None else value


def env_bool(name, default):
    value = _raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean: use one of 1/0, true/false, yes/no, on/off.")


def env_int(name, default, minimum=None):
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={value!r} must be at least {minimum}.")
    return number


def env_list(name, default):
    """A comma-separated list; blank items are dropped."""
    value = _raw(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_timezone(name, default):
    value = _raw(name) or default
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(f"{name}={value!r} is not an IANA time zone such as Europe/Minsk.") from None
    return value


def env_database(name, default, conn_max_age):
    url = env_str(name, default)
    try:
        config = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=conn_max_age > 0)
    except (ValueError, KeyError) as error:
        raise ImproperlyConfigured(
            f"{name}={url!r} is not a database URL: use sqlite:///path or postgres://user@host:port/name ({error})."
        ) from None
    if config["ENGINE"] not in ("django.db.backends.sqlite3", "django.db.backends.postgresql"):
        raise ImproperlyConfigured(f"{name}={url!r}: only SQLite and PostgreSQL are supported.")
    return config


def env_cache(name, default):
    """`redis://host:port/db` for a cache shared by all processes, `locmem://` for this process only."""
    url = env_str(name, default)
    if url.startswith(("redis://", "rediss://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url == "locmem://":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    raise ImproperlyConfigured(f"{name}={url!r} is not a cache URL: use redis://host:6379/0 or locmem://.")


def load_env_file(path):
    """Read `NAME=value` lines from a local file (`.env`, git-ignored) as defaults: a variable set in the real
    environment always wins, so a deployment is never changed by a file left in the folder."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        if not sep or not name.strip().isidentifier():
            raise ImproperlyConfigured(f"{path}, line {number}: write NAME=value, not {line!r}.")
        os.environ.setdefault(name.strip(), value.strip())
