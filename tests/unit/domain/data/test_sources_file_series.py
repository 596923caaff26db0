"""``filename_time``: times in file names, and which files of a series a window needs."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from rompy.domain.data.coverage import resolve_time_bounds
from rompy.domain.data.file_series import (
    FILENAME_TIME_PATH,
    file_spans,
    filename_time_pattern,
    files_overlapping,
    plan_series,
    time_in_filename,
)
from rompy.domain.data.sources import FileSource
from rompy.domain.errors import ConfigError, DataSourceError
from rompy.domain.time import TimeWindow

DAY = timedelta(days=1)
JAN = datetime(2023, 1, 1)


def as_datetime64(times: list[datetime]) -> np.ndarray:
    return np.array(times, dtype="datetime64[ns]")


def daily_names(days: int, first: datetime = JAN) -> list[str]:
    return [f"/data/era5_{first + day * DAY:%Y%m%d}.nc" for day in range(days)]


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("era5_20230105.nc", "%Y%m%d", datetime(2023, 1, 5)),
        ("wind_2023-02-01T06.nc", "%Y-%m-%dT%H", datetime(2023, 2, 1, 6)),
        ("gfs.2023032.1830.grb.nc", "%Y%j.%H%M", datetime(2023, 2, 1, 18, 30)),
        ("100%_2023.nc", "%%_%Y", datetime(2023, 1, 1)),
    ],
)
def test_the_time_in_a_file_name_is_read_by_its_format(
    name: str, text: str, expected: datetime
) -> None:
    assert expected == time_in_filename(name, text)


@given(
    moment=st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 12, 31)),
    text=st.sampled_from(["%Y%m%d%H%M", "%Y-%j_%H%M", "%Y.%m.%d.%H.%M"]),
    prefix=st.text(alphabet="abcxyz_-.", max_size=8),
)
def test_a_time_written_with_strftime_is_read_back(
    moment: datetime, text: str, prefix: str
) -> None:
    minute = moment.replace(second=0, microsecond=0)
    assert minute == time_in_filename(f"{prefix}{minute.strftime(text)}.nc", text)


def test_a_name_without_the_format_gives_no_time() -> None:
    assert time_in_filename("era5_latest.nc", "%Y%m%d") is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("%m%d", "has no year"),
        ("%Y%q", "unknown directive %q"),
        ("%Y%m%m", "repeats %m"),
        ("%Y%j%d", "mixes a day of the year"),
    ],
)
def test_a_bad_format_is_refused_at_the_field(text: str, problem: str) -> None:
    with pytest.raises(ConfigError, match=problem) as raised:
        FileSource(uri="a.nc", filename_time=text)
    assert ("filename_time", text) == (raised.value.path, raised.value.value)


def test_a_format_becomes_a_regex_of_digits() -> None:
    assert filename_time_pattern("d%Y%m").pattern == r"d(?P<Y>\d{4})(?P<m>\d{2})"


def test_an_impossible_date_in_a_name_names_the_file() -> None:
    with pytest.raises(ConfigError, match=r"'w_20231305\.nc' holds no valid time"):
        time_in_filename("w_20231305.nc", "%Y%m%d")


def test_each_file_covers_until_the_next_and_the_last_one_a_median_gap() -> None:
    starts = [JAN, JAN + DAY, JAN + 2 * DAY, JAN + 5 * DAY]
    expected = [(JAN, JAN + DAY), (JAN + DAY, JAN + 2 * DAY), (JAN + 2 * DAY, JAN + 5 * DAY),
                (JAN + 5 * DAY, JAN + 6 * DAY)]  # fmt: skip
    assert expected == file_spans(starts)


def test_spans_overlap_a_closed_range_but_not_at_their_open_end() -> None:
    spans = file_spans([JAN, JAN + DAY, JAN + 2 * DAY])
    assert [1] == files_overlapping(spans, JAN + DAY, JAN + DAY + timedelta(hours=23))


def test_a_file_name_without_the_time_is_an_error_naming_the_file_and_the_fix() -> None:
    names = [*daily_names(2), "/data/era5_latest.nc"]
    with pytest.raises(ConfigError, match=r"'era5_latest\.nc' has no time written as") as raised:
        plan_series(names, "%Y%m%d", None, "file /data/era5_*.nc")
    assert FILENAME_TIME_PATH == raised.value.path
    assert "leave filename_time out" in raised.value.message


def test_two_files_with_the_same_time_are_an_error() -> None:
    names = ["/a/era5_20230101.nc", "/b/era5_20230101.nc"]
    with pytest.raises(ConfigError, match="have the same time 2023-01-01 00:00"):
        plan_series(names, "%Y%m%d", None, "file era5")


def test_without_the_format_nothing_is_planned() -> None:
    window = TimeWindow(start=JAN + DAY, end=JAN + 2 * DAY)
    assert plan_series(daily_names(5), None, window, "f") is None


def test_a_period_reaching_past_the_last_file_opens_every_file() -> None:
    window = TimeWindow(start=JAN + 3 * DAY, end=JAN + 9 * DAY)
    assert plan_series(daily_names(5), "%Y%m%d", window, "f") is None


def test_files_are_ordered_by_their_time_and_the_template_covers_the_start() -> None:
    names = daily_names(5)
    window = TimeWindow(start=JAN + 2 * DAY + timedelta(hours=5), end=JAN + 3 * DAY)
    plan = plan_series(list(reversed(names)), "%Y%m%d", window, "f")
    assert plan is not None
    assert (tuple(names), 2) == (plan.uris, plan.template)


def test_buffer_steps_reach_into_the_file_before() -> None:
    window = TimeWindow(start=JAN + 2 * DAY, end=JAN + 2 * DAY + timedelta(hours=6),
                        steps_before=1)  # fmt: skip
    plan = plan_series(daily_names(5), "%Y%m%d", window, "f")
    assert plan is not None
    hourly = [JAN + 2 * DAY + timedelta(hours=hour) for hour in range(24)]
    assert [1, 2] == plan.needed(as_datetime64(hourly), window)


def test_times_that_are_not_dates_need_every_file() -> None:
    window = TimeWindow(start=JAN + 2 * DAY, end=JAN + 3 * DAY)
    plan = plan_series(daily_names(5), "%Y%m%d", window, "f")
    assert plan is not None
    assert [0, 1, 2, 3, 4] == plan.needed([0.0, 1.0], window)


@settings(max_examples=150, deadline=None)
@example(days=3, step_hours=1, start_hour=24, length_hours=0, before=0, after=0, offset=0.5)
@given(
    days=st.integers(min_value=2, max_value=8),
    step_hours=st.sampled_from([1, 3, 6, 24]),
    start_hour=st.integers(min_value=0, max_value=7).flatmap(
        lambda day: st.sampled_from([0, 1, 12, 23]).map(lambda hour: 24 * day + hour)
    ),
    length_hours=st.integers(min_value=0, max_value=72),
    before=st.integers(min_value=0, max_value=6),
    after=st.integers(min_value=0, max_value=6),
    offset=st.floats(min_value=0.0, max_value=0.99),
)
def test_the_needed_files_hold_every_time_a_crop_keeps(
    days: int,
    step_hours: int,
    start_hour: int,
    length_hours: int,
    before: int,
    after: int,
    offset: float,
) -> None:
    step = timedelta(hours=step_hours)
    per_file = DAY // step
    first_time = JAN + timedelta(minutes=round(offset * 60 * step_hours))
    times = [first_time + index * step for index in range(days * per_file)]
    window = TimeWindow(start=JAN + timedelta(hours=start_hour),
                        end=JAN + timedelta(hours=start_hour + length_hours),
                        steps_before=before, steps_after=after)  # fmt: skip
    plan = plan_series(daily_names(days), "%Y%m%d", window, "f")
    if plan is None:
        return
    try:
        first, last = resolve_time_bounds(times, window, what="f")
    except DataSourceError:
        return
    template_times = times[plan.template * per_file : (plan.template + 1) * per_file]
    needed = plan.needed(as_datetime64(template_times), window)
    kept = {index // per_file for index, moment in enumerate(times) if first <= moment <= last}
    assert kept <= set(needed)
