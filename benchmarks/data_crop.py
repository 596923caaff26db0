"""Crop 30 days over a sub-domain from a large hourly NetCDF: ours, the reference, the floor.

A synthetic hourly file of two float32 winds (``u10``, ``v10``; 37 days; its size set by
``--size-gb``, 1.4 GB by default) and its zlib-compressed twin are written once under
``${ROMPY_BENCH_DIR:-.bench}/data``. Each side then crops 30 days over a sub-domain (1/4 of
each axis) and writes NetCDF, each in its own process:

- floor: plain xarray, ``open_dataset`` → ``sel`` → ``to_netcdf`` (no checks, no dask);
- ours: a ``grid`` data item staged by ``LocalDataStager`` (what ``generate`` runs; no cache);
- reference: rompy 0.6.4 ``DataGrid(source=SourceFile(...)).get(destdir, grid, time)``.

Timed: the crop call inside each process, median of N. Imports, set-up and xarray's
once-per-process discovery of its engines (0.45 s here: wavespectra's backends are imported)
are outside the timer on every side; the file is read once beforehand so every run finds it
in the page cache. Peak RSS: the whole
process (``os.wait4``). Goals: ours <= reference, ours <= 1.5 x floor, ours' peak RSS <= the
cropped subset + 150 MB.

    .venv/bin/python benchmarks/data_crop.py [--quick] [--size-gb 1.4] [-n 3] [--no-zlib]

The helpers at the bottom are shared with ``data_multifile.py`` and ``data_cache.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import _common as common
import numpy as np

CROP_DAYS = 30
FILE_DAYS = 37
QUICK_SIZE_GB = 0.05
RSS_HEADROOM_MB = 150.0
FLOOR_FACTOR = 1.5
START = "2023-01-01"
CROP_START = datetime(2023, 1, 4)

FLOOR_SCRIPT = r"""
import json, sys, time
params = json.loads(sys.argv[1])
import xarray as xr
xr.backends.list_engines()  # once-per-process engine discovery, outside the timer
start = time.perf_counter()
ds = xr.open_dataset(params["path"])
box = params["box"]
sub = ds[["u10", "v10"]].sel(
    time=slice(params["start"], params["end"]),
    latitude=slice(box[1], box[3]), longitude=slice(box[0], box[2]),
)
sub.to_netcdf(params["out"])
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "subset_bytes": sub.nbytes, "shape": list(sub.u10.shape)}))
"""

OURS_SCRIPT = r"""
import json, logging, sys, time
from pathlib import Path
params = json.loads(sys.argv[1])
logging.getLogger("rompy").setLevel(logging.WARNING)
from rompy.adapters.data.cache import DataCache
from rompy.adapters.data.staging import LocalDataStager
from rompy.application import bootstrap
from rompy.domain.data.specs import DataGrid, DataItem
from rompy.domain.grid import RegularGrid
from rompy.domain.data.sources import FileSource
from rompy.domain.time import TimeRange
from rompy.ports.data import StageRequest
import xarray as xr
if params.get("import_dask"):  # when the other side needs dask too (data_multifile.py)
    import dask.array
xr.backends.list_engines()  # once-per-process engine discovery, outside the timer
app = bootstrap(load_entry_points=False)
cache = DataCache(Path(params["cache"])) if params.get("cache") else None
stager = LocalDataStager(registry=app.plugins.registry, cache=cache)
grid = RegularGrid(**params["grid"])
period = TimeRange(start=params["start"], end=params["end"], interval="1h")
uri = params["path"]
spec = DataGrid(source=FileSource(uri=uri), variables=["u10", "v10"], buffer=params["buffer"])
staging = Path(params["out"])
staging.mkdir(parents=True, exist_ok=True)
request = StageRequest(
    items=(DataItem(name="wind", spec=spec),), grid=grid, period=period,
    staging_dir=staging, use_cache=cache is not None,
)
start = time.perf_counter()
stager.commit(stager.stage(request), staging)
elapsed = time.perf_counter() - start
import xarray as xr
with xr.open_dataset(staging / "wind.nc") as written:
    shape = list(written.u10.shape)
