"""The run manifest written by generate and completed by run, on the in-memory fakes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from rompy.domain.data.sources import FileSource
from rompy.domain.data.specs import DataGrid
from rompy.domain.model_config import BaseConfig
from rompy.domain.model_run import ModelRun
from rompy.ports.provenance import FileDigest, Manifest
from rompy.testing import FakeBatchExecution, FakeExecution, FakePostprocess, FakeWorld, fake_app
from rompy.testing_provenance import FAKE_VERSIONS

STAGING = Path("out/r1")


def make_run(run_id: str = "r1", **changes: object) -> ModelRun:
    return ModelRun(run_id=run_id, output_dir=Path("out"), **changes)  # type: ignore[arg-type]


def manifest_of(world: FakeWorld, staging: Path = STAGING) -> Manifest:
    return world.manifests[staging]


def digest(path: str, text: str) -> FileDigest:
    data = text.encode()
    return FileDigest(path=path, sha256=hashlib.sha256(data).hexdigest(), size=len(data))


@pytest.fixture
def world() -> FakeWorld:
    return FakeWorld()


def test_generate_records_every_staged_file_as_an_input(world: FakeWorld) -> None:
    fake_app(world).generate(make_run())
    assert (digest("INPUT", world.staging[STAGING]["INPUT"]),) == manifest_of(world).inputs


def test_generate_records_the_resolved_config_as_plain_data(world: FakeWorld) -> None:
    app = fake_app(world)
    run = make_run()
    app.generate(run)
    assert app.unstructure(run) == manifest_of(world).config


def test_generate_records_who_where_when_and_the_versions(world: FakeWorld) -> None:
    fake_app(world).generate(make_run())
    manifest = manifest_of(world)
    assert ("tester", "testhost", "2024-01-01T12:00:00", FAKE_VERSIONS) == (
        manifest.user,
        manifest.host,
        manifest.generated_at,
        manifest.versions,
    )


def test_generate_records_each_data_item_source(world: FakeWorld) -> None:
    config = BaseConfig(data={"wind": DataGrid(source=FileSource(uri="wind.nc"))})
    fake_app(world).generate(make_run(config=config))
    (source,) = manifest_of(world).sources
    assert ("wind", "wind.nc") == (source["name"], source["output"])


def test_a_generated_run_has_not_run_yet(world: FakeWorld) -> None:
    fake_app(world).generate(make_run())
    manifest = manifest_of(world)
    assert (None, False, {}) == (manifest.outcome, manifest.succeeded, manifest.execution)


def test_run_records_executor_command_outcome_and_times(world: FakeWorld) -> None:
    backend = FakeExecution(command="model.exe -v")
    fake_app(world).run(make_run(), backend)
    manifest = manifest_of(world)
    assert ("fake", "model.exe -v", 0, "succeeded", True) == (
        manifest.execution["executor"],
        manifest.execution["command"],
        manifest.execution["exit_code"],
        manifest.outcome,
        manifest.succeeded,
    )


def test_run_records_the_backend_and_the_program(world: FakeWorld) -> None:
    fake_app(world).run(make_run(), FakeExecution(command="model.exe -v"))
    manifest = manifest_of(world)
    assert ("fake", {"program": "model.exe"}) == (
        manifest.execution["backend"]["type"],
        manifest.model["executable"],
    )


def test_files_the_run_wrote_are_outputs_not_inputs(world: FakeWorld) -> None:
    fake_app(world).run(make_run(), FakeExecution(writes={"out.txt": "42"}))
    manifest = manifest_of(world)
    assert (("INPUT",), (digest("out.txt", "42"),)) == (
        tuple(entry.path for entry in manifest.inputs),
        manifest.outputs,
    )


def test_a_run_that_wrote_its_outputs_verifies(world: FakeWorld) -> None:
    app = fake_app(world)
    app.run(make_run(), FakeExecution(writes={"out.txt": "42"}))
    assert app.verify(STAGING).ok


def test_a_failed_run_records_its_status_and_message(world: FakeWorld) -> None:
    fake_app(world).run(make_run(), FakeExecution(status="failed", exit_code=3))
    manifest = manifest_of(world)
    assert ("failed", "fake failed", False) == (
        manifest.outcome,
        manifest.message,
        manifest.succeeded,
    )


def test_every_run_of_a_batch_gets_its_execution_recorded(world: FakeWorld) -> None:
    runs = [make_run("a"), make_run("b")]
    fake_app(world).run_many(runs, FakeBatchExecution())
    outcomes = [manifest_of(world, Path("out") / run_id).outcome for run_id in ("a", "b")]
    assert ["succeeded", "succeeded"] == outcomes


def test_a_staging_dir_without_a_manifest_is_run_without_writing_one(world: FakeWorld) -> None:
    world.staging[STAGING] = {"INPUT": "made elsewhere"}
    outcome = fake_app(world).run(make_run(), FakeExecution(), skip_generate=True)
    assert (True, {}) == (outcome.ok, world.manifests)


def test_read_manifest_returns_none_for_a_run_never_generated(world: FakeWorld) -> None:
    assert fake_app(world).read_manifest(STAGING) is None


def test_files_in_the_staging_dir_after_postprocess_join_the_outputs(world: FakeWorld) -> None:
    app = fake_app(world)
    run = make_run()
    app.run(run, FakeExecution(writes={"out.txt": "42"}))
    world.staging[STAGING]["summary.txt"] = "plots"
    app.postprocess(run, FakePostprocess())
    assert ["out.txt", "summary.txt"] == [entry.path for entry in manifest_of(world).outputs]
