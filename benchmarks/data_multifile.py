"""30 daily files combined along time and cropped: ours against a naive ``open_mfdataset``.

Thirty synthetic daily files (24 hourly steps of ``u10``/``v10`` each; ``--size-gb`` in all,
0.5 GB by default) are written once under ``${ROMPY_BENCH_DIR:-.bench}/data``. Each side
then crops 28 days over a sub-domain (1/4 of each axis) and writes NetCDF, in its own
process:

- naive: ``xarray.open_mfdataset(<glob>)`` with its defaults, then ``sel`` and ``to_netcdf``;
- ours: a ``grid`` data item over ``FileSource(uri=<glob>)`` staged by ``LocalDataStager``.

Timed: the open-crop-write inside each process, median of N, files in the page cache.
Imports are outside the timer on both sides: xarray, and dask, which ``open_mfdataset``
needs and our blocked write uses (it used to be imported inside both timers, adding the
same 0.1-0.15 s to each side). Goal: ours at least 2 x faster than the naive way.

    .venv/bin/python benchmarks/data_multifile.py [--quick] [--size-gb 0.5] [-n 3]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import _common as common
import numpy as np
from data_crop import (
    OURS_SCRIPT,
    Measured,
    data_dir,
    describe_file,
    field_shape,
    goal,
    print_rows,
    run_measured,
    summarise,
    warm_page_cache,
    write_wind_file,
)

FILES = 30
CROP_DAYS = 28
CROP_START = datetime(2023, 1, 2)
SPEED_UP_GOAL = 2.0
QUICK_SIZE_GB = 0.03

NAIVE_SCRIPT = r"""
import json, sys, time
params = json.loads(sys.argv[1])
import dask.array, xarray as xr  # open_mfdataset needs dask: imported before the timer
xr.backends.list_engines()  # once-per-process engine discovery, outside the timer
start = time.perf_counter()
ds = xr.open_mfdataset(params["path"])
box = params["box"]
sub = ds[["u10", "v10"]].sel(
    time=slice(params["start"], params["end"]),
    latitude=slice(box[1], box[3]), longitude=slice(box[0], box[2]),
)
sub.to_netcdf(params["out"])
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "shape": list(sub.u10.shape)}))
"""


def daily_files(size_gb: float) -> str:
    """Return the glob of the 30 daily files of about ``size_gb`` GB in all (written once)."""
    folder = data_dir() / f"daily_{size_gb:g}gb"
    if not (folder / f"wind_{FILES:02d}.nc").exists():
        folder.mkdir(parents=True, exist_ok=True)
        ny, nx = field_shape(size_gb * 1e9, FILES * 24)
        print(f"writing {FILES} daily files into {folder} (24 h x {ny} x {nx} each) ...")
        for day in range(FILES):
            first = np.datetime64("2023-01-01") + np.timedelta64(day, "D")
            path = folder / f"wind_{day + 1:02d}.nc"
            write_wind_file(path, first, 24, ny, nx, compress=False)
    return str(folder / "wind_*.nc")


def crop_params(pattern: str) -> dict[str, Any]:
    """28 days from 2 January over the middle quarter of each axis."""
    layout = describe_file(sorted(Path(pattern).parent.glob("wind_*.nc"))[0])
    (lon0, lon1), (lat0, lat1), step = layout["lon"], layout["lat"], layout["step"]
    x0, y0 = lon0 + 0.375 * (lon1 - lon0), lat0 + 0.375 * (lat1 - lat0)
    nx, ny = round(0.25 * (lon1 - lon0) / step) + 1, round(0.25 * (lat1 - lat0) / step) + 1
    return {
        "path": pattern,
        "grid": {"x0": x0, "y0": y0, "dx": step, "dy": step, "nx": nx, "ny": ny},
        "buffer": 2 * step,
        "box": [x0 - 2 * step, y0 - 2 * step, x0 + (nx + 1) * step, y0 + (ny + 1) * step],
        "start": CROP_START.isoformat(),
        "end": (CROP_START + timedelta(days=CROP_DAYS)).isoformat(),
        "layout": layout,
    }


def measure(params: dict[str, Any], repeat: int) -> dict[str, list[Measured]]:
    """Run the naive way and ours ``repeat`` times each, taking turns."""
    sides = [("naive", NAIVE_SCRIPT, "naive.nc"), ("ours", OURS_SCRIPT, "staging")]
    runs: dict[str, list[Measured]] = {name: [] for name, _, _ in sides}
    for _ in range(repeat):
        for name, script, out in sides:
            with tempfile.TemporaryDirectory(dir=data_dir()) as scratch:
                arguments = json.dumps(
                    {**params, "out": str(Path(scratch) / out), "import_dask": True}
                )
                runs[name].append(run_measured([sys.executable, "-c", script, arguments]))
    return runs


def main() -> None:
    """Write the files if needed, time both sides, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_SIZE_GB} GB, 1 run")
    parser.add_argument("-n", "--repeat", type=int, default=None, help="runs per side (3)")
    parser.add_argument("--size-gb", type=float, default=None, help="all files together (0.5)")
    args = parser.parse_args()
    repeat = args.repeat or (1 if args.quick else 3)
    size_gb = args.size_gb if args.size_gb is not None else (QUICK_SIZE_GB if args.quick else 0.5)
    pattern = daily_files(size_gb)
    for path in sorted(Path(pattern).parent.glob("wind_*.nc")):
        warm_page_cache(path)
    params = crop_params(pattern)
    runs = measure({key: value for key, value in params.items() if key != "layout"}, repeat)
    naive, ours = summarise(runs["naive"]), summarise(runs["ours"])
    print(
        f"\n== {FILES} daily files ({size_gb:g} GB, {params['layout']['shape']} each), "
        f"crop {CROP_DAYS} days, shape {runs['ours'][0].result['shape']}; runs per side: {repeat}"
    )
    print_rows([("naive open_mfdataset + sel + write", naive), ("ours", ours)])
    speed_up = naive.seconds / ours.seconds
    print(f"   speed-up (naive / ours): {speed_up:.2f} x")
    limit = naive.seconds / SPEED_UP_GOAL
    print(f"   {goal(f'ours <= naive / {SPEED_UP_GOAL:g} (time)', ours.seconds, limit)}")


if __name__ == "__main__":
    sys.exit(common.main_guard(main))
