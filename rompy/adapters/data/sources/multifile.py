"""Combining many lazily opened files along one dimension without reading their data.

``xarray.concat`` loads arrays that are not dask arrays, and building a dask graph over
many files costs more than the crop it serves. :func:`lazy_concat` instead joins the files'
variables with :class:`ConcatenatedArray`, an xarray backend array: indexing it (a crop in
time and space) reads only the hyperslabs of the files the index touches, when the data is
finally loaded or written, into one array allocated once (HDF5 writes the parts that need
no decoding straight into it). Files outside a time window are never read beyond their
time coordinate.

Only the first file of a series is opened by xarray; the others are read with h5py by
:mod:`rompy.adapters.data.sources.hdf5_reader` (re-exported here: :func:`read_like`,
:func:`release_open_files`).

Example:
    >>> parts = [day1.variables, day2.variables, day3.variables]  # doctest: +SKIP
    >>> combined = lazy_concat(parts, "time", "wind", template=day1)  # doctest: +SKIP
    >>> combined.u10.sel(time="2023-01-02").values  # reads day2 only  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import xarray as xr
from xarray.backends import BackendArray
from xarray.core import indexing

from rompy.adapters.data.netcdf_io import NETCDF_LOCK
from rompy.adapters.data.sources.hdf5_reader import (
    CHUNK_CACHE_BYTES,
    DECODE_OPTIONS,
    Hdf5Array,
    Key,
    Placement,
    dataset_id,
    hdf5_reader_available,
    is_hdf5,
    kept_open,
    read_hyperslab,
    read_like,
    release_open_files,
)
from rompy.adapters.xarray_engines import load_xarray
from rompy.domain.errors import DataSourceError

load_xarray()  # xarray backends found once, their logging side effects undone

__all__ = [
    "CHUNK_CACHE_BYTES",
    "DECODE_OPTIONS",
    "ConcatenatedArray",
    "Part",
    "hdf5_reader_available",
    "is_hdf5",
    "lazy_concat",
    "read_like",
    "release_open_files",
]


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
        touched = [part for part in range(len(self.parts)) if self._inside(part, wanted).size]
        if wanted.size > 1 and wanted[1] < wanted[0]:
            touched.reverse()
        dtype = np.result_type(self.dtype, *(self.parts[part].dtype for part in touched))
        shape = [
            wanted.size if axis == self.axis else len(range(size)[item])
            for axis, (size, item) in enumerate(zip(self.shape, key, strict=True))
            if isinstance(item, slice)
        ]
        out_axis = self.axis - sum(isinstance(k, int | np.integer) for k in key[: self.axis])
        out: np.ndarray = np.empty(shape, dtype=dtype)
        offset = 0
        for part in touched:
            offset += self._read_part(part, key, wanted, Placement(out, out_axis, offset))
        return out

    def _inside(self, part: int, wanted: np.ndarray) -> np.ndarray:
        """The positions of ``wanted`` in file ``part``, counted from its own start."""
        low, high = self.starts[part], self.starts[part + 1]
        inside: np.ndarray = wanted[(wanted >= low) & (wanted < high)] - low
        return inside

    def _read_part(self, part: int, key: Key, wanted: np.ndarray, place: Placement) -> int:
        """Read what ``wanted`` takes from file ``part`` into ``place``; return how many."""
        inside = self._inside(part, wanted)
        step = int(inside[1] - inside[0]) if inside.size > 1 else 1
        stop = int(inside[-1]) + (1 if step > 0 else -1)
        local = slice(int(inside[0]), None if stop < 0 else stop, step)
        selection = (*key[: self.axis], local, *key[self.axis + 1 :])
        source = _direct_source(self.parts[part])
        if source is not None and step > 0 and source.dtype == place.out.dtype:
            with NETCDF_LOCK:
                dataset = dataset_id(kept_open(source.path), source.name)
                read_hyperslab(dataset, selection, into=place)
        else:
            place.out[place.target(inside.size)] = np.asarray(self.parts[part][selection].values)
        return int(inside.size)


def _direct_source(variable: xr.Variable) -> Hdf5Array | None:
    """The HDF5 dataset ``variable`` reads as it is (not decoded, not yet indexed), if any.

    Such parts are read by HDF5 straight into the joined array, without a copy.
    """
    data = getattr(variable, "_data", None)
    if not isinstance(data, indexing.LazilyIndexedArray) or not isinstance(data.array, Hdf5Array):
        return None
    whole = all(item == slice(None) for item in data.key.tuple)
    return data.array if whole else None


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
