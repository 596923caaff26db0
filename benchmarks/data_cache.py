"""A second generate of the same run with the data cache: how much faster than the first.

The run is the ``base`` model with one ``grid`` data item: 30 days over a sub-domain of the
hourly wind file of ``data_crop.py`` (``--size-gb``, 1.4 GB by default). Each generate runs
in its own process with an application whose stager has a ``DataCache`` in a fresh folder:

1. first generate: the cache is empty, the data is cropped and written (and stored);
2. second generate (a new staging dir): the same key, the file is hard-linked from the cache.

Timed: ``app.generate(run)`` inside each process (median of N pairs, file in the page cache;
xarray's once-per-process engine discovery outside the timer, as in ``data_crop.py``), and
the whole process. Goal: first / second >= 10 (the generate call).

    .venv/bin/python benchmarks/data_cache.py [--quick] [--size-gb 1.4] [-n 3]
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import _common as common
from data_crop import (
    Measured,
    crop_params,
    data_dir,
    describe_file,
    goal,
    hourly_file,
    parse_data_args,
    print_rows,
    run_measured,
    summarise,
    warm_page_cache,
)

SPEED_UP_GOAL = 10.0

GENERATE_SCRIPT = r"""
import json, logging, sys, time
from pathlib import Path
params = json.loads(sys.argv[1])
import attrs
logging.getLogger("rompy").setLevel(logging.WARNING)
from rompy.adapters.data.cache import DataCache
from rompy.adapters.data.staging import LocalDataStager
from rompy.application import bootstrap
from rompy.domain.model_run import ModelRun
import xarray as xr
xr.backends.list_engines()  # once-per-process engine discovery, outside the timer
app = bootstrap(load_entry_points=False)
stager = LocalDataStager(
    registry=app.plugins.registry, cache=DataCache(Path(params["cache"]))
)
app = attrs.evolve(app, context=attrs.evolve(app.context, stager=stager))
grid = params["grid"]
run = app.structure({
    "run_id": params["run_id"],
    "output_dir": params["out"],
    "period": {"start": params["start"], "end": params["end"], "interval": "1h"},
    "config": {
        "model_type": "base",
        "grid": grid,
        "data": {"wind": {
            "model_type": "grid",
            "source": {"model_type": "file", "uri": params["path"]},
            "variables": ["u10", "v10"],
            "buffer": params["buffer"],
        }},
    },
}, ModelRun)
start = time.perf_counter()
result = app.generate(run)
elapsed = time.perf_counter() - start
written = Path(result.staging_dir) / "wind.nc"
print(json.dumps({"seconds": elapsed, "bytes": written.stat().st_size}))
"""


def measure_pairs(params: dict[str, Any], repeat: int) -> dict[str, list[Measured]]:
    """``repeat`` pairs of (first generate, second generate), each pair with a fresh cache."""
    runs: dict[str, list[Measured]] = {"first": [], "second": []}
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(dir=data_dir()) as scratch:
            cache = Path(scratch) / "cache"
            for which in ("first", "second"):
                arguments = {
                    **params, "cache": str(cache), "out": str(Path(scratch) / which),
                    "run_id": "cached_run",
                }  # fmt: skip
                command = [sys.executable, "-c", GENERATE_SCRIPT, json.dumps(arguments)]
                runs[which].append(run_measured(command))
            shutil.rmtree(cache, ignore_errors=True)
    return runs


def main() -> None:
    """Generate the run twice per pair; print the times and the speed-up."""
    args = parse_data_args(__doc__ or "", default_size_gb=1.4, size_help="source file size")
    repeat, size_gb = args.repeat, args.size_gb
    path = hourly_file(size_gb, compress=False)
    warm_page_cache(path)
    params = crop_params(path, describe_file(path))
    runs = measure_pairs({k: v for k, v in params.items() if k != "box"}, repeat)
    first, second = summarise(runs["first"]), summarise(runs["second"])
    size = runs["first"][0].result["bytes"] / 2**20
    print(f"\n== generate twice with the data cache: {path.name}, cropped file {size:.1f} MB")
    print(f"   pairs: {repeat}")
    print_rows([("first generate (cache empty)", first), ("second generate (cache hit)", second)])
    print(f"   speed-up of the generate call: {first.seconds / second.seconds:.1f} x; "
          f"of the whole process: {first.wall / second.wall:.1f} x")  # fmt: skip
    limit = first.seconds / SPEED_UP_GOAL
    print(f"   {goal(f'second <= first / {SPEED_UP_GOAL:g}', second.seconds, limit)}")


if __name__ == "__main__":
    sys.exit(common.main_guard(main))
