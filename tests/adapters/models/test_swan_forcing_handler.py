"""The SWAN forcing handler on real NetCDF files: gaps, layout and refusals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import xarray as xr
import yaml

from rompy import ConfigError, DataSourceError, bootstrap

BASIN = Path(__file__).parents[2] / "fixtures" / "swan" / "basin.yml"


@pytest.fixture(scope="module")
def app() -> Any:
    return bootstrap()


def bottom_file(folder: Path, x: Any = None, depth: Any = None) -> None:
    """A bottom over the basin (x -500..2500 m), 12 m deep unless told."""
    x = np.arange(-500.0, 2600.0, 100.0) if x is None else x
    y = np.arange(-500.0, 1600.0, 100.0)
    values = np.full((len(y), len(x)), 12.0) if depth is None else depth
    xr.Dataset({"depth": (("y", "x"), values)}, coords={"x": x, "y": y}).to_netcdf(
        folder / "bottom.nc"
    )


def wind_file(folder: Path, times: Any) -> None:
    """A uniform 5 m/s westerly at ``times``."""
    x, y = np.arange(-1000.0, 3500.0, 500.0), np.arange(-1000.0, 2500.0, 500.0)
    shape = (len(times), len(y), len(x))
    xr.Dataset(
        {
            "u10": (("time", "y", "x"), np.full(shape, 5.0)),
            "v10": (("time", "y", "x"), np.zeros(shape)),
        },
        coords={"time": times, "x": x, "y": y},
    ).to_netcdf(folder / "wind.nc")


def run_with(app: Any, folder: Path, fields: dict[str, Any]) -> Any:
    """The basin run (stationary) with a data_interface of ``fields``."""
    document = yaml.safe_load(BASIN.read_text())["config"]
    document["output_dir"] = str(folder / "out")
    config = document["config"]
    config["inpgrid"] = {"model_type": "data_interface", **fields}
    del config["data"]
    if "input" not in fields:  # no wind: no wind growth either
        config["physics"] = {"breaking": {"model_type": "constant"}}
    return app.runs_from(document)[0]


def bottom_field(folder: Path, **changes: Any) -> dict[str, Any]:
    field = {
        "var": "bottom", "source": {"model_type": "file", "uri": str(folder / "bottom.nc")},
        "z1": "depth", "coords": {"x": "x", "y": "y"},
    }  # fmt: skip
    return {**field, **changes}


def wind_field(folder: Path) -> dict[str, Any]:
    return {
        "var": "wind", "source": {"model_type": "file", "uri": str(folder / "wind.nc")},
        "z1": "u10", "z2": "v10", "coords": {"x": "x", "y": "y", "t": "time"}, "buffer": 500.0,
    }  # fmt: skip


def test_cells_without_data_become_the_exception_value_after_fac(app: Any, tmp_path: Path) -> None:
    depth = np.full((21, 31), -12.0)
    depth[:, 25:] = np.nan  # land east of x=2000
    bottom_file(tmp_path, depth=depth)
    run = run_with(app, tmp_path, {"bottom": bottom_field(tmp_path, fac=-1.0, buffer=100.0)})

    staging = app.generate(run).staging_dir

    deck = (staging / "INPUT").read_text()
    assert "EXCEPTION excval=-99.0" in deck and "fac=-1.0" in deck
    rows = [[float(value) for value in line.split()] for line in (staging / "bottom.grd").open()]
    assert (13, 23) == (len(rows), len(rows[0]))  # y -100..1100, x -100..2100
    assert [-12.0, 99.0, 99.0] == [rows[0][20], rows[0][21], rows[0][22]]  # 99 x -1 = -99


def test_a_stationary_run_reads_the_first_time_of_a_wind_with_times(
    app: Any, tmp_path: Path
) -> None:
    bottom_file(tmp_path)
    wind_file(tmp_path, pd.date_range("2023-01-01T00", periods=4, freq="1h"))
    fields = {"bottom": bottom_field(tmp_path), "input": [wind_field(tmp_path)]}

    staging = app.generate(run_with(app, tmp_path, fields)).staging_dir

    deck = (staging / "INPUT").read_text().splitlines()
    wind = [line for line in deck if line.startswith(("INPGRID WIND", "READINP WIND"))]
    assert [
        "INPGRID WIND REGULAR xpinp=-500.0 ypinp=-500.0 alpinp=0.0 mxinp=6 myinp=4 "
        "dxinp=500.0 dyinp=500.0",
        "READINP WIND fac=1.0 fname1='wind.grd' idla=3 nhedf=1 nhedvec=1 FREE",
    ] == wind


def test_an_irregular_axis_is_refused_naming_the_field(app: Any, tmp_path: Path) -> None:
    x = np.concatenate([np.arange(-500.0, 1000.0, 100.0), np.arange(1000.0, 2600.0, 200.0)])
    bottom_file(tmp_path, x=x, depth=np.full((21, len(x)), 12.0))
    run = run_with(app, tmp_path, {"bottom": bottom_field(tmp_path)})

    with pytest.raises(DataSourceError, match=r"bottom: x is not evenly spaced .*regrid"):
        app.generate(run)


def test_unevenly_spaced_times_are_refused(app: Any, tmp_path: Path) -> None:
    bottom_file(tmp_path)
    wind_file(
        tmp_path,
        pd.DatetimeIndex(["2023-01-01T00", "2023-01-01T01", "2023-01-01T03", "2023-01-01T04"]),
    )
    fields = {"bottom": bottom_field(tmp_path), "input": [wind_field(tmp_path)]}

    with pytest.raises(DataSourceError, match=r"wind: the times are not evenly spaced"):
        app.generate(run_with(app, tmp_path, fields))


def test_a_bottom_too_small_for_the_grid_names_its_place_in_the_config(
    app: Any, tmp_path: Path
) -> None:
    x = np.arange(-500.0, 1100.0, 100.0)  # ends at x=1000, the grid goes to 2000
    bottom_file(tmp_path, x=x, depth=np.full((21, len(x)), 12.0))
    run = run_with(app, tmp_path, {"bottom": bottom_field(tmp_path)})

    with pytest.raises(DataSourceError) as caught:
        app.generate(run)
    assert str(caught.value).startswith("config.inpgrid.bottom: bottom covers x -500 to 1000;")


def test_a_vector_field_without_its_y_component_is_refused_at_load(
    app: Any, tmp_path: Path
) -> None:
    wind = {**wind_field(tmp_path), "z2": None}
    with pytest.raises(ConfigError) as caught:
        run_with(app, tmp_path, {"input": [wind]})
    assert "config.inpgrid.input[0].z2" in str(caught.value)
