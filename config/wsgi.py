import os

import django

from config import statement_timeout

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup(set_prefix=False)  # as django.core.wsgi.get_wsgi_application does

from config.handlers import ByKind  # noqa: E402  (needs the settings configured)

# Pages and the API called with a key go through different middleware stacks (config/handlers.py).
application = ByKind()

# Web processes only: a statement of a request may take DB_STATEMENT_TIMEOUT_MS at most (commands are not limited).
statement_timeout.install()
