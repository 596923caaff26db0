"""SWAN reads its bottom and wind from NetCDF sources through rompy's data layer.

The fields are linear in space (and the wind in time), so SWAN's bilinear interpolation
onto the computational grid must give back the source's own formula at every grid point
and output time: a wrong row order, header count, ``fac`` or time line shows at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import xarray as xr
import yaml

from rompy import bootstrap
from tests.e2e.conftest import FIXTURES
from tests.engines import require_swan

BASIN = FIXTURES / "swan" / "basin.yml"
START = pd.Timestamp("2023-01-01T00:00")


@pytest.fixture(autouse=True)
def _swan_installed() -> None:
    require_swan()


def depth_at(x: Any) -> Any:
    """The source's depth: 20 m at x=0 shoaling to 10 m at x=2000."""
    return 20.0 - 10.0 * x / 2000.0


def wind_at(x: Any, y: Any, hours: Any) -> tuple[Any, Any]:
    """The source's wind components, changing in space and hour by hour."""
    return 2.0 + hours + x / 1000.0, 1.0 + y / 1000.0


def write_sources(folder: Path) -> None:
    """An elevation (y descending, as many products store it) and an hourly wind."""
    x, y = np.arange(-400.0, 2500.0, 100.0), np.arange(1400.0, -500.0, -100.0)
    elevation = -depth_at(x)[None, :] * np.ones((len(y), 1))
    xr.Dataset({"elevation": (("y", "x"), elevation)}, coords={"x": x, "y": y}).to_netcdf(
        folder / "gebco.nc"
    )
    times = pd.date_range("2022-12-31T22:00", "2023-01-01T05:00", freq="1h")
    hours = ((times - START) / pd.Timedelta("1h")).to_numpy()
    xw, yw = np.arange(-1000.0, 4000.0, 500.0), np.arange(-1000.0, 3000.0, 500.0)
    u, v = wind_at(xw[None, None, :], yw[None, :, None], hours[:, None, None])
    u, v = np.broadcast_arrays(u, v)
    xr.Dataset(
        {"u10": (("time", "y", "x"), u.copy()), "v10": (("time", "y", "x"), v.copy())},
        coords={"time": times, "x": xw, "y": yw},
    ).to_netcdf(folder / "era5.nc")


def forced_basin(folder: Path) -> Path:
    """The basin, non-stationary over three hours, forced by the two NetCDF sources."""
    document = yaml.safe_load(BASIN.read_text())
    config = document["config"]["config"]
    config["startup"]["mode"]["kind"] = "nonstationary"
    config["inpgrid"] = {
        "model_type": "data_interface",
        "bottom": {
            "var": "bottom", "source": {"model_type": "file", "uri": "gebco.nc"},
            "z1": "elevation", "fac": -1.0, "buffer": 200.0, "coords": {"x": "x", "y": "y"},
        },
        "input": [{
            "var": "wind", "source": {"model_type": "file", "uri": "era5.nc"},
            "z1": "u10", "z2": "v10", "buffer": 500.0, "coords": {"x": "x", "y": "y", "t": "time"},
        }],
    }  # fmt: skip
    del config["data"]
    hourly = {"dfmt": "hr"}
    config["output"]["block"].update(fname="fields.nc", output=["depth", "wind"], times=hourly)
    config["output"]["table"]["times"] = hourly
    config["lockup"] = {"compute": {"model_type": "nonstat", "times": {"dfmt": "min"}}}
    config["numeric"] = {"stop": {"model_type": "stopc", "mode": {"model_type": "nonstat"}}}
    write_sources(folder)
    path = folder / "pipeline.yml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def test_swan_reads_the_cropped_bottom_and_wind_as_the_sources_give_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = bootstrap()
    result = app.pipeline(app.load_pipeline(forced_basin(tmp_path)))

    assert result.ok, result
    staging = tmp_path / "out" / "basin"
    assert (staging / "norm_end").is_file()
    fields = xr.open_dataset(staging / "fields.nc")
    x, y = np.meshgrid(fields.x.values, fields.y.values)
    hours = ((pd.DatetimeIndex(fields.time.values) - START) / pd.Timedelta("1h")).to_numpy()
    u, v = wind_at(x[None], y[None], hours[:, None, None])
    assert [0.0, 1.0, 2.0, 3.0] == list(hours)
    close = {"rtol": 1e-3, "atol": 2e-3}  # SWAN's NetCDF output keeps about 3 digits
    np.testing.assert_allclose(fields.depth.values, np.broadcast_to(depth_at(x), u.shape), **close)
    np.testing.assert_allclose(fields.xwnd.values, u, **close)
    np.testing.assert_allclose(fields.ywnd.values, np.broadcast_to(v, u.shape), **close)


def test_the_written_files_hold_only_the_crop_around_the_grid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = bootstrap()
    run = app.load_pipeline(forced_basin(tmp_path)).config
    staging = app.generate(run).staging_dir

    deck = (staging / "INPUT").read_text().splitlines()
    inpgrids = [line for line in deck if line.startswith(("INPGRID", "READINP"))]
    assert [
        "INPGRID BOTTOM REGULAR xpinp=-200.0 ypinp=-200.0 alpinp=0.0 mxinp=24 myinp=14 "
        "dxinp=100.0 dyinp=100.0",
        "READINP BOTTOM fac=-1.0 fname1='bottom.grd' idla=3 nhedf=0 FREE",
        "INPGRID WIND REGULAR -500.0 -500.0 0.0 6 4 500.0 500.0 "
        "NONSTATIONARY 20230101.000000 1.0 HR 20230101.030000",
        "READINP WIND fac=1.0 fname1='wind.grd' idla=3 nhedf=0 nhedt=1 nhedvec=1 FREE",
    ] == inpgrids
    wind = (staging / "wind.grd").read_text().splitlines()
    assert 4 * (1 + 2 * (1 + 5)) == len(wind)  # 4 times: a time line, 2 x (label + 5 rows)
    assert ["time 2023-01-01T00:00:00", "u10"] == wind[:2]
    assert [1.5, 2.0, 2.5] == [float(value) for value in wind[2].split()[:3]]  # south row
