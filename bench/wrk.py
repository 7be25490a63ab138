"""Running wrk against one URL and reading its numbers (through the Lua `done` hook in wrk_report.lua)."""

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bench.http_client import request

__all__ = ["CONNECTIONS", "THREADS", "WrkResult", "run_wrk", "wrk_version"]

THREADS = 2
CONNECTIONS = 8
_SCRIPT = Path(__file__).with_name("wrk_report.lua")


@dataclass
class WrkResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int  # non-2xx/3xx answers, socket errors and timeouts: any of them fails the run

    @property
    def rps(self):
        return self.requests / self.seconds if self.seconds else 0.0


def run_wrk(url, *, seconds, headers=(), method="GET"):
    """wrk -t2 -c8 for `seconds` against `url`; raise if any request failed or answered an error status.

    `method` reaches wrk_report.lua as BENCH_METHOD (wrk has no option for it; a script sets `wrk.method`)."""
    command = [
        "wrk",
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--latency",
        "--timeout=10s",
        "-s",
        str(_SCRIPT),
    ]
    for header in headers:
        command += ["-H", header]
    environment = {**os.environ, "BENCH_METHOD": method}
    out = subprocess.run([*command, url], capture_output=True, text=True, check=False, env=environment)
    line = next((line for line in out.stdout.splitlines() if line.startswith("BENCH_JSON ")), None)
    if out.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({out.returncode}) on {url}:\n{out.stdout}\n{out.stderr}")
    data = json.loads(line.removeprefix("BENCH_JSON "))
    errors = sum(data[k] for k in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts"))
    result = WrkResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        errors=errors,
    )
    if errors:
        raise RuntimeError(f"wrk saw {errors} failed or non-2xx requests on {url}:\n{out.stdout}")
    if not result.requests:
        raise RuntimeError(f"wrk: no request to {url} finished in {seconds} s; give it a longer --duration.")
    _drain(url, headers, method)
    return result


def _drain(url, headers, method):
    """Wait until the server has answered what wrk left behind: a sync worker finishes every request wrk
    abandoned when it stopped, and those must not be counted against the next run. One more request queues
    behind them and returns when they are done."""
    request(method, url, dict(header.split(": ", 1) for header in headers))


def wrk_version():
    if not shutil.which("wrk"):
        return None
    out = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    first = (out.stdout or out.stderr).splitlines()[0] if (out.stdout or out.stderr) else ""
    return first.split(" [")[0].removeprefix("wrk ").strip()
