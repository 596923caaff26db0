"""What a finished SLURM job means for rompy: job handles and their run outcomes.

SLURM's final job state decides the outcome status (:data:`STATE_STATUS`); a job SLURM has
already forgotten is judged from the exit-code file its batch script wrote into the staging
dir (:data:`~rompy.domain.execution.slurm.EXIT_CODE_FILE`).

An outcome's ``started_at`` and ``duration`` are the job's real start time and run time
(SLURM's ``EndTime - StartTime``, to the second) when SLURM reports them; otherwise (a job
SLURM has forgotten, or one that never reported times) they fall back to the submission time
and the time since submission. ``details["timing_source"]`` says which (:data:`SLURM_TIMES`
or :data:`SUBMISSION_TIMES`), and ``details["submitted_at"]`` keeps the submission time.
"""

from __future__ import annotations

import getpass
from datetime import datetime
from pathlib import Path
from typing import Any

import attrs

from rompy.adapters.execution.report import tail
from rompy.adapters.execution.slurm.commands import JobStatus
from rompy.domain.execution.slurm import SlurmExecution
from rompy.domain.execution.slurm_script import EXIT_CODE_FILE, SIGNAL_MARK, expand_filename_pattern
from rompy.ports.execution import CANCELLED, FAILED, SUCCEEDED, TIMED_OUT, RunOutcome

EXECUTOR_TYPE = "slurm"
"""The ``type`` tag reported in outcomes."""

STATE_STATUS = {
    "COMPLETED": SUCCEEDED,
    "TIMEOUT": TIMED_OUT,
    "DEADLINE": TIMED_OUT,
    "CANCELLED": CANCELLED,
    "REVOKED": CANCELLED,
}
"""Outcome status of SLURM's final states; every other final state is ``failed``."""

NO_ARRAY_INDEX = "4294967294"
"""What SLURM puts for ``%a`` in the file names of a job that is not an array task."""

SIGNAL_EXIT_BASE = 128
"""Exit code of a process killed by signal ``S`` is reported as ``128 + S`` (as shells do)."""

TERM_SIGNAL = 15
"""SIGTERM, which SLURM sends to jobs it stops."""

STDERR_LINES_IN_MESSAGE = 5
"""Lines of the error file quoted in a failure message."""

SLURM_TIMES = "slurm"
"""``details["timing_source"]`` when start and duration are SLURM's StartTime and EndTime."""

SUBMISSION_TIMES = "submission"
"""``details["timing_source"]`` when they are the submission time and the time since."""


@attrs.frozen(kw_only=True)
class JobHandle:
    """A submitted run: enough to poll, cancel and describe its job.

    Attributes:
        run_id: The run's id.
        job_id: ``"123"``, or ``"123_4"`` for task 4 of array job 123.
        base_job_id: The job id ``sbatch`` returned (the array's id for array tasks).
        array_index: The task index for array tasks, None for a plain job.
        staging_dir: The run's staging dir.
        job_name: The SLURM job name.
        stdout_pattern: The stdout file pattern (absolute, SLURM ``%`` tokens).
        stderr_pattern: The stderr file pattern.
        spec: The execution spec.
        submitted_at: When the job was submitted (UTC, naive; read just before ``sbatch``).
        submitted_clock: Monotonic clock reading at submission.
        command: The command the job runs, as the user wrote it (for outcome details).
    """

    run_id: str
    job_id: str
    base_job_id: str
    array_index: int | None = None
    staging_dir: Path
    job_name: str
    stdout_pattern: str
    stderr_pattern: str
    spec: SlurmExecution
    submitted_at: datetime
    submitted_clock: float
    command: str = ""


def _pattern_values(handle: JobHandle, status: JobStatus | None) -> dict[str, str]:
    values = {"x": handle.job_name, "u": getpass.getuser(), "A": handle.base_job_id}
    if handle.array_index is None:
        values |= {"j": handle.job_id, "a": NO_ARRAY_INDEX}
    else:
        values["a"] = str(handle.array_index)
        if status is not None and status.task_job_id != handle.base_job_id:
            values["j"] = status.task_job_id
    return values


def output_files(handle: JobHandle, status: JobStatus | None) -> tuple[Path | None, Path | None]:
    """Return the job's stdout and stderr files (None when a pattern cannot be resolved)."""
    values = _pattern_values(handle, status)
    paths = (
        expand_filename_pattern(p, values) for p in (handle.stdout_pattern, handle.stderr_pattern)
    )
    stdout, stderr = (None if path is None else Path(path) for path in paths)
    return stdout, stderr


def _error_tail(stderr_path: Path | None) -> str:
    lines = tail(stderr_path, STDERR_LINES_IN_MESSAGE) if stderr_path is not None else []
    return f"; last lines of {stderr_path}: " + " | ".join(lines) if lines else ""


def _message(handle: JobHandle, status: str, state: str, exit_code: int | None) -> str:
    job = f"SLURM job {handle.job_id}"
    if status == SUCCEEDED:
        return ""
    if status == TIMED_OUT:
        return f"{job} reached its time limit {handle.spec.time_limit} ({state})"
    if status == CANCELLED:
        return f"{job} was cancelled ({state})"
    return f"{job} ended {state} with exit code {exit_code}"


@attrs.frozen(kw_only=True)
class RunTimes:
    """When a job started and how long it ran, and where those figures come from.

    Attributes:
        started_at: The start (UTC, naive).
        duration: Seconds from start to end.
        source: :data:`SLURM_TIMES` or :data:`SUBMISSION_TIMES`.
    """

    started_at: datetime
    duration: float
    source: str


