"""Write the SWAN example's inputs: a synthetic bay's bathymetry and a wind field, as NetCDF.

The bay is 4 km (x, east) by 3 km (y, north): 30 m deep at the open western boundary,
shoaling on a plane towards the eastern coast (2 m), with a shoal of 6 m in its middle.
The wind blows from the west-south-west at 10 m/s, a little stronger in the north, and
freshens by 1 m/s an hour. Both files cover more than the bay, as real products do: rompy
crops them to the computational grid (plus a buffer) and the run's period, and writes
them in the layout SWAN reads. Run it from anywhere:

    python examples/swan/make_inputs.py
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

HERE = Path(__file__).resolve().parent / "inputs"
LENGTH_X, LENGTH_Y = 4000.0, 3000.0
WIND_TIMES = pd.date_range("2023-01-01T00:00", periods=3, freq="1h")


def depth(x: float, y: float) -> float:
    """Depth (m) at ``(x, y)``: a plane from 30 m to 2 m, and a shoal near the middle."""
    plane = 30.0 - 28.0 * min(max(x, 0.0), LENGTH_X) / LENGTH_X
    shoal = 12.0 * math.exp(-(((x - 2200.0) / 400.0) ** 2 + ((y - 1500.0) / 500.0) ** 2))
    return round(max(plane - shoal, 1.0), 3)


def wind(y: float, hours: float) -> tuple[float, float]:
    """Wind components (m/s) at northing ``y``: from 250 degrees (nautical), 10 to 12 m/s."""
    speed = 10.0 + 2.0 * min(max(y, 0.0), LENGTH_Y) / LENGTH_Y + hours
    towards = math.radians(90.0 - (250.0 - 180.0))  # from 250 (nautical): towards 20 deg east
    return (round(speed * math.cos(towards), 3), round(speed * math.sin(towards), 3))


def bathymetry() -> xr.Dataset:
    """Depth on a 100 m grid reaching 500 m past the bay on every side."""
    x, y = np.arange(-500.0, 4501.0, 100.0), np.arange(-500.0, 3501.0, 100.0)
    values = [[depth(xi, yi) for xi in x] for yi in y]
    field = xr.DataArray(values, dims=("y", "x"), attrs={"units": "m", "positive": "down"})
    return xr.Dataset({"depth": field}, coords={"x": x, "y": y})


def wind_field() -> xr.Dataset:
    """Hourly 10 m wind components on a 1 km grid reaching 1 km past the bay."""
    x, y = np.arange(-1000.0, 5001.0, 1000.0), np.arange(-1000.0, 4001.0, 1000.0)
    hours = range(len(WIND_TIMES))
    u = [[[wind(yi, hour)[0] for _ in x] for yi in y] for hour in hours]
    v = [[[wind(yi, hour)[1] for _ in x] for yi in y] for hour in hours]
    dims = ("time", "y", "x")
    return xr.Dataset(
        {"u10": (dims, u, {"units": "m s-1"}), "v10": (dims, v, {"units": "m s-1"})},
        coords={"time": WIND_TIMES, "x": x, "y": y},
    )


def main() -> None:
    """Write ``inputs/bathymetry.nc`` and ``inputs/wind.nc``."""
    HERE.mkdir(exist_ok=True)
    bathymetry().to_netcdf(HERE / "bathymetry.nc")
    wind_field().to_netcdf(HERE / "wind.nc")


if __name__ == "__main__":
    main()
