"""Reading the later files of a netCDF-4 series straight from HDF5 with h5py.

Opening a file with netCDF-C and building an xarray Dataset costs about 10 ms a file; a
series of 30 daily files spent more time opening than cropping. :func:`read_like` instead
reads a later file's coordinates and attributes with h5py's low-level API (about 1.5 ms a
file), laid out like the series' first file (opened by xarray), and decodes them per
variable as xarray would. Data stay lazy in :class:`Hdf5Array` and are read with one HDF5
hyperslab selection each, straight into the joined array when they need no decoding (see
:func:`~rompy.adapters.data.sources.multifile.lazy_concat`).

Files are opened read-only without HDF5 file locks, with a small chunk cache, and kept
open (at most :data:`OPEN_FILES`) until :func:`release_open_files`; all HDF5 calls hold
:data:`~rompy.adapters.data.netcdf_io.NETCDF_LOCK`.

Example:
    >>> variables = read_like(Path("wind_02.nc"), first_file, "time", {})  # doctest: +SKIP
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import xarray as xr
from xarray.backends import BackendArray
from xarray.coding.times import decode_cf_datetime
from xarray.conventions import decode_cf_variable
from xarray.core import indexing

from rompy.adapters.data.netcdf_io import NETCDF_LOCK
from rompy.adapters.xarray_engines import load_xarray

Key = tuple[Any, ...]
"""An index: one integer or slice per axis."""

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

load_xarray()  # xarray backends found once, their logging side effects undone
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


def kept_open(path: Path) -> Any:
    """``path`` opened read-only with h5py, kept open among the last :data:`OPEN_FILES` used.

    A file changed since it was opened (inode, size or mtime) is opened again. No HDF5 file
    lock is taken, so a file kept open never stops anyone from rewriting it; and
    :func:`release_open_files` closes them all once a write is done. Callers hold
    :data:`~rompy.adapters.data.netcdf_io.NETCDF_LOCK`.
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


def dataset_id(file: Any, name: str) -> Any:
    """The low-level h5py ``DatasetID`` of ``name`` in ``file``'s root group.

    h5py's low-level calls cost a few microseconds where its high-level objects cost tens.

    Raises:
        KeyError: There is no dataset of that name.
    """
    from h5py import h5d

    return h5d.open(file.id, name.encode())


@attrs.frozen
class Placement:
    """Where a read goes: positions ``offset`` on along ``axis`` of the C-ordered ``out``."""

    out: np.ndarray
    axis: int
    offset: int

    def target(self, count: int) -> tuple[slice, ...]:
        """The index of ``count`` positions from ``offset`` along ``axis`` in ``out``."""
        return (slice(None),) * self.axis + (slice(self.offset, self.offset + count),)


def read_hyperslab(dataset: Any, key: Key, into: Placement | None = None) -> np.ndarray:
    """Read ``dataset[key]`` (integers and slices) with one HDF5 hyperslab selection.

    Args:
        dataset: A low-level h5py ``DatasetID``.
        key: One integer or slice per axis (fewer: the rest are whole).
        into: Read into this part of an existing array (whose other axes match the
            selection; positive steps only) instead of a new one.

    Returns:
        The values in the file's own type, integer axes dropped (``into.out`` when given).
    """
    from h5py import h5s

    shape = tuple(dataset.shape)
    if not shape:
        scalar = np.empty((), dtype=dataset.dtype)
        dataset.read(h5s.ALL, h5s.ALL, scalar)
        return scalar
    slab = Hyperslab.of(shape, key)
    if into is not None and not slab.flipped:
        return _read_into(dataset, slab, into)
    values = np.empty(slab.counts, dtype=dataset.dtype)
    if values.size:
        space = dataset.get_space()
        space.select_hyperslab(slab.starts, slab.counts, slab.steps)
        dataset.read(h5s.create_simple(slab.counts), space, values)
    values = values.reshape(slab.kept)
    if slab.flipped:
        values = np.flip(values, axis=slab.flipped)
    if into is not None:
        into.out[into.target(values.shape[into.axis])] = values
        return into.out
    return values


@attrs.frozen
class Hyperslab:
    """An HDF5 selection: first index, count and step per axis (integers count one).

    Attributes:
        starts: First index per axis.
        counts: How many per axis.
        steps: Step per axis (positive).
        kept: Counts of the axes that were slices (integer axes are dropped).
        flipped: Positions among ``kept`` of the slices that ran backwards.
        slice_axes: The file axis of each kept axis.
    """

    starts: tuple[int, ...]
    counts: tuple[int, ...]
    steps: tuple[int, ...]
    kept: tuple[int, ...]
    flipped: tuple[int, ...]
    slice_axes: tuple[int, ...]

    @classmethod
    def of(cls, shape: tuple[int, ...], key: Key) -> Hyperslab:
        """The selection of ``key`` (integers and slices; missing axes whole) in ``shape``."""
        full = (*key, *(slice(None),) * (len(shape) - len(key)))
        starts: list[int] = []
        counts: list[int] = []
        steps: list[int] = []
        kept: list[int] = []
        flipped: list[int] = []
        axes: list[int] = []
        for axis, (size, item) in enumerate(zip(shape, full, strict=True)):
            if not isinstance(item, slice):
                starts.append(int(item) % size if size else int(item))
                counts.append(1)
                steps.append(1)
                continue
            wanted = range(size)[item]
            if wanted.step < 0:
                flipped.append(len(kept))
                wanted = wanted[::-1]
            starts.append(wanted.start if wanted else 0)
            counts.append(len(wanted))
            steps.append(wanted.step)
            kept.append(len(wanted))
            axes.append(axis)
        return cls(
            starts=tuple(starts), counts=tuple(counts), steps=tuple(steps), kept=tuple(kept),
            flipped=tuple(flipped), slice_axes=tuple(axes),
        )  # fmt: skip


