"""Tests of the filter specs (values only; applying them is tested with the adapters)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rompy.application import bootstrap
from rompy.domain.data.filters import (
    Filter,
    Slice,
    SortFilter,
    SubsetFilter,
    TimeNormFilter,
    to_bound,
)
from rompy.domain.errors import ConfigError

APP = bootstrap(load_entry_points=False)


def load(data: Any) -> Filter:
    return APP.structure(data, Filter)


def test_numbers_become_float_bounds() -> None:
    assert Slice(start=1.0, stop=2.5) == Slice(start=1, stop="2.5")


def test_date_text_becomes_a_datetime_bound() -> None:
    assert datetime(2023, 1, 1, 6) == to_bound("2023-01-01T06")


def test_numpy_datetimes_become_datetime_bounds() -> None:
    assert datetime(2023, 1, 2) == to_bound(np.datetime64("2023-01-02T00:00"))


def test_open_ends_are_allowed() -> None:
    assert Slice(start=None, stop=3.0).start is None


def test_a_start_after_the_stop_is_refused() -> None:
    with pytest.raises(ConfigError, match="after stop"):
        Slice(start=2, stop=1)


def test_a_number_and_a_datetime_cannot_be_mixed() -> None:
    with pytest.raises(ConfigError, match="both be numbers"):
        Slice(start=1, stop="2023-01-01")


def test_a_bound_that_is_neither_number_nor_date_is_refused() -> None:
    with pytest.raises(ConfigError, match="number or a date-time"):
        to_bound([1])


def test_the_reference_yaml_shape_loads() -> None:
    spec = load(
        {
            "sort": {"coords": ["latitude"]},
            "subset": {"data_vars": ["u10"]},
            "crop": {"longitude": {"start": 110, "stop": 115}},
            "timenorm": {"interval": "hour"},
            "rename": {"u10": "uwnd"},
            "derived": {"wspd": "np.abs(u10)"},
        }
    )
    expected = Filter(
        sort=SortFilter(coords=("latitude",)),
        subset=SubsetFilter(data_vars=("u10",)),
        crop={"longitude": Slice(start=110.0, stop=115.0)},
        timenorm=TimeNormFilter(interval="hour"),
        rename={"u10": "uwnd"},
        derived={"wspd": "np.abs(u10)"},
    )
    assert expected == spec


def test_an_empty_timenorm_mapping_means_no_time_normalisation() -> None:
    assert load({"timenorm": {}}).timenorm is None


def test_a_single_sort_name_is_read_as_a_list() -> None:
    assert ("time",) == load({"sort": {"coords": "time"}}).sort.coords


def test_an_empty_filter_does_nothing() -> None:
    assert load({}).is_empty


def test_a_forbidden_derived_expression_fails_at_load_time_naming_the_variable() -> None:
    with pytest.raises(ConfigError, match=r"derived\.bad") as caught:
        load({"derived": {"bad": "__import__('os')"}})
    assert "__import__" in str(caught.value)


def test_a_crop_range_with_unknown_keys_is_refused() -> None:
    with pytest.raises(ConfigError, match="start and stop"):
        load({"crop": {"x": {"begin": 1}}})


def test_with_crop_adds_ranges_and_replaces_those_of_the_same_name() -> None:
    spec = Filter(crop={"x": {"start": 0, "stop": 1}, "y": {"start": 0, "stop": 1}})
    widened = spec.with_crop({"x": Slice(start=-1, stop=2)})
    assert {"x": Slice(start=-1, stop=2), "y": Slice(start=0, stop=1)} == widened.crop


@given(
    st.dictionaries(
        st.sampled_from(["x", "y", "lon"]),
        st.tuples(st.integers(-1000, 0), st.integers(0, 1000)),
        max_size=3,
    )
)
def test_a_filter_round_trips_through_plain_data(ranges: dict[str, tuple[int, int]]) -> None:
    spec = Filter(crop={name: Slice(start=low, stop=high) for name, (low, high) in ranges.items()})
    assert spec == load(APP.unstructure(spec))
