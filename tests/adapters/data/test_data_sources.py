"""The file, csv and dataset openers against real NetCDF, Zarr and CSV files."""

from __future__ import annotations

import os
import time
import zipfile
from pathlib import Path
from typing import Any

import fsspec
import netCDF4
import numpy as np
import pandas as pd
import pytest
import xarray as xr

from rompy.adapters.data.sources import files as data_sources
from rompy.adapters.data.sources.files import (
    CsvOpener,
    DatasetOpener,
    FileOpener,
    bounded_chunk_cache,
)
from rompy.domain.data.sources import CsvSource, DatasetSource, FileSource
from rompy.domain.errors import DataSourceError
from tests.adapters.data_samples import (
    closed_port_url,
    linear_field,
    serve_folder,
    write_daily_files,
)

OPENER = FileOpener()


@pytest.fixture
def wind_file(tmp_path: Path) -> Path:
    path = tmp_path / "wind.nc"
    linear_field().to_netcdf(path)
    return path


def open_file(uri: object, **fields: object) -> xr.Dataset:
    return OPENER.open(FileSource(uri=uri, **fields))  # type: ignore[arg-type]


def test_a_local_netcdf_opens_lazily(wind_file: Path) -> None:
    dataset = open_file(wind_file)
    assert not dataset["u10"].variable._in_memory
    xr.testing.assert_identical(linear_field(), dataset.load())


def test_chunks_give_dask_arrays_of_that_size(wind_file: Path) -> None:
    dataset = open_file(wind_file, chunks={"time": 10})
    assert (10, 10, 5) == dataset["u10"].chunks[0]


def test_a_zarr_store_opens_by_its_name(tmp_path: Path) -> None:
    linear_field().to_zarr(tmp_path / "wind.zarr")
    xr.testing.assert_equal(linear_field(), open_file(tmp_path / "wind.zarr").load())


def test_a_zarr_store_in_memory_opens_through_fsspec() -> None:
    linear_field().to_zarr("memory://tests/wind.zarr", mode="w")
    try:
        xr.testing.assert_equal(linear_field(), open_file("memory://tests/wind.zarr").load())
    finally:
        fsspec.filesystem("memory").rm("/tests/wind.zarr", recursive=True)


def test_a_netcdf_in_memory_opens_through_fsspec(wind_file: Path) -> None:
    memory = fsspec.filesystem("memory")
    memory.pipe("/tests/wind.nc", wind_file.read_bytes())
    try:
        xr.testing.assert_equal(linear_field(), open_file("memory://tests/wind.nc").load())
    finally:
        memory.rm("/tests/wind.nc")


def test_a_netcdf_inside_a_zip_opens(tmp_path: Path, wind_file: Path) -> None:
    archive = tmp_path / "archive.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(wind_file, "inner/wind.nc")
    dataset = open_file(f"zip://inner/wind.nc::{archive}")
    xr.testing.assert_equal(linear_field(), dataset.load())


def test_a_netcdf_served_over_http_matches_the_local_file(wind_file: Path) -> None:
    with serve_folder(wind_file.parent) as base:
        dataset = open_file(f"{base}/wind.nc")
        xr.testing.assert_equal(linear_field(), dataset.load())


def test_an_unreachable_url_is_a_data_source_error_naming_it() -> None:
    url = closed_port_url()
    with pytest.raises(DataSourceError, match=url.replace(".", r"\.")):
        open_file(url)


def test_a_url_answering_not_found_is_a_data_source_error(tmp_path: Path) -> None:
    with serve_folder(tmp_path) as base, pytest.raises(DataSourceError, match="not found"):
        open_file(f"{base}/missing.nc")


def test_a_missing_local_file_says_it_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(DataSourceError, match=r"missing\.nc does not exist"):
        open_file(tmp_path / "missing.nc")


def test_a_file_that_is_not_netcdf_says_it_cannot_be_read(tmp_path: Path) -> None:
    (tmp_path / "notes.nc").write_text("not netcdf")
    with pytest.raises(DataSourceError, match=r"cannot read .*notes\.nc as NetCDF or Zarr"):
        open_file(tmp_path / "notes.nc")