def _read_into(dataset: Any, slab: Hyperslab, into: Placement) -> np.ndarray:
    """Let HDF5 write the selection straight into its place in ``into.out`` (no copy)."""
    from h5py import h5s

    if not all(slab.counts):
        return into.out
    axis = slab.slice_axes[into.axis]
    memory_shape = list(slab.counts)
    memory_shape[axis] = into.out.shape[into.axis]
    memory_start = [0] * len(memory_shape)
    memory_start[axis] = into.offset
    memory = h5s.create_simple(tuple(memory_shape))
    memory.select_hyperslab(tuple(memory_start), slab.counts)
    space = dataset.get_space()
    space.select_hyperslab(slab.starts, slab.counts, slab.steps)
    dataset.read(memory, space, into.out)
    return into.out


class Hdf5Array(BackendArray):
    """One HDF5 dataset read lazily with h5py.

    Reads hold :data:`~rompy.adapters.data.netcdf_io.NETCDF_LOCK`: where h5py and netCDF-C share
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
            return read_hyperslab(dataset_id(kept_open(self.path), self.name), key)


def _attribute(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.ndarray) and value.size == 1:
        return _attribute(value.reshape(-1)[0])
    return value.decode("utf-8", "replace") if isinstance(value, np.bytes_) else value


def _attributes(dataset: Any) -> dict[str, Any]:
    """The :data:`DECODING_ATTRS` a low-level ``DatasetID`` has (others are never read)."""
    from h5py import h5a

    names: list[bytes] = []
    h5a.iterate(dataset, lambda name, *_: names.append(name))
    present = [key for key in DECODING_ATTRS if key.encode() in names]
    return {key: _attribute(_read_attribute(dataset, key)) for key in present}


def _read_attribute(dataset: Any, name: str) -> Any:
    """One attribute: numbers and fixed-length text directly, anything else through h5py."""
    import h5py
    from h5py import h5a

    attribute = h5a.open(dataset, name.encode())
    if attribute.dtype.kind not in "biufS" or attribute.shape is None:
        return h5py.Dataset(dataset).attrs[name]
    value = np.empty(attribute.shape, dtype=attribute.dtype)
    attribute.read(value)
    return value


def _file_variable(
    file: Any, path: Path, name: str, like: xr.Variable, dim: str, options: dict[str, Any]
) -> xr.Variable | None:
    """Variable ``name`` of an open h5py ``file``, decoded lazily; ``None`` if it differs."""
    dataset = dataset_id(file, name)
    dtype, shape = dataset.dtype, tuple(dataset.shape)
    if dtype.kind not in "biuf" or len(shape) != like.ndim:
        return None
    if any(
        size != other and axis_dim != dim
        for size, other, axis_dim in zip(shape, like.shape, like.dims, strict=True)
    ):
        return None
    lazy = indexing.LazilyIndexedArray(Hdf5Array(path, name, shape, dtype))
    if dim not in like.dims and name not in like.dims:
        return xr.Variable(like.dims, lazy)  # taken from the first file; never read
    data = read_hyperslab(dataset, ()) if name in like.dims else lazy
    attrs = _attributes(dataset)
    if name == dim and not options and _plain_times(attrs, dtype):
        times = decode_cf_datetime(data, attrs["units"], attrs.get("calendar"))
        return xr.Variable(like.dims, times)
    raw = xr.Variable(like.dims, data, attrs)
    if not _needs_decoding(attrs, dtype):
        return raw
    decoded = decode_cf_variable(name, raw, **options)
    return decoded.load() if name in like.dims else decoded  # coordinates: decode once


def _plain_times(attrs: dict[str, Any], dtype: np.dtype[Any]) -> bool:
    """Whether only units (and calendar) decode these times.

    xarray's decoding is then exactly ``decode_cf_datetime`` (done once here, where
    ``decode_cf_variable`` would decode twice).
    """
    units = attrs.get("units")
    return (
        isinstance(units, str)
        and "since" in units
        and set(attrs) <= {"units", "calendar"}
        and dtype.kind in "iuf"
        and dtype.isnative
    )


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
            file = kept_open(path)
            for name, like in template.variables.items():
                variable = _file_variable(file, path, str(name), like, dim, decoding)
                if variable is None:
                    return None
                variables[name] = variable
    except (OSError, KeyError, ValueError, TypeError, RuntimeError):
        return None
    return variables
