"""``filename_time``: a series of real NetCDF files, and files outside the window never opened."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import xarray as xr

from rompy.adapters.data.handlers.gridded import GriddedHandler
from rompy.adapters.data.sources.files import FileOpener, open_within
from rompy.adapters.data.staging import LocalDataStager
from rompy.application import bootstrap
from rompy.domain.data.sources import FileSource
from rompy.domain.data.specs import DataGrid, DataItem, crop_window
from rompy.domain.errors import ConfigError, DataSourceError
from rompy.domain.grid import RegularGrid
from rompy.domain.time import TimeRange, TimeWindow
from rompy.ports.data import DataRequest, StageRequest
from tests.adapters.data_samples import linear_field

REGISTRY = bootstrap(load_entry_points=False).plugins.registry
GRID = RegularGrid(x0=110, y0=-35, dx=0.5, dy=0.5, nx=5, ny=3)
DAYS = 6
FORMAT = "%Y%m%d"


def write_dated_files(folder: Path, days: int = DAYS, hours: int = 24) -> list[Path]:
    """Daily files ``wind_YYYYMMDD.nc`` of ``hours`` steps, the day in their names."""
    step = 24 // hours
    full = linear_field(hours=days * 24)
    paths = []
    for day in range(days):
        path = folder / f"wind_{datetime(2023, 1, 1 + day):%Y%m%d}.nc"
        full.isel(time=slice(24 * day, 24 * (day + 1), step)).to_netcdf(path)
        paths.append(path)
    return paths


def spoil(path: Path) -> None:
    """Make ``path`` unreadable as NetCDF: opening it would fail."""
    path.write_bytes(b"not a netCDF file")


def window(start: str, end: str, before: int = 0, after: int = 0) -> TimeWindow:
    return TimeWindow(start=datetime.fromisoformat(start), end=datetime.fromisoformat(end),
                      steps_before=before, steps_after=after)  # fmt: skip


class WindowedOpener:
    """Opens with the request's time window, as the stager's opener does once it passes it."""

    def __init__(self, time: TimeWindow | None) -> None:
        self.time = time

    def open(self, spec: FileSource) -> xr.Dataset:
        return FileOpener().open_within(spec, self.time)

    def identity(self, spec: FileSource) -> str:
        return FileOpener().identity(spec)


def staged_crop(folder: Path, out: Path, period: TimeRange, **source: Any) -> xr.Dataset:
    """Prepare and write a grid item with the real handler; return what it wrote."""
    spec = DataGrid(source=FileSource(uri=str(folder / "wind_*.nc"), **source),
                    variables=["u10"], time_buffer=[2, 3])  # fmt: skip
    request = DataRequest(item=DataItem(name="wind", spec=spec), grid=GRID, period=period)
    handler = GriddedHandler()
    handler.write(handler.prepare(request, WindowedOpener(crop_window(spec, GRID, period).time)),
                  out)  # fmt: skip
    with xr.open_dataset(out / "wind.nc") as written:
        return written.load()


def test_files_outside_the_window_are_never_opened(tmp_path: Path) -> None:
    paths = write_dated_files(tmp_path)
    for path in (paths[0], paths[4], paths[5]):
        spoil(path)
    spec = FileSource(uri=str(tmp_path / "wind_*.nc"), filename_time=FORMAT)
    dataset = FileOpener().open_within(spec, window("2023-01-02T06:00", "2023-01-03T12:00"))
    expected = linear_field(hours=DAYS * 24).isel(time=slice(24, 72))
    xr.testing.assert_identical(expected, dataset.load())


def test_without_filename_time_every_file_is_opened(tmp_path: Path) -> None:
    spoil(write_dated_files(tmp_path)[0])
    spec = FileSource(uri=str(tmp_path / "wind_*.nc"))
    with pytest.raises(DataSourceError, match=r"wind_20230101\.nc"):
        FileOpener().open_within(spec, window("2023-01-02T06:00", "2023-01-03T12:00"))


def test_buffer_steps_open_the_neighbouring_files(tmp_path: Path) -> None:
    paths = write_dated_files(tmp_path)
    spoil(paths[5])
    spec = FileSource(uri=str(tmp_path / "wind_*.nc"), filename_time=FORMAT)
    span = window("2023-01-02T00:00", "2023-01-03T23:00", before=1, after=1)
    dataset = FileOpener().open_within(spec, span)
    assert ("2023-01-01T00", "2023-01-04T23") == (
        str(dataset.time.values[0])[:13],
        str(dataset.time.values[-1])[:13],
    )


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        ("2023-01-02T00", "2023-01-02T23", 24),
        ("2023-01-02T05", "2023-01-04T19", 24),
        ("2023-01-03T00", "2023-01-03T06", 4),
        ("2023-01-02T13", "2023-01-05T01", 4),
    ],
)
def test_the_crop_with_filename_time_equals_the_crop_without(
    tmp_path: Path, start: str, end: str, hours: int
) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    write_dated_files(folder, hours=hours)
    period = TimeRange(start=start, end=end)
    without = staged_crop(folder, tmp_path / "without", period)
    with_names = staged_crop(folder, tmp_path / "with", period, filename_time=FORMAT)
    xr.testing.assert_identical(without, with_names)


def test_a_period_outside_the_files_still_reports_their_whole_coverage(tmp_path: Path) -> None:
    write_dated_files(tmp_path)
    spec = FileSource(uri=str(tmp_path / "wind_*.nc"), filename_time=FORMAT)
    dataset = FileOpener().open_within(spec, window("2023-01-05T00:00", "2023-01-09T00:00"))
    assert DAYS * 24 == dataset.sizes["time"]


def test_openers_without_a_window_are_just_opened(tmp_path: Path) -> None:
    class Plain:
        def open(self, spec: FileSource) -> str:
            return "opened"

        def identity(self, spec: FileSource) -> str:
            return ""

    assert "opened" == open_within(Plain(), FileSource(uri="a.nc"), None)


def test_a_file_name_without_the_time_fails_the_check_naming_the_field(tmp_path: Path) -> None:
    write_dated_files(tmp_path, days=2)
    linear_field(hours=3).to_netcdf(tmp_path / "wind_latest.nc")
    spec = DataGrid(source=FileSource(uri=str(tmp_path / "wind_*.nc"), filename_time=FORMAT))
    request = StageRequest(items=(DataItem(name="wind", spec=spec),), grid=GRID,
                           period=TimeRange(start="2023-01-01T03", end="2023-01-01T09"),
                           staging_dir=tmp_path / "out")  # fmt: skip
    with pytest.raises(ConfigError, match=r"'wind_latest\.nc' has no time written as") as raised:
        LocalDataStager(registry=REGISTRY).check(request)
    assert "config.data.wind.source.filename_time" == raised.value.path
    assert not (tmp_path / "out").exists()


def test_the_stager_never_opens_files_outside_the_period(tmp_path: Path) -> None:
    paths = write_dated_files(tmp_path)
    spoil(paths[5])
    spec = DataGrid(source=FileSource(uri=str(tmp_path / "wind_*.nc"), filename_time=FORMAT))
    period = TimeRange(start="2023-01-02T03", end="2023-01-02T09")
    request = StageRequest(items=(DataItem(name="wind", spec=spec),), grid=GRID, period=period,
                           staging_dir=tmp_path / "out")  # fmt: skip
    prepared = LocalDataStager(registry=REGISTRY).check(request)
    assert timedelta(hours=6) == timedelta(hours=prepared[0].payload.sizes["time"] - 1)
