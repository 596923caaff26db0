"""Sample datasets and a local HTTP server for the data adapter tests."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

START = "2023-01-01T00"


def linear_field(
    *,
    start: str = START,
    hours: int = 25,
    lon: tuple[float, float, float] = (100.0, 120.0, 0.5),
    lat: tuple[float, float, float] = (-40.0, -20.0, 0.5),
) -> xr.Dataset:
    """Hourly ``u10 = 2 lon + 3 lat + hours since start`` and ``v10 = -u10`` on a lon/lat grid.

    A linear field: interpolation at any point gives the formula's value exactly.
    """
    times = pd.date_range(start, periods=hours, freq="h")
    longitude = np.arange(lon[0], lon[1] + lon[2] / 2, lon[2])
    latitude = np.arange(lat[0], lat[1] + lat[2] / 2, lat[2])
    hour = ((times - times[0]) / pd.Timedelta("1h")).to_numpy()
    u10 = (2 * longitude[None, None, :] + 3 * latitude[None, :, None] + hour[:, None, None]).astype(
        "float64"
    )
    return xr.Dataset(
        {
            "u10": (("time", "latitude", "longitude"), u10),
            "v10": (("time", "latitude", "longitude"), -u10),
        },
        coords={"time": times, "latitude": latitude, "longitude": longitude},
    )


def field_value(lon: float, lat: float, hour: float) -> float:
    """The value of :func:`linear_field`'s ``u10`` at a point and hour."""
    return 2 * lon + 3 * lat + hour


def write_daily_files(folder: Path, days: int, **field: object) -> list[Path]:
    """Write ``days`` daily NetCDF files of hourly data (24 steps each), return their paths."""
    full = linear_field(hours=24 * days, **field)  # type: ignore[arg-type]
    paths = []
    for day in range(days):
        path = folder / f"wind_{day:02d}.nc"
        full.isel(time=slice(24 * day, 24 * (day + 1))).to_netcdf(path)
        paths.append(path)
    return paths


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return None


@contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """Serve ``folder`` over HTTP on 127.0.0.1; yield the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/wind.nc"
