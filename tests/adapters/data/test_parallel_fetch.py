"""Tests of retries, atomic downloads and concurrent fetches, against a real local HTTP server."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from rompy.adapters.data.parallel_fetch import (
    RetryPolicy,
    download,
    fetch_all,
    http_status,
    is_retryable,
    with_retries,
)
from rompy.domain.errors import ConfigError, DataSourceError

FAST = RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.05, jitter=0.0)
BODY = b"netcdf bytes " * 1000


class ScriptedServer(ThreadingHTTPServer):
    """Answers each GET with the next status of ``script`` (the last one repeats)."""

    def __init__(self, script: list[int], delays: list[float] | None = None) -> None:
        super().__init__(("127.0.0.1", 0), ScriptedHandler)
        self.script = list(script)
        self.delays = list(delays or [])
        self.requests: list[str] = []

    def next_status(self, path: str) -> int:
        self.requests.append(path)
        return self.script.pop(0) if len(self.script) > 1 else self.script[0]

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"


class ScriptedHandler(BaseHTTPRequestHandler):
    server: ScriptedServer

    def do_GET(self) -> None:
        status = self.server.next_status(self.path)
        if self.server.delays:
            time.sleep(self.server.delays.pop(0))
        body = BODY if status == 200 else b"busy"
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def serve() -> Iterator[type[ScriptedServer]]:
    servers: list[ScriptedServer] = []

    def start(script: list[int], delays: list[float] | None = None) -> ScriptedServer:
        server = ScriptedServer(script, delays)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start  # type: ignore[misc]
    for server in servers:
        server.shutdown()
        server.server_close()


# --- the retry policy --------------------------------------------------------------------------


def test_the_wait_doubles_after_each_failure_up_to_the_maximum() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=3.0, jitter=0.0)

    assert [0.5, 1.0, 2.0, 3.0] == [policy.delay(n, 0.0) for n in (1, 2, 3, 4)]


def test_jitter_adds_up_to_its_fraction_of_the_wait() -> None:
    policy = RetryPolicy(base_delay=1.0, jitter=0.25)

    assert 1.25 == policy.delay(1, 1.0)


def test_a_policy_needs_at_least_one_attempt() -> None:
    with pytest.raises(ConfigError, match="attempts"):
        RetryPolicy(attempts=0)


class StatusError(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(f"status {status}")
        self.status = status


@pytest.mark.parametrize(
    ("error", "retryable"),
    [
        (StatusError(503), True),
        (StatusError(500), True),
        (StatusError(404), False),
        (StatusError(403), False),
        (TimeoutError("read timed out"), True),
        (ConnectionResetError("reset by peer"), True),
        (FileNotFoundError("http://x/a.nc"), False),
        (ConnectionRefusedError("refused"), False),
        (ValueError("bad"), False),
    ],
)
def test_only_timeouts_dropped_connections_and_5xx_are_retried(
    error: Exception, retryable: bool
) -> None:
    assert retryable == is_retryable(error)


def test_the_http_status_is_found_in_a_wrapped_error() -> None:
    try:
        try:
            raise StatusError(502)
        except StatusError as inner:
            raise OSError("read failed") from inner
    except OSError as outer:
        assert 502 == http_status(outer)


def test_a_read_that_fails_twice_then_works_is_retried_with_growing_waits() -> None:
    outcomes: list[Exception | str] = [TimeoutError("slow"), StatusError(503), "data"]
    waits: list[float] = []

    def read() -> str:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    policy = RetryPolicy(base_delay=0.5, jitter=0.0)
    result = with_retries(read, url="http://x/a.nc", policy=policy, sleep=waits.append)

    assert ("data", [0.5, 1.0]) == (result, waits)


def test_giving_up_names_the_url_the_attempts_and_the_last_error() -> None:
    def read() -> str:
        raise StatusError(503)

    with pytest.raises(DataSourceError) as caught:
        with_retries(read, url="http://x/a.nc", policy=FAST, sleep=lambda _: None)

    assert "gave up reading http://x/a.nc after 4 attempts; last error: HTTP 503" in str(
        caught.value
    )


def test_a_client_error_fails_at_once() -> None:
    calls: list[int] = []

    def read() -> str:
        calls.append(1)
        raise StatusError(403)

    with pytest.raises(DataSourceError, match=re.escape("cannot read http://x/a.nc: HTTP 403")):
        with_retries(read, url="http://x/a.nc", policy=FAST, sleep=lambda _: None)
    assert 1 == len(calls)


def test_a_programming_error_is_not_hidden() -> None:
    def read() -> str:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        with_retries(read, url="http://x/a.nc", policy=FAST)


# --- download over real HTTP -------------------------------------------------------------------


def test_a_download_succeeds_on_the_third_try_after_two_503s(
    serve: type[ScriptedServer], tmp_path: Path
) -> None:
    server = serve([503, 503, 200])
    target = tmp_path / "wind.nc"

    download(f"{server.url}/wind.nc", target, policy=FAST)

    assert (3, BODY) == (len(server.requests), target.read_bytes())


def test_a_read_that_times_out_is_retried(serve: type[ScriptedServer], tmp_path: Path) -> None:
    import aiohttp

    server = serve([200], delays=[1.0, 0.0])
    options = {"client_kwargs": {"timeout": aiohttp.ClientTimeout(total=0.3)}}

    download(f"{server.url}/slow.nc", tmp_path / "slow.nc", storage_options=options, policy=FAST)

    assert (2, BODY) == (len(server.requests), (tmp_path / "slow.nc").read_bytes())


def test_a_404_fails_at_once_naming_the_url(serve: type[ScriptedServer], tmp_path: Path) -> None:
    server = serve([404])
    url = f"{server.url}/missing.nc"

    with pytest.raises(DataSourceError, match=re.escape(f"cannot read {url}: not found")):
        download(url, tmp_path / "missing.nc", policy=FAST)
    assert 1 == len(server.requests)


def test_a_server_that_stays_down_is_given_up_after_the_attempts(
    serve: type[ScriptedServer], tmp_path: Path
) -> None:
    server = serve([503])

    with pytest.raises(DataSourceError, match="after 4 attempts"):
        download(f"{server.url}/wind.nc", tmp_path / "wind.nc", policy=FAST)
    assert 4 == len(server.requests)


def test_a_failed_download_leaves_nothing_behind(
    serve: type[ScriptedServer], tmp_path: Path
) -> None:
    server = serve([503])

    with pytest.raises(DataSourceError):
        download(f"{server.url}/wind.nc", tmp_path / "wind.nc", policy=FAST)

    assert [] == list(tmp_path.iterdir())


def test_an_unreachable_host_fails_with_the_url(tmp_path: Path) -> None:
    with ThreadingHTTPServer(("127.0.0.1", 0), ScriptedHandler) as closed:
        port = closed.server_address[1]
    url = f"http://127.0.0.1:{port}/wind.nc"

    with pytest.raises(DataSourceError, match=re.escape(f"cannot read {url}")):
        download(url, tmp_path / "wind.nc", policy=FAST)


def test_a_local_file_is_copied(tmp_path: Path) -> None:
    source = tmp_path / "source.nc"
    source.write_bytes(BODY)

    download(str(source), tmp_path / "copy" / "wind.nc")

    assert BODY == (tmp_path / "copy" / "wind.nc").read_bytes()


# --- fetch_all ---------------------------------------------------------------------------------


def test_fetch_all_returns_each_result_by_name() -> None:
    results = fetch_all({"wind": lambda: 1, "tide": lambda: 2})

    assert {"wind": 1, "tide": 2} == results


def test_fetches_run_concurrently_up_to_the_limit() -> None:
    running: list[int] = [0]
    peak: list[int] = [0]
    lock = threading.Lock()

    def fetch() -> None:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.1)
        with lock:
            running[0] -= 1

    fetch_all({f"item{i}": fetch for i in range(6)}, limit=3)

    assert 3 == peak[0]


def test_one_failure_is_raised_as_it_is() -> None:
    def fail() -> None:
        raise DataSourceError("wind covers too little")

    with pytest.raises(DataSourceError, match=r"^wind covers too little$"):
        fetch_all({"wind": fail, "tide": lambda: None})


def test_several_failures_are_listed_by_name() -> None:
    both_running = threading.Barrier(2)

    def fail(message: str):  # type: ignore[no-untyped-def]
        def run() -> None:
            both_running.wait(timeout=5)
            raise DataSourceError(message)

        return run

    with pytest.raises(DataSourceError, match="2 data items failed: wind: no wind; tide: no tide"):
        fetch_all({"wind": fail("no wind"), "tide": fail("no tide")}, limit=2)


def test_fetches_not_yet_started_are_cancelled_after_a_failure() -> None:
    started: list[str] = []

    def fail() -> None:
        started.append("bad")
        raise DataSourceError("broken")

    def slow(name: str):  # type: ignore[no-untyped-def]
        def run() -> None:
            started.append(name)
            time.sleep(0.05)

        return run

    with pytest.raises(DataSourceError):
        fetch_all({"bad": fail, **{f"later{i}": slow(f"later{i}") for i in range(5)}}, limit=1)

    assert ["bad"] == started


def test_a_limit_below_one_is_refused() -> None:
    with pytest.raises(DataSourceError, match="at least 1"):
        fetch_all({"wind": lambda: None}, limit=0)
