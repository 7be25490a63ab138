#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    try:
        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured
    except ImportError:
        # Django's own guard, as one line: usually the system Python instead of the project's .venv.
        sys.exit(
            "Couldn't import Django: run manage.py with .venv/bin/python (make run creates .venv), or activate "
            "the virtual environment first."
        )

    try:
        settings.INSTALLED_APPS  # noqa: B018 - reading a setting reads the environment (config/env.py)
    except ImproperlyConfigured as error:
        # A missing or bad variable: its message names it and says what to do; a traceback would only bury it.
        sys.exit(f"Refusing to start: {error}")
    from tracker.domain.context import new_request_id, set_process_request_id
    from tracker.ops.commandline import run

    # What a command changes is logged and stored under one id ("cmd-…"), as a request's is under its own.
    set_process_request_id(new_request_id("cmd"))
    run(sys.argv)


if __name__ == "__main__":
    main()