def run_times(handle: JobHandle, job: JobStatus | None, *, now: float) -> RunTimes:
    """Return the job's real start and run time when SLURM reported both, else estimates.

    With SLURM's StartTime and EndTime (whole seconds) the start is StartTime and the
    duration ``EndTime - StartTime``. Without them, the start falls back to the submission
    time and the duration to the time since submission (``now - submitted_clock``). A job
    cancelled while pending has SLURM's cancel time as both start and end: duration 0.

    Args:
        handle: The job.
        job: Its final status, None when SLURM no longer knows it.
        now: Monotonic clock reading when the job was found finished.
    """
    if job is not None and job.started_at is not None and job.ended_at is not None:
        ran = (job.ended_at - job.started_at).total_seconds()
        return RunTimes(started_at=job.started_at, duration=max(0.0, ran), source=SLURM_TIMES)
    return RunTimes(
        started_at=handle.submitted_at,
        duration=max(0.0, now - handle.submitted_clock),
        source=SUBMISSION_TIMES,
    )


def _outcome(
    handle: JobHandle,
    *,
    status: str,
    exit_code: int | None,
    message: str,
    times: RunTimes,
    files: tuple[Path | None, Path | None],
    details: dict[str, Any],
) -> RunOutcome:
    tail_text = _error_tail(files[1]) if status == FAILED else ""
    return RunOutcome(
        run_id=handle.run_id,
        executor=EXECUTOR_TYPE,
        status=status,
        exit_code=exit_code,
        started_at=times.started_at,
        duration=times.duration,
        stdout_path=files[0],
        stderr_path=files[1],
        message=message + tail_text,
        details={
            "job_id": handle.job_id,
            "command": handle.command,
            "submitted_at": handle.submitted_at.isoformat(),
            "timing_source": times.source,
            **details,
        },
    )


def outcome_from_status(handle: JobHandle, job: JobStatus, *, now: float) -> RunOutcome:
    """Return the outcome of a job SLURM reports in a final state.

    Start and duration are SLURM's (see :func:`run_times`).

    Args:
        handle: The job.
        job: Its final status.
        now: Monotonic clock reading when the status was read.
    """
    status = STATE_STATUS.get(job.state, FAILED)
    exit_code = SIGNAL_EXIT_BASE + job.signal if job.signal else job.exit_code
    details: dict[str, Any] = {
        "slurm_state": job.state,
        "slurm_exit_code": f"{job.exit_code}:{job.signal}",
        "reason": job.reason,
    }
    if job.task_job_id != handle.job_id:
        details["task_job_id"] = job.task_job_id
    return _outcome(
        handle,
        status=status,
        exit_code=exit_code,
        message=_message(handle, status, job.state, exit_code),
        times=run_times(handle, job, now=now),
        files=output_files(handle, job),
        details=details,
    )


def read_exit_file(staging_dir: Path) -> str | None:
    """Return the text of the exit-code file in ``staging_dir``, None when there is none."""
    path = staging_dir / EXIT_CODE_FILE
    try:
        return path.read_text(encoding="utf-8").strip()
    except (FileNotFoundError, IsADirectoryError):
        return None


def _exit_file_verdict(
    handle: JobHandle, text: str | None, now: float
) -> tuple[str, int | None, str]:
    job = f"SLURM job {handle.job_id}"
    if text is not None and text.isdigit():
        code = int(text)
        return (
            (SUCCEEDED, 0, "")
            if code == 0
            else (FAILED, code, f"{job} ended with exit code {code}")
        )
    if text is not None and text.startswith(SIGNAL_MARK):
        ran = now - handle.submitted_clock
        status = TIMED_OUT if ran >= handle.spec.time_limit_seconds else CANCELLED
        return status, SIGNAL_EXIT_BASE + TERM_SIGNAL, _message(handle, status, text, None)
    return (
        FAILED,
        None,
        f"{job} left the queue without leaving its exit code in {EXIT_CODE_FILE}: it was "
        "killed or never started; see SLURM's logs",
    )


def outcome_from_exit_file(handle: JobHandle, *, now: float) -> RunOutcome:
    """Return the outcome of a job SLURM no longer knows, from its exit-code file.

    A number is the command's exit status. ``signal:TERM`` means SLURM stopped the job:
    ``timed_out`` when it ran at least its time limit, else ``cancelled``. No file means the
    job was killed outright or never started: ``failed``. SLURM's times are gone with the
    job, so the start is the submission time and the duration the time since submission.
    """
    status, exit_code, message = _exit_file_verdict(handle, read_exit_file(handle.staging_dir), now)
    return _outcome(
        handle,
        status=status,
        exit_code=exit_code,
        message=message,
        times=run_times(handle, None, now=now),
        files=output_files(handle, None),
        details={"slurm_state": None, "resolved_from": EXIT_CODE_FILE},
    )


def resolve(handle: JobHandle, job: JobStatus | None, *, now: float) -> RunOutcome:
    """Return the outcome of a finished job: from its final status, or its exit-code file."""
    return (
        outcome_from_exit_file(handle, now=now)
        if job is None
        else outcome_from_status(handle, job, now=now)
    )


def forced_outcome(outcome: RunOutcome, status: str, message: str) -> RunOutcome:
    """Return ``outcome`` with the status and message of a stop rompy asked for.

    A job that completed before the stop keeps its own outcome.
    """
    if outcome.ok:
        return outcome
    return attrs.evolve(outcome, status=status, message=message)
