"""The h5py reader of later files and the joined array, against real netCDF-4 files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import h5py
import numpy as np
import pytest
import xarray as xr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rompy.adapters.data.sources import hdf5_reader
from rompy.adapters.data.sources import multifile as data_multifile
from rompy.adapters.data.sources.files import FileOpener
from rompy.adapters.data.sources.hdf5_reader import read_hyperslab, release_open_files
from rompy.domain.data.sources import FileSource
from tests.adapters.data_samples import linear_field

DAYS = 3
SHAPE = (DAYS * 24, 41, 41)


def write_series(folder: Path, encoding: dict[str, Any]) -> list[Path]:
    full = linear_field(hours=DAYS * 24).astype("float32")
    paths = []
    for day in range(DAYS):
        path = folder / f"w_{day}.nc"
        daily = full.isel(time=slice(24 * day, 24 * (day + 1)))
        daily.to_netcdf(path, encoding={"u10": encoding, "v10": encoding})
        paths.append(path)
    return paths


@pytest.fixture(scope="module", params=["raw", "packed"])
def series(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[xr.Dataset, xr.Dataset]]:
    """(combined by the opener, expected: each file opened by xarray alone and concatenated)."""
    folder = tmp_path_factory.mktemp(request.param)
    encoding = (
        {"_FillValue": None}
        if request.param == "raw"
        else {"dtype": "int16", "scale_factor": 0.01, "_FillValue": -32767}
    )
    paths = write_series(folder, encoding)
    expected = xr.concat([xr.open_dataset(path).load() for path in paths], "time")
    yield FileOpener().open(FileSource(uri=str(folder / "w_*.nc"))), expected
    release_open_files()


def axis_keys(size: int) -> st.SearchStrategy[Any]:
    index = st.integers(min_value=-size, max_value=size - 1)
    bound = st.none() | st.integers(min_value=-size - 2, max_value=size + 2)
    step = st.none() | st.sampled_from([1, 2, 5, 30, -1, -3])
    slices = st.builds(slice, bound, bound, step).filter(
        lambda key: (key.step or 1) > 0 or len(range(size)[key]) > 0
    )  # xarray's own lazy indexing fails on empty backward slices
    return index | slices


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(key=st.tuples(*(axis_keys(size) for size in SHAPE)))
def test_any_basic_index_of_the_joined_files_reads_what_numpy_gives(
    series: tuple[xr.Dataset, xr.Dataset], key: tuple[Any, ...]
) -> None:
    combined, expected = series
    selection = dict(zip(("time", "latitude", "longitude"), key, strict=True))
    np.testing.assert_array_equal(
        expected.u10.isel(selection).values, combined.u10.isel(selection).values
    )


def test_the_joined_files_equal_the_files_opened_alone(
    series: tuple[xr.Dataset, xr.Dataset],
) -> None:
    combined, expected = series
    xr.testing.assert_identical(expected, combined.load())


def test_data_without_decoding_are_read_straight_into_the_joined_array(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_series(tmp_path, {"_FillValue": None})
    placed: list[int] = []
    real = data_multifile.read_hyperslab

    def recording(dataset: Any, key: Any, into: Any = None) -> np.ndarray:
        if into is not None:
            placed.append(into.offset)
        return real(dataset, key, into=into)

    monkeypatch.setattr(data_multifile, "read_hyperslab", recording)
    combined = FileOpener().open(FileSource(uri=str(tmp_path / "w_*.nc")))
    combined.u10.isel(time=slice(10, 60)).load()
    assert [14, 38] == placed


@settings(max_examples=60, deadline=None)
@given(key=st.tuples(*(axis_keys(size) for size in (24, 41, 41))))
def test_a_hyperslab_read_equals_numpy_indexing(key: tuple[Any, ...]) -> None:
    values = np.arange(24 * 41 * 41, dtype=">i4").reshape(24, 41, 41)
    with h5py.File("hyperslab.h5", "w", driver="core", backing_store=False) as file:
        file["v"] = values
        dataset = hdf5_reader.dataset_id(file, "v")
        np.testing.assert_array_equal(values[key], read_hyperslab(dataset, key))


def test_times_of_each_file_decode_with_that_files_units_and_calendar(tmp_path: Path) -> None:
    paths = []
    for day in range(2):
        times = xr.Variable("time", np.arange(4) * 6, {"units": f"hours since 2023-01-0{day + 1}",
                                                        "calendar": "noleap"})  # fmt: skip
        data = xr.Dataset({"h": ("time", np.arange(4.0))}, coords={"time": times})
        paths.append(tmp_path / f"t_{day}.nc")
        data.to_netcdf(paths[-1])
    expected = xr.concat([xr.open_dataset(path).load() for path in paths], "time")
    combined = FileOpener().open(FileSource(uri=str(tmp_path / "t_*.nc")))
    xr.testing.assert_identical(expected, combined.load())
