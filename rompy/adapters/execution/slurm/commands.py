"""Talking to SLURM through its command line tools: ``sbatch``, ``squeue`` and ``scancel``.

:class:`SlurmCommands` is the only place that starts SLURM processes. The executor depends
on the :class:`SlurmScheduler` protocol, so its polling logic can be tested against an
in-memory scheduler (see ``tests/unit``).

Status comes from one ``squeue --states=all`` call for any number of jobs: it lists running
jobs and, for ``MinJobAge`` seconds after they end, finished ones with their final state, exit
status and start and end times. Times are asked for as Unix seconds
(``SLURM_TIME_FORMAT=%s``), so they do not depend on the time zone of the machine.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import attrs

from rompy.domain.errors import ConfigError, ExecutorUnavailableError, RompyError
from rompy.domain.execution.slurm import SlurmExecution
from rompy.log import get_logger

log = get_logger(__name__)

INSTALL_HINT = "install SLURM (scripts/engines/slurm.sh)"
"""How to get the SLURM tools, named in errors."""

SQUEUE_FIELDS = ("JobArrayID", "JobID", "State", "exit_code", "Reason", "StartTime", "EndTime")
"""The ``squeue --Format`` fields read, in order."""

TIME_FORMAT_ENV = {"SLURM_TIME_FORMAT": "%s"}
"""Environment that makes SLURM's tools print times as Unix seconds."""

FINAL_STATES = frozenset(
    {"COMPLETED", "FAILED", "OUT_OF_MEMORY", "NODE_FAIL", "BOOT_FAIL", "TIMEOUT"}
    | {"CANCELLED", "DEADLINE", "PREEMPTED", "SPECIAL_EXIT", "REVOKED"}
)
"""Job states after which the job will not run again."""

_SUBMISSION_FIELDS = (
    ("invalid partition", "queue"),
    ("invalid account", "account"),
    ("invalid qos", "qos"),
    ("reservation is invalid", "reservation"),
    ("memory specification", "memory"),
)
_UNKNOWN_JOB = "invalid job id"
_SEPARATOR = "|"


class SchedulerError(ExecutorUnavailableError):
    """A SLURM command failed in a way that may pass (controller busy or restarting)."""


class SubmissionError(RompyError):
    """``sbatch`` refused a job; the message is its standard error."""

    exit_code = 1


@attrs.frozen(kw_only=True)
class JobStatus:
    """What ``squeue`` says about one job (or one job array task).

    Attributes:
        job_id: ``"123"`` for a job, ``"123_4"`` for task 4 of array job 123.
        task_job_id: The job's own id (an array task's own id once it started).
        state: SLURM's job state, such as ``RUNNING`` or ``COMPLETED``.
        exit_status: The raw wait status (exit code times 256 plus the signal number).
        reason: Why the job is pending or ended, as SLURM says it.
        started_at: When the job started running (UTC, naive); None when SLURM does not say.
            A pending job has none; a job cancelled while pending gets the cancel time.
        ended_at: When the job ended (UTC, naive), or, while it runs, when its time limit
            will end it; None when SLURM does not say.
    """

    job_id: str
    task_job_id: str
    state: str
    exit_status: int = 0
    reason: str = ""
    started_at: datetime | None = None
    ended_at: datetime | None = None

    @property
    def finished(self) -> bool:
        """True when the job is in a final state."""
        return self.state in FINAL_STATES

    @property
    def exit_code(self) -> int:
        """The exit code of the batch script (SLURM's ``N`` of ``N:S``)."""
        return (self.exit_status >> 8) & 0xFF

    @property
    def signal(self) -> int:
        """The signal that ended the batch script, 0 for none (``S`` of ``N:S``)."""
        return self.exit_status & 0x7F


class SlurmScheduler(Protocol):
    """The scheduler operations the SLURM executor needs."""

    def submit(self, script: Path, *, cwd: Path) -> str:
        """Submit the batch script ``script`` from ``cwd``; return the job id.

        Raises:
            SubmissionError: ``sbatch`` refused the job.
            ExecutorUnavailableError: ``sbatch`` is not installed.
        """
        ...

    def query(self, job_ids: Sequence[str]) -> dict[str, JobStatus]:
        """Return the status of the jobs SLURM still knows among ``job_ids``, by job id.

        An array job id returns every task of the array (``"123_0"``, ``"123_1"``, ...).

        Raises:
            SchedulerError: ``squeue`` failed.
        """
        ...

    def cancel(self, job_ids: Sequence[str]) -> None:
        """Ask SLURM to cancel ``job_ids`` (finished or unknown ids are ignored)."""
        ...


def parse_slurm_time(text: str) -> datetime | None:
    """Parse a time SLURM printed; return it in UTC (naive), None for no time.

    Accepts Unix seconds (what SLURM prints under :data:`TIME_FORMAT_ENV`) and SLURM's
    default ``YYYY-MM-DDTHH:MM:SS``, which is local time. SLURM's words for no time
    (``N/A``, ``Unknown``, ``None``) and anything else give None.

    Example:
        >>> parse_slurm_time("1795576437")
        datetime.datetime(2026, 11, 25, 3, 13, 57)
    """
    text = text.strip()
    if text.isdigit():
        return datetime.fromtimestamp(int(text), UTC).replace(tzinfo=None)
    try:
        local = datetime.fromisoformat(text)
    except ValueError:
        return None
    return local.astimezone(UTC).replace(tzinfo=None)


