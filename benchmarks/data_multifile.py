"""30 daily files combined along time and cropped: ours against a naive ``open_mfdataset``.

Thirty synthetic daily files (24 hourly steps of ``u10``/``v10`` each; ``--size-gb`` in all,
0.5 GB by default) are written once under ``${ROMPY_BENCH_DIR:-.bench}/data``. Each side
then crops 28 days over a sub-domain (1/4 of each axis) and writes NetCDF, in its own
process:

- naive: ``xarray.open_mfdataset(<glob>)`` with its defaults, then ``sel`` and ``to_netcdf``;
- ours: a ``grid`` data item over ``FileSource(uri=<glob>)`` staged by ``LocalDataStager``;
- ours with ``filename_time`` (extra row, not the goal): the same files seen through
  date-named links (``wind_20230101.nc`` ...) and ``filename_time: "%Y%m%d"``, so files
  outside the period are never opened. With this crop (28 of 30 days, and one step kept
  on either side) every file is still needed: the row shows that the option costs nothing
  (a shorter period skips files; ``tests/adapters/data/test_data_file_series.py`` checks that).

Timed: the open-crop-write inside each process, median of N, files in the page cache.
Imports are outside the timer on both sides: xarray, and dask, which ``open_mfdataset``
needs and our blocked write uses (it used to be imported inside both timers, adding the
same 0.1-0.15 s to each side). Goal: ours (without ``filename_time``) at least 2 x faster
than the naive way. Every run's written ``u10`` is checked: equal to the naive side's on
its coordinates (ours covers the grid's box, so it writes a row and a column more on each
side here: more work, not less), and equal between our two rows.

    .venv/bin/python benchmarks/data_multifile.py [--quick] [--size-gb 0.5] [-n 3]
"""

from __future__ import annotations

import json
import os
import subprocess
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
    parse_data_args,
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

OURS_NAMED_SCRIPT = OURS_SCRIPT.replace(
    "FileSource(uri=uri)", "FileSource(uri=uri, filename_time=params['filename_time'])"
)
assert OURS_NAMED_SCRIPT != OURS_SCRIPT, (
    "data_crop.OURS_SCRIPT no longer builds FileSource(uri=uri)"
)

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


def dated_links(pattern: str) -> str:
    """Links ``dated/wind_YYYYMMDD.nc`` to the daily files (made once); return their glob."""
    folder = Path(pattern).parent / "dated"
    folder.mkdir(exist_ok=True)
    for day in range(FILES):
        link = folder / f"wind_{datetime(2023, 1, 1) + timedelta(days=day):%Y%m%d}.nc"
        if not link.is_symlink():
            link.symlink_to(Path(pattern).parent / f"wind_{day + 1:02d}.nc")
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
    """Run the naive way and ours (without and with ``filename_time``), taking turns."""
    named = {**params, "path": dated_links(params["path"]), "filename_time": "%Y%m%d"}
    sides = [
        ("naive", NAIVE_SCRIPT, "naive.nc", params),
        ("ours", OURS_SCRIPT, "staging", params),
        ("named", OURS_NAMED_SCRIPT, "staging", named),
    ]
    runs: dict[str, list[Measured]] = {name: [] for name, _, _, _ in sides}
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(dir=data_dir()) as scratch:
            outputs = []
            for name, script, out, side_params in sides:
                target = Path(scratch) / name / out
                target.parent.mkdir()
                arguments = json.dumps({**side_params, "out": str(target), "import_dask": True})
                runs[name].append(run_measured([sys.executable, "-c", script, arguments]))
                outputs.append(target / "wind.nc" if out == "staging" else target)
            check_same_values(outputs)
    return runs


CHECK_SCRIPT = r"""
import json, sys
import xarray as xr
naive_path, *ours_paths = json.loads(sys.argv[1])
with xr.open_dataset(naive_path) as naive:
    expected = naive.u10.load()
written = []
for path in ours_paths:
    with xr.open_dataset(path) as ours:
        written.append(ours.u10.load())
    if not expected.equals(written[-1].sel({dim: expected[dim] for dim in expected.dims})):
        sys.exit(f"{path} differs from {naive_path}")
if not all(written[0].equals(other) for other in written[1:]):
    sys.exit(f"{ours_paths[1:]} differ from {ours_paths[0]}")
"""


def check_same_values(paths: list[Path]) -> None:
    """Raise unless our files hold the naive side's ``u10`` on its coordinates (and more).

    Our crop covers the grid's box (one more row or column where an edge falls between two
    source points); the naive ``sel`` keeps the points inside it. Both of ours are equal.
    Checked in a child process, so that this process stays small (a child's peak RSS
    counts the memory of the process it was forked from).

    Raises:
        common.BenchmarkError: A side wrote different values.
    """
    check = subprocess.run(
        [sys.executable, "-c", CHECK_SCRIPT, json.dumps([str(path) for path in paths])],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if check.returncode != 0:
        raise common.BenchmarkError(f"written values differ: {check.stderr.strip()[-2000:]}")


def main() -> None:
    """Write the files if needed, time both sides, print the table."""
    args = parse_data_args(
        __doc__ or "",
        default_size_gb=0.5,
        size_help="all files together",
        quick_size_gb=QUICK_SIZE_GB,
    )
    repeat, size_gb = args.repeat, args.size_gb
    pattern = daily_files(size_gb)
    for path in sorted(Path(pattern).parent.glob("wind_*.nc")):
        warm_page_cache(path)
    params = crop_params(pattern)
    runs = measure({key: value for key, value in params.items() if key != "layout"}, repeat)
    naive, ours, named = (summarise(runs[name]) for name in ("naive", "ours", "named"))
    print(
        f"\n== {FILES} daily files ({size_gb:g} GB, {params['layout']['shape']} each), "
        f"crop {CROP_DAYS} days; runs per side: {repeat}"
    )
    shapes = [runs[name][0].result["shape"] for name in ("naive", "ours")]
    print(f"   load average {os.getloadavg()[0]:.2f}; written u10 equal on the naive side's "
          f"coordinates (naive writes {shapes[0]}, ours {shapes[1]})")  # fmt: skip
    print_rows([("naive open_mfdataset + sel + write", naive), ("ours", ours),
                ("ours, filename_time (extra)", named)])  # fmt: skip
    speed_up = naive.seconds / ours.seconds
    print(f"   speed-up (naive / ours): {speed_up:.2f} x; with filename_time: "
          f"{naive.seconds / named.seconds:.2f} x")  # fmt: skip
    limit = naive.seconds / SPEED_UP_GOAL
    print(f"   {goal(f'ours <= naive / {SPEED_UP_GOAL:g} (time)', ours.seconds, limit)}")


if __name__ == "__main__":
    sys.exit(common.main_guard(main))
