"""Sweeps expand into parameter sets in a stable order; bad sweeps name their field."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rompy.domain.ensemble.sweep import LatinHypercubeSweep, sweep_from_data
from rompy.domain.errors import ConfigError


def test_a_product_sweep_gives_every_combination_with_the_first_path_slowest() -> None:
    sweep = sweep_from_data({"kind": "product", "parameters": {"a": [1, 2], "b": ["x", "y"]}})
    expected = [
        {"a": 1, "b": "x"},
        {"a": 1, "b": "y"},
        {"a": 2, "b": "x"},
        {"a": 2, "b": "y"},
    ]
    assert expected == sweep.expand()


def test_a_zip_sweep_pairs_the_values_by_position() -> None:
    sweep = sweep_from_data({"kind": "zip", "parameters": {"a": [1, 2], "b": ["x", "y"]}})
    assert [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}] == sweep.expand()


def test_a_zip_sweep_of_unequal_lengths_names_the_field_and_the_lengths() -> None:
    with pytest.raises(ConfigError) as caught:
        sweep_from_data({"kind": "zip", "parameters": {"a": [1, 2], "b": [3]}})
    assert "sweep.parameters" == caught.value.path
    assert "a: 2, b: 1" in str(caught.value)


def test_a_list_sweep_gives_its_members_as_written() -> None:
    members = [{"a": 1}, {"a": 2, "b": 3}]
    assert members == sweep_from_data({"kind": "list", "members": members}).expand()


def test_an_unknown_kind_lists_the_known_kinds() -> None:
    with pytest.raises(ConfigError) as caught:
        sweep_from_data({"kind": "grid", "parameters": {"a": [1]}})
    assert "sweep.kind" == caught.value.path
    assert "latin_hypercube" in str(caught.value)


def test_an_unknown_key_is_named_with_its_path() -> None:
    with pytest.raises(ConfigError) as caught:
        sweep_from_data({"kind": "product", "parameter": {"a": [1]}})
    assert "sweep.parameter" == caught.value.path


def test_an_empty_value_list_names_its_path() -> None:
    with pytest.raises(ConfigError) as caught:
        sweep_from_data({"kind": "product", "parameters": {"a.b": []}})
    assert "sweep.parameters.a.b" == caught.value.path


def test_a_range_with_low_above_high_names_its_path() -> None:
    data = {"kind": "latin_hypercube", "ranges": {"g": [2, 1]}, "samples": 3}
    with pytest.raises(ConfigError) as caught:
        sweep_from_data(data)
    assert "sweep.ranges.g" == caught.value.path


def test_a_latin_hypercube_with_the_same_seed_gives_the_same_members() -> None:
    data = {"kind": "latin_hypercube", "ranges": {"g": [0, 1], "h": [5, 9]}, "samples": 7}
    assert (
        sweep_from_data({**data, "seed": 3}).expand()
        == sweep_from_data({**data, "seed": 3}).expand()
    )
    assert (
        sweep_from_data({**data, "seed": 3}).expand()
        != sweep_from_data({**data, "seed": 4}).expand()
    )


@given(
    samples=st.integers(min_value=1, max_value=40),
    seed=st.integers(min_value=0, max_value=2**32),
    low=st.floats(min_value=-1e3, max_value=1e3),
    width=st.floats(min_value=1e-3, max_value=1e3),
)
def test_each_path_of_a_latin_hypercube_has_one_sample_in_each_stratum(
    samples: int, seed: int, low: float, width: float
) -> None:
    sweep = LatinHypercubeSweep(
        ranges={"g": (low, low + width), "h": (0.0, 1.0)}, samples=samples, seed=seed
    )
    members = sweep.expand()
    for path, (bottom, top) in sweep.ranges.items():
        strata = sorted(int((m[path] - bottom) / (top - bottom) * samples) for m in members)
        assert list(range(samples)) == [min(s, samples - 1) for s in strata]
