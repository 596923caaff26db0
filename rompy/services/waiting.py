"""Waiting on many handles together: all of them, or each as it finishes.

Both work with any :class:`~rompy.ports.execution.ExecutionHandle`, the service's
:class:`~rompy.services.submit.RunHandle` included, and neither stops a run when its
timeout passes.

Example:
    >>> outcomes = wait_all([first, second], timeout=60.0)  # doctest: +SKIP
    >>> for handle in as_completed(handles):  # doctest: +SKIP
    ...     print(handle.run_id, handle.status())
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

from rompy.ports.execution import ExecutionHandle, RunOutcome

H = TypeVar("H", bound=ExecutionHandle)

POLL_SECONDS = 0.1
"""How long :func:`as_completed` waits on one unfinished handle before looking at the next."""


def wait_all(
    handles: Iterable[ExecutionHandle], timeout: float | None = None
) -> list[RunOutcome | None]:
    """Wait for every handle, all within ``timeout`` seconds in total (None: no limit).

    Returns:
        One entry per handle, in order: its outcome, or None for a run still going on
        when the timeout passed (it is not stopped).
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    outcomes: list[RunOutcome | None] = []
    for handle in handles:
        left = None if deadline is None else max(0.0, deadline - time.monotonic())
        outcomes.append(handle.wait(left))
    return outcomes


def as_completed(handles: Iterable[H], timeout: float | None = None) -> Iterator[H]:
    """Yield each handle once its run has finished, the first to finish first.

    Args:
        handles: The handles to follow.
        timeout: Seconds in total (None: no limit).

    Raises:
        TimeoutError: ``timeout`` passed with runs still going on (they are not stopped).
    """
    pending = list(dict.fromkeys(handles))
    deadline = None if timeout is None else time.monotonic() + timeout
    while pending:
        finished = [handle for handle in pending if handle.done()]
        for handle in finished:
            pending.remove(handle)
            yield handle
        if not pending or finished:
            continue
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0:
            raise TimeoutError(f"{len(pending)} of the runs are still going on after {timeout:g} s")
        pending[0].wait(POLL_SECONDS if left is None else min(POLL_SECONDS, left))
