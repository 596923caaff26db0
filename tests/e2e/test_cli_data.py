"""``rompy generate`` with input data: a NetCDF file cropped into the staging dir."""

from __future__ import annotations

from pathlib import Path

import xarray as xr

from tests.adapters.data_samples import linear_field
from tests.e2e.conftest import RunCli, write

RUN_YAML = """\
run_id: with_data
output_dir: out
period: {start: 2023-01-01T03, end: 2023-01-01T12, interval: 1h}
config:
  model_type: base
  grid: {x0: 110, y0: -35, dx: 0.5, dy: 0.5, nx: 5, ny: 3}
  data:
    wind:
      model_type: grid
      source: {model_type: file, uri: SOURCE}
      variables: [u10]
      buffer: 0.5
      time_buffer: [1, 1]
"""


def write_run(tmp_path: Path, source: str) -> Path:
    linear_field().to_netcdf(tmp_path / "era5.nc")
    return write(tmp_path / "run.yml", RUN_YAML.replace("SOURCE", source))


def test_generate_writes_the_cropped_netcdf_into_the_staging_dir(
    rompy_cli: RunCli, tmp_path: Path
) -> None:
    result = rompy_cli("generate", str(write_run(tmp_path, "era5.nc")))
    assert 0 == result.returncode, result.stderr
    with xr.open_dataset(tmp_path / "out" / "with_data" / "wind.nc") as wind:
        crop = (
            wind.longitude.values.tolist(),
            wind.latitude.values.tolist(),
            str(wind.time.values[0])[:13],
            str(wind.time.values[-1])[:13],
            list(wind.data_vars),
        )
    assert (
        [109.5, 110.0, 110.5, 111.0, 111.5, 112.0, 112.5],
        [-35.5, -35.0, -34.5, -34.0, -33.5],
        "2023-01-01T02",
        "2023-01-01T13",
        ["u10"],
    ) == crop


def test_generate_with_missing_data_fails_clearly_and_leaves_no_staging_dir(
    rompy_cli: RunCli, tmp_path: Path
) -> None:
    result = rompy_cli("generate", str(write_run(tmp_path, "missing.nc")))
    assert (2, False) == (result.returncode, (tmp_path / "out" / "with_data").exists())
    assert "missing.nc does not exist" in result.stderr
