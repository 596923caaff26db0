"""The data handlers and the local stager against real NetCDF and CSV files."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

import attrs
import netCDF4
import numpy as np
import pandas as pd
import pytest
import xarray as xr

from rompy.adapters.data.cache import DataCache
from rompy.adapters.data.handlers.gridded import in_blocks, write_netcdf
from rompy.adapters.data.staging import LocalDataStager
from rompy.application import bootstrap
from rompy.domain.data.filters import Filter
from rompy.domain.data.sources import CsvSource, DatasetSource, FileSource
from rompy.domain.data.specs import (
    DataBlob,
    DataBoundary,
    DataGrid,
    DataItem,
    DataLink,
    DataPoint,
    DatasetCoords,
)
from rompy.domain.errors import ConfigError, DataSourceError, StagingError, TemplateError
from rompy.domain.grid import RegularGrid
from rompy.domain.model_config import BaseConfig
from rompy.domain.model_run import ModelRun
from rompy.domain.time import TimeRange
from rompy.ports.data import StagedData, StageRequest
from rompy.services.generate import generate
from tests.adapters.data_samples import field_value, linear_field, serve_folder

REGISTRY = bootstrap(load_entry_points=False).plugins.registry
GRID = RegularGrid(x0=110, y0=-35, dx=0.5, dy=0.5, nx=5, ny=3)
PERIOD = TimeRange(start="2023-01-01T03", end="2023-01-01T12")


@pytest.fixture
def wind_file(tmp_path: Path) -> Path:
    path = tmp_path / "wind.nc"
    linear_field().to_netcdf(path)
    return path


@pytest.fixture
def staging(tmp_path: Path) -> Path:
    return tmp_path / "out" / "r1"


def stage(
    staging: Path,
    *items: DataItem,
    grid: RegularGrid | None = GRID,
    period: TimeRange | None = PERIOD,
    stager: LocalDataStager | None = None,
) -> StagedData:
    request = StageRequest(items=items, grid=grid, period=period, staging_dir=staging)
    return (stager or LocalDataStager(registry=REGISTRY)).stage(request)


def stage_into(staging: Path, *items: DataItem, **options: Any) -> Path:
    """Stage and commit ``items`` into ``staging`` (created empty, as the renderer would)."""
    staged = stage(staging, *items, **options)
    staging.mkdir(parents=True, exist_ok=True)
    LocalDataStager(registry=REGISTRY).commit(staged, staging)
    return staging


def grid_item(uri: Any, name: str = "wind", **fields: Any) -> DataItem:
    return DataItem(name=name, spec=DataGrid(source=FileSource(uri=uri), **fields))


def written(staging: Path, name: str = "wind.nc") -> xr.Dataset:
    with xr.open_dataset(staging / name) as dataset:
        return dataset.load()


def leftovers(tmp_path: Path) -> list[str]:
    """Everything under tmp_path except the inputs the test wrote."""
    return sorted(
        str(path.relative_to(tmp_path))
        for path in tmp_path.rglob("*")
        if path.suffix not in {".nc", ".csv", ".zip"} or "out" in path.parts
    )


# --- gridded data -----------------------------------------------------------------------


def test_a_grid_crop_keeps_exactly_the_grid_cells(staging: Path, wind_file: Path) -> None:
    dataset = written(stage_into(staging, grid_item(wind_file)))
    assert (
        [110.0, 110.5, 111.0, 111.5, 112.0],
        [-35.0, -34.5, -34.0],
    ) == (dataset.longitude.values.tolist(), dataset.latitude.values.tolist())


def test_a_grid_between_source_cells_keeps_the_enclosing_cells(
    staging: Path, wind_file: Path
) -> None:
    grid = RegularGrid(x0=110.2, y0=-34.9, dx=0.5, dy=0.5, nx=3, ny=2)
    dataset = written(stage_into(staging, grid_item(wind_file), grid=grid))
    assert ([110.0, 110.5, 111.0, 111.5], [-35.0, -34.5, -34.0]) == (
        dataset.longitude.values.tolist(),
        dataset.latitude.values.tolist(),
    )


def test_the_buffer_widens_the_crop_by_whole_cells(staging: Path, wind_file: Path) -> None:
    dataset = written(stage_into(staging, grid_item(wind_file, buffer=1.0)))
    assert (np.arange(109.0, 113.01, 0.5).tolist(), np.arange(-36.0, -32.99, 0.5).tolist()) == (
        dataset.longitude.values.tolist(),
        dataset.latitude.values.tolist(),
    )


def test_the_time_crop_keeps_the_run_period(staging: Path, wind_file: Path) -> None:
    dataset = written(stage_into(staging, grid_item(wind_file)))
    expected = pd.date_range("2023-01-01T03", "2023-01-01T12", freq="h")
    assert expected.tolist() == dataset.time.to_index().tolist()


def test_time_buffer_adds_the_asked_source_steps(staging: Path, wind_file: Path) -> None:
    dataset = written(stage_into(staging, grid_item(wind_file, time_buffer=[2, 1])))
    assert (pd.Timestamp("2023-01-01T01"), pd.Timestamp("2023-01-01T13")) == (
        dataset.time.to_index()[0],
        dataset.time.to_index()[-1],
    )


def test_the_cropped_values_are_the_source_values(staging: Path, wind_file: Path) -> None:
    dataset = written(stage_into(staging, grid_item(wind_file, variables=["u10"])))
    point = dataset.u10.sel(time="2023-01-01T05", longitude=111.5, latitude=-34.5)
    assert field_value(111.5, -34.5, 5) == float(point)


def test_variables_keep_only_the_named_ones(staging: Path, wind_file: Path) -> None:
    dataset = written(stage_into(staging, grid_item(wind_file, variables=["v10"])))
    assert ["v10"] == list(dataset.data_vars)


def test_a_descending_latitude_axis_is_cropped_too(staging: Path, tmp_path: Path) -> None:
    linear_field().sortby("latitude", ascending=False).to_netcdf(tmp_path / "flipped.nc")
    dataset = written(stage_into(staging, grid_item(tmp_path / "flipped.nc")))
    assert [-34.0, -34.5, -35.0] == dataset.latitude.values.tolist()


def test_filters_rename_and_derive_after_the_crop(staging: Path, wind_file: Path) -> None:
    item = grid_item(
        wind_file,
        filter=Filter(rename={"u10": "uwnd"}, derived={"speed": "np.hypot(uwnd, v10)"}),
    )
    dataset = written(stage_into(staging, item))
    expected = np.hypot(dataset.uwnd, dataset.v10)
    xr.testing.assert_allclose(expected, dataset.speed)


def test_point_data_from_csv_is_cropped_to_the_period(staging: Path, tmp_path: Path) -> None:
    times = pd.date_range("2023-01-01", periods=24, freq="h")
    pd.DataFrame({"time": times, "level": np.arange(24.0)}).to_csv(
        tmp_path / "tide.csv", index=False
    )
    item = DataItem(name="tide", spec=DataPoint(source=CsvSource(filename=tmp_path / "tide.csv")))
    dataset = written(stage_into(staging, item), "tide.nc")
    assert list(np.arange(3.0, 13.0)) == dataset.level.values.tolist()


def test_an_in_memory_dataset_is_staged_like_a_file(staging: Path) -> None:
    item = DataItem(name="wind", spec=DataGrid(source=DatasetSource(dataset=linear_field())))
    dataset = written(stage_into(staging, item))
    assert (10, 3, 5) == dataset.u10.shape


# --- boundaries -------------------------------------------------------------------------


def test_nearest_boundary_sampling_gives_the_values_at_the_boundary_points(
    staging: Path, wind_file: Path
) -> None:
    item = DataItem(name="bnd", spec=DataBoundary(source=FileSource(uri=wind_file)))
    dataset = written(stage_into(staging, item), "bnd.nc")
    xs, ys = GRID.boundary_points()
    expected = [field_value(x, y, 3) for x, y in zip(xs, ys, strict=True)]
    assert expected == dataset.u10.isel(time=0).values.tolist()


def test_interpolated_boundary_sampling_is_exact_for_a_linear_field(
    staging: Path, wind_file: Path
) -> None:
    spec = DataBoundary(source=FileSource(uri=wind_file), sel_method="interp", spacing=0.3)
    dataset = written(stage_into(staging, DataItem(name="bnd", spec=spec)), "bnd.nc")
    xs, ys = GRID.boundary_points(spacing=0.3)
    expected = [field_value(x, y, 12) for x, y in zip(xs, ys, strict=True)]
    np.testing.assert_allclose(expected, dataset.u10.isel(time=-1).values)


def test_parent_spacing_uses_the_source_cell_size(staging: Path, wind_file: Path) -> None:
    spec = DataBoundary(source=FileSource(uri=wind_file), spacing="parent")
    dataset = written(stage_into(staging, DataItem(name="bnd", spec=spec)), "bnd.nc")
    assert len(GRID.boundary_points(spacing=0.5)[0]) == dataset.sizes["site"]


def test_a_boundary_without_a_grid_asks_for_one(staging: Path, wind_file: Path) -> None:
    item = DataItem(name="bnd", spec=DataBoundary(source=FileSource(uri=wind_file)))
    with pytest.raises(ConfigError, match="needs a model grid"):
        stage(staging, item, grid=None)


# --- blobs ------------------------------------------------------------------------------


def test_a_blob_is_copied(staging: Path, wind_file: Path) -> None:
    item = DataItem(name="raw", spec=DataBlob(source=wind_file))
    target = stage_into(staging, item) / "wind.nc"
    assert (False, wind_file.read_bytes()) == (target.is_symlink(), target.read_bytes())


def test_a_link_points_at_the_absolute_source(staging: Path, wind_file: Path) -> None:
    target = stage_into(staging, DataItem(name="raw", spec=DataLink(source=wind_file))) / "wind.nc"
    assert wind_file.resolve() == target.readlink()


def test_a_folder_blob_is_copied_whole(staging: Path, tmp_path: Path) -> None:
    (tmp_path / "mesh" / "sub").mkdir(parents=True)
    (tmp_path / "mesh" / "sub" / "a.txt").write_text("a")
    stage_into(staging, DataItem(name="mesh", spec=DataBlob(source=tmp_path / "mesh")))
    assert "a" == (staging / "mesh" / "sub" / "a.txt").read_text()


def test_a_remote_blob_is_downloaded(staging: Path, wind_file: Path) -> None:
    with serve_folder(wind_file.parent) as base:
        item = DataItem(name="raw", spec=DataBlob(source=f"{base}/wind.nc"))
        target = stage_into(staging, item) / "wind.nc"
    assert wind_file.read_bytes() == target.read_bytes()


def test_a_missing_blob_is_an_error(staging: Path, tmp_path: Path) -> None:
    with pytest.raises(DataSourceError, match=r"raw: .*none\.txt does not exist"):
        stage(staging, DataItem(name="raw", spec=DataBlob(source=tmp_path / "none.txt")))


# --- bad input: one clear error, nothing written ----------------------------------------


def test_an_unknown_variable_lists_the_ones_the_data_has(
    staging: Path, tmp_path: Path, wind_file: Path
) -> None:
    with pytest.raises(
        DataSourceError, match=r"wind: variable.* hs not in the data; it has u10, v10"
    ):
        stage(staging, grid_item(wind_file, variables=["hs"]))
    assert [] == leftovers(tmp_path)


def test_a_period_outside_the_data_says_what_is_missing(
    staging: Path, tmp_path: Path, wind_file: Path
) -> None:
    period = TimeRange(start="2023-01-01T12", end="2023-01-03T00")
    with pytest.raises(DataSourceError) as caught:
        stage(staging, grid_item(wind_file), period=period)
    assert (
        "wind covers 2023-01-01T00 to 2023-01-02T00; the run needs until 2023-01-03T00 (1d more)"
    ) == str(caught.value)
    assert [] == leftovers(tmp_path)


def test_a_grid_outside_the_data_says_by_how_much(staging: Path, wind_file: Path) -> None:
    grid = RegularGrid(x0=118, y0=-35, dx=0.5, dy=0.5, nx=9, ny=3)
    with pytest.raises(DataSourceError, match=r"covers longitude 100 to 120.*\(2 more above\)"):
        stage(staging, grid_item(wind_file), grid=grid)


def test_a_wrong_coordinate_name_suggests_setting_coords(staging: Path, wind_file: Path) -> None:
    with pytest.raises(ConfigError, match=r"'lon' is not a coordinate.*set coords.x"):
        stage(staging, grid_item(wind_file, coords=DatasetCoords(x="lon")))


def test_a_wrong_coordinate_name_is_named_by_its_full_config_path(
    staging: Path, wind_file: Path
) -> None:
    with pytest.raises(ConfigError) as raised:
        stage(staging, grid_item(wind_file, coords=DatasetCoords(x="lon")))
    assert str(raised.value).startswith("config.data.wind.coords.x: 'lon' is not a coordinate")


def test_a_missing_file_is_an_error_and_nothing_is_written(staging: Path, tmp_path: Path) -> None:
    with pytest.raises(DataSourceError, match=r"wind: .*missing\.nc does not exist"):
        stage(staging, grid_item(tmp_path / "missing.nc"))
    assert [] == leftovers(tmp_path)


def test_an_unreachable_url_is_an_error_naming_it(staging: Path) -> None:
    with serve_folder(staging.parent.parent) as base:
        url = f"{base}/nowhere.nc"
        with pytest.raises(DataSourceError, match=r"nowhere\.nc"):
            stage(staging, grid_item(url))


def test_every_failing_item_is_reported_together(staging: Path, wind_file: Path) -> None:
    items = (grid_item(wind_file, "a", variables=["x"]), grid_item(wind_file, "b", variables=["y"]))
    with pytest.raises(DataSourceError, match=r"2 data items cannot be staged:\n.*a: .*\n.*b: "):
        stage(staging, *items)


def test_a_crop_range_on_a_missing_coordinate_names_it(staging: Path, wind_file: Path) -> None:
    item = grid_item(wind_file, filter=Filter(crop={"depth": {"start": 0, "stop": 10}}))
    with pytest.raises(DataSourceError, match="cannot crop 'depth'"):
        stage(staging, item)


def test_a_crop_leaving_nothing_is_an_error(staging: Path, wind_file: Path) -> None:
    item = grid_item(wind_file, filter=Filter(crop={"longitude": {"start": 110.1, "stop": 110.2}}))
    with pytest.raises(DataSourceError, match="leaves no data along longitude"):
        stage(staging, item, grid=None)


def test_a_derived_variable_over_a_missing_name_is_an_error(staging: Path, wind_file: Path) -> None:
    item = grid_item(wind_file, filter=Filter(derived={"speed": "np.hypot(u, v)"}))
    with pytest.raises(ConfigError, match=r"uses u, v, which the data does not have"):
        stage(staging, item)


def test_a_failing_derived_variable_is_named_by_its_full_config_path(
    staging: Path, wind_file: Path
) -> None:
    item = grid_item(wind_file, filter=Filter(derived={"speed": "np.hypot(u, v)"}))
    with pytest.raises(ConfigError) as raised:
        stage(staging, item)
    assert ("config.data.wind.filter.derived.speed", "np.hypot(u, v)") == (
        raised.value.path,
        raised.value.value,
    )
    assert not raised.value.message.startswith("wind:")


def test_two_items_writing_one_file_name_the_second_by_its_config_path(
    staging: Path, wind_file: Path
) -> None:
    items = (grid_item(wind_file, "a", id="same"), grid_item(wind_file, "b", id="same"))
    with pytest.raises(ConfigError) as raised:
        stage(staging, *items)
    assert "config.data.b" == raised.value.path


def test_a_failing_write_leaves_nothing_behind(staging: Path, tmp_path: Path) -> None:
    broken = xr.Dataset({"notes": ("x", np.array([{"a": 1}, {"b": 2}], dtype=object))})
    item = DataItem(name="notes", spec=DataPoint(source=DatasetSource(dataset=broken)))
    with pytest.raises(DataSourceError, match="writing failed"):
        stage(staging, item, period=None)
    assert [] == leftovers(tmp_path)


# --- commit, discard, cache -------------------------------------------------------------


def test_commit_refuses_to_overwrite_a_rendered_file(staging: Path, wind_file: Path) -> None:
    staged = stage(staging, grid_item(wind_file))
    staging.mkdir(parents=True)
    (staging / "wind.nc").write_text("rendered")
    with pytest.raises(StagingError, match="would overwrite"):
        LocalDataStager(registry=REGISTRY).commit(staged, staging)
    assert "rendered" == (staging / "wind.nc").read_text()


def test_discard_removes_the_staged_files_and_the_folders_it_made(
    staging: Path, tmp_path: Path, wind_file: Path
) -> None:
    staged = stage(staging, grid_item(wind_file))
    LocalDataStager(registry=REGISTRY).discard(staged)
    assert [] == leftovers(tmp_path)


def test_a_cached_item_is_linked_from_the_cache_the_second_time(
    tmp_path: Path, wind_file: Path
) -> None:
    cache = DataCache(tmp_path / "cache")
    stager = LocalDataStager(registry=REGISTRY, cache=cache)
    first = stage_into(tmp_path / "out" / "one", grid_item(wind_file), stager=stager)
    second = stage_into(tmp_path / "out" / "two", grid_item(wind_file), stager=stager)
    assert (first / "wind.nc").stat().st_ino == (second / "wind.nc").stat().st_ino
    assert 1 == len(cache.entries())


def test_a_changed_source_file_never_reuses_the_cached_crop(
    tmp_path: Path, wind_file: Path
) -> None:
    cache = DataCache(tmp_path / "cache")
    stager = LocalDataStager(registry=REGISTRY, cache=cache)
    stage_into(tmp_path / "out" / "one", grid_item(wind_file), stager=stager)
    (linear_field() + 1).to_netcdf(wind_file)
    second = written(stage_into(tmp_path / "out" / "two", grid_item(wind_file), stager=stager))
    assert field_value(110, -35, 3) + 1 == float(second.u10[0, 0, 0])


def test_use_cache_false_neither_reads_nor_fills_the_cache(tmp_path: Path, wind_file: Path) -> None:
    cache = DataCache(tmp_path / "cache")
    request = StageRequest(
        items=(grid_item(wind_file),),
        grid=GRID,
        period=PERIOD,
        staging_dir=tmp_path / "out" / "r1",
        use_cache=False,
    )
    LocalDataStager(registry=REGISTRY, cache=cache).stage(request)
    assert [] == cache.entries()


def test_check_reads_no_data_and_writes_nothing(tmp_path: Path, wind_file: Path) -> None:
    request = StageRequest(
        items=(grid_item(wind_file),), grid=GRID, period=PERIOD, staging_dir=tmp_path / "r1"
    )
    (prepared,) = LocalDataStager(registry=REGISTRY).check(request)
    assert (False, []) == (prepared.payload.u10.variable._in_memory, leftovers(tmp_path))


def test_times_in_the_summary_are_counted(tmp_path: Path, wind_file: Path) -> None:
    request = StageRequest(
        items=(grid_item(wind_file),), grid=GRID, period=PERIOD, staging_dir=tmp_path / "r1"
    )
    (prepared,) = LocalDataStager(registry=REGISTRY).check(request)
    assert "10 time x 3 latitude x 5 longitude" in prepared.summary


def test_cache_parts_name_the_exact_time_range(tmp_path: Path, wind_file: Path) -> None:
    request = StageRequest(
        items=(grid_item(wind_file),), grid=GRID, period=PERIOD, staging_dir=tmp_path / "r1"
    )
    (prepared,) = LocalDataStager(registry=REGISTRY).check(request)
    assert prepared.cache_parts is not None
    assert repr(datetime(2023, 1, 1, 12)) in prepared.cache_parts["ranges"]


def test_a_remote_blob_is_cached_by_its_server_validators(tmp_path: Path, wind_file: Path) -> None:
    cache = DataCache(tmp_path / "cache")
    stager = LocalDataStager(registry=REGISTRY, cache=cache)
    with serve_folder(wind_file.parent) as base:
        item = DataItem(name="raw", spec=DataBlob(source=f"{base}/wind.nc"))
        first = stage_into(tmp_path / "out" / "one", item, stager=stager)
        second = stage_into(tmp_path / "out" / "two", item, stager=stager)
    assert (first / "wind.nc").stat().st_ino == (second / "wind.nc").stat().st_ino


# --- the generate service on the real renderer and stager -------------------------------


def generate_with_data(tmp_path: Path, config: BaseConfig, template: str = "") -> Any:
    app = bootstrap(load_entry_points=False)
    context = attrs.evolve(app.context, stager=LocalDataStager(registry=REGISTRY))
    if template:
        config = attrs.evolve(config, template=template)
    run = ModelRun(run_id="r1", output_dir=tmp_path / "out", period=PERIOD, config=config)
    return generate(context, run)


def test_generate_puts_the_data_beside_the_rendered_template(
    tmp_path: Path, wind_file: Path
) -> None:
    config = BaseConfig(grid=GRID, data={"wind": DataGrid(source=FileSource(uri=wind_file))})
    result = generate_with_data(tmp_path, config)
    assert (Path("wind.nc"),) == result.data_files
    assert {"INPUT", "wind.nc"} <= {path.name for path in (tmp_path / "out" / "r1").iterdir()}


def test_a_data_failure_in_generate_leaves_no_staging_dir(tmp_path: Path) -> None:
    missing = DataGrid(source=FileSource(uri=tmp_path / "missing.nc"))
    with pytest.raises(DataSourceError):
        generate_with_data(tmp_path, BaseConfig(grid=GRID, data={"wind": missing}))
    assert not (tmp_path / "out").exists()


def test_a_render_failure_in_generate_removes_the_staged_data(
    tmp_path: Path, wind_file: Path
) -> None:
    template = tmp_path / "template"
    (template / "{{runtime.staging_dir}}").mkdir(parents=True)
    (template / "{{runtime.staging_dir}}" / "INPUT").write_text("{{ nope }}")
    config = BaseConfig(grid=GRID, data={"wind": DataGrid(source=FileSource(uri=wind_file))})
    with pytest.raises(TemplateError):
        generate_with_data(tmp_path, config, template=str(template))
    assert not (tmp_path / "out").exists()


def test_a_cache_hit_does_not_open_the_source_again(tmp_path: Path, wind_file: Path) -> None:
    stager = LocalDataStager(registry=REGISTRY, cache=DataCache(tmp_path / "cache"))
    stage_into(tmp_path / "out" / "one", grid_item(wind_file), stager=stager)
    stamp = wind_file.stat()
    wind_file.write_bytes(b"\0" * stamp.st_size)
    os.utime(wind_file, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    second = written(stage_into(tmp_path / "out" / "two", grid_item(wind_file), stager=stager))
    assert field_value(110, -35, 3) == float(second.u10[0, 0, 0])


def test_another_period_is_another_cache_entry(tmp_path: Path, wind_file: Path) -> None:
    cache = DataCache(tmp_path / "cache")
    stager = LocalDataStager(registry=REGISTRY, cache=cache)
    stage_into(tmp_path / "out" / "one", grid_item(wind_file), stager=stager)
    later = TimeRange(start="2023-01-01T06", end="2023-01-01T12")
    second = stage_into(tmp_path / "out" / "two", grid_item(wind_file), stager=stager, period=later)
    assert (2, pd.Timestamp("2023-01-01T06")) == (
        len(cache.entries()),
        written(second).time.to_index()[0],
    )


# --- writing in blocks ------------------------------------------------------------------


def test_a_big_lazy_crop_is_split_into_blocks_along_its_first_dimension() -> None:
    dataset = linear_field(hours=25)
    blocked = in_blocks(dataset, block_bytes=5 * 41 * 41 * 8)
    assert (5, 5, 5, 5, 5) == blocked.u10.chunks[0]


def test_a_small_crop_is_written_without_blocks() -> None:
    dataset = linear_field(hours=2)
    assert in_blocks(dataset).u10.chunks is None


def test_a_crop_written_in_blocks_holds_the_same_values(tmp_path: Path) -> None:
    big = linear_field(hours=25, lon=(100.0, 120.0, 0.05), lat=(-40.0, -20.0, 0.05))
    write_netcdf(big, tmp_path / "big.nc")
    with xr.open_dataset(tmp_path / "big.nc") as reread:
        xr.testing.assert_equal(big, reread.load())


def test_compressed_blocks_fill_whole_output_chunks() -> None:
    dataset = linear_field(hours=25)
    for name in ("u10", "v10"):
        dataset[name].encoding.update(zlib=True, complevel=1)
    blocked = in_blocks(dataset, block_bytes=10 * 41 * 41 * 8)
    assert ((10, 10, 5), (10, 41, 41)) == (
        blocked.u10.chunks[0],
        blocked.u10.encoding["chunksizes"],
    )


def test_a_big_compressed_crop_is_written_one_step_per_chunk(tmp_path: Path) -> None:
    big = linear_field(hours=14, lon=(100.0, 120.0, 0.05), lat=(-40.0, -20.0, 0.05))
    for name in ("u10", "v10"):
        big[name].encoding.update(zlib=True, complevel=1)
    write_netcdf(big, tmp_path / "big.nc")
    with netCDF4.Dataset(tmp_path / "big.nc") as nc:
        chunking = nc["u10"].chunking()
    with xr.open_dataset(tmp_path / "big.nc") as reread:
        xr.testing.assert_equal(big, reread.load())
    assert [1, 401, 401] == chunking
