"""SWAN's outputs read into datasets, with CF-style names (an output reader).

* A BLOCK written as NetCDF (``.nc``) is opened as SWAN wrote it, its variables renamed
  to the names below (``theta0`` → ``dir``); a text BLOCK gets one variable per quantity
  on the computational grid's ``y``/``x`` (one layout, ``idla`` 3: rows from the south).
* A TABLE is read by the quantities the config asked for, one row per point (and time):
  ``hs``, ``tps``, ``dir``... over ``point`` (and ``time`` in a non-stationary run).

Datasets are keyed by the output file's name without its extension (``p1`` for p1.tab).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rompy import DataSourceError, OutputRequest, engine_for, load_xarray

CF_NAMES: dict[str, str] = {
    "hsign": "hs", "hs": "hs", "hswell": "hswell", "tps": "tps", "rtp": "tp", "tm01": "tm01",
    "tm02": "tm02", "dir": "dir", "theta0": "dir", "pdir": "dirp", "dspr": "dspr",
    "depth": "depth", "botlev": "botlev", "watlev": "watlev", "wind": "wind", "xp": "x",
    "yp": "y", "time": "time", "dissip": "dissip", "qb": "qb", "wlen": "wlen",
}  # fmt: skip
"""SWAN's quantity (and NetCDF variable) names, to the names the datasets use."""


TABLE_HEADER_NAMES = {"Hsig": "hs", "TPsmoo": "tps", "Dir": "dir", "Depth": "depth"}
"""Column names of SWAN's TABLE header, to the dataset names."""


def read_table_file(path: Path) -> tuple[list[str], list[list[float]]]:
    """The column names (from SWAN's header, when it wrote one) and the rows of a TABLE."""
    names: list[str] = []
    rows: list[list[float]] = []
    for line in path.read_text().splitlines():
        words = line.lstrip("%").split()
        if line.startswith("%") and words and words[0] in TABLE_HEADER_NAMES and not names:
            names = [TABLE_HEADER_NAMES.get(word, word.lower()) for word in words]
        elif not line.startswith("%") and words:
            rows.append([float(word) for word in words])
    return names, rows


class SwanOutputReader:
    """Reads a SWAN run's BLOCK and TABLE files; an ``OutputReader``."""

    def read(self, request: OutputRequest) -> dict[str, Any]:
        """Return one dataset per BLOCK and TABLE command of the config.

        Raises:
            DataSourceError: A file the deck asked for is missing or unreadable.
        """
        output = getattr(request.config, "output", None)
        datasets: dict[str, Any] = {}
        if output is None:
            return datasets
        if output.block is not None:
            datasets[Path(output.block.fname).stem] = _read_block(request, output.block)
        if output.table is not None:
            points = output.points
            count = len(points.xp) if points is not None else 1
            datasets[Path(output.table.fname).stem] = _read_table(request, output.table, count)
        return datasets


def _existing(request: OutputRequest, fname: str) -> Path:
    path = request.staging_dir / fname
    if not path.is_file():
        raise DataSourceError(f"SWAN run {request.run_id!r} wrote no {fname} in {path.parent}")
    return path


def _read_block(request: OutputRequest, block: Any) -> Any:
    xr = load_xarray()

    path = _existing(request, block.fname)
    if path.suffix != ".nc":
        return _read_text_block(path, block, request.config)
    dataset = xr.open_dataset(path, engine=engine_for("netcdf4"))
    names = {name: CF_NAMES[str(name)] for name in dataset.data_vars if str(name) in CF_NAMES}
    return dataset.rename(names)


def _read_text_block(path: Path, block: Any, config: Any) -> Any:
    import numpy as np

    xr = load_xarray()

    grid = config.cgrid.grid
    shape = (grid.my + 1, grid.mx + 1)
    values = np.loadtxt(path, comments="%").reshape(len(block.output), -1, shape[1])
    xs = grid.xp + np.arange(shape[1]) * grid.xlen / grid.mx
    ys = grid.yp + np.arange(shape[0]) * grid.ylen / grid.my
    variables = {
        CF_NAMES.get(name, name): (("y", "x"), values[index, : shape[0]])
        for index, name in enumerate(block.output)
    }
    return xr.Dataset(variables, coords={"x": xs, "y": ys})


def _read_table(request: OutputRequest, table: Any, points: int) -> Any:
    import numpy as np

    xr = load_xarray()

    path = _existing(request, table.fname)
    rows = np.atleast_2d(np.array(read_table_file(path)[1], dtype=float))
    if rows.shape[1] != len(table.output) or rows.shape[0] % points:
        raise DataSourceError(
            f"{path} has {rows.shape} values; expected {len(table.output)} columns and a "
            f"multiple of {points} rows (one per point)"
        )
    blocks = rows.reshape(-1, points, len(table.output))
    variables = {
        CF_NAMES.get(name, name): (("time", "point"), blocks[:, :, index])
        for index, name in enumerate(table.output)
    }
    dataset = xr.Dataset(variables, coords={"point": np.arange(points)})
    return dataset.squeeze("time", drop=True) if blocks.shape[0] == 1 else dataset
