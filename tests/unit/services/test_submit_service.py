"""Asynchronous runs (``App.submit``, ``RunHandle``, ``wait_all``, ``as_completed``) on fakes."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import attrs
import pytest

from rompy.domain.errors import ConfigError, ExecutorUnavailableError
from rompy.domain.model_run import ModelRun
from rompy.hookspecs import hookimpl
from rompy.ports.execution import (
    CANCELLED,
    FAILED,
    PENDING,
    RUNNING,
    SUCCEEDED,
    RunOutcome,
    StartingExecutor,
)
from rompy.ports.handles import ThreadedHandle
from rompy.services.waiting import as_completed, wait_all
from rompy.testing import (
    FakeExecution,
    FakeExecutor,
    FakeStartExecution,
    FakeStartingExecutor,
    FakeWorld,
    fake_app,
)
from tests.unit.services.test_pipeline_service import PickyModel, PickyPlugin


@attrs.define
class AfterRunCounter:
    outcomes: list[RunOutcome] = attrs.field(factory=list)

    @hookimpl
    def rompy_after_run(self, run: ModelRun, outcome: RunOutcome) -> None:
        self.outcomes.append(outcome)


@pytest.fixture
def world() -> FakeWorld:
    return FakeWorld()


def make_run(run_id: str = "r1", **changes: Any) -> ModelRun:
    return ModelRun(run_id=run_id, output_dir=Path("out"), **changes)


HELD = FakeStartExecution(hold=True)


def test_the_fake_starting_executor_starts_runs_and_the_plain_one_does_not(
    world: FakeWorld,
) -> None:
    assert (True, False) == (
        isinstance(FakeStartingExecutor(world), StartingExecutor),
        isinstance(FakeExecutor(world), StartingExecutor),
    )


def test_submit_returns_while_the_run_goes_on(world: FakeWorld) -> None:
    handle = fake_app(world).submit(make_run(), HELD)

    assert (RUNNING, False, None, None) == (
        handle.status(),
        handle.done(),
        handle.outcome,
        handle.wait(timeout=0.01),
    )


def test_the_status_goes_from_pending_to_running_to_the_final_status(world: FakeWorld) -> None:
    handle = fake_app(world).submit(make_run(), FakeStartExecution(hold=True, pending=True))
    seen = [handle.status()]
    world.handles[0].begin()
    seen.append(handle.status())
    world.handles[0].finish()
    seen.append(handle.status())

    assert [PENDING, RUNNING, SUCCEEDED] == seen


def test_a_bad_config_raises_at_submit_before_anything_starts(world: FakeWorld) -> None:
    app = fake_app(world)
    with pytest.raises(ConfigError):
        app.submit(make_run(), HELD, skip_generate=True)

    assert [] == world.handles


def test_the_success_check_and_after_run_hook_apply_once(world: FakeWorld) -> None:
    counter = AfterRunCounter()
    app = fake_app(world, ("picky", PickyPlugin()), ("counter", counter))
    handle = app.submit(make_run(config=PickyModel()), HELD)
    world.handles[0].finish()

    looks = [handle.status(), handle.done(), handle.wait(), handle.outcome, handle.wait(1.0)]

    assert 1 == len(counter.outcomes)
    assert FAILED == counter.outcomes[0].status
    assert "no 'done' file" in counter.outcomes[0].message
    assert [FAILED, True] == looks[:2]
    assert all(look is counter.outcomes[0] for look in looks[2:])


def test_many_threads_looking_at_once_apply_the_hook_once(world: FakeWorld) -> None:
    counter = AfterRunCounter()
    handle = fake_app(world, ("counter", counter)).submit(make_run(), HELD)
    threads = [threading.Thread(target=handle.wait) for _ in range(8)]
    for thread in threads:
        thread.start()
    world.handles[0].finish()
    for thread in threads:
        thread.join(10)

    assert 1 == len(counter.outcomes)


def test_cancel_ends_the_run_cancelled(world: FakeWorld) -> None:
    handle = fake_app(world).submit(make_run(), HELD)

    handle.cancel()
    outcome = handle.wait()

    assert outcome is not None
    assert (CANCELLED, CANCELLED) == (outcome.status, handle.status())


def test_run_blocks_until_the_started_run_ends_with_the_same_outcome_as_submit(
    world: FakeWorld,
) -> None:
    app = fake_app(world)
    submitted = app.submit(make_run("a"), FakeStartExecution()).wait()
    blocking = app.run(make_run("b"), FakeStartExecution())

    assert submitted is not None
    assert (submitted.status, submitted.executor) == (blocking.status, blocking.executor)


def test_wait_all_returns_the_outcomes_in_order_and_none_for_a_running_run(
    world: FakeWorld,
) -> None:
    app = fake_app(world)
    handles = [app.submit(make_run(f"r{i}"), HELD) for i in range(3)]
    world.handles[0].finish()
    world.handles[2].finish()

    outcomes = app.wait_all(handles, timeout=0.05)

    assert ["r0", None, "r2"] == [o.run_id if o else None for o in outcomes]
    assert RUNNING == handles[1].status()


def test_wait_all_without_timeout_waits_for_every_run(world: FakeWorld) -> None:
    app = fake_app(world)
    handles = [app.submit(make_run(f"r{i}"), HELD) for i in range(2)]
    finisher = threading.Timer(0.05, lambda: [h.finish() for h in world.handles])
    finisher.start()

    outcomes = wait_all(handles)

    assert [SUCCEEDED, SUCCEEDED] == [o.status if o else None for o in outcomes]


def test_as_completed_yields_the_first_to_finish_first(world: FakeWorld) -> None:
    app = fake_app(world)
    handles = [app.submit(make_run(f"r{i}"), HELD) for i in range(3)]
    world.handles[1].finish()
    order = []
    for handle in as_completed(handles, timeout=10):
        order.append(handle.run_id)
        if len(order) == 1:
            world.handles[2].finish()
        elif len(order) == 2:
            world.handles[0].finish()

    assert ["r1", "r2", "r0"] == order


def test_as_completed_raises_timeout_error_and_stops_nothing(world: FakeWorld) -> None:
    handles = [fake_app(world).submit(make_run(), HELD)]

    with pytest.raises(TimeoutError, match="1 of the runs"):
        list(as_completed(handles, timeout=0.05))
    assert (RUNNING, 0) == (handles[0].status(), world.handles[0].cancel_calls)


def test_an_executor_without_start_runs_in_a_thread_and_succeeds(world: FakeWorld) -> None:
    handle = fake_app(world).submit(make_run(), FakeExecution())

    outcome = handle.wait(timeout=10)

    assert outcome is not None
    assert (SUCCEEDED, 1) == (outcome.status, len(world.executed))


def test_cancel_on_an_executor_without_start_says_it_cannot_and_the_run_goes_on() -> None:
    release = threading.Event()

    def follow(cancelled: threading.Event) -> RunOutcome:
        release.wait(10)
        return RunOutcome(run_id="r1", executor="x", status=SUCCEEDED)

    handle = ThreadedHandle("r1", follow, stop=None, executor="x")
    with pytest.raises(ExecutorUnavailableError, match="cannot cancel"):
        handle.cancel()
    release.set()
    outcome = handle.wait(10)

    assert outcome is not None
    assert SUCCEEDED == outcome.status


def test_an_error_while_following_is_raised_by_wait() -> None:
    def follow(cancelled: threading.Event) -> RunOutcome:
        raise ExecutorUnavailableError("lost the engine")

    handle = ThreadedHandle("r1", follow, stop=None, executor="x")

    with pytest.raises(ExecutorUnavailableError, match="lost the engine"):
        handle.wait(10)
