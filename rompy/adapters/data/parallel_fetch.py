"""Fetch the data items of one run concurrently, retrying flaky remote reads.

Three pieces, usable apart:

- :func:`with_retries` runs one remote read again after a timeout or an HTTP 5xx answer,
  waiting longer each time (exponential backoff with jitter); a 4xx answer, a missing file
  or any other error fails at once. Giving up raises a :class:`DataSourceError` naming the
  URL and the last error.
- :func:`download` copies a URL (any fsspec protocol) to a local file atomically: the bytes
  go to a temporary file next to the target, renamed into place only when complete.
- :func:`fetch_all` runs named fetches in a thread pool of a bounded size; the first failure
  cancels the fetches not yet started.

Example:
    >>> results = fetch_all({"wind": fetch_wind, "tide": fetch_tide}, limit=2)  # doctest: +SKIP
"""

from __future__ import annotations

import os
import random
import time
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any, TypeVar

import attrs

from rompy.domain.errors import ConfigError, DataSourceError, RompyError
from rompy.log import get_logger

log = get_logger(__name__)

T = TypeVar("T")

DEFAULT_LIMIT = 4
_FIRST_SERVER_ERROR = 500
_LAST_SERVER_ERROR = 599
_STATUS_ATTRIBUTES = (("status",), ("status_code",), ("response", "status_code"), ("code",))


def _positive(instance: object, attribute: attrs.Attribute[Any], value: float) -> None:
    if value <= 0:
        raise ConfigError(
            f"{attribute.name} must be positive, got {value!r}", path=attribute.name, value=value
        )


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """How often and how patiently a remote read is retried.

    The wait before attempt ``n + 1`` is ``min(max_delay, base_delay * 2**(n - 1))`` plus a
    random jitter of up to ``jitter`` times that wait.

    Attributes:
        attempts: Attempts in all, the first one included (at least 1).
        base_delay: Seconds to wait after the first failure.
        max_delay: Longest wait between two attempts, in seconds.
        jitter: Fraction of the wait added at random, so that clients do not retry in step.
    """

    attempts: int = attrs.field(default=4, validator=_positive)
    base_delay: float = attrs.field(default=0.5, validator=_positive)
    max_delay: float = attrs.field(default=30.0, validator=_positive)
    jitter: float = attrs.field(default=0.25, validator=attrs.validators.ge(0.0))

    def delay(self, failed_attempt: int, random_fraction: float) -> float:
        """Return the seconds to wait after attempt ``failed_attempt`` (1-based) failed."""
        backoff = min(self.max_delay, self.base_delay * 2.0 ** (failed_attempt - 1))
        return float(backoff * (1.0 + self.jitter * random_fraction))


