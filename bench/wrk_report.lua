-- The method of every request: BENCH_METHOD (bench/wrk.py sets it; wrk has no option for it), else wrk's GET.
wrk.method = os.getenv("BENCH_METHOD") or wrk.method

-- Printed by wrk after the run: the numbers bench/wrk.py reads, as one JSON line (latencies in microseconds).
done = function(summary, latency, requests)
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "connect_errors": %d, "read_errors": %d, "write_errors": %d, "status_errors": %d, ' ..
    '"timeouts": %d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout))
end