def test_a_glob_of_daily_files_combines_along_time(tmp_path: Path) -> None:
    write_daily_files(tmp_path, 3)
    dataset = open_file(tmp_path / "wind_*.nc")
    xr.testing.assert_equal(linear_field(hours=72), dataset.load())


def test_a_crop_of_combined_files_reads_only_the_files_it_touches(tmp_path: Path) -> None:
    paths = write_daily_files(tmp_path, 3)
    dataset = open_file(tmp_path / "wind_*.nc")
    with paths[2].open("r+b") as third:
        third.write(b"\0" * paths[2].stat().st_size)
    crop = dataset.u10.sel(time=slice("2023-01-01T20", "2023-01-02T03"), longitude=101.0)
    expected = linear_field(hours=72).u10.sel(
        time=slice("2023-01-01T20", "2023-01-02T03"), longitude=101.0
    )
    xr.testing.assert_equal(expected, crop.load())


def test_combined_files_can_be_indexed_in_steps_and_backwards(tmp_path: Path) -> None:
    write_daily_files(tmp_path, 3)
    dataset = open_file(tmp_path / "wind_*.nc")
    expected = linear_field(hours=72).u10.isel(time=slice(70, 3, -7), latitude=2)
    xr.testing.assert_equal(expected, dataset.u10.isel(time=slice(70, 3, -7), latitude=2).load())


def test_combined_files_can_be_indexed_at_one_time(tmp_path: Path) -> None:
    write_daily_files(tmp_path, 3)
    dataset = open_file(tmp_path / "wind_*.nc")
    expected = linear_field(hours=72).v10.isel(time=30)
    xr.testing.assert_equal(expected, dataset.v10.isel(time=30).load())


def test_combined_files_with_dask_chunks_combine_too(tmp_path: Path) -> None:
    write_daily_files(tmp_path, 2)
    dataset = open_file(tmp_path / "wind_*.nc", chunks={"time": 24})
    assert ((24, 24), linear_field(hours=48).u10.values.tolist()) == (
        dataset.u10.chunks[0],
        dataset.u10.values.tolist(),
    )


def test_a_list_given_out_of_order_is_combined_in_time_order(tmp_path: Path) -> None:
    first, second, third = write_daily_files(tmp_path, 3)
    dataset = open_file([third, first, second])
    assert pd.Timestamp("2023-01-01T00") == dataset.time.to_index()[0]
    assert dataset.time.to_index().is_monotonic_increasing


def test_files_on_different_grids_cannot_be_combined(tmp_path: Path) -> None:
    linear_field().to_netcdf(tmp_path / "a.nc")
    linear_field(start="2023-01-02", lon=(100.0, 110.0, 0.5)).to_netcdf(tmp_path / "b.nc")
    with pytest.raises(DataSourceError, match="do not share the same grid"):
        open_file([tmp_path / "a.nc", tmp_path / "b.nc"])


def test_a_glob_matching_nothing_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DataSourceError, match=r"no file matches .*nothing_\*\.nc"):
        open_file(tmp_path / "nothing_*.nc")


def test_variable_keeps_only_that_variable(wind_file: Path) -> None:
    assert ["v10"] == list(open_file(wind_file, variable="v10").data_vars)


def test_an_unknown_variable_lists_the_ones_the_file_has(wind_file: Path) -> None:
    with pytest.raises(DataSourceError, match="'hs' is not in the data; it has u10, v10"):
        open_file(wind_file, variable="hs")


def test_identity_changes_when_the_file_changes(wind_file: Path) -> None:
    spec = FileSource(uri=str(wind_file))
    before = OPENER.identity(spec)
    later = time.time() + 5
    linear_field(hours=26).to_netcdf(wind_file)
    os.utime(wind_file, (later, later))
    assert before != OPENER.identity(spec)


def test_identity_is_stable_while_the_file_is_unchanged(wind_file: Path) -> None:
    spec = FileSource(uri=str(wind_file))
    assert OPENER.identity(spec) == OPENER.identity(spec)


