"""Reading dates and intervals as modellers write them.

All datetimes in rompy are *naive* and mean UTC: a timezone-aware input is converted to
UTC and its ``tzinfo`` dropped, so every comparison and subtraction is well defined.

Example:
    >>> parse_interval("15M")
    datetime.timedelta(seconds=900)
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from typing import Final, TypeAlias, TypeVar

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
