"""Start times and run times of SLURM jobs: read from ``squeue``, put into run outcomes.

The ``squeue`` lines are real output of the one-node test cluster (scripts/engines/slurm.sh),
captured with ``SLURM_TIME_FORMAT=%s``; the same jobs printed in SLURM's default format (the
machine runs in UTC) gave the datetimes the tests expect.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rompy.adapters.execution.slurm.commands import (
    JobStatus,
    SlurmCommands,
    parse_slurm_time,
    parse_squeue_line,
)
from rompy.adapters.execution.slurm.executor import SlurmExecutor
from rompy.adapters.execution.slurm.outcomes import (
    SLURM_TIMES,
    SUBMISSION_TIMES,
    JobHandle,
    outcome_from_exit_file,
    outcome_from_status,
)
from rompy.domain.execution.slurm import SlurmExecution
from rompy.domain.execution.slurm_script import EXIT_CODE_FILE
from rompy.ports.execution import ExecutionRequest

COMPLETED_LINE = "596|596|COMPLETED|0|None|1795576437|1795576439|"
"""A ``sleep 2`` job, shown by SLURM's default format as 03:13:57 to 03:13:59 UTC."""

PENDING_LINE = "598_1|598|PENDING|0|Resources|N/A|N/A|"
"""An array task waiting for a CPU: no start or end yet."""

SUBMITTED_AT = datetime(2026, 11, 25, 3, 13, 56, 500000)
SUBMITTED_CLOCK = 1000.0


def parsed(line: str) -> JobStatus:
    status = parse_squeue_line(line)
    assert status is not None
    return status


def handle(tmp_path: Path) -> JobHandle:
    return JobHandle(
        run_id="run1",
        job_id="596",
        base_job_id="596",
        staging_dir=tmp_path,
        job_name="rompy-run1",
        stdout_pattern=str(tmp_path / "out.log"),
        stderr_pattern=str(tmp_path / "err.log"),
        spec=SlurmExecution(command="true"),
        submitted_at=SUBMITTED_AT,
        submitted_clock=SUBMITTED_CLOCK,
    )


# --- reading times from squeue -------------------------------------------------------------


def test_a_finished_job_line_gives_its_start_and_end_times() -> None:
    status = parsed(COMPLETED_LINE)

    assert (datetime(2026, 11, 25, 3, 13, 57), datetime(2026, 11, 25, 3, 13, 59)) == (
        status.started_at,
        status.ended_at,
    )


def test_a_pending_job_line_has_no_start_or_end_time() -> None:
    status = parsed(PENDING_LINE)

    assert (None, None) == (status.started_at, status.ended_at)


@pytest.mark.parametrize("text", ["N/A", "Unknown", "None", "", "soon"])
def test_slurm_words_for_no_time_give_none(text: str) -> None:
    assert parse_slurm_time(text) is None


@given(
    st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1)).map(
        lambda moment: moment.replace(microsecond=0)
    )
)
def test_unix_seconds_read_back_as_the_same_utc_time(moment: datetime) -> None:
    seconds = int(moment.replace(tzinfo=UTC).timestamp())

    assert moment == parse_slurm_time(f"{seconds}")


@pytest.fixture
def eight_hours_east_of_utc() -> Iterator[None]:
    """Run the test with the local time zone at UTC+8 (POSIX ``TZ`` counts westwards)."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "AWST-8"
    time.tzset()
    yield
    if saved is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = saved
    time.tzset()


def test_slurm_default_time_format_is_read_as_local_time(eight_hours_east_of_utc: None) -> None:
    assert datetime(2026, 11, 25, 3, 13, 57) == parse_slurm_time("2026-11-25T11:13:57")


def write_fake_squeue(folder: Path, record: Path, line: str) -> None:
    script = folder / "squeue"
    script.write_text(
        f'#!/bin/sh\nprintf %s "$SLURM_TIME_FORMAT" > {record}\nprintf "%s\\n" \'{line}\'\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


def test_the_status_query_asks_squeue_for_unix_seconds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = tmp_path / "time_format.txt"
    write_fake_squeue(tmp_path, record, COMPLETED_LINE)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")

    statuses = SlurmCommands().query(["596"])

    assert ("%s", datetime(2026, 11, 25, 3, 13, 57)) == (
        record.read_text(),
        statuses["596"].started_at,
    )


# --- times in outcomes ---------------------------------------------------------------------


def test_an_outcome_starts_when_slurm_started_the_job(tmp_path: Path) -> None:
    outcome = outcome_from_status(handle(tmp_path), parsed(COMPLETED_LINE), now=1010.0)

    assert (datetime(2026, 11, 25, 3, 13, 57), SLURM_TIMES) == (
        outcome.started_at,
        outcome.details["timing_source"],
    )


def test_an_outcome_lasts_from_slurm_start_to_slurm_end(tmp_path: Path) -> None:
    outcome = outcome_from_status(handle(tmp_path), parsed(COMPLETED_LINE), now=1010.0)

    assert 2.0 == outcome.duration


def test_an_outcome_keeps_the_submission_time_in_its_details(tmp_path: Path) -> None:
    outcome = outcome_from_status(handle(tmp_path), parsed(COMPLETED_LINE), now=1010.0)

    assert "2026-11-25T03:13:56.500000" == outcome.details["submitted_at"]


def test_a_job_without_slurm_times_falls_back_to_the_submission(tmp_path: Path) -> None:
    timeless = JobStatus(job_id="596", task_job_id="596", state="COMPLETED")

    outcome = outcome_from_status(handle(tmp_path), timeless, now=SUBMITTED_CLOCK + 7.5)

    assert (SUBMITTED_AT, 7.5, SUBMISSION_TIMES) == (
        outcome.started_at,
        outcome.duration,
        outcome.details["timing_source"],
    )


def test_a_forgotten_job_falls_back_to_the_submission(tmp_path: Path) -> None:
    (tmp_path / EXIT_CODE_FILE).write_text("0\n")

    outcome = outcome_from_exit_file(handle(tmp_path), now=SUBMITTED_CLOCK + 3.0)

    assert (SUBMITTED_AT, 3.0, SUBMISSION_TIMES) == (
        outcome.started_at,
        outcome.duration,
        outcome.details["timing_source"],
    )


def test_an_end_before_the_start_gives_a_zero_duration(tmp_path: Path) -> None:
    start = datetime(2026, 11, 25, 3, 13, 57)
    skewed = JobStatus(
        job_id="596",
        task_job_id="596",
        state="COMPLETED",
        started_at=start,
        ended_at=start - timedelta(seconds=1),
    )

    assert 0.0 == outcome_from_status(handle(tmp_path), skewed, now=1010.0).duration


# --- the submission time -------------------------------------------------------------------


class StampingScheduler:
    """Accepts every job and notes the UTC time at which ``sbatch`` would have run."""

    def __init__(self) -> None:
        self.sbatch_times: list[datetime] = []

    def submit(self, script: Path, *, cwd: Path) -> str:
        self.sbatch_times.append(datetime.now(UTC).replace(tzinfo=None))
        time.sleep(0.01)
        return "42"

    def query(self, job_ids: Sequence[str]) -> dict[str, JobStatus]:
        return {}

    def cancel(self, job_ids: Sequence[str]) -> None:
        return None


def test_the_submission_time_is_read_before_sbatch_runs(tmp_path: Path) -> None:
    scheduler = StampingScheduler()
    run = ExecutionRequest(run_id="run1", staging_dir=tmp_path, spec=SlurmExecution(command="true"))

    submitted = SlurmExecutor(scheduler).submit(run)

    assert submitted.submitted_at <= scheduler.sbatch_times[0]
