"""A handle on one submitted SLURM job: status from ``squeue``, waits that cancel nothing.

:meth:`SlurmRunHandle.status` asks SLURM (``pending`` while the job waits for resources,
``running`` once it has them); :meth:`SlurmRunHandle.wait` polls until the job ends or its
timeout passes, leaving the job in the queue; :meth:`SlurmRunHandle.cancel` calls
``scancel``. The spec's own ``timeout`` (the client-side wait limit, counted from
submission) still cancels the job and ends it ``timed_out``, as a blocking run does.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from rompy.adapters.execution.slurm.commands import SchedulerError
from rompy.adapters.execution.slurm.outcomes import JobHandle
from rompy.ports.execution import PENDING, RUNNING, TIMED_OUT, RunOutcome

if TYPE_CHECKING:
    from rompy.adapters.execution.slurm.executor import SlurmExecutor

WAITING_STATES = frozenset({"PENDING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "RESV_DEL_HOLD"})
"""SLURM job states in which the job has no resources yet: the handle says ``pending``."""


def client_timeout_message(timeout: float | None) -> str:
    """The message of a job cancelled because the client-side ``timeout`` expired."""
    return f"client timeout of {timeout:g} s expired; SLURM job cancelled"


class SlurmRunHandle:
    """Follows one SLURM job submitted by :meth:`SlurmExecutor.start`; safe across threads.

    Args:
        executor: The executor that submitted the job (its scheduler and polling).
        job: The submitted job.

    Attributes:
        job: The submitted job (its ``job_id``, staging dir, spec).
    """

    def __init__(self, executor: SlurmExecutor, job: JobHandle) -> None:
        """Follow ``job`` through ``executor``."""
        self.job = job
        self._executor = executor
        self._outcome: RunOutcome | None = None
        self._last_status = PENDING
        self._lock = threading.Lock()

    @property
    def run_id(self) -> str:
        """The run's id."""
        return self.job.run_id

    @property
    def outcome(self) -> RunOutcome | None:
        """The outcome once a status or wait saw the job end; None before (never blocks)."""
        return self._outcome

    def status(self) -> str:
        """Ask SLURM: ``pending``, ``running``, or the final status once the job ended.

        A failing ``squeue`` gives the last status seen.
        """
        if self._outcome is not None or self._past_limit():
            return self._final_status()
        try:
            job = self._executor.states([self.job]).get(self.job.job_id)
        except SchedulerError:
            return self._last_status
        if job is None or job.finished:
            return self._final_status()
        self._last_status = PENDING if job.state in WAITING_STATES else RUNNING
        return self._last_status

    def done(self) -> bool:
        """Return True once the job has ended (asks SLURM when not known yet)."""
        return self.status() not in (PENDING, RUNNING)

    def wait(self, timeout: float | None = None) -> RunOutcome | None:
        """Poll until the job ends or ``timeout`` seconds pass (then None; the job goes on).

        Raises:
            ExecutorUnavailableError: SLURM did not answer for the executor's outage limit.
        """
        if self._outcome is not None:
            return self._outcome
        limit = self._seconds_to_limit()
        if limit is not None and (timeout is None or limit <= timeout):
            outcome = self._executor.poll([self.job], max(0.0, limit))[0]
            if outcome is None:
                outcome = self._time_out()
        else:
            outcome = self._executor.poll([self.job], timeout)[0]
        return self._keep(outcome)

    def cancel(self) -> None:
        """``scancel`` the job; its outcome becomes ``cancelled``. Nothing once it ended."""
        if self._outcome is None:
            self._executor.cancel([self.job])

    def _final_status(self) -> str:
        outcome = self.wait(0.0)
        return self._last_status if outcome is None else outcome.status

    def _seconds_to_limit(self) -> float | None:
        timeout = self.job.spec.timeout
        if timeout is None:
            return None
        return self.job.submitted_clock + timeout - self._executor.monotonic()

    def _past_limit(self) -> bool:
        left = self._seconds_to_limit()
        return left is not None and left <= 0

    def _time_out(self) -> RunOutcome:
        message = client_timeout_message(self.job.spec.timeout)
        return self._executor.stop([self.job], TIMED_OUT, message)[0]

    def _keep(self, outcome: RunOutcome | None) -> RunOutcome | None:
        with self._lock:
            if self._outcome is None and outcome is not None:
                self._outcome = outcome
            return self._outcome
