"""Filter specs: what to do to a dataset between opening and writing it.

The YAML shapes are those of the reference rompy::

    filter:
      sort: {coords: [latitude]}
      subset: {data_vars: [u10, v10]}
      crop: {longitude: {start: 110, stop: 115}, time: {start: 2023-01-01, stop: 2023-01-02}}
      timenorm: {interval: hour}
      rename: {u10: uwnd}
      derived: {wspd: "np.sqrt(u10**2 + v10**2)"}

Filters are applied in that order (sort, subset, crop, timenorm, rename, derived); the
adapter that applies them lives in ``rompy.adapters.data.filters``. These are plain values:
the same filter applied to the same data always gives the same result.

Example:
    >>> Filter(crop={"x": {"start": 0, "stop": 1}}).crop["x"]
    Slice(start=0.0, stop=1.0)
"""

from __future__ import annotations

import numbers
import sys
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

import attrs

from rompy.domain.data.expressions import parse_expression
from rompy.domain.errors import ConfigError
from rompy.domain.timeparse import parse_datetime

Bound = float | datetime | None
"""One end of a slice: a number, a date-time or ``None`` (open)."""


def to_bound(value: Any) -> Bound:
    """Read a slice bound: numbers become floats, dates and date text become datetimes.

    Raises:
        ConfigError: The value is neither a number nor a date-time.
    """
    if value is None:
        return None
    numpy = sys.modules.get("numpy")  # a numpy value can only exist once numpy is loaded
    if numpy is not None and isinstance(value, numpy.datetime64):
        value = value.astype("datetime64[us]").item()
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, date | str):
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                pass
        return parse_datetime(value)
    raise ConfigError(f"a slice bound must be a number or a date-time, got {value!r}", value=value)


def to_names(value: Any) -> tuple[str, ...]:
    """Read one name or a list of names as a tuple of names.

    Raises:
        ConfigError: An entry is not text.
    """
    if value is None:
        return ()
    items = (value,) if isinstance(value, str) else tuple(value)
    for item in items:
        if not isinstance(item, str) or not item:
            raise ConfigError(f"expected names (text), got {item!r}", value=item)
    return items


@attrs.frozen(kw_only=True)
class Slice:
    """An inclusive range of coordinate values; an end left ``None`` is open.

    Attributes:
        start: Lowest value kept.
        stop: Highest value kept.
    """

    start: Bound = attrs.field(default=None, converter=to_bound)
    stop: Bound = attrs.field(default=None, converter=to_bound)

    def __attrs_post_init__(self) -> None:
        """Refuse a start after the stop, and a number paired with a date-time."""
        if self.start is None or self.stop is None:
            return
        if isinstance(self.start, datetime) != isinstance(self.stop, datetime):
            raise ConfigError(
                f"slice start {self.start!r} and stop {self.stop!r} must both be numbers "
                "or both be date-times",
                path="stop",
                value=self.stop,
            )
        if self.start > self.stop:  # type: ignore[operator]
            raise ConfigError(
                f"slice start {self.start} is after stop {self.stop}; swap them",
                path="stop",
                value=self.stop,
            )


def _to_slices(value: Any) -> dict[str, Slice]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ConfigError(f"crop must map coordinate names to {{start, stop}}, got {value!r}")
    slices = {}
    for name, bounds in value.items():
        try:
            slices[str(name)] = _to_slice(bounds)
        except ConfigError as error:
            raise error.with_path_prefix(str(name)) from None
    return slices


def _to_slice(bounds: Any) -> Slice:
    if isinstance(bounds, Slice):
        return bounds
    if isinstance(bounds, slice):
        return Slice(start=bounds.start, stop=bounds.stop)
    if isinstance(bounds, Mapping):
        unknown = set(bounds) - {"start", "stop"}
        if unknown:
            raise ConfigError(
                f"a crop range takes start and stop, not {', '.join(sorted(map(str, unknown)))}",
                value=dict(bounds),
            )
        return Slice(start=bounds.get("start"), stop=bounds.get("stop"))
    if isinstance(bounds, list | tuple) and len(bounds) == 2:
        return Slice(start=bounds[0], stop=bounds[1])
    raise ConfigError(f"a crop range is {{start: ..., stop: ...}}, got {bounds!r}", value=bounds)