def test_csv_columns_become_variables_along_time(tmp_path: Path) -> None:
    path = tmp_path / "tide.csv"
    path.write_text("when,level,surge\n2023-01-01T00,1.5,0.1\n2023-01-01T01,1.7,0.2\n")
    dataset = CsvOpener().open(CsvSource(filename=path, tcol="when"))
    expected = xr.Dataset(
        {"level": ("time", [1.5, 1.7]), "surge": ("time", [0.1, 0.2])},
        coords={"time": pd.to_datetime(["2023-01-01T00", "2023-01-01T01"])},
    )
    xr.testing.assert_equal(expected, dataset)


def test_a_csv_without_the_time_column_names_it(tmp_path: Path) -> None:
    path = tmp_path / "tide.csv"
    path.write_text("t,level\n2023-01-01T00,1.5\n")
    with pytest.raises(DataSourceError, match="time column 'time'"):
        CsvOpener().open(CsvSource(filename=path))


def test_a_missing_csv_says_it_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(DataSourceError, match="does not exist"):
        CsvOpener().open(CsvSource(filename=tmp_path / "none.csv"))


def test_an_in_memory_dataset_is_handed_over_as_it_is() -> None:
    dataset = linear_field(hours=2)
    assert dataset is DatasetOpener().open(DatasetSource(dataset=dataset))


def test_a_named_data_array_becomes_a_one_variable_dataset() -> None:
    array = xr.DataArray(np.arange(3.0), dims="x", name="depth")
    assert ["depth"] == list(DatasetOpener().open(DatasetSource(dataset=array)).data_vars)


def test_an_in_memory_object_that_is_not_a_dataset_is_refused() -> None:
    with pytest.raises(DataSourceError, match="holds a list"):
        DatasetOpener().open(DatasetSource(dataset=[1, 2]))


def test_an_in_memory_dataset_has_no_identity_and_is_never_cached() -> None:
    assert "" == DatasetOpener().identity(DatasetSource(dataset=linear_field(hours=2)))


# --- series of files read straight from HDF5 ------------------------------------------------


