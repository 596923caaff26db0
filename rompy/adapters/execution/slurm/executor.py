"""The ``slurm`` executor: run the model as a SLURM batch job and wait for its outcome.

:meth:`SlurmExecutor.submit` writes ``<staging>/slurm/<run_id>.sbatch`` and submits it;
:meth:`SlurmExecutor.wait` polls every outstanding job with one ``squeue`` call per
interval (backing off on scheduler errors) and maps SLURM's final state to a run outcome.
A job SLURM has already forgotten is judged from the exit-code file its script leaves in the
staging dir. Client timeouts, Ctrl-C and :meth:`SlurmExecutor.cancel` call ``scancel``.
Many runs go in one job array (:meth:`SlurmExecutor.execute_many`).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from rompy.adapters.execution.slurm.commands import (
    JobStatus,
    SchedulerError,
    SlurmCommands,
    SlurmScheduler,
    SubmissionError,
    submission_error,
)
from rompy.adapters.execution.slurm.handle import SlurmRunHandle, client_timeout_message
from rompy.adapters.execution.slurm.jobs import (
    SCRIPT_DIR,
    array_handles,
    display_command,
    file_name,
    prepare_staging,
)
from rompy.adapters.execution.slurm.outcomes import JobHandle, forced_outcome, resolve
from rompy.adapters.spec_check import require_spec
from rompy.domain.errors import ExecutorUnavailableError
from rompy.domain.execution.slurm import SlurmExecution
from rompy.domain.execution.slurm_script import (
    ArrayTask,
    output_patterns,
    render_array_script,
    render_batch_script,
)
from rompy.domain.execution.spec import choose_command
from rompy.domain.model_config import Command
from rompy.log import get_logger
from rompy.ports.execution import CANCELLED, TIMED_OUT, ExecutionRequest, RunOutcome

log = get_logger(__name__)

MAX_BACKOFF = 30.0
"""Longest wait between two status queries while SLURM keeps failing."""


class _ClientTimeoutError(Exception):
    """The client-side wait limit expired."""


def _utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _spec_of(request: ExecutionRequest) -> SlurmExecution:
    return require_spec(request.spec, SlurmExecution, "SlurmExecutor")


def _command_of(request: ExecutionRequest) -> Command:
    return choose_command(_spec_of(request).command, request.default_command)


class SlurmExecutor:
    """Runs :class:`~rompy.domain.execution.slurm.SlurmExecution` specs as SLURM batch jobs.

    Args:
        scheduler: The SLURM commands (default: the real ``sbatch``/``squeue``/``scancel``).
        clock: Monotonic seconds (injectable for tests).
        sleep: Waits a number of seconds (injectable for tests).
        cancel_grace: Seconds to wait for cancelled jobs to leave the queue.
        outage_limit: Seconds of failing status queries after which waiting gives up.
    """

    type = "slurm"

    def __init__(
        self,
        scheduler: SlurmScheduler | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        cancel_grace: float = 60.0,
        outage_limit: float = 600.0,
    ) -> None:
        self._scheduler: SlurmScheduler = scheduler or SlurmCommands()
        self._clock = clock
        self._sleep = sleep
        self._cancel_grace = cancel_grace
        self._outage_limit = outage_limit
        self._cancel_requested: set[str] = set()
        self._lock = threading.Lock()

    def execute(self, request: ExecutionRequest) -> RunOutcome:
        """Submit ``request`` as a batch job and wait for its outcome (see :meth:`wait`)."""
        handle = self.submit(request)
        return self.wait([handle], timeout=handle.spec.timeout)[0]

    def execute_many(
        self, requests: Sequence[ExecutionRequest], max_parallel: int | None = None
    ) -> list[RunOutcome]:
        """Run many requests and return one outcome per request, in order.

        Requests sharing one spec become one job array (at most ``max_parallel`` tasks at
        once); otherwise each becomes its own job, all submitted at once (``max_parallel``
        then does not apply). The client timeout applies to the whole wait: the longest of
        the specs' timeouts, none if any spec has none.
        """
        if not requests:
            return []
        specs = [_spec_of(request) for request in requests]
        if all(spec == specs[0] for spec in specs):
            handles = self.submit_array(requests, max_parallel=max_parallel)
        else:
            handles = [self.submit(request) for request in requests]
        timeouts = [spec.timeout for spec in specs]
        timeout = None if None in timeouts else max(t for t in timeouts if t is not None)
        return self.wait(handles, timeout=timeout)

    def submit(self, request: ExecutionRequest) -> JobHandle:
        """Write the batch script of ``request`` and submit it; return without waiting.

        Raises:
            ConfigError: No command, or SLURM refused an option (partition, account, ...).
            StagingError: The staging dir does not exist.
            ExecutorUnavailableError: ``sbatch`` is missing or refused the job otherwise.
        """
        spec, command = _spec_of(request), _command_of(request)
        staging = request.staging_dir.absolute()
        job_name = spec.job_name or f"rompy-{request.run_id}"
        patterns = output_patterns(spec, staging, request.run_id)
        prepare_staging(staging, patterns)
        script = staging / SCRIPT_DIR / f"{file_name(request.run_id)}.sbatch"
        script.write_text(
            render_batch_script(spec, staging, command, job_name, log_name=request.run_id)
        )
        submitted_at, submitted_clock = _utc_now(), self._clock()
        job_id = self._submit(spec, script, staging)
        log.info("slurm_job_submitted", run_id=request.run_id, job_id=job_id, script=str(script))
        return JobHandle(
            run_id=request.run_id,
            job_id=job_id,
            base_job_id=job_id,
            staging_dir=staging,
            job_name=job_name,
            stdout_pattern=patterns[0],
            stderr_pattern=patterns[1],
            spec=spec,
            submitted_at=submitted_at,
            submitted_clock=submitted_clock,
            command=display_command(command),
        )

    def submit_array(
        self, requests: Sequence[ExecutionRequest], *, max_parallel: int | None = None
    ) -> list[JobHandle]:
        """Submit ``requests`` (sharing one spec) as one job array; one handle per request.

        The script and SLURM's own task logs go to the first run's ``slurm/`` folder; each
        task's output goes to its own staging dir.

        Raises:
            ValueError: The requests do not share one spec.
            ConfigError, StagingError, ExecutorUnavailableError: As :meth:`submit`.
        """
        spec = _spec_of(requests[0])
        if any(_spec_of(request) != spec for request in requests):
            raise ValueError("a job array runs requests sharing one spec; submit them one by one")
        tasks = [
            ArrayTask(
                staging_dir=request.staging_dir.absolute(),
                command=_command_of(request),
                log_name=request.run_id,
            )
            for request in requests
        ]
        for task in tasks:
            prepare_staging(
                task.staging_dir, output_patterns(spec, task.staging_dir, task.log_name)
            )
        job_name = spec.job_name or f"rompy-array-{requests[0].run_id}"
        script_dir = tasks[0].staging_dir / SCRIPT_DIR
        script = script_dir / f"{file_name(job_name)}.sbatch"
        text = render_array_script(
            spec, tasks, job_name=job_name, scheduler_log_dir=script_dir, max_parallel=max_parallel
        )
        script.write_text(text)
        submitted = _utc_now(), self._clock()
        base_id = self._submit(spec, script, tasks[0].staging_dir)
        log.info("slurm_array_submitted", job_id=base_id, tasks=len(tasks), script=str(script))
        return array_handles(requests, tasks, base_id, job_name, spec, submitted)

    def _submit(self, spec: SlurmExecution, script: Path, cwd: Path) -> str:
        try:
            return self._scheduler.submit(script, cwd=cwd)
        except SubmissionError as error:
            raise submission_error(spec, str(error)) from error

    def cancel(self, handles: Sequence[JobHandle]) -> None:
        """Cancel jobs (from any thread); their outcomes become ``cancelled``."""
        job_ids = [handle.job_id for handle in handles]
        with self._lock:
            self._cancel_requested.update(job_ids)
        self._scheduler.cancel(job_ids)
        log.info("slurm_job_cancel_requested", job_ids=job_ids)

    def wait(self, handles: Sequence[JobHandle], timeout: float | None = None) -> list[RunOutcome]:
        """Wait for ``handles`` to finish; return their outcomes in the same order.

        Polls every outstanding job with one status query per interval (the smallest
        ``poll_interval`` of the specs), backing off up to :data:`MAX_BACKOFF` while SLURM
        fails. When ``timeout`` seconds pass, or on Ctrl-C, the remaining jobs are cancelled
        and end ``timed_out`` or ``cancelled``.

        Raises:
            ExecutorUnavailableError: SLURM did not answer for ``outage_limit`` seconds.
        """
        if not handles:
            return []
        pending = {handle.job_id: handle for handle in handles}
        outcomes: dict[str, RunOutcome] = {}
        deadline = None if timeout is None else self._clock() + timeout
        try:
            self._poll(pending, outcomes, deadline)
        except _ClientTimeoutError:
            self._stop(pending, outcomes, TIMED_OUT, client_timeout_message(timeout))
        except KeyboardInterrupt:
            self._stop(pending, outcomes, CANCELLED, "interrupted; SLURM job cancelled")
        return [outcomes[handle.job_id] for handle in handles]

    def start(self, request: ExecutionRequest) -> SlurmRunHandle:
        """Submit ``request`` and return a handle that follows its job (see :meth:`submit`)."""
        return SlurmRunHandle(self, self.submit(request))

    def poll(
        self, handles: Sequence[JobHandle], timeout: float | None = 0.0
    ) -> list[RunOutcome | None]:
        """Follow ``handles`` for up to ``timeout`` seconds; None for jobs still going on.

        Unlike :meth:`wait` it cancels nothing when ``timeout`` passes. One status query is
        made even for a timeout of 0.

        Raises:
            ExecutorUnavailableError: SLURM did not answer for ``outage_limit`` seconds.
        """
        pending = {handle.job_id: handle for handle in handles}
        outcomes: dict[str, RunOutcome] = {}
        deadline = None if timeout is None else self._clock() + timeout
        with contextlib.suppress(_ClientTimeoutError):
            self._poll(pending, outcomes, deadline)
        return [outcomes.get(handle.job_id) for handle in handles]

    def stop(self, handles: Sequence[JobHandle], status: str, message: str) -> list[RunOutcome]:
        """Cancel ``handles`` and return their outcomes, ``status`` unless they succeeded."""
        pending = {handle.job_id: handle for handle in handles}
        outcomes: dict[str, RunOutcome] = {}
        self._stop(pending, outcomes, status, message)
        return [outcomes[handle.job_id] for handle in handles]

    def monotonic(self) -> float:
        """Return the executor's monotonic clock reading (submissions are stamped with it)."""
        return self._clock()

    def states(self, handles: Sequence[JobHandle]) -> dict[str, JobStatus]:
        """Return what SLURM says of ``handles`` (jobs it forgot are left out), by job id.

        Raises:
            SchedulerError: ``squeue`` failed.
        """
        return self._query({handle.job_id: handle for handle in handles})

    def _query(self, pending: dict[str, JobHandle]) -> dict[str, JobStatus]:
        base_ids = sorted({handle.base_job_id for handle in pending.values()}, key=_job_order)
        return self._scheduler.query(base_ids)

    def _poll(
        self, pending: dict[str, JobHandle], outcomes: dict[str, RunOutcome], deadline: float | None
    ) -> None:
        interval = _interval(pending)
        failures, failing_since = 0, None
        while pending:
            try:
                statuses = self._query(pending)
            except SchedulerError as error:
                failures += 1
                failing_since = self._clock() if failing_since is None else failing_since
                self._check_outage(failing_since, error)
                delay = min(interval * 2**failures, MAX_BACKOFF)
                log.warning("slurm_query_failed", error=str(error), retry_in=delay)
                self._pause(delay, deadline)
                continue
            failures, failing_since = 0, None
            self._settle(pending, outcomes, statuses)
            if pending:
                self._pause(interval, deadline)

    def _check_outage(self, failing_since: float, error: SchedulerError) -> None:
        if self._clock() - failing_since >= self._outage_limit:
            raise ExecutorUnavailableError(
                f"SLURM did not answer status queries for {self._outage_limit:g} s: {error}"
            ) from error

    def _pause(self, seconds: float, deadline: float | None) -> None:
        if deadline is not None:
            remaining = deadline - self._clock()
            if remaining <= 0:
                raise _ClientTimeoutError
            seconds = min(seconds, remaining)
        self._sleep(seconds)

    def _settle(
        self,
        pending: dict[str, JobHandle],
        outcomes: dict[str, RunOutcome],
        statuses: dict[str, JobStatus],
        forced: tuple[str, str] | None = None,
    ) -> None:
        for job_id, handle in list(pending.items()):
            job = statuses.get(job_id)
            if job is not None and not job.finished:
                continue
            outcome = resolve(handle, job, now=self._clock())
            with self._lock:
                requested = job_id in self._cancel_requested
                self._cancel_requested.discard(job_id)
            if forced is not None:
                outcome = forced_outcome(outcome, *forced)
            elif requested:
                outcome = forced_outcome(outcome, CANCELLED, f"SLURM job {job_id} cancelled")
            outcomes[job_id] = outcome
            del pending[job_id]
            log.info(
                "slurm_job_finished",
                run_id=handle.run_id,
                job_id=job_id,
                status=outcome.status,
                slurm_state=outcome.details.get("slurm_state"),
            )

    def _stop(
        self,
        pending: dict[str, JobHandle],
        outcomes: dict[str, RunOutcome],
        status: str,
        message: str,
    ) -> None:
        if not pending:
            return
        job_ids = sorted(pending, key=_job_order)
        log.warning("slurm_jobs_stopping", job_ids=job_ids, status=status)
        self._scheduler.cancel(job_ids)
        give_up = self._clock() + self._cancel_grace
        while pending:
            try:
                self._settle(pending, outcomes, self._query(pending), forced=(status, message))
            except SchedulerError as error:
                log.warning("slurm_query_failed", error=str(error))
            if pending and self._clock() >= give_up:
                late = f"{message} (still in the queue after {self._cancel_grace:g} s)"
                self._settle(pending, outcomes, {}, forced=(status, late))
            elif pending:
                self._sleep(min(_interval(pending), 1.0))


def _interval(pending: dict[str, JobHandle]) -> float:
    return min(handle.spec.poll_interval for handle in pending.values())


def _job_order(job_id: str) -> tuple[int, ...]:
    return tuple(int(part) for part in job_id.split("_") if part.isdigit())
