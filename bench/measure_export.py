"""Export: GET /api/v1/observations.csv?partner=… (one dedicated worker) against COPY (…) TO STDOUT."""

import http.client
import re
import time
from pathlib import Path

from bench.context import log
from bench.http_client import get
from bench.report import Row, skipped
from bench.servers import start_gunicorn

__all__ = ["measure_export", "start_export_server", "vm_hwm_mb"]

WARM_PARTNER = "RU-LIP"  # the seeded partner: a few rows, so the first request loads the code, not the data


def vm_hwm_mb(pid):
    """Peak resident memory of a process so far (VmHWM in /proc/<pid>/status), in MB."""
    match = re.search(r"^VmHWM:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.MULTILINE)
    return int(match[1]) / 1024


def _stream(server, path, headers):
    """(seconds, bytes, lines) of one streamed GET, read in 64 KB blocks as a client would."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
    try:
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        if response.status != 200:
            raise RuntimeError(f"{path}: expected 200, got {response.status}\n{response.read(2000)!r}")
        size = lines = 0
        while block := response.read(65536):
            size += len(block)
            lines += block.count(b"\n")
        return time.perf_counter() - started, size, lines
    finally:
        connection.close()


def _copy_to(ctx, statement, params):
    with ctx.connect(autocommit=True) as connection, connection.cursor() as cursor:
        started = time.perf_counter()
        size = lines = 0
        with cursor.copy(f"COPY ({statement}) TO STDOUT WITH (FORMAT csv, HEADER)", params) as copy:
            # PostgreSQL sends one message per row (the header too): count them, don't scan the bytes.
            for block in copy:
                size += len(block)
                lines += 1
        return time.perf_counter() - started, size, lines


def _statement(observations_csv_statement, partner_id):
    """(sql, params) of the export for this partner: the agreed observations_csv_statement(partner_id), or,
    while tracker.data.exports takes the view's queryset instead, that queryset built as the view builds it for a key
    that sees every indicator."""
    try:
        return observations_csv_statement(partner_id)
    except (AttributeError, TypeError):
        from tracker.models import Observation, TradeIndicator

        indicators = TradeIndicator.objects.filter(partner_id=partner_id)
        return observations_csv_statement(Observation.objects.filter(indicator__in=indicators))


def start_export_server(ctx):
    """One worker, so its pid is known and its peak memory is the export's (same options as the other servers)."""
    return start_gunicorn("export", "config.wsgi:application", workers=1, env=ctx.env, log_dir=ctx.work_dir, wait=False)


def measure_export(ctx, server):
    partner, partner_id = ctx.targets["export_partner"], ctx.targets["export_partner_id"]
    what = f"Export `/api/v1/observations.csv?partner={partner}`"
    try:
        from tracker.data.exports import observations_csv_statement
    except ImportError:
        return [
            skipped(what, "endpoint missing: no tracker.data.exports.observations_csv_statement", "≥ 0.5× COPY"),
            skipped("Export worker peak memory", "endpoint missing", "< 150 MB"),
        ]
    try:
        status, _headers, body = get(f"{server.url}/api/v1/observations.csv?partner={WARM_PARTNER}", ctx.auth_headers)
        if status == 404:
            return [
                skipped(what, "endpoint missing: 404", "≥ 0.5× COPY"),
                skipped("Export worker peak memory", "endpoint missing", "< 150 MB"),
            ]
        if status != 200:
            raise RuntimeError(f"observations.csv: expected 200, got {status}\n{body[:2000].decode(errors='replace')}")
        (worker,) = server.worker_pids()
        before = vm_hwm_mb(worker)
        log(f"export: streaming {ctx.args.export_rows:,} rows through the API (worker {worker})")
        api_seconds, api_bytes, api_lines = _stream(
            server, f"/api/v1/observations.csv?partner={partner}", ctx.auth_headers
        )
        peak = vm_hwm_mb(worker)
    finally:
        server.stop()
    statement, params = _statement(observations_csv_statement, partner_id)
    log("export: the same statement through COPY … TO STDOUT")
    copy_seconds, copy_bytes, copy_lines = _copy_to(ctx, statement, params)
    if api_lines != copy_lines:
        raise RuntimeError(f"export: the API sent {api_lines - 1:,} rows, COPY {copy_lines - 1:,}; expected the same.")
    rows = api_lines - 1
    api_rate, copy_rate = rows / api_seconds, rows / copy_seconds
    ratio = api_rate / copy_rate
    return [
        Row(
            f"{what} ({rows:,} rows)",
            f"{api_rate:,.0f} rows/s, {api_bytes / 2**20 / api_seconds:.1f} MB/s ({api_seconds:.2f} s)",
            f"COPY TO {copy_rate:,.0f} rows/s, {copy_bytes / 2**20 / copy_seconds:.1f} MB/s ({copy_seconds:.2f} s)",
            f"{ratio:.2f}×",
            "≥ 0.5× COPY",
            ratio >= 0.5,
        ),
        Row(
            "Export worker peak memory (VmHWM)",
            f"{peak:.0f} MB (before the export: {before:.0f} MB)",
            target="< 150 MB",
            ok=peak < 150,
        ),
    ]