def http_status(error: BaseException) -> int | None:
    """Return the HTTP status an error carries (aiohttp, urllib, requests), if any.

    The error's causes are searched too, since libraries wrap one another's errors.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        status = _status_of(current)
        if status is not None:
            return status
        current = current.__cause__ or current.__context__
    return None


def _status_of(error: BaseException) -> int | None:
    """The status of one error: ``status`` (aiohttp), ``code`` (urllib), ``response``."""
    for path in _STATUS_ATTRIBUTES:
        candidate: Any = error
        for name in path:
            candidate = getattr(candidate, name, None)
        if isinstance(candidate, int) and 100 <= candidate <= _LAST_SERVER_ERROR:
            return candidate
    return None


def is_retryable(error: BaseException) -> bool:
    """True for errors worth another attempt: timeouts, dropped connections, HTTP 5xx."""
    status = http_status(error)
    if status is not None:
        return _FIRST_SERVER_ERROR <= status <= _LAST_SERVER_ERROR
    if isinstance(error, FileNotFoundError | PermissionError):
        return False
    return isinstance(error, TimeoutError | ConnectionResetError | ConnectionAbortedError) or (
        type(error).__name__ in {"ServerDisconnectedError", "ServerTimeoutError"}
    )


def _describe(error: BaseException) -> str:
    status = http_status(error)
    text = str(error) or type(error).__name__
    if isinstance(error, FileNotFoundError):
        return "not found (HTTP 404 or no such file)"
    return f"HTTP {status}: {text}" if status is not None else text


def with_retries(
    operation: Callable[[], T],
    *,
    url: str,
    policy: RetryPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
    random_fraction: Callable[[], float] = random.random,
) -> T:
    """Run ``operation`` (one read of ``url``), retrying timeouts and HTTP 5xx answers.

    Args:
        operation: Reads ``url``; called once per attempt.
        url: What is read, for messages and logs.
        policy: Attempts and backoff; defaults to :class:`RetryPolicy` ().
        sleep: Waits between attempts (tests pass a recorder).
        random_fraction: Returns a number in ``[0, 1)`` for the jitter.

    Returns:
        What ``operation`` returned.

    Raises:
        DataSourceError: A non-retryable failure (HTTP 4xx, not found, refused) at once, or
            the last failure once every attempt is spent; the message names ``url``.
    """
    rules = policy or RetryPolicy()
    for attempt in range(1, rules.attempts + 1):
        try:
            return operation()
        except RompyError:
            raise
        except Exception as error:
            if not is_retryable(error):
                if http_status(error) is None and not isinstance(error, OSError):
                    raise
                raise DataSourceError(f"cannot read {url}: {_describe(error)}") from error
            if attempt == rules.attempts:
                raise DataSourceError(
                    f"gave up reading {url} after {attempt} attempts; "
                    f"last error: {_describe(error)}"
                ) from error
            wait_for = rules.delay(attempt, random_fraction())
            log.warning(
                "fetch_retry",
                url=url,
                attempt=attempt,
                wait=round(wait_for, 3),
                error=_describe(error),
            )
            sleep(wait_for)
    raise AssertionError("unreachable: RetryPolicy.attempts is at least 1")  # pragma: no cover


def download(
    url: str,
    destination: Path,
    *,
    storage_options: Mapping[str, Any] | None = None,
    policy: RetryPolicy | None = None,
) -> Path:
    """Copy ``url`` to the local file ``destination`` atomically, retrying flaky reads.

    The bytes are written to a hidden temporary file beside ``destination`` and renamed over
    it only once complete, so a reader never sees a partial file, and a failure leaves
    nothing behind.

    Raises:
        DataSourceError: The URL cannot be read (see :func:`with_retries`).
    """
    import fsspec

    protocol = url.partition("://")[0] if "://" in url else "file"
    filesystem = fsspec.filesystem(protocol, **dict(storage_options or {}))
    destination.parent.mkdir(parents=True, exist_ok=True)
    temporary = destination.with_name(f".{destination.name}.{uuid.uuid4().hex}.part")

    def attempt() -> None:
        try:
            filesystem.get_file(url, str(temporary))
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise

    with_retries(attempt, url=url, policy=policy)
    os.replace(temporary, destination)
    log.debug("fetch_done", url=url, destination=str(destination))
    return destination


def fetch_all(
    fetches: Mapping[str, Callable[[], T]], *, limit: int = DEFAULT_LIMIT
) -> dict[str, T]:
    """Run the named ``fetches`` concurrently, at most ``limit`` at a time.

    Args:
        fetches: Name of each data item and the function that fetches it.
        limit: Most fetches running at once (at least 1).

    Returns:
        Each name with what its fetch returned, in the order of ``fetches``.

    Raises:
        DataSourceError: ``limit`` is below 1, or more than one fetch failed (the message
            names each). A single failure is raised as it is. Fetches not yet started when
            one fails are cancelled.
    """
    if limit < 1:
        raise DataSourceError(f"the fetch limit must be at least 1, got {limit}")
    if not fetches:
        return {}
    workers = min(limit, len(fetches))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="rompy-fetch") as pool:
        futures = {name: pool.submit(fetch) for name, fetch in fetches.items()}
        wait(futures.values(), return_when=FIRST_EXCEPTION)
        for future in futures.values():
            future.cancel()
    failures = _failures(futures)
    if len(failures) == 1:
        raise failures[0][1]
    if failures:
        listed = "; ".join(f"{name}: {error}" for name, error in failures)
        raise DataSourceError(f"{len(failures)} data items failed: {listed}")
    return {name: future.result() for name, future in futures.items()}


def _failures(futures: Mapping[str, Future[Any]]) -> list[tuple[str, BaseException]]:
    failed = []
    for name, future in futures.items():
        if future.cancelled():
            continue
        error = future.exception()
        if error is not None:
            failed.append((name, error))
    return failed