@attrs.frozen(kw_only=True)
class SortFilter:
    """Sort along coordinates.

    Attributes:
        coords: Coordinates to sort by, in order; empty does nothing.
    """

    coords: tuple[str, ...] = attrs.field(default=(), converter=to_names)


@attrs.frozen(kw_only=True)
class SubsetFilter:
    """Keep only some data variables.

    Attributes:
        data_vars: The variables kept; empty keeps all.
    """

    data_vars: tuple[str, ...] = attrs.field(default=(), converter=to_names)


@attrs.frozen(kw_only=True)
class TimeNormFilter:
    """Turn absolute times into lead times from a reference time.

    Attributes:
        interval: Unit of the lead time (``hour``, ``day``, ...).
        reftime: Variable holding the reference time; the first time when omitted.
    """

    interval: str = "hour"
    reftime: str | None = None


def _to_timenorm(value: Any) -> TimeNormFilter | None:
    if value is None or isinstance(value, TimeNormFilter):
        return value
    if not isinstance(value, Mapping):
        raise ConfigError(f"timenorm takes {{interval, reftime}}, got {value!r}", value=value)
    if not value:
        return None
    unknown = set(value) - {"interval", "reftime"}
    if unknown:
        raise ConfigError(
            f"timenorm takes interval and reftime, not {', '.join(sorted(map(str, unknown)))}",
            value=dict(value),
        )
    return TimeNormFilter(**value)


def _to_text_map(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ConfigError(f"expected a mapping of names, got {value!r}", value=value)
    for key, item in value.items():
        if not isinstance(key, str) or not isinstance(item, str):
            raise ConfigError(
                f"expected text: text pairs, got {key!r}: {item!r}", path=str(key), value=item
            )
    return dict(value)


@attrs.frozen(kw_only=True)
class Filter:
    """All the filters applied to one dataset, in the order of the fields.

    Attributes:
        sort: Sort along these coordinates.
        subset: Keep only these data variables.
        crop: Inclusive value ranges by coordinate name (dimension or not).
        timenorm: Turn times into lead times (off unless given).
        rename: New names of variables and coordinates, ``{old: new}``.
        derived: New variables computed by safe expressions, ``{name: expression}``.
    """

    sort: SortFilter = attrs.field(factory=SortFilter)
    subset: SubsetFilter = attrs.field(factory=SubsetFilter)
    crop: dict[str, Slice] = attrs.field(factory=dict, converter=_to_slices)
    timenorm: TimeNormFilter | None = attrs.field(default=None, converter=_to_timenorm)
    rename: dict[str, str] = attrs.field(factory=dict, converter=_to_text_map)
    derived: dict[str, str] = attrs.field(factory=dict, converter=_to_text_map)

    def __attrs_post_init__(self) -> None:
        """Parse every derived expression now, so a forbidden name fails at load time."""
        for name, text in self.derived.items():
            try:
                parse_expression(text)
            except ConfigError as error:
                raise error.with_path_prefix(f"derived.{name}") from None

    def with_crop(self, extra: Mapping[str, Slice]) -> Filter:
        """Return a copy whose crop also has ``extra`` (replacing ranges of the same name)."""
        return attrs.evolve(self, crop={**self.crop, **extra})

    @property
    def is_empty(self) -> bool:
        """Whether the filter does nothing."""
        return self == Filter()


def names_in(values: Iterable[str]) -> str:
    """Join names for a message (``a, b, c`` or ``none``)."""
    joined = ", ".join(sorted(values))
    return joined or "none"
