"""Applying :class:`~rompy.domain.data.filters.Filter` specs to xarray datasets, lazily.

Order: sort, subset, crop, timenorm, rename, derived. Crops are inclusive and by value, on
dimension coordinates (ascending or descending) and on other coordinates alike (a site's
``lon(site)``, a curvilinear ``lat(y, x)``). Each problem is one error naming what is
missing and what the data has.

Example:
    >>> apply_filter(dataset, Filter(crop={"x": {"start": 0, "stop": 1}}), "wind")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from rompy.adapters.xarray_engines import load_xarray
from rompy.domain.data.expressions import parse_expression
from rompy.domain.data.filters import Filter, Slice, TimeNormFilter
from rompy.domain.errors import ConfigError, DataSourceError
from rompy.log import get_logger

load_xarray()  # xarray backends found once, their logging side effects undone

log = get_logger(__name__)


def listed_names(names: Iterable[Any]) -> str:
    """Return ``names`` sorted and comma-separated (``none`` when empty), for messages."""
    return ", ".join(sorted(str(name) for name in names)) or "none"


def apply_filter(dataset: xr.Dataset, spec: Filter, what: str) -> xr.Dataset:
    """Apply every part of ``spec`` to ``dataset``, in order.

    Args:
        dataset: The (lazy) dataset.
        spec: The filters.
        what: Name of the data, for messages.

    Returns:
        The filtered dataset (still lazy where the input was).

    Raises:
        DataSourceError: A named variable or coordinate is not in the data.
        ConfigError: A derived expression cannot be computed.
    """
    dataset = sort_by(dataset, spec.sort.coords, what)
    dataset = subset(dataset, spec.subset.data_vars, what)
    dataset = crop(dataset, spec.crop, what)
    if spec.timenorm is not None:
        dataset = normalise_time(dataset, spec.timenorm, what)
    dataset = rename(dataset, spec.rename, what)
    return derive(dataset, spec.derived, what)


def sort_by(dataset: xr.Dataset, coords: tuple[str, ...], what: str) -> xr.Dataset:
    """Sort along each coordinate of ``coords``.

    Raises:
        DataSourceError: A coordinate is not in the data.
    """
    for name in coords:
        if name not in dataset.coords:
            raise DataSourceError(
                f"{what}: cannot sort by {name!r}; the data's coordinates are "
                f"{listed_names(dataset.coords)}"
            )
        dataset = dataset.sortby(name)
    return dataset


def subset(dataset: xr.Dataset, data_vars: tuple[str, ...], what: str) -> xr.Dataset:
    """Keep only ``data_vars`` (all when empty).

    Raises:
        DataSourceError: A variable is not in the data.
    """
    if not data_vars:
        return dataset
    missing = [name for name in data_vars if name not in dataset.data_vars]
    if missing:
        raise DataSourceError(
            f"{what}: variable(s) {', '.join(missing)} not in the data; it has "
            f"{listed_names(dataset.data_vars)}"
        )
    return dataset[list(data_vars)]


def crop(dataset: xr.Dataset, ranges: Mapping[str, Slice], what: str) -> xr.Dataset:
    """Keep the values of each named coordinate within its range, ends included.

    A 2-D coordinate keeps the smallest index box holding every value in range.

    Raises:
        DataSourceError: A coordinate is not in the data, or a bound's kind (number or
            date-time) does not match the coordinate's.
    """
    for name, bounds in ranges.items():
        if name not in dataset.coords:
            raise DataSourceError(
                f"{what}: cannot crop {name!r}; the data's coordinates are "
                f"{listed_names(dataset.coords)}"
            )
        _check_bound_kind(dataset[name], bounds, name, what)
        if bounds.start is None and bounds.stop is None:
            continue
        if name in dataset.indexes and dataset[name].ndim == 1:
            dataset = _crop_index(dataset, name, bounds)
        else:
            dataset = _crop_by_mask(dataset, name, bounds)
    return dataset


def _check_bound_kind(coord: xr.DataArray, bounds: Slice, name: str, what: str) -> None:
    is_time = np.issubdtype(coord.dtype, np.datetime64)
    for bound in (bounds.start, bounds.stop):
        if bound is not None and isinstance(bound, datetime) != is_time:
            kind = "date-times" if is_time else "numbers"
            raise DataSourceError(
                f"{what}: crop range of {name!r} must be {kind}, like the coordinate; got {bound!r}"
            )


def _crop_index(dataset: xr.Dataset, name: str, bounds: Slice) -> xr.Dataset:
    index = dataset.indexes[name]
    if index.is_monotonic_increasing:
        return dataset.sel({name: slice(bounds.start, bounds.stop)})
    if index.is_monotonic_decreasing:
        return dataset.sel({name: slice(bounds.stop, bounds.start)})
    return _crop_by_mask(dataset, name, bounds)


def _crop_by_mask(dataset: xr.Dataset, name: str, bounds: Slice) -> xr.Dataset:
    coord = dataset[name]
    values = coord.values
    keep = np.ones(values.shape, dtype=bool)
    if bounds.start is not None:
        keep &= values >= _comparable(bounds.start, values)
    if bounds.stop is not None:
        keep &= values <= _comparable(bounds.stop, values)
    if coord.ndim == 1:
        return dataset.isel({coord.dims[0]: np.flatnonzero(keep)})
    box = {}
    for axis, dim in enumerate(coord.dims):
        others = tuple(other for other in range(coord.ndim) if other != axis)
        kept = np.flatnonzero(keep.any(axis=others))
        box[dim] = slice(int(kept[0]), int(kept[-1]) + 1) if kept.size else slice(0, 0)
    return dataset.isel(box)


def _comparable(bound: float | datetime, values: np.ndarray) -> Any:
    if isinstance(bound, datetime):
        return np.datetime64(bound, "ns").astype(values.dtype)
    return bound


def normalise_time(dataset: xr.Dataset, spec: TimeNormFilter, what: str) -> xr.Dataset:
    """Replace the ``time`` dimension by ``lead`` times since a reference time.

    Raises:
        DataSourceError: The data has no ``time`` or no ``reftime`` variable.
        ConfigError: ``interval`` is not a time unit.
    """
    if "time" not in dataset.coords:
        raise DataSourceError(f"{what}: timenorm needs a 'time' coordinate")
    try:
        unit = pd.to_timedelta(1, unit=spec.interval)
    except ValueError as error:
        raise ConfigError(
            f"timenorm interval {spec.interval!r} is not a time unit (hour, day, minute)",
            path="filter.timenorm.interval",
            value=spec.interval,
        ) from error
    if spec.reftime is None:
        init = xr.full_like(dataset["time"], dataset["time"].values[0])
    elif spec.reftime in dataset.variables:
        init = dataset[spec.reftime]
    else:
        raise DataSourceError(f"{what}: timenorm reftime {spec.reftime!r} is not in the data")
    lead = ((dataset["time"] - init) / np.timedelta64(unit)).astype(int)
    lead.attrs["units"] = spec.interval
    dataset = dataset.assign_coords(init=init, lead=lead)
    return dataset.swap_dims({"time": "lead"})


def rename(dataset: xr.Dataset, mapping: Mapping[str, str], what: str) -> xr.Dataset:
    """Rename variables and coordinates.

    Raises:
        DataSourceError: A name to rename is not in the data.
    """
    if not mapping:
        return dataset
    missing = [name for name in mapping if name not in dataset.variables]
    if missing:
        raise DataSourceError(
            f"{what}: cannot rename {', '.join(missing)}; "
            f"the data has {listed_names(dataset.variables)}"
        )
    return dataset.rename(dict(mapping))


def derive(dataset: xr.Dataset, expressions: Mapping[str, str], what: str) -> xr.Dataset:
    """Add variables computed by safe expressions over the data's variables (lazily).

    Raises:
        ConfigError: An expression uses a name the data lacks or cannot be computed; its
            path (``filter.derived.<name>``) is relative to the item's spec.
    """
    for name, text in expressions.items():
        expression = parse_expression(text)
        variables = {str(key): dataset[key] for key in dataset.variables}
        try:
            value = expression.evaluate(variables, functions={"where": xr.where})
        except ConfigError as error:
            raise ConfigError(error.message, path=f"filter.derived.{name}", value=text) from None
        dataset = dataset.assign({name: value})
        log.debug("derived_variable", data=what, name=name)
    return dataset
