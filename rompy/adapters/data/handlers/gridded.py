"""Handlers for ``point``, ``grid`` and ``boundary`` data: open, crop, check, write NetCDF.

``prepare`` is a pure function of (spec, grid, period) and the source's content: it opens
the source lazily, keeps the requested variables, turns the crop window into exact
coordinate ranges (checking that the data covers the run), applies the filters and checks
the result is not empty — reading only coordinates. ``write`` then computes the cropped
subset chunk by chunk into a temporary file renamed into place.

Example:
    >>> prepared = GriddedHandler().prepare(DataRequest(item=item, grid=grid, period=period),
    ...                                     FileOpener())  # doctest: +SKIP
    >>> GriddedHandler().write(prepared, staging)  # doctest: +SKIP
    (PosixPath('wind.nc'),)
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import uuid
from collections.abc import Hashable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from rompy._version import __version__
from rompy.adapters.data.filters import apply_filter, listed_names, subset
from rompy.adapters.data.netcdf_io import NETCDF_LOCK
from rompy.adapters.data.sources.files import bounded_chunk_cache, open_within
from rompy.adapters.data.sources.multifile import release_open_files
from rompy.adapters.xarray_engines import load_xarray
from rompy.domain.data.coverage import check_space_coverage, covering_bounds, resolve_time_bounds
from rompy.domain.data.filters import Slice
from rompy.domain.data.specs import CropWindow, DataBoundary, DataPoint, crop_window
from rompy.domain.errors import ConfigError, DataSourceError
from rompy.log import get_logger
from rompy.ports.data import DataRequest, PreparedData, SourceOpener

log = get_logger(__name__)

BLOCK_BYTES = 16 * 2**20
"""Largest block of one variable read and written at once when writing a big crop."""

OUTPUT_CHUNK_BYTES = 2**20
"""Target size of an output chunk of a compressed variable written in blocks (at least one
step of the block dimension)."""

KEPT_ENCODING = frozenset(
    {"dtype", "_FillValue", "missing_value", "scale_factor", "add_offset", "units",
     "calendar", "zlib", "complevel", "shuffle"}
)  # fmt: skip

load_xarray()  # xarray backends found once, their logging side effects undone
"""Encoding carried from the source to the written file (chunk layouts are not)."""


def _coordinate(dataset: xr.Dataset, name: str, axis: str) -> xr.DataArray:
    if name not in dataset.coords:
        raise ConfigError(
            f"{name!r} is not a coordinate of the data; it has "
            f"{listed_names(dataset.coords)}; set coords.{axis} to the right name",
            path=f"coords.{axis}",
            value=name,
        )
    return dataset[name]


def _source_times(coord: xr.DataArray, what: str) -> list[Any]:
    try:
        index = pd.DatetimeIndex(np.unique(coord.values))
    except (TypeError, ValueError) as error:
        raise DataSourceError(
            f"{what}: time coordinate {coord.name!r} is not made of standard date-times"
        ) from error
    return list(index.to_pydatetime())


def window_ranges(
    dataset: xr.Dataset, spec: DataPoint, window: CropWindow, what: str
) -> dict[str, Slice]:
    """Turn a crop window into exact coordinate ranges, checking coverage.

    Raises:
        DataSourceError: The data does not cover the period (plus buffer) or the grid.
        ConfigError: A coordinate named in ``spec.coords`` is not in the data (the error's
            path, ``coords.x``, is relative to the item's spec).
    """
    ranges: dict[str, Slice] = {}
    time_name = spec.coords.t
    if window.time is not None and time_name in dataset.coords:
        times = _source_times(dataset[time_name], what)
        first, last = resolve_time_bounds(times, window.time, what=what)
        ranges[time_name] = Slice(start=first, stop=last)
    if window.bbox is None or window.needed is None:
        return ranges
    for axis, name, low, high, need_low, need_high in (
        ("x", spec.coords.x, window.bbox.minx, window.bbox.maxx,
         window.needed.minx, window.needed.maxx),
        ("y", spec.coords.y, window.bbox.miny, window.bbox.maxy,
         window.needed.miny, window.needed.maxy),
    ):  # fmt: skip
        values = np.unique(_coordinate(dataset, name, axis).values).tolist()
        check_space_coverage(what, name, values, need_low, need_high)
        start, stop = covering_bounds(values, low, high)
        ranges[name] = Slice(start=start, stop=stop)
    return ranges


def check_not_empty(dataset: xr.Dataset, what: str) -> None:
    """Raise when a dimension was cropped to nothing.

    Raises:
        DataSourceError: Some dimension has length 0, or there is no variable left.
    """
    empty = [str(dim) for dim, size in dataset.sizes.items() if size == 0]
    if empty:
        raise DataSourceError(
            f"{what}: the crop leaves no data along {', '.join(empty)}; check the crop "
            "ranges, buffer and period against the data"
        )
    if not dataset.data_vars:
        raise DataSourceError(f"{what}: no data variable is left after filtering")


def _block_plan(dataset: xr.Dataset, block_bytes: int) -> tuple[Hashable, int, int] | None:
    """``(dim, steps per block, steps per output chunk)`` of a big dataset; ``None``: small."""
    largest = max(dataset.data_vars.values(), key=lambda array: array.nbytes, default=None)
    if largest is None or largest.nbytes <= block_bytes or not largest.dims:
        return None
    dim = largest.dims[0]
    per_step = max(
        array.nbytes / array.sizes[dim] for array in dataset.data_vars.values() if dim in array.dims
    )
    steps = max(1, int(block_bytes // per_step))
    compressed = any(_is_compressed(array.encoding) for array in dataset.data_vars.values())
    chunk_steps = min(steps, max(1, int(OUTPUT_CHUNK_BYTES // per_step))) if compressed else 1
    return dim, steps - steps % chunk_steps, chunk_steps


def in_blocks(dataset: xr.Dataset, block_bytes: int = BLOCK_BYTES) -> xr.Dataset:
    """Split a big lazy (non-dask) dataset into dask blocks along its first dimension.

    Writing then reads and writes one block at a time, so memory stays near ``block_bytes``
    however large the crop. Small or dask-backed datasets, and all datasets when dask is
    not installed, are returned as they are. Compressed variables are given output chunks
    that tile the blocks (see :data:`OUTPUT_CHUNK_BYTES`), so each block fills whole chunks.
    """
    plan = _block_plan(dataset, block_bytes)
    if plan is None or any(array.chunks for array in dataset.data_vars.values()):
        return dataset
    if importlib.util.find_spec("dask") is None:
        return dataset
    dim, steps, chunk_steps = plan
    blocked = dataset.chunk({dim: steps})
    for array in blocked.data_vars.values():
        if dim in array.dims and _is_compressed(array.encoding):
            array.encoding["chunksizes"] = tuple(
                min(chunk_steps, size) if name == dim else size
                for name, size in array.sizes.items()
            )
    return blocked


def _is_compressed(encoding: dict[str, Any]) -> bool:
    return bool(encoding.get("zlib") or encoding.get("compression"))


def write_netcdf(dataset: xr.Dataset, path: Path) -> None:
    """Write ``dataset`` to ``path`` block by block; the file appears only when complete.

    The netCDF library's chunk caches are kept small (see
    :func:`~rompy.adapters.data.sources.files.bounded_chunk_cache`), so memory holds one block and
    a few chunks, not 64 MB per variable. The source files kept open for reading are closed
    afterwards.
    """
    clean = dataset.copy(deep=False)
    for variable in clean.variables.values():
        variable.encoding = {
            key: value for key, value in variable.encoding.items() if key in KEPT_ENCODING
        }
    clean = in_blocks(clean)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{uuid.uuid4().hex}.part")
    try:
        with NETCDF_LOCK, bounded_chunk_cache(), _synchronous_dask(clean):
            clean.to_netcdf(partial)
        os.replace(partial, path)
    finally:
        release_open_files()
        partial.unlink(missing_ok=True)


@contextlib.contextmanager
def _synchronous_dask(dataset: xr.Dataset) -> Iterator[None]:
    """Compute dask blocks one after the other (the least memory) while writing."""
    if not any(array.chunks for array in dataset.data_vars.values()):
        yield
        return
    import dask

    with dask.config.set(scheduler="synchronous"):
        yield


def _summary(what: str, dataset: xr.Dataset, source: str) -> str:
    sizes = " x ".join(f"{size} {dim}" for dim, size in dataset.sizes.items())
    return f"{what}: {sizes or 'scalar'} from {source}"


class GriddedHandler:
    """Prepares and writes ``point`` and ``grid`` data; a DataHandler."""

    def prepare(self, request: DataRequest, opener: SourceOpener[Any]) -> PreparedData:
        """Open, crop and check the item; nothing is written or loaded beyond coordinates.

        Raises:
            DataSourceError: Missing data, variables or coverage, or an empty crop.
            ConfigError: A coordinate name in ``coords`` is not in the data.
        """
        item = request.item
        spec = item.spec
        if not isinstance(spec, DataPoint):
            raise ConfigError(f"{item.name}: {type(spec).__name__} is not point or grid data")
        window = crop_window(spec, request.grid, request.period)
        dataset = subset(open_within(opener, spec.source, window.time), spec.variables, item.name)
        ranges = window_ranges(dataset, spec, window, item.name)
        dataset = apply_filter(dataset, spec.filter.with_crop(ranges), item.name)
        check_not_empty(dataset, item.name)
        dataset = self.finish(dataset, request)
        return PreparedData(
            item=item,
            payload=dataset,
            outputs=(Path(item.output_name),),
            cache_parts=self.cache_parts(request, opener.identity(spec.source), ranges),
            summary=_summary(item.name, dataset, spec.source.describe()),
        )

    def finish(self, dataset: xr.Dataset, request: DataRequest) -> xr.Dataset:
        """Last step before writing (subclasses sample boundaries here)."""
        return dataset

    def key_parts(self, request: DataRequest, opener: SourceOpener[Any]) -> dict[str, str] | None:
        """What decides the output, known before opening the data; ``None``: not cacheable.

        The crop is a pure function of the source's content (its identity), the spec, the
        grid (for data cropped in space) and the period.
        """
        spec = request.item.spec
        assert isinstance(spec, DataPoint)
        identity = opener.identity(spec.source)
        if not identity:
            return None
        uses_grid = spec.crop_data and spec.crops_space
        return {
            "source": identity,
            "spec": repr(spec),
            "grid": repr(request.grid) if uses_grid else "",
            "period": repr(request.period) if spec.crop_data else "",
            "handler": type(self).__qualname__,
            "code": __version__,
        }

    def cache_parts(
        self, request: DataRequest, identity: str, ranges: dict[str, Slice]
    ) -> dict[str, str] | None:
        """What decides the written bytes; ``None`` when the source has no identity."""
        if not identity:
            return None
        return {
            "source": identity,
            "spec": repr(request.item.spec),
            "ranges": repr(sorted(ranges.items())),
            "handler": type(self).__qualname__,
            "code": __version__,
        }

    def write(self, prepared: PreparedData, folder: Path) -> tuple[Path, ...]:
        """Write the prepared dataset as NetCDF under ``folder``."""
        (output,) = prepared.outputs
        write_netcdf(prepared.payload, folder / output)
        log.info("data_written", summary=prepared.summary, file=str(output))
        return prepared.outputs


class BoundaryHandler(GriddedHandler):
    """Samples ``boundary`` data at points along the grid's boundary; a DataHandler."""

    def finish(self, dataset: xr.Dataset, request: DataRequest) -> xr.Dataset:
        """Select (nearest) or interpolate the data at the boundary points.

        Raises:
            ConfigError: There is no model grid.
        """
        spec = request.item.spec
        assert isinstance(spec, DataBoundary)
        if request.grid is None:
            raise ConfigError(
                f"{request.item.name}: boundary data needs a model grid; set the config's grid",
                path="config.grid",
            )
        spacing = spec.spacing
        if spacing == "parent":
            spacing = self.source_spacing(dataset, spec)
        xs, ys = request.grid.boundary_points(spacing=spacing)
        points = {
            spec.coords.x: xr.DataArray(xs, dims=("site",)),
            spec.coords.y: xr.DataArray(ys, dims=("site",)),
        }
        if spec.sel_method == "interp":
            sampled = dataset.interp(points, **spec.sel_method_kwargs)
        else:
            sampled = dataset.sel(points, method="nearest", **spec.sel_method_kwargs)
        names = {spec.coords.x: "x", spec.coords.y: "y"}
        return sampled.rename({old: new for old, new in names.items() if old != new})

    @staticmethod
    def source_spacing(dataset: xr.Dataset, spec: DataBoundary) -> float:
        """The finest spacing between neighbouring x or y values of the source."""
        steps = [
            np.diff(np.unique(dataset[name].values)) for name in (spec.coords.x, spec.coords.y)
        ]
        positive = [float(step[step > 0].min()) for step in steps if (step > 0).any()]
        if not positive:
            raise DataSourceError(f"{spec.coords.x}/{spec.coords.y}: cannot find a spacing")
        return min(positive)

    def cache_parts(
        self, request: DataRequest, identity: str, ranges: dict[str, Slice]
    ) -> dict[str, str] | None:
        """Like the gridded parts, plus the grid (the boundary points depend on it)."""
        parts = super().cache_parts(request, identity, ranges)
        return None if parts is None else {**parts, "grid": repr(request.grid)}

    def key_parts(self, request: DataRequest, opener: SourceOpener[Any]) -> dict[str, str] | None:
        """Like the gridded parts, always with the grid (it places the boundary points)."""
        parts = super().key_parts(request, opener)
        return None if parts is None else {**parts, "grid": repr(request.grid)}
