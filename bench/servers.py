"""Starting and stopping gunicorn for the benchmark, and finding its worker processes.

Every server is started in its own process group and registered here, so `stop_all()` (called from run.py's
`finally`) ends each one even after an error or Ctrl-C. Nothing is ever killed by name.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["Server", "free_port", "gunicorn_version", "start_gunicorn", "stop_all", "wait_for_port"]

BASE_DIR = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")

_running = []


def free_port():
    """A port nobody listens on now (the kernel's pick for port 0); gunicorn binds it a moment later."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, process, timeout=60, log=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode} before listening{_tail(log)}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not listen on 127.0.0.1:{port} within {timeout} s{_tail(log)}")


def _tail(log):
    if log is None or not Path(log).exists():
        return ""
    return ":\n" + "\n".join(Path(log).read_text(errors="replace").splitlines()[-30:])


class Server:
    def __init__(self, name, process, port, log, workers):
        self.name, self.process, self.port, self.log, self.workers = name, process, port, log, workers

    def wait_ready(self):
        wait_for_port(self.port, self.process, log=self.log)
        # Listening comes from the master; wait until every worker has booted, so warm-up does not pay for it.
        deadline = time.monotonic() + 60
        while len(self.worker_pids()) < self.workers and time.monotonic() < deadline:
            time.sleep(0.1)
        return self

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self):
        """The master's children: gunicorn's workers (psutil is not a dependency, so read /proc)."""
        pids = []
        for task in Path(f"/proc/{self.process.pid}/task").glob("*"):
            with contextlib.suppress(OSError):
                pids += [int(pid) for pid in (task / "children").read_text().split()]
        return pids

    def stop(self):
        if self.process.poll() is None:
            # SIGTERM to the group: the master and its workers; gunicorn exits gracefully on it.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self in _running:
            _running.remove(self)


def start_gunicorn(name, app, *, workers, env, log_dir, wait=True):
    """Serve `app` (module:callable) with sync workers on a free loopback port.

    The same options for every server of the benchmark: sync workers, no control socket, no gunicorn access log, and
    a long timeout (a sync worker streaming a large export is not a hung worker). With wait=False it returns
    at once, so the workers boot while the caller does other work; call `wait_ready()` before using it.
    """
    port = free_port()
    log = Path(log_dir) / f"gunicorn-{name}.log"
    command = [
        str(GUNICORN),
        app,
        "--worker-class=sync",
        f"--workers={workers}",
        f"--bind=127.0.0.1:{port}",
        "--no-control-socket",
        "--timeout=600",
        f"--error-logfile={log}",
    ]
    # The app's own log lines (its access log included, as in production) go to the same file as gunicorn's.
    with open(log, "ab") as output:
        process = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdin=subprocess.DEVNULL, stdout=output, start_new_session=True
        )
    server = Server(name, process, port, log, workers)
    _running.append(server)
    if wait:
        server.wait_ready()
    return server


def stop_all():
    for server in list(_running):
        server.stop()


def gunicorn_version():
    out = subprocess.run([str(GUNICORN), "--version"], capture_output=True, text=True, check=False)
    return (out.stdout or out.stderr).strip().removeprefix("gunicorn (version ").rstrip(")")
