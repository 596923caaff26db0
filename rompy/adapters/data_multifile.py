"""Combining many lazily opened files along one dimension without reading their data.

``xarray.concat`` loads arrays that are not dask arrays, and building a dask graph over
many files costs more than the crop it serves. :func:`lazy_concat` instead joins the files'
variables with :class:`ConcatenatedArray`, an xarray backend array: indexing it (a crop in
time and space) reads only the hyperslabs of the files the index touches, when the data is
finally loaded or written. Files outside a time window are never read beyond their time
coordinate.

Opening the files costs more than the crop: netCDF-C reads 4 MB of every file to find its
format, and xarray builds a dataset per file (about 10 ms a file here). Only the first file
of a series is therefore opened by xarray; when h5py is installed, :func:`read_like` reads
the coordinates and attributes of the others straight from HDF5 (about 2 ms a file) and
decodes them per variable as xarray would; their data are read with h5py when needed.

Example:
    >>> parts = [day1.variables, day2.variables, day3.variables]  # doctest: +SKIP
    >>> combined = lazy_concat(parts, "time", "wind", template=day1)  # doctest: +SKIP
    >>> combined.u10.sel(time="2023-01-02").values  # reads day2 only  # doctest: +SKIP
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Hashable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr
from xarray.backends import BackendArray
from xarray.conventions import decode_cf_variable
from xarray.core import indexing

from rompy.adapters.netcdf_io import NETCDF_LOCK
from rompy.domain.errors import DataSourceError

Key = tuple[Any, ...]


class ConcatenatedArray(BackendArray):
    """Lazily indexed arrays joined along ``axis``; reads only the parts an index touches.

    Args:
        parts: Lazy ``xarray.Variable`` objects of equal shape except along ``axis``.
        axis: The axis they follow each other on.
    """

    def __init__(self, parts: Sequence[xr.Variable], axis: int) -> None:
        self.parts = list(parts)
        self.axis = axis
        lengths = [part.shape[axis] for part in self.parts]
        self.starts = np.concatenate([[0], np.cumsum(lengths)]).astype(int)
        shape = list(self.parts[0].shape)
        shape[axis] = int(self.starts[-1])
        self.shape = tuple(shape)
        self.dtype = self.parts[0].dtype

    def __getitem__(self, key: indexing.ExplicitIndexer) -> Any:
        """Index lazily: basic (slice and integer) reads, the rest applied in memory."""
        return indexing.explicit_indexing_adapter(
            key, self.shape, indexing.IndexingSupport.BASIC, self._read
        )

    def _read(self, key: Key) -> np.ndarray:
        along = key[self.axis]
        if isinstance(along, int | np.integer):
            part = int(np.searchsorted(self.starts, along, side="right")) - 1
            local = (*key[: self.axis], int(along) - int(self.starts[part]), *key[self.axis + 1 :])
            return np.asarray(self.parts[part][local].values)
        wanted = np.arange(self.shape[self.axis])[along]
        out_axis = self.axis - sum(isinstance(k, int | np.integer) for k in key[: self.axis])
        pieces = [
            self._read_part(part, key, wanted)
            for part in range(len(self.parts))
            if self._touches(part, wanted)
        ]
        if not pieces:
            return np.broadcast_to(np.empty((), dtype=self.dtype), self.shape)[key].copy()
        ordered = pieces if wanted.size < 2 or wanted[1] > wanted[0] else pieces[::-1]
        return np.concatenate(ordered, axis=out_axis)

    def _touches(self, part: int, wanted: np.ndarray) -> bool:
        low, high = self.starts[part], self.starts[part + 1]
        return bool(((wanted >= low) & (wanted < high)).any())

    def _read_part(self, part: int, key: Key, wanted: np.ndarray) -> np.ndarray:
        low, high = int(self.starts[part]), int(self.starts[part + 1])
        inside = wanted[(wanted >= low) & (wanted < high)] - low
        step = int(inside[1] - inside[0]) if inside.size > 1 else 1
        stop = int(inside[-1]) + (1 if step > 0 else -1)
        local = slice(int(inside[0]), None if stop < 0 else stop, step)
        selection = (*key[: self.axis], local, *key[self.axis + 1 :])
        return np.asarray(self.parts[part][selection].values)


Part = Mapping[Hashable, xr.Variable]
"""One file of a series: its variables by name (an opened dataset's ``variables``)."""


def _check_same_layout(parts: Sequence[Part], template: xr.Dataset, dim: str, what: str) -> None:
    names = set(template.variables)
    for number, part in enumerate(parts, start=1):
        if part is template.variables:
            continue
        if set(part) != names:
            theirs = sorted(str(name) for name in part if name not in template.coords)
            raise DataSourceError(
                f"{what}: file {number} has variables {theirs}, the first file "
                f"{sorted(map(str, template.data_vars))}"
            )
        for name, coord in template.coords.items():
            if dim in coord.dims or name not in template.indexes:
                continue
            if not np.array_equal(part[name].values, coord.values):
                raise DataSourceError(
                    f"{what}: files do not share the same grid: coordinate {name!r} of file "
                    f"{number} differs from the first file's"
                )


def _concat_variable(
    name: Hashable, parts: Sequence[Part], template: xr.Dataset, dim: str
) -> xr.Variable:
    variables = [part[name] for part in parts]
    like = template.variables[name]
    axis = like.dims.index(dim)
    if name == dim:
        values = np.concatenate([variable.values for variable in variables])
        return xr.Variable(like.dims, values, like.attrs, like.encoding)
    data = indexing.LazilyIndexedArray(ConcatenatedArray(variables, axis))
    return xr.Variable(like.dims, data, like.attrs, like.encoding)


def lazy_concat(parts: Sequence[Part], dim: str, what: str, template: xr.Dataset) -> xr.Dataset:
    """Join the variables of lazily opened files along ``dim`` without reading their data.

    Variables along ``dim`` are joined; the others, and all attributes and encodings, are
    taken from ``template``.

    Args:
        parts: The files' variables (``dataset.variables`` or :func:`read_like`'s), in the
            order to join them.
        dim: The dimension they follow each other on.
        what: Name of the data, for messages.
        template: The dataset whose layout the others follow (one of them, opened by xarray).

    Returns:
        A dataset whose variables read from the files only when loaded.

    Raises:
        DataSourceError: The files do not have the same variables and grid.
    """
    _check_same_layout(parts, template, dim, what)
    variables = {
        name: (_concat_variable(name, parts, template, dim) if dim in variable.dims else variable)
        for name, variable in template.variables.items()
    }
    coord_names = set(template.coords)
    combined = xr.Dataset(
        {name: variable for name, variable in variables.items() if name not in coord_names},
        coords={name: variables[name] for name in template.coords},
        attrs=template.attrs,
    )
    combined.encoding = dict(template.encoding)
    return combined


# --- reading later files of a series straight from HDF5 ------------------------------------

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
CHUNK_CACHE_BYTES = 4 * 2**20
"""HDF5 chunk cache per open variable: a few chunks, not the 64 MB netCDF-C gives each."""

DECODING_ATTRS = (
    "units", "calendar", "_FillValue", "missing_value", "scale_factor", "add_offset", "_Unsigned",
    "dtype",
)  # fmt: skip
"""Attributes that decide how a file's raw values decode (the rest come from the first file)."""

DECODE_OPTIONS = frozenset(
    {"decode_times", "mask_and_scale", "decode_timedelta", "use_cftime", "concat_characters"}
)  # fmt: skip
"""``open_dataset`` options applied to each variable the same way by ``decode_cf_variable``."""

TIMEDELTA_UNITS = frozenset(
    {"days", "hours", "minutes", "seconds", "milliseconds", "microseconds", "nanoseconds"}
)
"""Units xarray may decode to time differences."""

OPEN_FILES = 64
"""Most HDF5 files kept open between reads (xarray keeps its NetCDF files open the same way)."""

_open_files: OrderedDict[Path, tuple[tuple[int, int, int], Any]] = OrderedDict()


@functools.cache
def hdf5_reader_available() -> bool:
    """Whether h5py can be imported (files of a series are then scanned without netCDF-C)."""
    try:
        import h5py  # noqa: F401
    except ImportError:
        return False
    return True


def is_hdf5(path: Path) -> bool:
    """Whether ``path`` starts with the HDF5 signature (netCDF-4 files do)."""
    try:
        with path.open("rb") as handle:
            return handle.read(len(HDF5_SIGNATURE)) == HDF5_SIGNATURE
    except OSError:
        return False


def _opened(path: Path) -> Any:
    """``path`` opened read-only with h5py, kept open among the last :data:`OPEN_FILES` used.

    A file changed since it was opened (inode, size or mtime) is opened again. No HDF5 file
    lock is taken, so a file kept open never stops anyone from rewriting it; and
    :func:`release_open_files` closes them all once a write is done. Callers hold
    :data:`~rompy.adapters.netcdf_io.NETCDF_LOCK`.
    """
    import h5py

    status = path.stat()
    stamp = (status.st_ino, status.st_size, status.st_mtime_ns)
    kept = _open_files.pop(path, None)
    if kept is not None and kept[0] == stamp and kept[1].id.valid:
        file = kept[1]
    else:
        if kept is not None:
            kept[1].close()
        file = h5py.File(path, "r", rdcc_nbytes=CHUNK_CACHE_BYTES, locking=False)
    _open_files[path] = (stamp, file)
    while len(_open_files) > OPEN_FILES:
        _, (_, oldest) = _open_files.popitem(last=False)
        oldest.close()
    return file


def release_open_files() -> None:
    """Close the HDF5 files kept open for reading (the writers call this when done)."""
    with NETCDF_LOCK:
        while _open_files:
            _, (_, file) = _open_files.popitem()
            file.close()


class Hdf5Array(BackendArray):
    """One HDF5 dataset read lazily with h5py.

    Reads hold :data:`~rompy.adapters.netcdf_io.NETCDF_LOCK`: where h5py and netCDF-C share
    one HDF5 library, it is not safe to call from two threads at once.

    Args:
        path: The file.
        name: The dataset's name in the file's root group.
        shape: Its shape.
        dtype: Its (raw, undecoded) type.
    """

    def __init__(self, path: Path, name: str, shape: tuple[int, ...], dtype: np.dtype[Any]):
        self.path = path
        self.name = name
        self.shape = shape
        self.dtype = dtype

    def __getitem__(self, key: indexing.ExplicitIndexer) -> Any:
        """Read lazily: slices and integers from the file, the rest applied in memory."""
        return indexing.explicit_indexing_adapter(
            key, self.shape, indexing.IndexingSupport.BASIC, self._read
        )

    def _read(self, key: Key) -> np.ndarray:
        with NETCDF_LOCK:
            return np.asarray(_opened(self.path)[self.name][key])


def _attribute(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.ndarray) and value.size == 1:
        return _attribute(value.reshape(-1)[0])
    return value.decode("utf-8", "replace") if isinstance(value, np.bytes_) else value


def _attributes(item: Any) -> dict[str, Any]:
    present = set(item.attrs)
    return {key: _attribute(item.attrs[key]) for key in DECODING_ATTRS if key in present}


def _file_variable(
    file: Any, path: Path, name: str, like: xr.Variable, dim: str, options: dict[str, Any]
) -> xr.Variable | None:
    """Variable ``name`` of an open h5py ``file``, decoded lazily; ``None`` if it differs."""
    item = file.get(name)
    if item is None or not hasattr(item, "dtype") or item.dtype.kind not in "biuf":
        return None
    shape = tuple(item.shape)
    if len(shape) != like.ndim or any(
        size != other and axis_dim != dim
        for size, other, axis_dim in zip(shape, like.shape, like.dims, strict=True)
    ):
        return None
    lazy = indexing.LazilyIndexedArray(Hdf5Array(path, name, shape, item.dtype))
    if dim not in like.dims and name not in like.dims:
        return xr.Variable(like.dims, lazy)  # taken from the first file; never read
    data = np.asarray(item[()]) if name in like.dims else lazy
    attrs = _attributes(item)
    raw = xr.Variable(like.dims, data, attrs)
    if not _needs_decoding(attrs, item.dtype):
        return raw
    decoded = decode_cf_variable(name, raw, **options)
    return decoded.load() if name in like.dims else decoded  # coordinates: decode once


def _needs_decoding(attrs: dict[str, Any], dtype: np.dtype[Any]) -> bool:
    """Whether xarray's decoding would change raw values (units alone do unless times)."""
    units = attrs.get("units")
    timelike = isinstance(units, str) and (" since " in units or units in TIMEDELTA_UNITS)
    return not dtype.isnative or bool(set(attrs) - {"units"}) or timelike


def read_like(
    path: Path, template: xr.Dataset, dim: str, options: dict[str, Any]
) -> dict[Hashable, xr.Variable] | None:
    """Open one more file of a series with h5py, laid out like ``template`` (its first file).

    Only the coordinates are read; data variables stay lazy and are read from the file
    when needed (it is kept open meanwhile, see :data:`OPEN_FILES`). Much cheaper than
    netCDF-C's open, which reads 4 MB of every file to find its format, and than building
    an xarray Dataset per file.

    Args:
        path: A local netCDF-4 (HDF5) file.
        template: The series' first file, opened by xarray.
        dim: The dimension the files follow each other on.
        options: ``open_dataset`` decoding options (see :data:`DECODE_OPTIONS`).

    Returns:
        The file's variables, decoded as xarray would, or ``None`` when the file does not
        match the template's variables and shapes (xarray then opens it and explains).
    """
    decoding = {key: options[key] for key in DECODE_OPTIONS & set(options)}
    variables: dict[Hashable, xr.Variable] = {}
    try:
        with NETCDF_LOCK:
            file = _opened(path)
            for name, like in template.variables.items():
                variable = _file_variable(file, path, str(name), like, dim, decoding)
                if variable is None:
                    return None
                variables[name] = variable
    except (OSError, KeyError, ValueError, TypeError, RuntimeError):
        return None
    return variables