print(json.dumps({"seconds": elapsed, "shape": shape}))
"""

IMPORTS_SCRIPT = r"""
import json
import dask.array, netCDF4, xarray
import rompy.adapters.data.staging, rompy.adapters.data.sources.files, rompy.application
print(json.dumps({"seconds": 0.0}))
"""

REFERENCE_SCRIPT = r"""
import json, sys, time
params = json.loads(sys.argv[1])
from rompy.core.data import DataGrid
from rompy.core.grid import RegularGrid
from rompy.core.source import SourceFile
from rompy.core.time import TimeRange
import xarray as xr
xr.backends.list_engines()  # once-per-process engine discovery, outside the timer
grid = RegularGrid(**params["grid"])
period = TimeRange(start=params["start"], end=params["end"], interval="1h")
data = DataGrid(
    id="wind", source=SourceFile(uri=params["path"]), variables=["u10", "v10"],
    buffer=params["buffer"],
)
start = time.perf_counter()
out = data.get(params["out"], grid=grid, time=period)
elapsed = time.perf_counter() - start
import xarray as xr
with xr.open_dataset(out) as written:
    shape = list(written.u10.shape)
print(json.dumps({"seconds": elapsed, "shape": shape}))
"""


def main() -> None:
    """Generate the files if needed, time every side on each, print the tables."""
    args = parse_data_args(
        __doc__ or "", default_size_gb=1.4, size_help="source file size", extra=_no_zlib_option
    )
    has_reference = common.report_reference_status()
    size_gb = args.size_gb
    for compress in (False,) if args.no_zlib else (False, True):
        path = hourly_file(size_gb, compress=compress)
        layout = describe_file(path)
        params = crop_params(path, layout)
        warm_page_cache(path)
        results = measure_sides(params, args.repeat, has_reference)
        print_crop_table(path, layout, results)


def parse_data_args(
    doc: str,
    *,
    default_size_gb: float,
    size_help: str,
    quick_size_gb: float = QUICK_SIZE_GB,
    extra: Callable[[argparse.ArgumentParser], None] | None = None,
) -> argparse.Namespace:
    """:func:`common.parse_args` (3 runs, 1 with ``--quick``) plus ``--size-gb``.

    ``args.size_gb`` comes back resolved: ``--size-gb``, else ``quick_size_gb`` with
    ``--quick``, else ``default_size_gb``.
    """

    def options(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--size-gb",
            type=float,
            default=None,
            help=f"{size_help} (default {default_size_gb:g}; {quick_size_gb:g} with --quick)",
        )
        if extra is not None:
            extra(parser)

    args = common.parse_args(doc, default_repeat=3, quick_repeat=1, extra=options)
    if args.size_gb is None:
        args.size_gb = quick_size_gb if args.quick else default_size_gb
    return args


def _no_zlib_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-zlib", action="store_true", help="skip the compressed twin")


def crop_params(path: Path, layout: dict[str, Any]) -> dict[str, Any]:
    """The crop every side makes: 30 days from day 3, the middle quarter of each axis."""
    lon0, lon1 = layout["lon"]
    lat0, lat1 = layout["lat"]
    width, height = lon1 - lon0, lat1 - lat0
    x0, y0 = lon0 + 0.375 * width, lat0 + 0.375 * height
    step = layout["step"]
    nx = round(0.25 * width / step) + 1
    ny = round(0.25 * height / step) + 1
    grid = {"x0": x0, "y0": y0, "dx": step, "dy": step, "nx": nx, "ny": ny}
    box = [x0 - 2 * step, y0 - 2 * step, x0 + (nx + 1) * step, y0 + (ny + 1) * step]
    return {
        "path": str(path),
        "grid": grid,
        "buffer": 2 * step,
        "box": box,
        "start": CROP_START.isoformat(),
        "end": (CROP_START + timedelta(days=CROP_DAYS)).isoformat(),
    }


def measure_sides(params: dict[str, Any], repeat: int, has_reference: bool) -> dict[str, Any]:
    """Run floor, ours and reference ``repeat`` times each, taking turns."""
    sides: list[tuple[str, list[str], str]] = [
        ("imports", [sys.executable, "-c", IMPORTS_SCRIPT], "none"),
        ("floor", [sys.executable, "-c", FLOOR_SCRIPT], "floor.nc"),
        ("ours", [sys.executable, "-c", OURS_SCRIPT], "staging"),
    ]
    if has_reference:
        reference = str(common.reference_bin("python"))
        sides.append(("reference", [reference, "-I", "-c", REFERENCE_SCRIPT], "refout"))
    runs: dict[str, list[Measured]] = {name: [] for name, _, _ in sides}
    for _ in range(repeat):
        for name, command, out in sides:
            with tempfile.TemporaryDirectory(dir=data_dir()) as scratch:
                target = Path(scratch) / out
                if name == "reference":
                    target.mkdir()
                runs[name].append(
                    run_measured([*command, json.dumps({**params, "out": str(target)})])
                )
    return runs


def print_crop_table(path: Path, layout: dict[str, Any], runs: dict[str, list[Measured]]) -> None:
    """Print seconds and peak RSS per side, and the three goals."""
    floor = summarise(runs["floor"])
    ours = summarise(runs["ours"])
    reference = summarise(runs["reference"]) if "reference" in runs else None
    subset_mb = runs["floor"][0].result["subset_bytes"] / 2**20
    shape = runs["floor"][0].result["shape"]
    print(
        f"\n== crop {CROP_DAYS} days of {path.name} ({human_mb(path.stat().st_size)}, "
        f"{layout['shape']}), subset {subset_mb:.1f} MB, shape {shape}"
    )
    print(f"   load average {os.getloadavg()[0]:.2f}; runs per side: {len(runs['ours'])}")
    print_rows([("our imports only (RSS floor)", summarise(runs["imports"])),
                ("floor (xarray open-sel-write)", floor), ("ours", ours),
                ("reference 0.6.4", reference)])  # fmt: skip
    verdicts = [
        goal("ours <= reference (time)", ours.seconds, reference.seconds if reference else None),
        goal(f"ours <= {FLOOR_FACTOR} x floor (time)", ours.seconds, FLOOR_FACTOR * floor.seconds),
        goal(f"ours peak RSS <= subset + {RSS_HEADROOM_MB:g} MB", ours.rss_mb,
             subset_mb + RSS_HEADROOM_MB),
    ]  # fmt: skip
    for line in verdicts:
        print(f"   {line}")
    shapes = {name: measured[0].result.get("shape") for name, measured in runs.items()}
    print(f"   written shapes (time, lat, lon): {shapes}")


# --- helpers shared with data_multifile.py and data_cache.py -----------------------------------


@dataclass(frozen=True)
class Measured:
    """One child process: its JSON result, wall time and peak resident memory."""

    result: dict[str, Any]
    wall: float
    rss_mb: float


@dataclass(frozen=True)
class Summary:
    """Median seconds (from the child's own timer), median wall and largest peak RSS."""

    seconds: float
    wall: float
    rss_mb: float


def data_dir() -> Path:
    """``<bench dir>/data``, created on demand (gitignored with the rest of ``.bench``)."""
    folder = common.bench_dir() / "data"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def run_measured(command: Sequence[str], env: dict[str, str] | None = None) -> Measured:
    """Run ``command``; return the JSON of its last stdout line, wall time and peak RSS.

    Raises:
        common.BenchmarkError: The command failed or printed no JSON.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(
            list(command), stdout=out, stderr=err,
            env=common.child_env({"ROMPY_LOG_LEVEL": "WARNING", **(env or {})}),
        )  # fmt: skip
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        lines = out.read().decode().strip().splitlines()
        if child.returncode != 0 or not lines:
            raise common.BenchmarkError(
                f"{command[0]} failed ({child.returncode}):\n{err.read().decode()[-3000:]}"
            )
    return Measured(result=json.loads(lines[-1]), wall=wall, rss_mb=usage.ru_maxrss / 1024)


def summarise(runs: Sequence[Measured]) -> Summary:
    """Medians of the timings and the largest peak RSS of ``runs``."""
    return Summary(
        seconds=statistics.median(run.result["seconds"] for run in runs),
        wall=statistics.median(run.wall for run in runs),
        rss_mb=max(run.rss_mb for run in runs),
    )


def print_rows(rows: Sequence[tuple[str, Summary | None]]) -> None:
    """Print ``label  seconds  process wall  peak RSS`` for each row."""
    print(f"   {'side':<34} {'crop s':>9} {'process s':>10} {'peak RSS MB':>12}")
    for label, summary in rows:
        if summary is None:
            print(f"   {label:<34} {'n/a':>9} {'n/a':>10} {'n/a':>12}")
            continue
        print(
            f"   {label:<34} {summary.seconds:>9.3f} {summary.wall:>10.2f} {summary.rss_mb:>12.1f}"
        )


def goal(label: str, value: float, limit: float | None) -> str:
    """``label: value vs limit  GOAL MET|GOAL MISSED`` (``no reference`` without a limit)."""
    if limit is None:
        return f"{label}: no reference"
    verdict = "GOAL MET" if value <= limit else "GOAL MISSED"
    return f"{label}: {value:.3f} vs {limit:.3f}  {verdict}"


def human_mb(size: int) -> str:
    """Bytes as ``123.4 MB``."""
    return f"{size / 2**20:.1f} MB"


def warm_page_cache(path: Path) -> None:
    """Read ``path`` once so that no side pays for the first read from disk."""
    with path.open("rb") as handle:
        while handle.read(16 * 2**20):
            pass


def field_shape(size_bytes: float, hours: int, variables: int = 2) -> tuple[int, int]:
    """``(ny, nx)`` of a float32 field so that ``hours`` steps of ``variables`` fill the size."""
    points = max(16.0, size_bytes / (hours * variables * 4))
    ny = max(4, int((points / 1.25) ** 0.5))
    return ny, max(5, int(points / ny))


def hourly_file(size_gb: float, *, compress: bool, days: int = FILE_DAYS) -> Path:
    """Return (writing it once) the synthetic hourly wind file of about ``size_gb`` GB."""
    suffix = "_zlib" if compress else ""
    path = data_dir() / f"wind_hourly_{size_gb:g}gb{suffix}.nc"
    if not path.exists():
        hours = days * 24
        ny, nx = field_shape(size_gb * 1e9, hours)
        print(f"writing {path} ({hours} h x {ny} x {nx}) ...", flush=True)
        write_wind_file(path, np.datetime64(START), hours, ny, nx, compress=compress)
    return path


def write_wind_file(
    path: Path, first: Any, hours: int, ny: int, nx: int, *, compress: bool, step: float = 0.05
) -> None:
    """Write smooth u10/v10 fields hour by hour (bounded memory), atomically."""
    import netCDF4

    partial = path.with_name(f".{path.name}.part")
    lats = -45.0 + step * np.arange(ny)
    lons = 100.0 + step * np.arange(nx)
    options = {"zlib": True, "complevel": 1, "shuffle": True, "chunksizes": (1, ny, nx)}
    with netCDF4.Dataset(partial, "w") as nc:
        nc.createDimension("time", hours)
        nc.createDimension("latitude", ny)
        nc.createDimension("longitude", nx)
        times = nc.createVariable("time", "f8", ("time",))
        times.units = f"hours since {str(first)[:19].replace('T', ' ')}"
        nc.createVariable("latitude", "f8", ("latitude",))[:] = lats
        nc.createVariable("longitude", "f8", ("longitude",))[:] = lons
        times[:] = np.arange(hours, dtype="f8")
        dims = ("time", "latitude", "longitude")
        u = nc.createVariable("u10", "f4", dims, **(options if compress else {}))
        v = nc.createVariable("v10", "f4", dims, **(options if compress else {}))
        u.units = v.units = "m s-1"
        yy, xx = np.meshgrid(np.radians(lats), np.radians(lons), indexing="ij")
        for hour in range(hours):
            phase = 2 * np.pi * hour / 24
            u[hour] = (10 * np.sin(3 * xx + phase) * np.cos(2 * yy)).astype("f4")
            v[hour] = (8 * np.cos(2 * xx - phase) * np.sin(3 * yy)).astype("f4")
    partial.rename(path)


def describe_file(path: Path) -> dict[str, Any]:
    """Axis ranges, spacing and shape of a wind file (read from its coordinates)."""
    import netCDF4

    with netCDF4.Dataset(path) as nc:
        lats = nc["latitude"][:]
        lons = nc["longitude"][:]
        shape = (nc.dimensions["time"].size, lats.size, lons.size)
    return {
        "lat": (float(lats[0]), float(lats[-1])),
        "lon": (float(lons[0]), float(lons[-1])),
        "step": float(lons[1] - lons[0]),
        "shape": shape,
    }


if __name__ == "__main__":
    sys.exit(common.main_guard(main))
