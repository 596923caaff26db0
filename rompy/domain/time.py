"""Dates, intervals and the time range of a model run.

All datetimes in rompy are *naive* and mean UTC: a timezone-aware input is converted to
UTC and its ``tzinfo`` dropped, so every comparison and subtraction is well defined.

Example:
    >>> period = TimeRange(start="20230101", end="2023-01-01T02", interval="1h")
    >>> [t.hour for t in period]
    [0, 1, 2]
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from typing import Final, TypeAlias, TypeVar

import attrs

from rompy.domain.errors import ConfigError

DateTimeLike: TypeAlias = str | datetime | date
"""Anything :func:`parse_datetime` reads."""

IntervalLike: TypeAlias = str | int | float | timedelta
"""Anything :func:`parse_interval` reads."""

DATETIME_FORMS: Final = (
    "2023-01-01",
    "2023-01-01T06:00:00",
    "2023-01-01 06:00",
    "20230101",
    "20230101T06",
    "20230101T0630",
    "20230101T063000",
    "20230101.06",
    "20230101.0630",
    "20230101.063000",
)
"""Examples of every text form :func:`parse_datetime` accepts."""

_In = TypeVar("_In")
_Out = TypeVar("_Out")

_COMPACT_DATETIME = re.compile(r"(\d{4})(\d{2})(\d{2})(?:[T.](\d{2})(\d{2})?(\d{2})?)?")

_MICROSECONDS: Final = {
    "s": 1_000_000,
    "min": 60 * 1_000_000,
    "h": 3600 * 1_000_000,
    "d": 86400 * 1_000_000,
    "w": 7 * 86400 * 1_000_000,
}
_UNIT_ALIASES: Final = {
    "s": ("s", "sec", "secs", "second", "seconds"),
    "min": ("m", "min", "mins", "minute", "minutes"),
    "h": ("h", "hr", "hrs", "hour", "hours"),
    "d": ("d", "day", "days"),
    "w": ("w", "week", "weeks"),
}
_UNITS: Final = {alias: unit for unit, aliases in _UNIT_ALIASES.items() for alias in aliases}
_CALENDAR_UNITS: Final = frozenset(
    {"y", "yr", "yrs", "year", "years", "mo", "mon", "month", "months"}
)
_SHORT_INTERVAL = re.compile(r"([+-]?(?:\d+\.?\d*|\.\d+))\s*([A-Za-z]*)")
_NUMBER = r"(\d+(?:\.\d+)?)"
_ISO_DURATION = re.compile(
    rf"P(?:{_NUMBER}Y)?(?:{_NUMBER}M)?(?:{_NUMBER}W)?(?:{_NUMBER}D)?"
    rf"(?:T(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?"
)
_CANONICAL_UNITS: Final = ("d", "h", "min", "s")
_NO_CALENDAR_HINT: Final = (
    "months and years have no fixed length; give the interval in days (e.g. 30d)"
)


def parse_datetime(value: DateTimeLike | float) -> datetime:
    """Read a date-time from text, a ``date`` or a ``datetime``.

    Accepted text forms are ISO 8601 (``2023-01-01``, ``2023-01-01T06:00:00``,
    ``2023-01-01 06:00``) and the compact forms ``YYYYMMDD`` optionally followed by ``T`` or
    ``.`` and ``HH``, ``HHMM`` or ``HHMMSS``. A timezone-aware value is converted to UTC and
    returned naive. Numbers (what YAML makes of an unquoted ``20230101`` or
    ``20230101.06``) are read as their compact text.

    Args:
        value: The value to read.

    Returns:
        A naive datetime (UTC).

    Raises:
        ConfigError: If the value is not a date-time in one of the accepted forms.

    Example:
        >>> parse_datetime("20230101.0630")
        datetime.datetime(2023, 1, 1, 6, 30)
    """
    if isinstance(value, datetime):
        return _as_naive_utc(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _parse_datetime_text(_number_as_compact_text(value), original=value)
    if isinstance(value, str):
        return _parse_datetime_text(value.strip(), original=value)
    raise _bad_datetime(value)


def _as_naive_utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=None)
    return value.astimezone(UTC).replace(tzinfo=None)


def _number_as_compact_text(value: float) -> str:
    """Turn ``20230101.063`` (YAML's float for ``20230101.0630``) back into compact text."""
    text = repr(value)
    if "." not in text or "e" in text.lower():
        return text
    day, clock = text.split(".")
    if clock == "0":
        return day
    return f"{day}.{clock.ljust(len(clock) + len(clock) % 2, '0')}"


def _parse_datetime_text(text: str, *, original: object) -> datetime:
    match = _COMPACT_DATETIME.fullmatch(text)
    try:
        if match:
            year, month, day, hour, minute, second = (
                int(part) for part in match.groups(default="0")
            )
            return datetime(year, month, day, hour, minute, second)
        return _as_naive_utc(datetime.fromisoformat(text))
    except ValueError:
        raise _bad_datetime(original) from None


def _bad_datetime(value: object) -> ConfigError:
    forms = ", ".join(DATETIME_FORMS)
    return ConfigError(
        f"cannot read {value!r} as a date-time; use one of the forms {forms}",
        value=value,
    )


def parse_interval(value: IntervalLike) -> timedelta:
    """Read a positive time interval.

    Accepted forms: a ``timedelta``; a number of seconds; a number with a unit (``30s``,
    ``15m``/``15M``/``15min`` for minutes, ``1h``, ``1d``, ``1w``, ``2.5h``; the unit is
    case-insensitive, so ``M`` means minutes as in the reference rompy); or an ISO 8601
    duration (``PT6H``, ``P1DT6H``, ``P2W``). Months and years are refused: they have no
    fixed length.

    Args:
        value: The value to read.

    Returns:
        The interval, exact to the microsecond.

    Raises:
        ConfigError: If the value cannot be read, uses months or years, or is not positive.

    Example:
        >>> parse_interval("15M")
        datetime.timedelta(seconds=900)
    """
    if isinstance(value, timedelta):
        interval = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        interval = _seconds_to_timedelta(value)
    elif isinstance(value, str):
        interval = _parse_interval_text(value.strip(), original=value)
    else:
        raise ConfigError(
            f"cannot read {value!r} as a time interval; give text like '1h' or seconds",
            value=value,
        )
    if interval <= timedelta(0):
        raise ConfigError(
            f"interval {value!r} must be positive; give a length like '1h' or '30min'",
            value=value,
        )
    return interval


def _seconds_to_timedelta(seconds: float) -> timedelta:
    if not math.isfinite(seconds):
        raise ConfigError(f"interval {seconds!r} must be a finite number of seconds", value=seconds)
    return _microseconds_to_timedelta(Fraction(seconds) * _MICROSECONDS["s"])


def _microseconds_to_timedelta(microseconds: Fraction) -> timedelta:
    try:
        return timedelta(microseconds=round(microseconds))
    except OverflowError:
        raise ConfigError(
            f"interval of {float(microseconds) / _MICROSECONDS['d']:.0f} days is too long; "
            f"the longest is {timedelta.max.days} days",
            value=float(microseconds),
        ) from None


def _parse_interval_text(text: str, *, original: str) -> timedelta:
    if text[:1] in ("P", "p"):
        return _parse_iso_duration(text.upper(), original=original)
    match = _SHORT_INTERVAL.fullmatch(text)
    if not match:
        raise ConfigError(
            f"cannot read {original!r} as a time interval; use a number and a unit "
            f"like '1h' or '30min', or an ISO 8601 duration like 'PT6H'",
            value=original,
        )
    number, unit = match.group(1), match.group(2).lower() or "s"
    if unit in _CALENDAR_UNITS:
        raise ConfigError(f"cannot use {original!r}: {_NO_CALENDAR_HINT}", value=original)
    if unit not in _UNITS:
        known = ", ".join(sorted(_UNITS))
        raise ConfigError(
            f"unknown unit {match.group(2)!r} in interval {original!r}; known units: {known}",
            value=original,
        )
    return _microseconds_to_timedelta(Fraction(number) * _MICROSECONDS[_UNITS[unit]])


def _parse_iso_duration(text: str, *, original: str) -> timedelta:
    match = _ISO_DURATION.fullmatch(text)
    if not match or text in ("P", "PT") or text.endswith("T"):
        raise ConfigError(
            f"cannot read {original!r} as an ISO 8601 duration; use forms like "
            f"'PT6H', 'PT30M', 'P1D', 'P1DT6H' or 'P2W'",
            value=original,
        )
    years, months, weeks, days, hours, minutes, seconds = match.groups()
    if years or months:
        raise ConfigError(f"cannot use {original!r}: {_NO_CALENDAR_HINT}", value=original)
    amounts = zip((weeks, days, hours, minutes, seconds), ("w", "d", "h", "min", "s"), strict=True)
    total = sum(
        (Fraction(amount) * _MICROSECONDS[unit] for amount, unit in amounts if amount),
        start=Fraction(0),
    )
    return _microseconds_to_timedelta(total)


def format_interval(interval: timedelta) -> str:
    """Write a positive interval as short text that :func:`parse_interval` reads back.

    The largest of days, hours, minutes and seconds that divides the interval exactly is
    used; sub-second intervals are written as decimal seconds.

    Args:
        interval: A positive interval.

    Returns:
        Text such as ``1d``, ``6h``, ``15min``, ``90s`` or ``0.25s``.

    Raises:
        ConfigError: If the interval is zero or negative.

    Example:
        >>> format_interval(timedelta(minutes=90))
        '90min'
    """
    if interval <= timedelta(0):
        raise ConfigError(f"interval {interval} must be positive", value=interval)
    microseconds = interval // timedelta(microseconds=1)
    for unit in _CANONICAL_UNITS:
        count, remainder = divmod(microseconds, _MICROSECONDS[unit])
        if remainder == 0:
            return f"{count}{unit}"
    seconds, fraction = divmod(microseconds, _MICROSECONDS["s"])
    return f"{seconds}.{fraction:06d}".rstrip("0") + "s"


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
        start: First time (naive, UTC). Text is read by :func:`parse_datetime`.
        end: Last time, after ``start``.
        interval: Positive step between listed times (default one hour). Text is read by
            :func:`parse_interval`.
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
