"""Tests of dates, intervals and TimeRange."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta, timezone

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rompy.domain.errors import ConfigError
from rompy.domain.time import (
    TimeRange,
    format_interval,
    parse_datetime,
    parse_interval,
)

# --- parse_datetime ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-01-01", datetime(2023, 1, 1)),
        ("2023-01-01T06:00:00", datetime(2023, 1, 1, 6)),
        ("2023-01-01 06:00", datetime(2023, 1, 1, 6)),
        ("2023-01-01T06:30:15", datetime(2023, 1, 1, 6, 30, 15)),
        ("20230101", datetime(2023, 1, 1)),
        ("20230101T06", datetime(2023, 1, 1, 6)),
        ("20230101T0630", datetime(2023, 1, 1, 6, 30)),
        ("20230101T063015", datetime(2023, 1, 1, 6, 30, 15)),
        ("20230101.06", datetime(2023, 1, 1, 6)),
        ("20230101.0630", datetime(2023, 1, 1, 6, 30)),
        ("20230101.063015", datetime(2023, 1, 1, 6, 30, 15)),
        ("  2023-01-01  ", datetime(2023, 1, 1)),
    ],
)
def test_parse_datetime_reads_every_accepted_text_form(text: str, expected: datetime) -> None:
    assert expected == parse_datetime(text)


def test_parse_datetime_returns_a_naive_datetime_unchanged() -> None:
    moment = datetime(2023, 5, 6, 7, 8, 9)
    assert moment == parse_datetime(moment)


def test_parse_datetime_turns_a_date_into_midnight() -> None:
    assert datetime(2023, 5, 6) == parse_datetime(date(2023, 5, 6))


def test_parse_datetime_converts_an_aware_datetime_to_naive_utc() -> None:
    aware = datetime(2023, 1, 1, 6, tzinfo=timezone(timedelta(hours=10)))
    assert datetime(2022, 12, 31, 20) == parse_datetime(aware)


def test_parse_datetime_converts_text_with_an_offset_to_naive_utc() -> None:
    assert datetime(2023, 1, 1, 4) == parse_datetime("2023-01-01T06:00:00+02:00")


def test_parse_datetime_reads_an_integer_as_compact_date() -> None:
    assert datetime(2023, 1, 1) == parse_datetime(20230101)


def test_parse_datetime_reads_a_float_as_compact_date_and_hour() -> None:
    assert datetime(2023, 1, 1, 6, 30) == parse_datetime(20230101.063)


@pytest.mark.parametrize("text", ["tomorrow", "2023-13-01", "20231301", "2023011", ""])
def test_parse_datetime_rejects_bad_text_naming_it(text: str) -> None:
    with pytest.raises(ConfigError, match=repr(text)):
        parse_datetime(text)


def test_parse_datetime_error_lists_the_accepted_forms() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_datetime("soon")
    assert "20230101.063000" in str(caught.value)
    assert "2023-01-01T06:00:00" in str(caught.value)


def test_parse_datetime_rejects_a_boolean() -> None:
    with pytest.raises(ConfigError):
        parse_datetime(True)


@given(st.datetimes(min_value=datetime(1000, 1, 1)))
def test_parse_datetime_reads_back_iso_text(moment: datetime) -> None:
    assert moment == parse_datetime(moment.isoformat())


@given(st.datetimes(min_value=datetime(1000, 1, 1)).map(lambda d: d.replace(microsecond=0)))
def test_parse_datetime_reads_back_compact_text(moment: datetime) -> None:
    assert moment == parse_datetime(moment.strftime("%Y%m%d.%H%M%S"))


offsets = st.timedeltas(min_value=timedelta(hours=-23), max_value=timedelta(hours=23))


@given(
    st.datetimes(
        min_value=datetime(1900, 1, 1),
        max_value=datetime(2100, 1, 1),
        timezones=st.builds(timezone, offsets),
    )
)
def test_parse_datetime_keeps_the_instant_of_an_aware_datetime(moment: datetime) -> None:
    assert moment == parse_datetime(moment).replace(tzinfo=UTC)


def test_parse_datetime_drops_a_utc_tzinfo() -> None:
    aware = datetime(2023, 1, 1, 0, tzinfo=UTC)
    assert datetime(2023, 1, 1, 0) == parse_datetime(aware)


# --- parse_interval ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1h", timedelta(hours=1)),
        ("1H", timedelta(hours=1)),
        ("30min", timedelta(minutes=30)),
        ("15M", timedelta(minutes=15)),
        ("15m", timedelta(minutes=15)),
        ("30s", timedelta(seconds=30)),
        ("1d", timedelta(days=1)),
        ("1D", timedelta(days=1)),
        ("1w", timedelta(weeks=1)),
        ("2.5h", timedelta(hours=2, minutes=30)),
        ("3 hours", timedelta(hours=3)),
        ("PT6H", timedelta(hours=6)),
        ("P1D", timedelta(days=1)),
        ("P1DT6H", timedelta(days=1, hours=6)),
        ("PT30M", timedelta(minutes=30)),
        ("P2W", timedelta(weeks=2)),
        ("PT1.5S", timedelta(seconds=1.5)),
        (3600, timedelta(hours=1)),
        (0.25, timedelta(milliseconds=250)),
        (timedelta(minutes=5), timedelta(minutes=5)),
    ],
)
def test_parse_interval_reads_every_accepted_form(
    value: str | int | float | timedelta, expected: timedelta
) -> None:
    assert expected == parse_interval(value)


@pytest.mark.parametrize("text", ["1y", "2Y", "P1M", "P1Y", "P1Y2M", "1mo", "3 months"])
def test_parse_interval_refuses_months_and_years_suggesting_days(text: str) -> None:
    with pytest.raises(ConfigError, match=r"no fixed length.*days"):
        parse_interval(text)


def test_parse_interval_lists_known_units_for_an_unknown_unit() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_interval("5fortnights")
    message = str(caught.value)
    assert "'fortnights'" in message
    assert "min" in message
    assert "h" in message


@pytest.mark.parametrize("value", ["0h", "-1h", "PT0S", 0, -5.0, timedelta(0)])
def test_parse_interval_requires_a_positive_interval(
    value: str | float | timedelta,
) -> None:
    with pytest.raises(ConfigError, match="must be positive"):
        parse_interval(value)


@pytest.mark.parametrize("text", ["", "h", "P", "PT", "P1DT", "1h30", "1..5h", "PT1H2D"])
def test_parse_interval_rejects_unreadable_text(text: str) -> None:
    with pytest.raises(ConfigError):
        parse_interval(text)


def test_parse_interval_rejects_an_interval_longer_than_timedelta_allows() -> None:
    with pytest.raises(ConfigError, match="too long"):
        parse_interval("9999999999d")


def test_parse_interval_rejects_infinite_seconds() -> None:
    with pytest.raises(ConfigError, match="finite"):
        parse_interval(float("inf"))


# --- format_interval --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("interval", "expected"),
    [
        (timedelta(hours=1), "1h"),
        (timedelta(minutes=15), "15min"),
        (timedelta(days=1), "1d"),
        (timedelta(seconds=90), "90s"),
        (timedelta(minutes=90), "90min"),
        (timedelta(milliseconds=250), "0.25s"),
    ],
)
def test_format_interval_writes_canonical_short_text(interval: timedelta, expected: str) -> None:
    assert expected == format_interval(interval)


def test_format_interval_refuses_a_zero_interval() -> None:
    with pytest.raises(ConfigError):
        format_interval(timedelta(0))


positive_intervals = st.timedeltas(
    min_value=timedelta(microseconds=1), max_value=timedelta(days=100_000)
)


@given(positive_intervals)
def test_format_interval_round_trips_through_parse_interval(interval: timedelta) -> None:
    assert interval == parse_interval(format_interval(interval))


@given(st.integers(min_value=1, max_value=10**5), st.sampled_from(["s", "min", "h", "d"]))
def test_format_interval_of_a_whole_unit_round_trips_text(count: int, unit: str) -> None:
    text = format_interval(parse_interval(f"{count}{unit}"))
    assert parse_interval(f"{count}{unit}") == parse_interval(text)


# --- TimeRange construction -------------------------------------------------------------


def test_time_range_converts_text_fields() -> None:
    period = TimeRange(start="20230101", end="2023-01-02", interval="1h")
    assert (datetime(2023, 1, 1), datetime(2023, 1, 2), timedelta(hours=1)) == (
        period.start,
        period.end,
        period.interval,
    )


def test_time_range_interval_defaults_to_one_hour() -> None:
    period = TimeRange(start="2023-01-01", end="2023-01-02")
    assert timedelta(hours=1) == period.interval


def test_time_range_rejects_end_before_start_with_path_and_fix() -> None:
    with pytest.raises(ConfigError) as caught:
        TimeRange(start="2023-01-02", end="2023-01-01")
    assert caught.value.path == "end"
    assert "2023-01-01T00:00" in caught.value.message
    assert "2023-01-02T00:00" in caught.value.message
    assert "set end after start" in caught.value.message


def test_time_range_rejects_end_equal_to_start() -> None:
    with pytest.raises(ConfigError) as caught:
        TimeRange(start="2023-01-01", end="2023-01-01")
    assert caught.value.path == "end"


def test_time_range_rejects_a_zero_interval_naming_the_field() -> None:
    with pytest.raises(ConfigError) as caught:
        TimeRange(start="2023-01-01", end="2023-01-02", interval="0h")
    assert caught.value.path == "interval"


def test_time_range_names_the_field_of_unreadable_start() -> None:
    with pytest.raises(ConfigError) as caught:
        TimeRange(start="someday", end="2023-01-02")
    assert caught.value.path == "start"


def test_time_range_rejects_a_non_boolean_include_end() -> None:
    with pytest.raises(ConfigError) as caught:
        TimeRange(start="2023-01-01", end="2023-01-02", include_end="yes")  # type: ignore[arg-type]
    assert caught.value.path == "include_end"


def test_time_range_is_frozen() -> None:
    period = TimeRange(start="2023-01-01", end="2023-01-02")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        period.start = datetime(2024, 1, 1)  # type: ignore[misc]


def test_create_from_start_and_duration_sets_end() -> None:
    period = TimeRange.create(start="2023-01-01", duration="2d")
    assert datetime(2023, 1, 3) == period.end


def test_create_from_end_and_duration_sets_start() -> None:
    period = TimeRange.create(end="2023-01-03", duration="P2D")
    assert datetime(2023, 1, 1) == period.start


def test_create_accepts_three_consistent_values() -> None:
    period = TimeRange.create(start="2023-01-01", end="2023-01-03", duration="2d")
    assert timedelta(days=2) == period.duration


def test_create_rejects_three_inconsistent_values_naming_the_fields() -> None:
    with pytest.raises(ConfigError) as caught:
        TimeRange.create(start="2023-01-01", end="2023-01-03", duration="1d")
    message = str(caught.value)
    assert all(name in message for name in ("start", "end", "duration"))


def test_create_with_only_start_asks_for_end_or_duration() -> None:
    with pytest.raises(ConfigError, match="add end or duration"):
        TimeRange.create(start="2023-01-01")


def test_create_passes_interval_and_include_end_through() -> None:
    period = TimeRange.create(start="2023-01-01", duration="1d", interval="6h", include_end=False)
    assert (timedelta(hours=6), False) == (period.interval, period.include_end)


def test_create_names_duration_when_it_is_not_positive() -> None:
    with pytest.raises(ConfigError) as caught:
        TimeRange.create(start="2023-01-01", duration="-1d")
    assert caught.value.path == "duration"


def test_from_duration_builds_the_same_range_as_start_and_end() -> None:
    expected = TimeRange(start="2023-01-01", end="2023-01-02", interval="3h")
    actual = TimeRange.from_duration("2023-01-01", "1d", interval="3h")
    assert expected == actual


# --- TimeRange behaviour ----------------------------------------------------------------


def test_iteration_ends_exactly_at_end_after_a_short_last_step() -> None:
    period = TimeRange(start="2023-01-01T00:00", end="2023-01-01T01:45", interval="30min")
    expected = [datetime(2023, 1, 1, h, m) for h, m in [(0, 0), (0, 30), (1, 0), (1, 30), (1, 45)]]
    assert expected == list(period)


def test_iteration_without_include_end_stops_before_end() -> None:
    period = TimeRange(
        start="2023-01-01T00:00", end="2023-01-01T02:00", interval="1h", include_end=False
    )
    assert [datetime(2023, 1, 1, 0), datetime(2023, 1, 1, 1)] == list(period)


def test_iteration_without_include_end_keeps_a_step_before_an_off_grid_end() -> None:
    period = TimeRange(
        start="2023-01-01T00:00", end="2023-01-01T01:30", interval="1h", include_end=False
    )
    assert [datetime(2023, 1, 1, 0), datetime(2023, 1, 1, 1)] == list(period)


def test_length_of_a_day_of_hours_including_end_is_25() -> None:
    assert len(TimeRange(start="2023-01-01", end="2023-01-02")) == 25


def test_times_is_the_tuple_of_iterated_times() -> None:
    period = TimeRange(start="2023-01-01", end="2023-01-02", interval="6h")
    assert tuple(period) == period.times


def test_duration_is_end_minus_start() -> None:
    period = TimeRange(start="2023-01-01", end="2023-01-03T12")
    assert timedelta(days=2, hours=12) == period.duration


@pytest.mark.parametrize(
    ("moment", "include_end", "expected"),
    [
        ("2023-01-01", True, True),
        ("2023-01-01T12:34", True, True),
        ("2023-01-02", True, True),
        ("2023-01-02", False, False),
        ("2022-12-31T23:59", True, False),
        ("2023-01-02T00:01", True, False),
    ],
)
def test_contains_checks_the_period_respecting_include_end(
    moment: str, include_end: bool, expected: bool
) -> None:
    period = TimeRange(start="2023-01-01", end="2023-01-02", include_end=include_end)
    assert expected == period.contains(moment)


def test_in_operator_matches_contains() -> None:
    period = TimeRange(start="2023-01-01", end="2023-01-02")
    assert (datetime(2023, 1, 1, 5) in period) is period.contains(datetime(2023, 1, 1, 5))


def test_in_operator_is_false_for_non_dates() -> None:
    period = TimeRange(start="2023-01-01", end="2023-01-02")
    assert 3 not in period


def test_shift_moves_start_and_end_keeping_interval() -> None:
    period = TimeRange(start="2023-01-01", end="2023-01-02", interval="3h")
    expected = TimeRange(start="2023-01-01T06", end="2023-01-02T06", interval="3h")
    assert expected == period.shift(timedelta(hours=6))


def test_shift_by_a_negative_delta_moves_earlier() -> None:
    period = TimeRange(start="2023-01-02", end="2023-01-03")
    assert datetime(2023, 1, 1) == period.shift(timedelta(days=-1)).start


# --- TimeRange properties ---------------------------------------------------------------

starts = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1))
durations = st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(days=60))
intervals = st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(days=3))


def time_ranges() -> st.SearchStrategy[TimeRange]:
    """Valid ranges of modest length (at most a few thousand steps)."""
    return st.builds(
        lambda start, duration, interval, include_end: TimeRange(
            start=start,
            end=start + duration,
            interval=max(interval, duration / 5000),
            include_end=include_end,
        ),
        starts,
        durations,
        intervals,
        st.booleans(),
    )


@given(time_ranges())
def test_length_equals_number_of_iterated_times(period: TimeRange) -> None:
    assert len(list(period)) == len(period)


@given(time_ranges())
def test_first_time_is_start(period: TimeRange) -> None:
    assert period.start == next(iter(period))


@given(time_ranges().filter(lambda period: period.include_end))
def test_last_time_is_end_when_end_is_included(period: TimeRange) -> None:
    assert period.end == list(period)[-1]


@given(time_ranges().filter(lambda period: not period.include_end))
def test_every_time_is_before_end_when_end_is_excluded(period: TimeRange) -> None:
    assert all(moment < period.end for moment in period)


@given(time_ranges())
def test_steps_equal_interval_except_a_shorter_last_one(period: TimeRange) -> None:
    times = list(period)
    steps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert all(step == period.interval for step in steps[:-1])
    assert all(timedelta(0) < step <= period.interval for step in steps[-1:])


@given(time_ranges(), st.timedeltas(min_value=timedelta(days=-999), max_value=timedelta(days=999)))
def test_shift_keeps_length_and_duration(period: TimeRange, delta: timedelta) -> None:
    shifted = period.shift(delta)
    assert (len(period), period.duration) == (len(shifted), shifted.duration)
