"""The generate service with input data, on the in-memory fakes."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

from rompy.application import bootstrap
from rompy.domain.data.sources import FileSource
from rompy.domain.data.specs import DataGrid, DataPoint
from rompy.domain.errors import DataSourceError, PluginError, StagingError, TemplateError
from rompy.domain.grid import RegularGrid
from rompy.domain.model_config import BaseConfig
from rompy.domain.model_run import ModelRun
from rompy.ports.data import NoDataStager, StagedData
from rompy.ports.rendering import RenderRequest, RenderResult
from rompy.services.generate import generate
from rompy.testing import FakeDataStager, FakeInspector, FakeWorld, fake_app

GRID = RegularGrid(x0=0, y0=0, dx=1, dy=1, nx=3, ny=3)
CONFIG = BaseConfig(
    grid=GRID,
    data={
        "wind": DataGrid(source=FileSource(uri="wind.nc")),
        "tide": DataPoint(source=FileSource(uri="tide.nc"), id="levels"),
    },
)


def make_run(**changes: object) -> ModelRun:
    return attrs.evolve(ModelRun(run_id="r1", output_dir=Path("out"), config=CONFIG), **changes)


@pytest.fixture
def world() -> FakeWorld:
    return FakeWorld()


def test_generate_stages_every_item_for_the_run_grid_and_period(world: FakeWorld) -> None:
    run = make_run()
    fake_app(world).generate(run)
    request = world.staged[0]
    assert (["wind", "tide"], GRID, run.period, run.staging_dir) == (
        [item.name for item in request.items],
        request.grid,
        request.period,
        request.staging_dir,
    )


def test_data_files_land_in_the_staging_dir_beside_the_rendered_files(world: FakeWorld) -> None:
    result = fake_app(world).generate(make_run())
    assert (
        (Path("levels.nc"), Path("wind.nc")),
        ["INPUT", "levels.nc", "wind.nc"],
    ) == (result.data_files, sorted(world.staging[Path("out/r1")]))


def test_the_template_sees_each_item_file_name(world: FakeWorld) -> None:
    fake_app(world).generate(make_run())
    assert {"wind": "wind.nc", "tide": "levels.nc"} == world.rendered[0].context["data"]


def test_a_data_failure_stops_generate_before_rendering(world: FakeWorld) -> None:
    world.data_failures["tide"] = "tide.nc does not exist"
    with pytest.raises(DataSourceError, match=r"tide: tide.nc does not exist"):
        fake_app(world).generate(make_run())
    assert ([], {}) == (world.rendered, world.staging)


def test_an_existing_staging_dir_is_refused_before_any_data_is_fetched(world: FakeWorld) -> None:
    world.staging[Path("out/r1")] = {"INPUT": "old"}
    with pytest.raises(StagingError, match="already exists"):
        fake_app(world).generate(make_run())
    assert [] == world.staged


def test_a_run_without_data_stages_nothing(world: FakeWorld) -> None:
    result = fake_app(world).generate(make_run(config=BaseConfig()))
    assert ((), ()) == (result.data_files, world.staged[0].items)


def test_an_app_without_a_stager_refuses_a_run_that_needs_data(world: FakeWorld) -> None:
    app = fake_app(world)
    app = attrs.evolve(app, context=attrs.evolve(app.context, stager=NoDataStager()))
    with pytest.raises(PluginError, match=r"needs data \(wind, tide\)"):
        app.generate(make_run())


@attrs.define
class FailingRenderer:
    def render(self, request: RenderRequest) -> RenderResult:
        raise TemplateError("template INPUT line 1: 'nope' is undefined")


@attrs.define
class RecordingStager(FakeDataStager):
    discarded: list[StagedData] = attrs.field(factory=list)

    def discard(self, staged: StagedData) -> None:
        self.discarded.append(staged)


def test_a_render_failure_discards_the_staged_data(world: FakeWorld) -> None:
    stager = RecordingStager(world)
    app = bootstrap(load_entry_points=False)
    context = attrs.evolve(
        app.context, renderer=FailingRenderer(), stager=stager, inspector=FakeInspector(world)
    )
    with pytest.raises(TemplateError):
        generate(context, make_run())
    assert [Path("out/r1.data")] == [staged.workdir for staged in stager.discarded]
