"""Members: parameters applied by field path, stable ids, de-duplication, run dirs."""

from __future__ import annotations

from pathlib import Path

import pytest

from rompy.domain.ensemble.members import (
    apply_parameters,
    member_document,
    member_id,
    unique_parameter_sets,
)
from rompy.domain.errors import ConfigError

BASE = {"config": {"run_id": "base", "points": {"xp": [1.0, 2.0]}, "physics": {}}}


def test_a_dotted_path_sets_a_nested_value_and_leaves_the_base_alone() -> None:
    result = apply_parameters(BASE, {"config.physics.gamma": 0.7, "config.points.xp.1": 9.0})
    assert 0.7 == result["config"]["physics"]["gamma"]
    assert [1.0, 9.0] == result["config"]["points"]["xp"]
    assert {} == BASE["config"]["physics"]


def test_a_path_through_a_missing_field_names_the_path_and_the_missing_part() -> None:
    with pytest.raises(ConfigError) as caught:
        apply_parameters(BASE, {"config.physic.gamma": 0.7})
    assert "sweep.parameters.config.physic.gamma" == caught.value.path
    assert "'config.physic'" in str(caught.value)


def test_a_list_index_out_of_range_is_an_error() -> None:
    with pytest.raises(ConfigError):
        apply_parameters(BASE, {"config.points.xp.5": 1.0})


def test_a_member_id_is_stable_and_independent_of_key_order() -> None:
    assert member_id({"a": 1, "b": 2}) == member_id({"b": 2, "a": 1})
    assert member_id({"a": 1}).startswith("m-") and 14 == len(member_id({"a": 1}))


def test_members_with_different_parameters_have_different_ids() -> None:
    ids = {member_id({"g": value / 10}) for value in range(100)}
    assert 100 == len(ids)


def test_duplicate_parameter_sets_are_kept_once_in_first_order() -> None:
    sets = [{"a": 1}, {"a": 2}, {"a": 1}]
    assert [{"a": 1}, {"a": 2}] == unique_parameter_sets(sets)


def test_a_member_runs_in_its_own_folder_under_the_ensemble() -> None:
    document = member_document(BASE, {"config.physics.gamma": 0.5}, Path("/e/demo"))
    config = document["config"]
    assert "/e/demo/members" == config["output_dir"]
    assert member_id({"config.physics.gamma": 0.5}) == config["run_id"]
    assert config["delete_existing"] is True


def test_a_base_without_a_config_mapping_is_refused() -> None:
    with pytest.raises(ConfigError) as caught:
        member_document({"backend": {}}, {"backend.type": "local"}, Path("/e"))
    assert "base.config" == caught.value.path
