"""The ``slurm`` ensemble engine: every member as one task of a single SLURM job array.

One ``sbatch`` submits the whole ensemble (``--array=0-N%max_parallel``). Task *i* runs
``runner.command(<ensemble>/jobs/<id>.json)`` from the submitting process's working dir;
the task's staging dir is ``<ensemble>/slurm/<id>/`` (its SLURM logs live there, out of
reach of the member's own run dir, which its pipeline recreates).
The member's runner records its own state; once a task ends, a member without a final
state (killed, over its time limit, cancelled, never started) becomes ``failed`` with
SLURM's reason, recorded in its state file by this engine. Submission, polling and
cancelling reuse the SLURM executor.
"""

from __future__ import annotations

import shlex
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path

import attrs

from rompy.adapters.ensemble.files import read_state, write_job_file, write_state
from rompy.adapters.execution.slurm.executor import SlurmExecutor
from rompy.adapters.execution.slurm.outcomes import JobHandle
from rompy.adapters.spec_check import require_spec
from rompy.domain.ensemble.engines import EnsembleEngineSpec, SlurmArrayEngine
from rompy.log import get_logger
from rompy.ports.ensemble import DONE, FAILED, MemberJob, MemberRunner, MemberState
from rompy.ports.execution import ExecutionRequest, RunOutcome

log = get_logger(__name__)

SLURM_DIR = "slurm"
"""Folder of the ensemble holding each task's staging dir (script, SLURM logs)."""

FINAL = (DONE, FAILED)

OnState = Callable[[MemberState], None]


def task_dir(job: MemberJob) -> Path:
    """Return the staging dir of ``job``'s SLURM task: ``<ensemble>/slurm/<id>/``."""
    return job.ensemble_dir / SLURM_DIR / job.member_id


def member_request(
    engine: SlurmArrayEngine, job: MemberJob, runner: MemberRunner
) -> ExecutionRequest:
    """Write ``job``'s job file and return the SLURM request of its array task.

    Every task shares one spec (a job array has one set of SLURM options); the member's
    command goes in as the request's default command, so the spec's own is cleared. The
    command runs in this process's working dir, as a pool worker would: relative paths in
    the member's pipeline (input files) mean the same in the task as here.
    """
    argv = runner.command(write_job_file(job).absolute())
    command = f"cd {shlex.quote(str(Path.cwd()))} && exec {shlex.join(argv)}"
    job_name = engine.job.job_name or f"rompy-ensemble-{job.ensemble_dir.name}"
    staging = task_dir(job)
    staging.mkdir(parents=True, exist_ok=True)
    return ExecutionRequest(
        run_id=job.member_id,
        staging_dir=staging,
        spec=attrs.evolve(engine.job, command=None, job_name=job_name),
        default_command=command,
    )


class SlurmArrayRunner:
    """Runs an ensemble's members as one SLURM job array (implements ``EnsembleEngine``).

    Args:
        executor: The SLURM executor submitting and watching the array (default: a new
            one on the real SLURM commands).
    """

    type = "slurm"

    def __init__(self, executor: SlurmExecutor | None = None) -> None:
        self._executor = executor
        self._handles: list[JobHandle] = []
        self._lock = threading.Lock()

    def run(
        self,
        spec: EnsembleEngineSpec,
        jobs: Sequence[MemberJob],
        runner: MemberRunner,
        on_state: OnState,
    ) -> list[MemberState]:
        """Submit every job as one array task, wait, and return the final states in order.

        Raises:
            KeyboardInterrupt: After cancelling the array's unfinished tasks.
            ExecutorUnavailableError: No ``sbatch``, or SLURM stopped answering.
        """
        engine = require_spec(spec, SlurmArrayEngine, "SlurmArrayRunner")
        if not jobs:
            return []
        executor = self._executor or SlurmExecutor()
        before = {job.member_id: read_state(job.ensemble_dir, job.member_id) for job in jobs}
        requests = [member_request(engine, job, runner) for job in jobs]
        handles = executor.submit_array(requests, max_parallel=engine.max_parallel)
        with self._lock:
            self._handles = handles
        log.info("ensemble_array_submitted", job_id=handles[0].base_job_id, members=len(jobs))
        watch = _Watch(jobs, before, on_state)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="rompy-slurm-wait") as pool:
            waiting = pool.submit(executor.wait, handles, engine.job.timeout)
            try:
                outcomes = _wait_watching(waiting, watch, engine.job.poll_interval)
            except KeyboardInterrupt:
                log.warning("ensemble_array_interrupted", job_id=handles[0].base_job_id)
                executor.cancel(handles)
                watch.finish(waiting.result())
                raise
        return watch.finish(outcomes)

    def cancel(self) -> None:
        """Cancel the running array's unfinished tasks (from any thread)."""
        with self._lock:
            handles = list(self._handles)
        if handles:
            (self._executor or SlurmExecutor()).cancel(handles)


def _wait_watching(
    waiting: Future[list[RunOutcome]], watch: _Watch, interval: float
) -> list[RunOutcome]:
    """Wait for the array's outcomes, reporting members' state changes every ``interval``."""
    while True:
        try:
            return waiting.result(timeout=interval)
        except FutureTimeout:
            watch.report_changes()


class _Watch:
    """Reads the members' state files and reports each change once through ``on_state``."""

    def __init__(
        self, jobs: Sequence[MemberJob], before: dict[str, MemberState | None], on_state: OnState
    ) -> None:
        self._jobs = jobs
        self._before = before
        self._on_state = on_state
        self._reported: dict[str, MemberState] = {}

    def _fresh(self, job: MemberJob) -> MemberState | None:
        """Return the member's state written since submission, or None."""
        state = read_state(job.ensemble_dir, job.member_id)
        return None if state is None or state == self._before[job.member_id] else state

    def _report(self, state: MemberState) -> None:
        if self._reported.get(state.member_id) != state:
            self._reported[state.member_id] = state
            self._on_state(state)

    def report_changes(self) -> None:
        """Report every member state written since the last look."""
        for job in self._jobs:
            state = self._fresh(job)
            if state is not None:
                self._report(state)

    def finish(self, outcomes: Sequence[RunOutcome]) -> list[MemberState]:
        """Return (and report) each member's final state, given its task's outcome."""
        states = []
        for job, outcome in zip(self._jobs, outcomes, strict=True):
            state = self._fresh(job)
            if state is None or state.status not in FINAL:
                state = lost_member(job, outcome, state)
                write_state(job.ensemble_dir, state)
            self._report(state)
            states.append(state)
        return states


def lost_member(job: MemberJob, outcome: RunOutcome, last: MemberState | None) -> MemberState:
    """Return the ``failed`` state of a member whose task ended without a final state."""
    job_id = outcome.details.get("job_id", "")
    slurm_state = outcome.details.get("slurm_state")
    reason = outcome.message or f"the task ended {outcome.status}"
    if slurm_state and str(slurm_state) not in reason:
        reason = f"{reason} (SLURM state {slurm_state})"
    where = f"SLURM job {job_id}" if job_id else "SLURM"
    message = f"{where}: {reason}; the member recorded no final state"
    return MemberState(
        member_id=job.member_id,
        status=FAILED,
        config_hash=job.config_hash,
        started_at=last.started_at if last is not None else None,
        duration=outcome.duration,
        message=message,
        host=last.host if last is not None else "",
        engine=SlurmArrayRunner.type,
    )
