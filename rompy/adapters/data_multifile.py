"""Combining many lazily opened files along one dimension without reading their data.

``xarray.concat`` loads arrays that are not dask arrays, and building a dask graph over
many files costs more than the crop it serves. :func:`lazy_concat` instead joins the files'
variables with :class:`ConcatenatedArray`, an xarray backend array: indexing it (a crop in
time and space) reads only the hyperslabs of the files the index touches, when the data is
finally loaded or written. Files outside a time window are never read beyond their time
coordinate.

Example:
    >>> combined = lazy_concat([day1, day2, day3], "time", "wind")  # doctest: +SKIP
    >>> combined.u10.sel(time="2023-01-02").values  # reads day2 only  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import xarray as xr
from xarray.backends import BackendArray
from xarray.core import indexing

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


def _check_same_layout(datasets: Sequence[xr.Dataset], dim: str, what: str) -> None:
    first = datasets[0]
    for number, other in enumerate(datasets[1:], start=2):
        if set(other.data_vars) != set(first.data_vars):
            raise DataSourceError(
                f"{what}: file {number} has variables {sorted(map(str, other.data_vars))}, "
                f"the first file {sorted(map(str, first.data_vars))}"
            )
        for name, coord in first.coords.items():
            if dim in coord.dims or name not in first.indexes:
                continue
            if name not in other.coords or not np.array_equal(other[name].values, coord.values):
                raise DataSourceError(
                    f"{what}: files do not share the same grid: coordinate {name!r} of file "
                    f"{number} differs from the first file's"
                )


def _concat_variable(name: str, datasets: Sequence[xr.Dataset], dim: str) -> xr.Variable:
    variables = [dataset.variables[name] for dataset in datasets]
    first = variables[0]
    axis = first.dims.index(dim)
    if name == dim:
        values = np.concatenate([variable.values for variable in variables])
        return xr.Variable(first.dims, values, first.attrs, first.encoding)
    data = indexing.LazilyIndexedArray(ConcatenatedArray(variables, axis))
    return xr.Variable(first.dims, data, first.attrs, first.encoding)


def lazy_concat(datasets: Sequence[xr.Dataset], dim: str, what: str) -> xr.Dataset:
    """Join lazily opened datasets along ``dim`` without reading their data.

    Variables along ``dim`` are joined; the others are taken from the first dataset.

    Args:
        datasets: Datasets in the order to join them.
        dim: The dimension they follow each other on.
        what: Name of the data, for messages.

    Returns:
        A dataset whose variables read from the files only when loaded.

    Raises:
        DataSourceError: The datasets do not have the same variables and grid.
    """
    _check_same_layout(datasets, dim, what)
    first = datasets[0]
    variables = {
        name: (_concat_variable(str(name), datasets, dim) if dim in variable.dims else variable)
        for name, variable in first.variables.items()
    }
    coord_names = set(first.coords)
    combined = xr.Dataset(
        {name: variable for name, variable in variables.items() if name not in coord_names},
        coords={name: variables[name] for name in first.coords},
        attrs=first.attrs,
    )
    combined.encoding = dict(first.encoding)
    return combined
