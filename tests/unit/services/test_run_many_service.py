"""Many runs on one backend (``App.run_many``), on the in-memory fakes of rompy.testing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import pytest

from rompy.domain.errors import ConfigError, StagingError
from rompy.domain.model_run import ModelRun
from rompy.hookspecs import hookimpl
from rompy.log import capture_events
from rompy.ports.execution import BatchExecutor, ExecutionRequest, RunOutcome
from rompy.testing import (
    FakeBatchExecution,
    FakeBatchExecutor,
    FakeExecution,
    FakeExecutor,
    FakeWorld,
    fake_app,
)
from tests.unit.services.test_pipeline_service import PickyModel, PickyPlugin


def make_runs(*run_ids: str, **changes: Any) -> list[ModelRun]:
    return [ModelRun(run_id=run_id, output_dir=Path("out"), **changes) for run_id in run_ids]


@attrs.define
class Observer:
    """Records the lifecycle hooks and the executions, in the order they happen."""

    world: FakeWorld
    seen: list[str] = attrs.field(factory=list)

    @hookimpl
    def rompy_after_generate(self, run: ModelRun, result: Any) -> None:
        self.seen.append(f"generated:{run.run_id}")

    @hookimpl
    def rompy_before_run(self, run: ModelRun, backend: Any) -> None:
        self.seen.append(f"before:{run.run_id}:executed={len(self.world.executed)}")

    @hookimpl
    def rompy_after_run(self, run: ModelRun, outcome: RunOutcome) -> None:
        self.seen.append(f"after:{run.run_id}:{outcome.status}")


@pytest.fixture
def world() -> FakeWorld:
    return FakeWorld()


def test_the_fake_batch_executor_is_a_batch_executor_and_the_plain_one_is_not(
    world: FakeWorld,
) -> None:
    assert (True, False) == (
        isinstance(FakeBatchExecutor(world), BatchExecutor),
        isinstance(FakeExecutor(world), BatchExecutor),
    )


def test_a_plain_executor_runs_every_run_in_turn_between_its_hooks(world: FakeWorld) -> None:
    observer = Observer(world)
    app = fake_app(world, ("observer", observer))

    outcomes = app.run_many(make_runs("a", "b", "c"), FakeExecution())

    assert ["a", "b", "c"] == [outcome.run_id for outcome in outcomes]
    assert ["a", "b", "c"] == [request.run_id for request in world.executed]
    assert [] == world.batches
    assert [
        "generated:a",
        "generated:b",
        "generated:c",
        "before:a:executed=0",
        "after:a:succeeded",
        "before:b:executed=1",
        "after:b:succeeded",
        "before:c:executed=2",
        "after:c:succeeded",
    ] == observer.seen


def test_a_batch_executor_gets_every_request_in_one_call(world: FakeWorld) -> None:
    observer = Observer(world)
    app = fake_app(world, ("observer", observer))
    runs = make_runs("a", "b", "c", "d")

    outcomes = app.run_many(runs, FakeBatchExecution(), max_parallel=2)

    assert 1 == len(world.batches)
    assert [
        ExecutionRequest(
            run_id=run.run_id,
            staging_dir=run.staging_dir,
            spec=FakeBatchExecution(),
            default_command=run.config.default_command(),
        )
        for run in runs
    ] == world.batches[0]
    assert ["a", "b", "c", "d"] == [outcome.run_id for outcome in outcomes]
    befores = [f"before:{run_id}:executed=0" for run_id in "abcd"]
    afters = [f"after:{run_id}:succeeded" for run_id in "abcd"]
    assert befores + afters == observer.seen[4:]


def test_the_batch_executor_is_told_max_parallel(
    world: FakeWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int | None] = []
    original = FakeBatchExecutor.execute_many

    def spy(
        self: FakeBatchExecutor, requests: list[ExecutionRequest], max_parallel: int | None = None
    ) -> list[RunOutcome]:
        seen.append(max_parallel)
        return original(self, requests, max_parallel)

    monkeypatch.setattr(FakeBatchExecutor, "execute_many", spy)
    fake_app(world).run_many(make_runs("a", "b"), FakeBatchExecution(), max_parallel=3)

    assert [3] == seen


@pytest.mark.parametrize("backend", [FakeExecution(), FakeBatchExecution()])
def test_each_run_is_judged_by_its_model_success_check(
    world: FakeWorld, backend: FakeExecution
) -> None:
    app = fake_app(world, ("picky", PickyPlugin()))
    runs = [
        ModelRun(run_id="plain", output_dir=Path("out")),
        ModelRun(run_id="picky", output_dir=Path("out"), config=PickyModel()),
    ]

    outcomes = app.run_many(runs, backend)

    assert ["succeeded", "failed"] == [outcome.status for outcome in outcomes]
    assert "no 'done' file" in outcomes[1].message


def test_a_failed_execution_stays_failed_and_the_other_runs_still_run(world: FakeWorld) -> None:
    outcomes = fake_app(world).run_many(
        make_runs("a", "b"), FakeExecution(status="failed", exit_code=3)
    )

    assert (["failed", "failed"], 2) == ([o.status for o in outcomes], len(world.executed))


def test_a_duplicated_run_id_is_refused_before_anything_is_generated(world: FakeWorld) -> None:
    runs = make_runs("a", "b", "c", "b")

    with pytest.raises(ConfigError, match=r"'b' is also the run id of runs\[1\]") as caught:
        fake_app(world).run_many(runs, FakeBatchExecution())

    assert ("runs[3].run_id", "b") == (caught.value.path, caught.value.value)
    assert ([], []) == (world.rendered, world.executed)


def test_two_run_ids_sharing_a_staging_dir_are_refused(world: FakeWorld) -> None:
    runs = [
        ModelRun(run_id="a", output_dir=Path("out/shared"), run_id_subdir=False),
        ModelRun(run_id="b", output_dir=Path("out/shared"), run_id_subdir=False),
    ]

    with pytest.raises(ConfigError, match=r"also the staging dir of runs\[0\]") as caught:
        fake_app(world).run_many(runs, FakeExecution())

    assert "runs[1].output_dir" == caught.value.path


def test_no_runs_give_no_outcomes(world: FakeWorld) -> None:
    assert [] == fake_app(world).run_many([], FakeBatchExecution())
    assert ([], []) == (world.executed, world.batches)


def test_skip_generate_checks_every_staging_dir_before_any_run(world: FakeWorld) -> None:
    app = fake_app(world)
    app.generate(make_runs("a")[0])

    with pytest.raises(ConfigError, match="out/b does not exist") as caught:
        app.run_many(make_runs("a", "b"), FakeExecution(), skip_generate=True)

    assert ("skip_generate", []) == (caught.value.path, world.executed)


def test_skip_generate_runs_the_existing_staging_dirs(world: FakeWorld) -> None:
    app = fake_app(world)
    runs = make_runs("a", "b")
    for run in runs:
        app.generate(run)

    outcomes = app.run_many(runs, FakeBatchExecution(), skip_generate=True)

    assert (2, [True, True]) == (len(world.rendered), [o.ok for o in outcomes])


def test_every_run_is_generated_before_any_executes(world: FakeWorld) -> None:
    app = fake_app(world)
    app.generate(make_runs("b")[0])

    with pytest.raises(StagingError, match="already exists"):
        app.run_many(make_runs("a", "b"), FakeExecution())

    assert [] == world.executed


def test_the_batch_is_logged_as_started_and_finished(world: FakeWorld) -> None:
    with capture_events() as events:
        fake_app(world).run_many(
            make_runs("a", "b", "c"), FakeBatchExecution(status="timed_out", exit_code=1)
        )

    started = [event for event in events if event["event"] == "runs_started"]
    finished = [event for event in events if event["event"] == "runs_finished"]
    assert [(3, "fake_batch", True)] == [
        (event["runs"], event["executor"], event["batch"]) for event in started
    ]
    assert [{"timed_out": 3}] == [event["statuses"] for event in finished]