def parse_squeue_line(line: str) -> JobStatus | None:
    """Parse one line of ``squeue --Format`` with :data:`SQUEUE_FIELDS`; None if malformed.

    Example:
        >>> parse_squeue_line("12_1|14|FAILED|768|NonZeroExitCode|1795576440|1795576441|").exit_code
        3
    """
    parts = line.strip().split(_SEPARATOR)
    if len(parts) < len(SQUEUE_FIELDS) or not parts[0]:
        return None
    job_id, task_job_id, state, exit_status, reason, started, ended = parts[: len(SQUEUE_FIELDS)]
    return JobStatus(
        job_id=job_id,
        task_job_id=task_job_id,
        state=state.split()[0] if state.strip() else "UNKNOWN",
        exit_status=int(exit_status) if exit_status.strip().isdigit() else 0,
        reason=reason,
        started_at=parse_slurm_time(started),
        ended_at=parse_slurm_time(ended),
    )


def parse_sbatch_output(text: str) -> str:
    """Return the job id printed by ``sbatch --parsable`` (``"123"`` or ``"123;cluster"``).

    Raises:
        SubmissionError: The output holds no job id.
    """
    job_id = text.strip().splitlines()[-1].split(";")[0].strip() if text.strip() else ""
    if not job_id.isdigit():
        raise SubmissionError(f"sbatch printed no job id: {text.strip()!r}")
    return job_id


def submission_error(spec: SlurmExecution, message: str) -> Exception:
    """Turn ``sbatch``'s refusal into a :class:`ConfigError` (bad option) or unavailability.

    Args:
        spec: The spec of the refused job.
        message: ``sbatch``'s standard error.
    """
    lowered = message.lower()
    for needle, field in _SUBMISSION_FIELDS:
        if needle in lowered:
            name = spec.partition_field if field == "queue" else field
            value = getattr(spec, name)
            return ConfigError(
                f"SLURM refused {name} {value!r}: {message}; ask `sinfo -s` / your cluster's "
                "documentation for the values you may use",
                path=f"backend.{name}",
                value=value,
            )
    return ExecutorUnavailableError(f"sbatch refused the job: {message}")


class SlurmCommands:
    """Runs SLURM's ``sbatch``, ``squeue`` and ``scancel`` as subprocesses.

    Args:
        command_timeout: Seconds one SLURM command may take before it counts as failed.
    """

    def __init__(self, *, command_timeout: float = 60.0) -> None:
        self._command_timeout = command_timeout

    def _run(
        self,
        argv: list[str],
        *,
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        try:
            return subprocess.run(
                argv,
                cwd=cwd,
                env=None if env is None else os.environ | env,
                capture_output=True,
                text=True,
                timeout=self._command_timeout,
                check=False,
            )
        except FileNotFoundError as error:
            raise ExecutorUnavailableError(f"{argv[0]} not found: {INSTALL_HINT}") from error
        except subprocess.TimeoutExpired as error:
            raise SchedulerError(
                f"{argv[0]} did not answer within {self._command_timeout:g} s"
            ) from error

    def submit(self, script: Path, *, cwd: Path) -> str:
        """Submit ``script`` with ``sbatch --parsable``; return the job id.

        Raises:
            SubmissionError: ``sbatch`` refused the job (its standard error is the message).
            ExecutorUnavailableError: ``sbatch`` is not installed.
        """
        try:
            result = self._run(["sbatch", "--parsable", str(script)], cwd=cwd)
        except SchedulerError as error:
            raise SubmissionError(str(error)) from error
        if result.returncode != 0:
            raise SubmissionError(result.stderr.strip() or f"sbatch exited {result.returncode}")
        return parse_sbatch_output(result.stdout)

    def query(self, job_ids: Sequence[str]) -> dict[str, JobStatus]:
        """Return the status of ``job_ids`` from one ``squeue`` call (see the protocol).

        Raises:
            SchedulerError: ``squeue`` failed for another reason than unknown job ids.
            ExecutorUnavailableError: ``squeue`` is not installed.
        """
        if not job_ids:
            return {}
        fields = ",".join(f"{field}:{_SEPARATOR}" for field in SQUEUE_FIELDS)
        argv = ["squeue", "--noheader", "--array", "--states=all"]
        result = self._run(
            [*argv, f"--jobs={','.join(job_ids)}", f"--Format={fields}"], env=TIME_FORMAT_ENV
        )
        if result.returncode != 0:
            if _UNKNOWN_JOB in result.stderr.lower():
                return {}
            raise SchedulerError(result.stderr.strip() or f"squeue exited {result.returncode}")
        statuses = (parse_squeue_line(line) for line in result.stdout.splitlines())
        return {status.job_id: status for status in statuses if status is not None}

    def cancel(self, job_ids: Sequence[str]) -> None:
        """Cancel ``job_ids`` with one ``scancel`` call; failures are logged, not raised."""
        if not job_ids:
            return
        try:
            result = self._run(["scancel", *job_ids])
        except SchedulerError as error:
            log.warning("slurm_cancel_failed", job_ids=list(job_ids), error=str(error))
            return
        if result.returncode != 0:
            log.warning("slurm_cancel_failed", job_ids=list(job_ids), error=result.stderr.strip())
