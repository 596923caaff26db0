"""SLURM handles (``SlurmExecutor.start``) on the in-memory scheduler and clock."""

from __future__ import annotations

from pathlib import Path

from rompy.ports.execution import (
    CANCELLED,
    PENDING,
    RUNNING,
    SUCCEEDED,
    TIMED_OUT,
    StartingExecutor,
)
from tests.adapters.execution.test_slurm_polling import (
    COMPLETED,
    FakeClock,
    FakeScheduler,
    executor,
    request,
)

QUEUED = ("PENDING", 0)
STARTED = ("RUNNING", 0)


def test_the_slurm_executor_starts_runs() -> None:
    assert isinstance(executor(FakeScheduler(), FakeClock()), StartingExecutor)


def test_the_status_follows_the_job_from_pending_to_running_to_succeeded(tmp_path: Path) -> None:
    scheduler, clock = FakeScheduler([QUEUED, STARTED, COMPLETED]), FakeClock()
    handle = executor(scheduler, clock).start(request(tmp_path))

    seen = [handle.status() for _ in range(3)]

    assert [PENDING, RUNNING, SUCCEEDED] == seen


def test_a_wait_that_times_out_returns_none_and_cancels_nothing(tmp_path: Path) -> None:
    scheduler, clock = FakeScheduler([STARTED]), FakeClock()
    handle = executor(scheduler, clock).start(request(tmp_path, poll_interval=1.0))

    outcome = handle.wait(timeout=5.0)

    assert (None, [], RUNNING) == (outcome, scheduler.cancels, handle.status())


def test_a_wait_polls_until_the_job_ends(tmp_path: Path) -> None:
    scheduler, clock = FakeScheduler([QUEUED, STARTED, STARTED, COMPLETED]), FakeClock()
    handle = executor(scheduler, clock).start(request(tmp_path))

    outcome = handle.wait()

    assert outcome is not None
    assert (SUCCEEDED, 4) == (outcome.status, len(scheduler.queries))


def test_the_spec_timeout_still_cancels_the_job_and_ends_it_timed_out(tmp_path: Path) -> None:
    scheduler, clock = FakeScheduler([STARTED]), FakeClock()
    handle = executor(scheduler, clock).start(request(tmp_path, timeout=3, poll_interval=1.0))

    outcome = handle.wait(timeout=60.0)

    assert outcome is not None
    assert ([["100"]], TIMED_OUT) == (scheduler.cancels, outcome.status)


def test_a_status_after_the_spec_timeout_ends_the_job_timed_out(tmp_path: Path) -> None:
    scheduler, clock = FakeScheduler([STARTED]), FakeClock()
    handle = executor(scheduler, clock).start(request(tmp_path, timeout=3))
    clock.sleep(10.0)

    assert (TIMED_OUT, [["100"]]) == (handle.status(), scheduler.cancels)


def test_cancel_scancels_the_job_and_its_outcome_is_cancelled(tmp_path: Path) -> None:
    scheduler, clock = FakeScheduler([STARTED]), FakeClock()
    handle = executor(scheduler, clock).start(request(tmp_path))

    handle.cancel()
    outcome = handle.wait()

    assert outcome is not None
    assert ([["100"]], CANCELLED, True) == (scheduler.cancels, outcome.status, handle.done())


def test_the_outcome_is_none_until_a_look_sees_the_job_end(tmp_path: Path) -> None:
    scheduler, clock = FakeScheduler([COMPLETED]), FakeClock()
    handle = executor(scheduler, clock).start(request(tmp_path))

    before = handle.outcome
    handle.status()

    assert handle.outcome is not None
    assert (None, SUCCEEDED) == (before, handle.outcome.status)
