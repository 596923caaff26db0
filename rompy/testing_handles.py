"""A fake execution handle moved along by hand, for tests of code that follows runs.

:class:`FakeHandle` is what the ``fake_start`` executor of :mod:`rompy.testing` returns;
it is importable from there too.

Example:
    >>> handle = FakeHandle(RunOutcome(run_id="r1", executor="fake", status="succeeded"))
    >>> handle.status()
    'running'
    >>> handle.finish(); handle.wait().status
    'succeeded'
"""

from __future__ import annotations

import threading

import attrs

from rompy.ports.execution import CANCELLED, PENDING, RUNNING, RunOutcome

__all__ = ["FakeHandle"]


class FakeHandle:
    """An :class:`~rompy.ports.execution.ExecutionHandle` the test moves along by hand.

    Args:
        outcome: The outcome the run ends with when it finishes.
        pending: Report ``pending`` until :meth:`begin`.
    """

    def __init__(self, outcome: RunOutcome, *, pending: bool = False) -> None:
        """Hold the outcome to come."""
        self._final = outcome
        self._pending = pending
        self._finished = threading.Event()
        self.cancel_calls = 0

    @property
    def run_id(self) -> str:
        """The run's id."""
        return self._final.run_id

    @property
    def outcome(self) -> RunOutcome | None:
        """The outcome once finished, else None."""
        return self._final if self._finished.is_set() else None

    def begin(self) -> None:
        """Move a pending run to running."""
        self._pending = False

    def finish(self) -> None:
        """End the run with its outcome."""
        self._finished.set()

    def status(self) -> str:
        """``pending``, ``running`` or the outcome's status."""
        if self._finished.is_set():
            return self._final.status
        return PENDING if self._pending else RUNNING

    def done(self) -> bool:
        """True once finished."""
        return self._finished.is_set()

    def wait(self, timeout: float | None = None) -> RunOutcome | None:
        """Wait up to ``timeout`` seconds for :meth:`finish` (or :meth:`cancel`)."""
        return self._final if self._finished.wait(timeout) else None

    def cancel(self) -> None:
        """End an unfinished run ``cancelled``; count the call."""
        self.cancel_calls += 1
        if not self._finished.is_set():
            self._final = attrs.evolve(self._final, status=CANCELLED, message="fake cancelled")
            self._finished.set()
