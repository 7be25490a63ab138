"""Plain HTTP requests for checks and sequential timings (http.client: no redirects followed, keep-alive)."""

import http.client
import time
from urllib.parse import urlsplit

__all__ = ["expect_ok", "get", "request", "sequential_latencies"]


def _connection(url):
    parts = urlsplit(url)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=600), parts


def _target(parts):
    return parts.path + (f"?{parts.query}" if parts.query else "")


def request(method, url, headers=None):
    """(status, headers, body) of one request; a redirect is returned as it is, not followed. The body of an
    answer to HEAD is empty (http.client reads none)."""
    connection, parts = _connection(url)
    try:
        connection.request(method, _target(parts), headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def get(url, headers=None):
    """(status, headers, body) of one GET."""
    return request("GET", url, headers)


def expect_ok(url, headers=None, what=None, method="GET"):
    """The body of a 200 answer; anything else stops the benchmark with the answer shown."""
    status, response_headers, body = request(method, url, headers)
    if status != 200:
        location = f" to {response_headers.get('Location')}" if "Location" in response_headers else ""
        raise RuntimeError(
            f"{what or url}: expected 200, got {status}{location} from {url}\n{body[:2000].decode(errors='replace')}"
        )
    return body


def sequential_latencies(url, headers, iterations):
    """Seconds each of `iterations` GETs took, one after another on one keep-alive connection."""
    connection, parts = _connection(url)
    timings = []
    try:
        for _ in range(iterations):
            started = time.perf_counter()
            connection.request("GET", _target(parts), headers=headers)
            response = connection.getresponse()
            response.read()
            timings.append(time.perf_counter() - started)
            if response.status != 200:
                raise RuntimeError(f"{url}: expected 200, got {response.status}")
    finally:
        connection.close()
    return timings
