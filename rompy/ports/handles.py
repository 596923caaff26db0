"""A ready-made :class:`~rompy.ports.execution.ExecutionHandle`: a thread follows the run.

Executors whose run is followed by blocking calls (waiting for a process or a container)
start the run, then hand the rest of the work to a :class:`ThreadedHandle`: its thread
computes the outcome while the caller goes on. The services use it too, to give a handle to
an executor that can only ``execute``.

Example:
    >>> handle = ThreadedHandle("r1", lambda cancelled: outcome)  # doctest: +SKIP
    >>> handle.wait().status  # doctest: +SKIP
    'succeeded'
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from rompy.domain.errors import ExecutorUnavailableError
from rompy.ports.execution import RUNNING, ExecutionHandle, RunOutcome

Follow = Callable[[threading.Event], RunOutcome]
"""Follows a started run to its outcome; the event is set once the run was cancelled."""


class ThreadedHandle:
    """A handle whose outcome a daemon thread computes by calling ``follow``.

    Args:
        run_id: The run's id.
        follow: Called once in the thread with the cancel event; returns the outcome. An
            exception it raises is raised again by :meth:`wait` and :meth:`status`.
        stop: Tells the engine to stop the run (called by :meth:`cancel` after the cancel
            event is set); None when the run cannot be stopped.
        executor: The executor's ``type`` tag (for the message when it cannot cancel).
    """

    def __init__(
        self, run_id: str, follow: Follow, *, stop: Callable[[], None] | None, executor: str
    ) -> None:
        """Start the thread following the run."""
        self._run_id = run_id
        self._follow = follow
        self._stop = stop
        self._executor = executor
        self._outcome: RunOutcome | None = None
        self._error: BaseException | None = None
        self._finished = threading.Event()
        self._cancelled = threading.Event()
        self._thread = threading.Thread(target=self._work, name=f"rompy-{run_id}-follow")
        self._thread.daemon = True
        self._thread.start()

    @property
    def run_id(self) -> str:
        """The run's id."""
        return self._run_id

    @property
    def outcome(self) -> RunOutcome | None:
        """The outcome once known; None while the run goes on (or when following failed)."""
        return self._outcome if self._finished.is_set() else None

    @property
    def cancel_requested(self) -> bool:
        """True once :meth:`cancel` was called before the outcome was known."""
        return self._cancelled.is_set()

    def status(self) -> str:
        """Return ``running`` until the outcome is known, then its status.

        Raises:
            Exception: What following the run raised.
        """
        if not self._finished.is_set():
            return RUNNING
        return self._result().status

    def done(self) -> bool:
        """Return True once the outcome is known (or following the run failed)."""
        return self._finished.is_set()

    def wait(self, timeout: float | None = None) -> RunOutcome | None:
        """Wait up to ``timeout`` seconds for the outcome; None if the run still goes on.

        Raises:
            Exception: What following the run raised.
        """
        if not self._finished.wait(timeout):
            return None
        self._thread.join()  # it only has to return: the outcome is set
        return self._result()

    def cancel(self) -> None:
        """Stop the run through ``stop``; nothing once the outcome is known.

        Raises:
            ExecutorUnavailableError: The run cannot be stopped (no ``stop``); it goes on.
        """
        if self._finished.is_set():
            return
        if self._stop is None:
            raise ExecutorUnavailableError(
                f"the {self._executor!r} executor cannot cancel a run it started (it has no "
                f"start method); run {self._run_id!r} goes on: wait for it"
            )
        self._cancelled.set()
        self._stop()

    def _work(self) -> None:
        try:
            self._outcome = self._follow(self._cancelled)
        except BaseException as error:  # handed to whoever waits
            self._error = error
        finally:
            self._finished.set()

    def _result(self) -> RunOutcome:
        if self._error is not None:
            raise self._error
        assert self._outcome is not None
        return self._outcome


class FinishedHandle:
    """A handle on a run whose outcome is already known (it could not start, say).

    Args:
        outcome: The outcome.
    """

    def __init__(self, outcome: RunOutcome) -> None:
        """Hold ``outcome``."""
        self._outcome = outcome

    @property
    def run_id(self) -> str:
        """The run's id."""
        return self._outcome.run_id

    @property
    def outcome(self) -> RunOutcome:
        """The outcome."""
        return self._outcome

    def status(self) -> str:
        """Return the outcome's status."""
        return self._outcome.status

    def done(self) -> bool:
        """Return True: the outcome is known."""
        return True

    def wait(self, timeout: float | None = None) -> RunOutcome:
        """Return the outcome at once."""
        return self._outcome

    def cancel(self) -> None:
        """Do nothing: the run is over."""


def wait_or_cancel(handle: ExecutionHandle) -> RunOutcome:
    """Wait for ``handle``'s outcome; on Ctrl-C cancel the run and raise again.

    It is how an executor's blocking ``execute`` is built on its ``start``.

    Raises:
        KeyboardInterrupt: Raised again once the run was told to stop.
    """
    try:
        outcome = handle.wait()
    except KeyboardInterrupt:
        handle.cancel()
        raise
    assert outcome is not None  # a wait without a timeout ends with the outcome
    return outcome