def count_xarray_opens(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every file the opener hands to xarray (netCDF-C)."""
    opened: list[str] = []
    real = data_sources.open_one

    def counting(uri: str, spec: FileSource, **options: Any) -> xr.Dataset:
        opened.append(Path(uri).name)
        return real(uri, spec, **options)

    monkeypatch.setattr(data_sources, "open_one", counting)
    return opened


def test_only_the_first_file_of_a_series_is_opened_by_xarray(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("h5py")
    write_daily_files(tmp_path, 3)
    opened = count_xarray_opens(monkeypatch)
    dataset = open_file(tmp_path / "wind_*.nc")
    assert ["wind_00.nc"] == opened
    xr.testing.assert_identical(linear_field(hours=72), dataset.load())


def test_packed_values_of_each_file_decode_with_that_files_scale(tmp_path: Path) -> None:
    full = linear_field(hours=48)
    for day, scale in enumerate((0.01, 0.5)):
        encoding = {"dtype": "int16", "scale_factor": scale, "_FillValue": -32767}
        daily = full.isel(time=slice(24 * day, 24 * (day + 1)))
        daily.to_netcdf(tmp_path / f"packed_{day}.nc", encoding={"u10": encoding})
    dataset = open_file(tmp_path / "packed_*.nc").load()
    assert np.allclose(full.u10.values[:24], dataset.u10.values[:24], atol=0.005)
    assert np.allclose(full.u10.values[24:], dataset.u10.values[24:], atol=0.25)


def test_missing_values_of_later_files_become_nan(tmp_path: Path) -> None:
    full = linear_field(hours=48)
    full["u10"][30, 2, 3] = np.nan
    for day in range(2):
        encoding = {"dtype": "int16", "scale_factor": 0.01, "_FillValue": -32767}
        daily = full.isel(time=slice(24 * day, 24 * (day + 1)))
        daily.to_netcdf(tmp_path / f"gap_{day}.nc", encoding={"u10": encoding})
    dataset = open_file(tmp_path / "gap_*.nc")
    assert np.isnan(float(dataset.u10[30, 2, 3]))


def test_every_file_of_a_series_decodes_as_xarray_opens_it_alone(tmp_path: Path) -> None:
    full = linear_field(hours=48)
    full["age"] = ("time", np.arange(48.0), {"units": "hours"})
    full["speed"] = ("time", np.arange(48.0), {"units": "m s-1"})
    paths = []
    for day in range(2):
        paths.append(tmp_path / f"d_{day}.nc")
        full.isel(time=slice(24 * day, 24 * (day + 1))).to_netcdf(paths[-1])
    alone = [xr.open_dataset(path).load() for path in paths]
    expected = xr.concat(alone, "time", data_vars="all")
    combined = open_file(tmp_path / "d_*.nc").load()
    xr.testing.assert_identical(expected[["age", "speed"]], combined[["age", "speed"]])


def test_a_netcdf3_file_in_a_series_is_opened_by_xarray(tmp_path: Path) -> None:
    first, second = write_daily_files(tmp_path, 2)
    xr.open_dataset(second).load().to_netcdf(tmp_path / "classic.nc", format="NETCDF3_64BIT")
    dataset = open_file([first, tmp_path / "classic.nc"])
    xr.testing.assert_equal(linear_field(hours=48), dataset.load())


def test_a_later_file_missing_a_variable_is_named(tmp_path: Path) -> None:
    first, second = write_daily_files(tmp_path, 2)
    xr.open_dataset(second).load().drop_vars("v10").to_netcdf(tmp_path / "short.nc")
    with pytest.raises(DataSourceError, match=r"file 2 has variables \['u10'\], the first"):
        open_file([first, tmp_path / "short.nc"])


def test_files_with_an_unlimited_time_dimension_combine(tmp_path: Path) -> None:
    full = linear_field(hours=48)
    for day in range(2):
        daily = full.isel(time=slice(24 * day, 24 * (day + 1)))
        daily.to_netcdf(tmp_path / f"open_{day}.nc", unlimited_dims=["time"])
    xr.testing.assert_equal(full, open_file(tmp_path / "open_*.nc").load())


def test_a_later_file_on_a_shifted_grid_of_the_same_shape_is_refused(tmp_path: Path) -> None:
    linear_field().to_netcdf(tmp_path / "a.nc")
    linear_field(start="2023-01-02", lon=(101.0, 121.0, 0.5)).to_netcdf(tmp_path / "b.nc")
    with pytest.raises(DataSourceError, match="coordinate 'longitude' of file 2 differs"):
        open_file([tmp_path / "a.nc", tmp_path / "b.nc"])


def test_a_series_keeps_the_first_files_attributes_and_time_units(tmp_path: Path) -> None:
    full = linear_field(hours=48).assign_attrs(title="winds")
    full.u10.attrs["units"] = "m s-1"
    for day in range(2):
        full.isel(time=slice(24 * day, 24 * (day + 1))).to_netcdf(tmp_path / f"w_{day}.nc")
    dataset = open_file(tmp_path / "w_*.nc")
    assert ("winds", "m s-1", "hours since 2023-01-01 00:00:00") == (
        dataset.attrs["title"],
        dataset.u10.attrs["units"],
        dataset.time.encoding["units"],
    )


def test_data_of_later_files_stay_unread_until_needed(tmp_path: Path) -> None:
    write_daily_files(tmp_path, 2)
    dataset = open_file(tmp_path / "wind_*.nc")
    assert not dataset["u10"].variable._in_memory


def test_a_file_of_an_open_series_can_be_rewritten_and_is_read_anew(tmp_path: Path) -> None:
    _, second = write_daily_files(tmp_path, 2)
    open_file(tmp_path / "wind_*.nc").load()
    with xr.open_dataset(second) as day:
        changed = day.load() + 100.0
    changed.to_netcdf(second)
    dataset = open_file(tmp_path / "wind_*.nc")
    xr.testing.assert_equal(changed.u10, dataset.u10.isel(time=slice(24, 48)).load())


def test_the_netcdf_chunk_cache_is_small_only_while_opening() -> None:
    before = netCDF4.get_chunk_cache()
    with bounded_chunk_cache(2**20):
        inside = netCDF4.get_chunk_cache()[0]
    assert (2**20, before) == (inside, netCDF4.get_chunk_cache())
