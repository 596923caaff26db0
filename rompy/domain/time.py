"""Dates, intervals and the time range of a model run.

All datetimes in rompy are *naive* and mean UTC: a timezone-aware input is converted to
UTC and its ``tzinfo`` dropped, so every comparison and subtraction is well defined.

Example:
    >>> period = TimeRange(start="20230101", end="2023-01-01T02", interval="1h")
    >>> [t.hour for t in period]
    [0, 1, 2]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from typing import TypeVar

import attrs

from rompy.domain.errors import ConfigError
from rompy.domain.timeparse import (
    DATETIME_FORMS,
    DateTimeLike,
    IntervalLike,
    format_interval,
    parse_datetime,
    parse_interval,
)

__all__ = [
    "DATETIME_FORMS",
    "DateTimeLike",
    "IntervalLike",
    "TimeRange",
    "format_interval",
    "parse_datetime",
    "parse_interval",
]

_In = TypeVar("_In")
_Out = TypeVar("_Out")


def _at_path(path: str, parse: Callable[[_In], _Out], value: _In) -> _Out:
    """Run ``parse(value)``, giving any ConfigError it raises the field path ``path``."""
    try:
        return parse(value)
    except ConfigError as error:
        raise (error if error.path else error.with_path_prefix(path)) from None


def _convert_start(value: DateTimeLike) -> datetime:
    return _at_path("start", parse_datetime, value)


def _convert_end(value: DateTimeLike) -> datetime:
    return _at_path("end", parse_datetime, value)


def _convert_interval(value: IntervalLike) -> timedelta:
    return _at_path("interval", parse_interval, value)


def _convert_duration(value: IntervalLike) -> timedelta:
    return _at_path("duration", parse_interval, value)


def _isoformat(moment: datetime) -> str:
    if moment.microsecond:
        return moment.isoformat()
    return moment.isoformat(timespec="seconds" if moment.second else "minutes")


@attrs.frozen(kw_only=True)
class TimeRange:
    """The period of a model run and the step at which its times are listed.

    Iterating yields ``start``, ``start + interval``, … and, when ``include_end`` is true,
    finishes exactly at ``end`` even if the last step is shorter than ``interval``.

    Attributes:
        start: First time (naive, UTC); ISO (``2023-01-01T06:00``) or compact
            (``20230101.06``) text.
        end: Last time, after ``start``.
        interval: Positive step between listed times (default one hour), such as ``1h``,
            ``15M`` (minutes), ``1d``, ``PT6H`` or a number of seconds.
        include_end: Whether ``end`` itself belongs to the range.

    Example:
        >>> period = TimeRange(start="2023-01-01T00", end="2023-01-01T01:45", interval="30min")
        >>> [t.strftime("%H:%M") for t in period]
        ['00:00', '00:30', '01:00', '01:30', '01:45']
    """

    start: datetime = attrs.field(converter=_convert_start)
    end: datetime = attrs.field(converter=_convert_end)
    interval: timedelta = attrs.field(default=timedelta(hours=1), converter=_convert_interval)
    include_end: bool = attrs.field(default=True)

    @include_end.validator
    def _check_include_end(self, _attribute: attrs.Attribute[bool], value: bool) -> None:
        if not isinstance(value, bool):
            raise ConfigError(
                f"include_end must be true or false, got {value!r}", path="include_end", value=value
            )

    @end.validator
    def _check_end_after_start(self, _attribute: attrs.Attribute[datetime], end: datetime) -> None:
        if end <= self.start:
            relation = "equals" if end == self.start else "is before"
            raise ConfigError(
                f"end {_isoformat(end)} {relation} start {_isoformat(self.start)}; "
                "set end after start or use duration",
                path="end",
                value=end,
            )

    @classmethod
    def create(
        cls,
        *,
        start: DateTimeLike | None = None,
        end: DateTimeLike | None = None,
        duration: IntervalLike | None = None,
        interval: IntervalLike | None = None,
        include_end: bool = True,
    ) -> TimeRange:
        """Build a range from any two of ``start``, ``end`` and ``duration``.

        All three may be given if they agree (``end - start == duration``).

        Args:
            start: First time.
            end: Last time.
            duration: Length of the range (positive, read by :func:`parse_interval`).
            interval: Step between listed times; one hour when omitted.
            include_end: Whether ``end`` belongs to the range.

        Returns:
            The time range.

        Raises:
            ConfigError: If fewer than two of start, end and duration are given, or all
                three are given and disagree, or any value is invalid.
        """
        named = {"start": start, "end": end, "duration": duration}
        missing = [name for name, value in named.items() if value is None]
        if len(missing) > 1:
            raise ConfigError(
                f"a time range needs two of start, end and duration; add {' or '.join(missing)}",
                path=missing[0],
            )
        length = None if duration is None else _convert_duration(duration)
        first = None if start is None else _convert_start(start)
        last = None if end is None else _convert_end(end)
        first, last = _complete_range(first, last, length)
        step = {} if interval is None else {"interval": interval}
        return cls(start=first, end=last, include_end=include_end, **step)

    @classmethod
    def from_duration(
        cls,
        start: DateTimeLike,
        duration: IntervalLike,
        *,
        interval: IntervalLike | None = None,
        include_end: bool = True,
    ) -> TimeRange:
        """Build a range from its start and its length.

        Args:
            start: First time.
            duration: Length of the range (positive).
            interval: Step between listed times; one hour when omitted.
            include_end: Whether ``end`` belongs to the range.

        Returns:
            The time range from ``start`` to ``start + duration``.

        Example:
            >>> TimeRange.from_duration("2023-01-01", "1d").end
            datetime.datetime(2023, 1, 2, 0, 0)
        """
        return cls.create(
            start=start, duration=duration, interval=interval, include_end=include_end
        )

    @property
    def duration(self) -> timedelta:
        """Length of the range, ``end - start``."""
        return self.end - self.start

    @property
    def times(self) -> tuple[datetime, ...]:
        """Every time of the range, as :meth:`__iter__` yields them."""
        return tuple(self)

    def _count_before_end(self) -> int:
        whole_steps, remainder = divmod(self.duration, self.interval)
        return whole_steps + (1 if remainder else 0)

    def __iter__(self) -> Iterator[datetime]:
        """Yield the times of the range in order (see the class docstring)."""
        for step in range(self._count_before_end()):
            yield self.start + step * self.interval
        if self.include_end:
            yield self.end

    def __len__(self) -> int:
        """Number of times :meth:`__iter__` yields, computed without iterating."""
        return self._count_before_end() + (1 if self.include_end else 0)

    def contains(self, moment: DateTimeLike) -> bool:
        """Whether a time falls within the period (not necessarily on an interval step).

        Args:
            moment: The time to test; text is read by :func:`parse_datetime`.

        Returns:
            ``start <= moment <= end``, or ``start <= moment < end`` without ``include_end``.
        """
        when = parse_datetime(moment)
        if self.include_end:
            return self.start <= when <= self.end
        return self.start <= when < self.end

    def __contains__(self, moment: object) -> bool:
        """Same as :meth:`contains` for date-times; other objects are never contained."""
        if not isinstance(moment, (str, date)):
            return False
        return self.contains(moment)

    def shift(self, delta: timedelta) -> TimeRange:
        """Return the same range moved by ``delta`` (negative moves it earlier).

        Args:
            delta: How far to move both start and end.

        Returns:
            A new range with the same interval and ``include_end``.
        """
        return attrs.evolve(self, start=self.start + delta, end=self.end + delta)


def _describe(span: timedelta) -> str:
    return format_interval(span) if span > timedelta(0) else str(span)


def _complete_range(
    start: datetime | None, end: datetime | None, duration: timedelta | None
) -> tuple[datetime, datetime]:
    """Fill in the missing one of start/end from the duration, checking agreement."""
    if start is not None and end is not None:
        if duration is not None and end - start != duration:
            raise ConfigError(
                f"duration {format_interval(duration)} does not match end - start "
                f"({_isoformat(end)} - {_isoformat(start)} = {_describe(end - start)}); "
                "give only two of start, end and duration",
                path="duration",
                value=duration,
            )
        return start, end
    if duration is not None and start is not None:
        return start, start + duration
    if duration is not None and end is not None:
        return end - duration, end
    raise ConfigError("a time range needs two of start, end and duration")


@attrs.frozen(kw_only=True)
class TimeWindow:
    """The times a data item must cover: the run period plus buffer steps.

    Attributes:
        start: First time of the run.
        end: Last time of the run.
        steps_before: Source time steps wanted before ``start``.
        steps_after: Source time steps wanted after ``end``.
    """

    start: datetime
    end: datetime
    steps_before: int = 0
    steps_after: int = 0
