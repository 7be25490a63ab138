"""Events delivered on time under load: partner clients write through gunicorn + PostgreSQL as fast as the machine
takes, for a bounded time, while one task worker (`manage.py db_worker`, as in production) fans the events out
to a webhook receiver on loopback. Measured: each delivery's latency (received at the receiver − the change's
`time` in the body), the longest the task queue got (tasks ready to run, sampled every 0.5 s), and events that
never arrived.

    make deliverybench                          # 2 minutes, 6 writers
    python -m bench.delivery --duration 20      # a quick look

Targets (issue #14): latency p50 ≤ 1 s and p99 ≤ 5 s, the queue bounded (not growing with the writes), none lost.
Loopback only. Results go to stdout and to bench/DELIVERY.md.
"""

import argparse
import datetime
import http.client
import http.server
import itertools
import json
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench import db, servers
from bench.context import BASE_DIR, Bench
from bench.load import _prepare

DB_NAME = "tracker_delivery"
DRAIN_TIMEOUT = 120  # seconds to wait, after the writers stop, for every event to be delivered


def main(argv=None):
    args = _arguments(argv)
    db.ensure_postgres()
    work = Path(BASE_DIR / "test-artifacts" / "delivery")
    work.mkdir(parents=True, exist_ok=True)
    bench = Bench(args=args, work_dir=work, cache_url="redis://127.0.0.1:6379/8")
    bench.env["WEBHOOK_ALLOW_PRIVATE_NETWORKS"] = "1"
    receiver = Receiver()
    worker = None
    try:
        _prepare(bench)
        server = servers.start_gunicorn("delivery", "config.wsgi:application", workers=2, env=bench.env, log_dir=work)
        _subscribe(server.port, bench, receiver.url)
        with bench.connect() as connection:
            (first_event,) = connection.execute("SELECT coalesce(max(id), 0) FROM tracker_event").fetchone()
        worker = [_start_worker(bench, work) for _ in range(args.workers)]
        result = Run(args, server.port, bench, receiver, first_event).go()
    finally:
        for process in worker or ():
            process.terminate()
            process.wait(30)
        servers.stop_all()
        receiver.stop()
    _report(args, result)
    return 0 if result["passed"] else 1


def _arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=120, help="seconds of writes (default 120)")
    parser.add_argument("--clients", type=int, default=6, help="concurrent writers (default 6)")
    parser.add_argument("--workers", type=int, default=1, help="task worker processes (default 1)")
    args = parser.parse_args(argv)
    args.db_name = DB_NAME
    return args


class Receiver:
    """A webhook receiver on loopback that notes when each delivery arrived and what it said."""

    def __init__(self):
        self.received = {}  # delivery id -> (event name, change time, arrival time)
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                arrived = time.time()
                changed = datetime.datetime.fromisoformat(body["time"].replace("Z", "+00:00")).timestamp()
                with receiver.lock:
                    receiver.received.setdefault(body["delivery"], (body["event"], changed, arrived))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()


def _subscribe(port, bench, url):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = json.dumps({"name": "delivery bench", "url": url, "events": ["*"]})
    headers = {**bench.auth_headers, "Content-Type": "application/json"}
    connection.request("POST", "/api/v1/webhooks/", body=body, headers=headers)
    response = connection.getresponse()
    if response.status != 201:
        raise RuntimeError(f"subscribing failed: {response.status} {response.read()[:300]}")
    response.read()


def _start_worker(bench, work):
    log = open(work / "db_worker.log", "ab")  # noqa: SIM115 (the worker keeps it until it ends)
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.1"],
        cwd=BASE_DIR,
        env=bench.env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


