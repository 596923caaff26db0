"""Several NetCDF items written by parallel threads must not crash the process.

netCDF-C/HDF5 are not thread-safe across files: without rompy's process-wide NetCDF lock,
generating four items from one file crashed (segmentation fault) in about half of the runs.
Each generate runs in its own process, so a crash shows as a signal, not a dead test run.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.adapters.data_samples import linear_field

ITEM = """\
    {name}:
      model_type: grid
      source: {{model_type: file, uri: {uri}}}
      variables: [{variable}]
      buffer: {buffer}
"""


def run_yaml(source: Path, output: Path) -> str:
    items = "".join(
        ITEM.format(name=f"item{index}", uri=source, variable=variable, buffer=buffer)
        for index, (variable, buffer) in enumerate(
            [("u10", 0.5), ("v10", 0.5), ("u10", 1.0), ("v10", 1.5)]
        )
    )
    return (
        f"run_id: threads\noutput_dir: {output}\ndelete_existing: true\n"
        "period: {start: 2023-01-01T03, end: 2023-01-01T12, interval: 1h}\n"
        "config:\n  model_type: base\n"
        "  grid: {x0: 110, y0: -35, dx: 0.5, dy: 0.5, nx: 5, ny: 3}\n"
        f"  data:\n{items}"
    )


def test_four_items_from_one_file_generate_cleanly_every_time(tmp_path: Path) -> None:
    source = tmp_path / "era5.nc"
    linear_field(hours=49).to_netcdf(source)
    config = tmp_path / "run.yml"
    config.write_text(run_yaml(source, tmp_path / "out"))
    codes = [
        subprocess.run(
            [sys.executable, "-m", "rompy", "-q", "generate", str(config), "--no-cache"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        ).returncode
        for _ in range(4)
    ]
    assert [0, 0, 0, 0] == codes
    assert 4 == len(list((tmp_path / "out" / "threads").glob("item*.nc")))
