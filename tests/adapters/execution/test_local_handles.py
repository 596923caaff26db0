"""Handles on local runs (``LocalExecutor.start``) against real processes."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from rompy.adapters.execution.local.executor import LocalExecutor
from rompy.domain.execution.spec import LocalExecution
from rompy.ports.execution import (
    CANCELLED,
    FAILED,
    RUNNING,
    SUCCEEDED,
    TIMED_OUT,
    ExecutionRequest,
    RunOutcome,
    StartingExecutor,
)

EXECUTOR = LocalExecutor(grace_period=1.0, drain_timeout=1.0)


def make_request(tmp_path: Path, run_id: str, command: str, **spec: object) -> ExecutionRequest:
    staging = tmp_path / run_id
    staging.mkdir()
    return ExecutionRequest(
        run_id=run_id,
        staging_dir=staging,
        spec=LocalExecution(command=command, **spec),  # type: ignore[arg-type]
    )


def wait_until(condition: Callable[[], bool], seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def group_is_gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


def pid_written(staging: Path) -> int:
    pid_file = staging / "group.pid"
    assert wait_until(lambda: pid_file.exists() and pid_file.read_text().strip() != "")
    return int(pid_file.read_text())


def test_the_local_executor_starts_runs() -> None:
    assert isinstance(EXECUTOR, StartingExecutor)


def test_a_started_sleep_reports_running(tmp_path: Path) -> None:
    handle = EXECUTOR.start(make_request(tmp_path, "r1", "sleep 30"))
    try:
        assert (RUNNING, False, None) == (handle.status(), handle.done(), handle.outcome)
    finally:
        handle.cancel()


def test_a_wait_that_times_out_returns_none_and_leaves_the_process_running(
    tmp_path: Path,
) -> None:
    request = make_request(tmp_path, "r1", "echo $$ > group.pid; exec sleep 30")
    handle = EXECUTOR.start(request)
    try:
        pgid = pid_written(request.staging_dir)

        assert handle.wait(timeout=0.2) is None
        assert (RUNNING, False) == (handle.status(), group_is_gone(pgid))
    finally:
        handle.cancel()


def test_cancel_ends_the_run_cancelled_and_its_process_group_is_gone(tmp_path: Path) -> None:
    request = make_request(tmp_path, "r1", "echo $$ > group.pid; sleep 30 & sleep 30")
    handle = EXECUTOR.start(request)
    pgid = pid_written(request.staging_dir)

    handle.cancel()
    outcome = handle.wait(timeout=30)

    assert outcome is not None
    assert (CANCELLED, CANCELLED) == (outcome.status, handle.status())
    assert wait_until(lambda: group_is_gone(pgid))


def test_cancel_after_the_run_finished_changes_nothing(tmp_path: Path) -> None:
    handle = EXECUTOR.start(make_request(tmp_path, "r1", "true"))
    first = handle.wait(timeout=30)

    handle.cancel()

    assert first is not None
    assert (SUCCEEDED, first) == (first.status, handle.wait(timeout=30))


def test_runs_waited_together_all_succeed_and_overlap_in_time(tmp_path: Path) -> None:
    handles = [EXECUTOR.start(make_request(tmp_path, f"r{i}", "sleep 1")) for i in range(3)]

    outcomes = [handle.wait(timeout=60) for handle in handles]

    finished = [outcome for outcome in outcomes if outcome is not None]
    assert [SUCCEEDED] * 3 == [outcome.status for outcome in finished]
    assert intervals_overlap(finished)


def intervals_overlap(outcomes: list[RunOutcome]) -> bool:
    """True when some moment lies inside every outcome's run interval."""
    starts, ends = [], []
    for outcome in outcomes:
        assert outcome.started_at is not None
        starts.append(outcome.started_at)
        ends.append(outcome.started_at + timedelta(seconds=outcome.duration))
    return max(starts) < min(ends)


def test_the_spec_timeout_still_stops_a_started_run(tmp_path: Path) -> None:
    handle = EXECUTOR.start(make_request(tmp_path, "r1", "sleep 30", timeout=0.3))

    outcome = handle.wait(timeout=30)

    assert outcome is not None
    assert TIMED_OUT == outcome.status


def test_a_command_that_cannot_start_gives_a_finished_failed_handle(tmp_path: Path) -> None:
    handle = EXECUTOR.start(make_request(tmp_path, "r1", "rompy-no-such-cmd-91x", shell=False))

    assert (True, FAILED) == (handle.done(), handle.status())
