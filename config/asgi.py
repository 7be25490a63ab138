import os

from django.core.asgi import get_asgi_application

from config import statement_timeout

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_asgi_application()

# Web processes only: a statement of a request may take DB_STATEMENT_TIMEOUT_MS at most (commands are not limited).
statement_timeout.install()
