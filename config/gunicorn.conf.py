"""gunicorn's settings for `make serve` and deploy/cooperation-tracker.service, read from the environment.

BIND: where to listen, 127.0.0.1:8000 by default (nginx in front, deploy/nginx.conf), or unix:/run/….sock.
WEB_CONCURRENCY: worker processes, 2 × CPU cores + 1 by default.
"""

import multiprocessing
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config.env import env_int, env_str  # the project folder is on the path from here on

wsgi_app = "config.wsgi:application"
bind = [env_str("BIND", "127.0.0.1:8000")]
workers = env_int("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1, minimum=1)
# Every request on stdout (the journal, under systemd), errors on stderr.
accesslog = "-"
errorlog = "-"
# A request (an export, a bulk upload) may take a while; a worker stuck longer than this is restarted.
timeout = 60
# The largest request line gunicorn reads (its default, 4,094, answered longer ones with its own HTML page): the
# application refuses addresses over MAX_URL_LENGTH with a 414 in the API's format (tracker/middleware/limits.py).
limit_request_line = 8190
graceful_timeout = 30
# gunicorn's control socket is not used here (and ProtectSystem=strict leaves it nowhere to be written).
control_socket_disable = True