class Run:
    def __init__(self, args, port, bench, receiver, first_event):
        self.args, self.port, self.bench, self.receiver = args, port, bench, receiver
        self.first_event = first_event
        self.writes = 0
        self.failed = 0
        self.lock = threading.Lock()
        self.queue_samples = []  # (seconds since start, ready tasks)
        self.started = 0.0

    def go(self):
        indicators = self._indicators()
        self.started = time.monotonic()
        writers = [
            threading.Thread(target=self._writer, args=(n, indicators[n :: self.args.clients]))
            for n in range(self.args.clients)
        ]
        sampler = threading.Thread(target=self._sample_queue, daemon=True)
        sampler.start()
        for thread in writers:
            thread.start()
        for thread in writers:
            thread.join()
        writing_ended = time.monotonic()
        expected = self._events()
        while len(self.receiver.received) < expected and time.monotonic() - writing_ended < DRAIN_TIMEOUT:
            time.sleep(0.5)
        drained_after = time.monotonic() - writing_ended
        return self._verdict(expected, drained_after)

    def _indicators(self):
        with self.bench.connect() as connection:
            rows = connection.execute(
                "SELECT code FROM tracker_tradeindicator WHERE frequency = 'month' ORDER BY code LIMIT %s",
                (self.args.clients * 20,),
            )
            return [row[0] for row in rows]

    def _writer(self, number, indicators):
        periods = iter(
            (indicator, f"{year}-{month:02}")
            for year in range(1950, 2015)
            for month in range(1, 13)
            for indicator in indicators
        )
        counter = itertools.count(1)
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {**self.bench.auth_headers, "Content-Type": "application/json"}
        while time.monotonic() - self.started < self.args.duration:
            indicator, period = next(periods)
            body = json.dumps([{"period": period, "value": f"{number}{next(counter)}.25"}])
            try:
                connection.request("PUT", f"/api/v1/indicators/{indicator}/observations/", body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                connection.close()
                ok = False
            with self.lock:
                self.writes += ok
                self.failed += not ok
        connection.close()

    def _sample_queue(self):
        with self.bench.connect() as connection:
            while True:
                (ready,) = connection.execute(
                    "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'READY' "
                    "AND (run_after <= now() OR run_after > now() + interval '100 years')"  # (no run_after: the max)
                ).fetchone()
                self.queue_samples.append((round(time.monotonic() - self.started, 1), ready))
                time.sleep(0.5)

    def _events(self):
        """Events written since the subscription: each must arrive, once."""
        with self.bench.connect() as connection:
            (count,) = connection.execute(
                "SELECT count(*) FROM tracker_event WHERE id > %s", (self.first_event,)
            ).fetchone()
        return count

    def _verdict(self, expected, drained_after):
        latencies = sorted(arrived - changed for _event, changed, arrived in self.receiver.received.values())
        quantile = statistics.quantiles(latencies, n=100) if len(latencies) >= 2 else [0.0] * 99
        longest_queue = max((ready for _t, ready in self.queue_samples), default=0)
        p50, p99 = quantile[49], quantile[98]
        lost = max(0, expected - len(self.receiver.received))
        return {
            "duration": self.args.duration,
            "clients": self.args.clients,
            "task workers": self.args.workers,
            "writes": self.writes,
            "failed writes": self.failed,
            "events": expected,
            "delivered": len(self.receiver.received),
            "undelivered 120 s after the writes": lost,
            "p50 s": round(p50, 3),
            "p99 s": round(p99, 3),
            "max s": round(latencies[-1], 3) if latencies else 0.0,
            "longest ready queue": longest_queue,
            "drained after s": round(drained_after, 1),
            "passed": p50 <= 1 and p99 <= 5 and lost == 0 and self.failed == 0,
        }


def _report(args, result):
    lines = [f"- {name}: {value}" for name, value in result.items()]
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    heading = f"## {stamp}: {args.duration:g} s, {args.clients} writers, {args.workers} task worker(s)"
    text = f"\n{heading}\n\n" + "\n".join(lines) + "\n"
    print(text)
    path = BASE_DIR / "bench" / "DELIVERY.md"
    if not path.exists():
        path.write_text("# Event delivery under load (`make deliverybench`, bench/delivery.py)\n")
    with path.open("a") as file:
        file.write(text)


if __name__ == "__main__":
    sys.exit(main())
