"""Load and fault test: several clients read and write through gunicorn + PostgreSQL for a bounded time, keeping
a ledger of every write the server acknowledged; afterwards every acknowledged write must be in the database,
once. With --fault, PostgreSQL is stopped for a few seconds in the middle: the app must answer 503 (problem+json)
meanwhile, never another 5xx, and serve again within seconds of the database's return, without a restart.

    make loadtest                      # 2 minutes, 6 clients
    make faulttest                     # the same with PostgreSQL stopped for 5 s after a third of the time
    python -m bench.load --duration 20 --clients 4 [--fault]

Loopback only. Results go to stdout and to bench/LOAD.md.
"""

import argparse
import collections
import datetime
import http.client
import itertools
import json
import random
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

from bench import db, servers
from bench.context import BASE_DIR, Bench

DB_NAME = "tracker_load"
FIRST_YEAR, LAST_YEAR = 1950, 2014  # before any demo figure, so every write creates a row of its own


def main(argv=None):
    args = _arguments(argv)
    db.ensure_postgres()
    work = Path(BASE_DIR / "test-artifacts" / "load")
    work.mkdir(parents=True, exist_ok=True)
    bench = Bench(args=args, work_dir=work, cache_url="redis://127.0.0.1:6379/8")
    try:
        _prepare(bench)
        server = servers.start_gunicorn("load", "config.wsgi:application", workers=2, env=bench.env, log_dir=work)
        result = Run(args, server.port, bench).go()
    finally:
        servers.stop_all()
        db.ensure_postgres()  # never leave the cluster stopped, whatever happened
    _report(args, result)
    return 0 if result.passed else 1


