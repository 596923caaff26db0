"""Coverage rules: does the data cover what the run needs, and which cells to keep.

Pure functions on sorted coordinate values. They turn a :class:`~rompy.domain.data.specs.CropWindow`
into the exact bounds to select from a source, and explain a shortfall in a message that
says what is missing and by how much, e.g. ``wind covers 2023-01-01T00 to 2023-01-02T00;
the run needs until 2023-01-03T00 (1d more)``.

Example:
    >>> covering_bounds([0.0, 0.5, 1.0, 1.5, 2.0], 0.7, 1.2)
    (0.5, 1.5)
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from datetime import datetime

from rompy.domain.errors import DataSourceError
from rompy.domain.time import TimeWindow
from rompy.domain.timeparse import format_interval

_RELATIVE_TOLERANCE = 1e-9


def format_moment(moment: datetime) -> str:
    """Write a time as short as it allows (``2023-01-01T00``, ``2023-01-01T06:30``)."""
    if moment.second or moment.microsecond:
        return moment.isoformat()
    if moment.minute:
        return moment.isoformat(timespec="minutes")
    return moment.strftime("%Y-%m-%dT%H")


def _tolerance(values: Sequence[float]) -> float:
    scale = max(1.0, abs(values[0]), abs(values[-1]))
    return _RELATIVE_TOLERANCE * scale


def _short_number(value: float) -> str:
    return f"{value:.6g}"


def check_space_coverage(
    what: str, axis: str, values: Sequence[float], low: float, high: float
) -> None:
    """Check that the sorted ``values`` of ``axis`` reach from ``low`` to ``high``.

    Raises:
        DataSourceError: The data stops short; the message says on which side and by how much.
    """
    if not values:
        raise DataSourceError(f"{what} has no {axis} values")
    tolerance = _tolerance(values)
    first, last = values[0], values[-1]
    gaps = []
    if low < first - tolerance:
        gaps.append(f"{_short_number(first - low)} more below")
    if high > last + tolerance:
        gaps.append(f"{_short_number(high - last)} more above")
    if gaps:
        raise DataSourceError(
            f"{what} covers {axis} {_short_number(first)} to {_short_number(last)}; the grid "
            f"needs {_short_number(low)} to {_short_number(high)} ({' and '.join(gaps)})"
        )


def covering_bounds(values: Sequence[float], low: float, high: float) -> tuple[float, float]:
    """The source values enclosing ``[low, high]``, clipped to the data's own range.

    Keeps the last value at or below ``low`` and the first at or above ``high``, so a model
    interpolating from the cropped data has a source cell on each side of its box.

    Args:
        values: Sorted (ascending) coordinate values.
        low: Lowest value the model needs.
        high: Highest value the model needs.

    Returns:
        ``(start, stop)`` to select inclusively.
    """
    tolerance = _tolerance(values)
    start_index = max(0, bisect_right(values, low + tolerance) - 1)
    stop_index = min(len(values) - 1, bisect_left(values, high - tolerance))
    stop_index = max(stop_index, start_index)
    return values[start_index], values[stop_index]


def resolve_time_bounds(
    times: Sequence[datetime], window: TimeWindow, *, what: str
) -> tuple[datetime, datetime]:
    """The source times to keep for ``window``: the period plus the buffer steps.

    The first kept time is the last source time at or before the start, moved back
    ``steps_before`` steps; the last is the first at or after the end, moved on
    ``steps_after`` steps.

    Args:
        times: Sorted source times.
        window: The run period and buffer steps.
        what: Name of the data, for messages.

    Returns:
        ``(first, last)`` source times to select inclusively.

    Raises:
        DataSourceError: The data does not cover the period, or not the buffer steps.
    """
    if not times:
        raise DataSourceError(f"{what} has no times")
    first, last = times[0], times[-1]
    _check_period(what, first, last, window)
    start_index = bisect_right(times, window.start) - 1 - window.steps_before
    stop_index = bisect_left(times, window.end) + window.steps_after
    covers = f"{what} covers {format_moment(first)} to {format_moment(last)}"
    if start_index < 0:
        raise DataSourceError(
            f"{covers}; time_buffer needs {window.steps_before} step(s) before "
            f"{format_moment(window.start)}, and the data has only "
            f"{window.steps_before + start_index}"
        )
    if stop_index >= len(times):
        available = window.steps_after - (stop_index - len(times) + 1)
        raise DataSourceError(
            f"{covers}; time_buffer needs {window.steps_after} step(s) after "
            f"{format_moment(window.end)}, and the data has only {available}"
        )
    return times[start_index], times[stop_index]


def _check_period(what: str, first: datetime, last: datetime, window: TimeWindow) -> None:
    needs = []
    if window.start < first:
        needs.append(
            f"from {format_moment(window.start)} ({format_interval(first - window.start)} earlier)"
        )
    if window.end > last:
        needs.append(
            f"until {format_moment(window.end)} ({format_interval(window.end - last)} more)"
        )
    if needs:
        raise DataSourceError(
            f"{what} covers {format_moment(first)} to {format_moment(last)}; "
            f"the run needs {' and '.join(needs)}"
        )
