"""The generate → run → postprocess services, on in-memory fakes wired by the real bootstrap."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import attrs
import pytest

from rompy.domain.errors import ConfigError, StagingError
from rompy.domain.model_config import BaseConfig
from rompy.domain.model_run import ModelRun
from rompy.domain.pipeline import PipelineSpec
from rompy.domain.success import FileView, SuccessCheck
from rompy.hookspecs import hookimpl
from rompy.testing import FakeExecution, FakeExecutor, FakePostprocess, FakeWorld, fake_app


def make_run(**changes: Any) -> ModelRun:
    return attrs.evolve(ModelRun(run_id="r1", output_dir=Path("out")), **changes)


@attrs.frozen(kw_only=True)
class PickyModel(BaseConfig):
    """A model that succeeds only when it wrote ``done``."""

    model_type: ClassVar[str] = "picky"

    def default_command(self) -> str:
        return "picky-model"

    def check_success(self, outputs: FileView) -> SuccessCheck:
        if outputs.exists("done"):
            return SuccessCheck.passed()
        return SuccessCheck.failed("no 'done' file")


class PickyPlugin:
    @hookimpl
    def rompy_register_model_configs(self, register: Any) -> None:
        register(PickyModel)


@pytest.fixture
def world() -> FakeWorld:
    return FakeWorld()


def test_generate_renders_into_the_staging_dir(world: FakeWorld) -> None:
    result = fake_app(world).generate(make_run())
    assert Path("out/r1") == result.staging_dir
    assert "run_id: r1\n" in world.staging[Path("out/r1")]["INPUT"]


def test_generate_passes_provenance_in_the_runtime_context(world: FakeWorld) -> None:
    fake_app(world).generate(make_run())
    runtime = world.rendered[0].context["runtime"]
    assert ("tester", "testhost") == (runtime["_generated_by"], runtime["generated_on"])


def test_generate_refuses_an_existing_staging_dir_without_delete_existing(
    world: FakeWorld,
) -> None:
    app = fake_app(world)
    app.generate(make_run())
    with pytest.raises(StagingError):
        app.generate(make_run())


def test_run_uses_the_model_default_command(world: FakeWorld) -> None:
    app = fake_app(world, ("picky", PickyPlugin()))
    run = make_run(config=PickyModel())
    app.run(run, FakeExecution(writes={"done": ""}))
    assert "picky-model" == world.executed[0].default_command


def test_a_zero_exit_code_without_model_success_is_a_failure(world: FakeWorld) -> None:
    app = fake_app(world, ("picky", PickyPlugin()))
    outcome = app.run(make_run(config=PickyModel()), FakeExecution())
    assert ("failed", True) == (outcome.status, "no 'done' file" in outcome.message)


def test_skip_generate_needs_an_existing_staging_dir(world: FakeWorld) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        fake_app(world).run(make_run(), FakeExecution(), skip_generate=True)


def test_pipeline_runs_all_three_stages(world: FakeWorld) -> None:
    spec = PipelineSpec(config=make_run(), backend=FakeExecution(), postprocessor=FakePostprocess())
    result = fake_app(world).pipeline(spec)
    assert (True, 1, 1) == (result.ok, len(world.executed), len(world.postprocessed))


def test_pipeline_stops_at_a_failed_run_and_names_the_stage(world: FakeWorld) -> None:
    spec = PipelineSpec(
        config=make_run(),
        backend=FakeExecution(status="failed", exit_code=3),
        postprocessor=FakePostprocess(),
    )
    result = fake_app(world).pipeline(spec)
    assert ("run", 0) == (result.failed_stage, len(world.postprocessed))


def test_a_failed_postprocess_fails_the_pipeline(world: FakeWorld) -> None:
    spec = PipelineSpec(
        config=make_run(),
        backend=FakeExecution(),
        postprocessor=FakePostprocess(ok=False, message="archive unreachable"),
    )
    result = fake_app(world).pipeline(spec)
    assert ("postprocess", "archive unreachable") == (result.failed_stage, result.message)


def test_lifecycle_hooks_observe_every_stage(world: FakeWorld) -> None:
    seen: list[str] = []

    class Observer:
        @hookimpl
        def rompy_before_generate(self, run: ModelRun) -> None:
            seen.append("before_generate")

        @hookimpl
        def rompy_after_run(self, run: ModelRun, outcome: Any) -> None:
            seen.append(f"after_run:{outcome.status}")

        @hookimpl
        def rompy_before_postprocess(self, run: ModelRun, spec: Any) -> None:
            seen.append(f"before_postprocess:{spec.type}")

        @hookimpl
        def rompy_after_postprocess(self, run: ModelRun, result: Any) -> None:
            seen.append("after_postprocess")

    spec = PipelineSpec(config=make_run(), backend=FakeExecution(), postprocessor=FakePostprocess())
    fake_app(world, ("observer", Observer())).pipeline(spec)
    assert [
        "before_generate",
        "after_run:succeeded",
        f"before_postprocess:{FakePostprocess.type}",
        "after_postprocess",
    ] == seen


def test_a_staging_error_with_the_staging_dir_present_is_not_blamed_on_skip_generate(
    world: FakeWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = fake_app(world)
    run = make_run()
    app.generate(run)

    def cannot_prepare(self: FakeExecutor, request: object) -> None:
        raise StagingError("cannot prepare the staging dir")

    monkeypatch.setattr(FakeExecutor, "execute", cannot_prepare)
    with pytest.raises(StagingError, match="cannot prepare"):
        app.run(run, FakeExecution(), skip_generate=True)