def _arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=120, help="seconds of load (default 120)")
    parser.add_argument("--clients", type=int, default=6, help="concurrent clients (default 6)")
    parser.add_argument("--fault", action="store_true", help="stop PostgreSQL for --outage seconds mid-run")
    parser.add_argument("--outage", type=float, default=5, help="seconds PostgreSQL stays down (default 5)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    args.db_name = DB_NAME
    return args


def _prepare(bench):
    db.create_database(bench.args.db_name)
    bench.manage("migrate", "--no-input", "-v0")
    bench.manage("load_seeds")
    demo = ("--initiatives", "300", "--observations", "20000", "--seed", "1", "--no-progress")
    bench.manage("generate_demo_data", *demo)
    out, _ = bench.manage("create_api_key", "--name", "load-test", "--write")
    bench.token = next(word for word in out.split() if word.startswith("ctk_"))


class Run:
    """The clients, the ledger and the verdict."""

    def __init__(self, args, port, bench):
        self.args, self.port, self.bench = args, port, bench
        self.statuses = collections.Counter()
        self.bad = []  # (time, method, path, status, body) of every 5xx that is not an allowed 503
        self.acknowledged = {}  # (indicator, period) -> value, for every 200 of a write
        self.titles = collections.defaultdict(list)  # initiative -> titles in order: (title, acknowledged)
        self.lock = threading.Lock()
        self.outage = None  # (stopped_at, started_at) of PostgreSQL
        self.recovered_after = None
        self.started = 0.0

    def go(self):
        indicators, initiatives = self._targets()
        self.started = time.monotonic()
        threads = [
            threading.Thread(target=self._client, args=(n, indicators[n :: self.args.clients], initiatives[n]))
            for n in range(self.args.clients)
        ]
        for thread in threads:
            thread.start()
        if self.args.fault:
            self._fault()
        for thread in threads:
            thread.join()
        return self._verdict()

    def _targets(self):
        with self.bench.connect() as connection:
            indicators = [
                row[0]
                for row in connection.execute(
                    "SELECT code FROM tracker_tradeindicator WHERE frequency = 'month' ORDER BY code LIMIT %s",
                    (self.args.clients * 20,),
                )
            ]
            initiatives = [
                row[0]
                for row in connection.execute(
                    "SELECT code FROM tracker_initiative WHERE visibility IN ('shared', 'public') ORDER BY code "
                    "LIMIT %s",
                    (self.args.clients,),
                )
            ]
        return indicators, initiatives

    # --- a client -------------------------------------------------------------------------------------------

    def _client(self, number, indicators, initiative):
        rng = random.Random(self.args.seed * 1000 + number)
        periods = iter(
            (indicator, f"{year}-{month:02}")
            for year in range(FIRST_YEAR, LAST_YEAR + 1)
            for month in range(1, 13)
            for indicator in indicators
        )
        counter = itertools.count(1)
        connection = self._connection()
        while time.monotonic() - self.started < self.args.duration:
            choice = rng.random()
            if choice < 0.45:
                indicator, period = next(periods)
                value = f"{number}{next(counter)}.25"
                body = json.dumps([{"period": period, "value": value, "qualifier": "exact"}])
                status, _ = self._call(connection, "PUT", f"/api/v1/indicators/{indicator}/observations/", body)
                if status == 200:
                    with self.lock:
                        self.acknowledged[indicator, period] = value
            elif choice < 0.55:
                self._rename(connection, initiative, f"Load test {number}-{next(counter)}")
            elif choice < 0.8:
                self._call(connection, "GET", "/api/v1/initiatives/?page_size=20&ordering=code")
            else:
                self._call(connection, "GET", f"/api/v1/initiatives/{initiative}/")
        connection.close()

    def _rename(self, connection, initiative, title):
        status, response = self._call(connection, "GET", f"/api/v1/initiatives/{initiative}/")
        if status != 200:
            return
        etag = response.getheader("ETag")
        body = json.dumps({"title": title})
        self.titles[initiative].append((title, False))
        status, _ = self._call(connection, "PATCH", f"/api/v1/initiatives/{initiative}/", body, {"If-Match": etag})
        if status == 200:
            self.titles[initiative][-1] = (title, True)

    def _connection(self):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def _call(self, connection, method, path, body=None, headers=None):
        headers = {
            **self.bench.auth_headers,
            "Content-Type": "application/json",
            "Accept": "application/json",
            **(headers or {}),
        }
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as error:
            connection.close()  # http.client reconnects on the next request
            with self.lock:
                self.statuses["connection error"] += 1
                self.bad.append((self._now(), method, path, "connection error", str(error)))
            return None, None
        with self.lock:
            self.statuses[response.status] += 1
            if response.status >= 500 and not self._allowed(response, content):
                self.bad.append((self._now(), method, path, response.status, content[:300]))
            if response.status < 500 and self.outage and self.outage[1] and self.recovered_after is None:
                self.recovered_after = time.monotonic() - self.outage[1]
        return response.status, response

    def _allowed(self, response, content):
        """A 503 problem+json while the database is down (or coming back) is the promised answer."""
        if response.status != 503 or self.outage is None:
            return False
        return response.getheader("Content-Type", "").startswith("application/problem+json")

    def _now(self):
        return round(time.monotonic() - self.started, 2)

    # --- the fault --------------------------------------------------------------------------------------------

    def _fault(self):
        time.sleep(self.args.duration / 3)
        version = sorted(p.name for p in Path("/etc/postgresql").glob("*"))[-1]
        cluster = ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main"]
        stopped = time.monotonic()
        self.outage = (stopped, None)
        subprocess.run([*cluster, "stop", "-m", "fast"], check=True)
        time.sleep(self.args.outage)
        subprocess.run([*cluster, "start"], check=True)
        self.outage = (stopped, time.monotonic())

    # --- the verdict ------------------------------------------------------------------------------------------

    def _verdict(self):
        missing, wrong, versions = [], [], 0
        with self.bench.connect() as connection:
            rows = {
                (code, period): (str(value), version)
                for code, period, value, version in connection.execute(
                    "SELECT i.code, o.period, o.value, o.version FROM tracker_observation o "
                    "JOIN tracker_tradeindicator i ON i.id = o.indicator_id WHERE o.period < %s",
                    (f"{LAST_YEAR + 1}",),
                )
            }
            titles = dict(connection.execute("SELECT code, title FROM tracker_initiative"))
        for key, value in self.acknowledged.items():
            if key not in rows:
                missing.append(key)
            elif Decimal(rows[key][0]) != Decimal(value):
                wrong.append((key, value, rows[key][0]))
        versions = sum(1 for _value, version in rows.values() if version != 1)
        lost_titles = [code for code, history in self.titles.items() if not _title_kept(history, titles.get(code))]
        return Result(
            args=self.args,
            statuses=dict(self.statuses),
            bad=self.bad,
            acknowledged=len(self.acknowledged),
            stored=len(rows),
            missing=missing,
            wrong=wrong,
            rewritten=versions,
            lost_titles=lost_titles,
            renames=sum(1 for history in self.titles.values() for _t, ok in history if ok),
            outage=self.outage,
            recovered_after=self.recovered_after,
        )


def _title_kept(history, stored):
    """The stored title is the last acknowledged one, or one sent after it (its answer lost in the outage)."""
    acknowledged = [index for index, (_title, ok) in enumerate(history) if ok]
    if not acknowledged:
        return True
    return stored in [title for title, _ok in history[acknowledged[-1] :]]


class Result:
    def __init__(self, **fields):
        self.__dict__.update(fields)

    @property
    def passed(self):
        recovered = not self.args.fault or (self.recovered_after is not None and self.recovered_after < 15)
        return not (self.bad or self.missing or self.wrong or self.rewritten or self.lost_titles) and recovered


def _report(args, result):
    total = sum(result.statuses.values())
    lines = [
        f"## {'Fault' if args.fault else 'Load'} test, {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"- Command: `python -m bench.load --duration {args.duration:g} --clients {args.clients}"
        + (f" --fault --outage {args.outage:g}`" if args.fault else "`"),
        "- gunicorn 2 sync workers, DEBUG off, PostgreSQL on loopback; mix: 45 % observation writes (PUT, one new "
        "row each), 10 % title changes (GET then PATCH with If-Match), 45 % reads (list and detail).",
        f"- Requests: {total:,} ({total / args.duration:,.0f}/s); statuses: "
        + ", ".join(f"{status}: {count:,}" for status, count in sorted(result.statuses.items(), key=str)),
        f"- Unexpected 5xx or connection errors: {len(result.bad)}"
        + ("" if not result.bad else f" (first: {result.bad[0]})"),
        f"- Ledger: {result.acknowledged:,} acknowledged observation writes, {len(result.missing)} missing, "
        f"{len(result.wrong)} with another value, {result.rewritten} written twice; {result.renames:,} acknowledged "
        f"title changes, {len(result.lost_titles)} lost.",
    ]
    if args.fault:
        down = result.outage[1] - result.outage[0] if result.outage and result.outage[1] else None
        lines.append(
            f"- PostgreSQL stopped for {down:.1f} s (stop + {args.outage:g} s + start); the first answer below 500 "
            f"came {result.recovered_after:.2f} s after it was started again."
            if down and result.recovered_after is not None
            else "- The app did not recover."
        )
    lines += [f"- Verdict: **{'PASS' if result.passed else 'FAIL'}**", ""]
    text = "\n".join(lines)
    print(text)
    with open(Path(__file__).with_name("LOAD.md"), "a", encoding="utf-8") as out:
        out.write(text + "\n")


if __name__ == "__main__":
    sys.exit(main())
