"""Error messages: one ConfigError with the full dotted path, the bad value and the fix."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from serialization_samples import Grid, NestedConfig, make_registry

from rompy.domain.errors import ConfigError, UnknownTagError
from rompy.domain.execution.spec import LocalExecution
from rompy.domain.model_run import ModelRun
from rompy.domain.pipeline import PipelineSpec
from rompy.serialization import make_converter, structure
from rompy.serialization.messages import suggest, to_config_error, unknown_key_message

CONVERTER = make_converter(make_registry())
PERIOD = {"start": "2023-01-01", "end": "2023-01-02"}


def structure_error(data: Any, cls: type = ModelRun, *, path: str = "") -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        structure(CONVERTER, data, cls, path=path)
    return caught.value


def pipeline(**sections: Any) -> dict[str, Any]:
    return {"config": {"run_id": "a"}, **sections}


def test_unknown_key_suggests_the_close_known_key() -> None:
    error = structure_error({"runid": "a"})

    assert "runid" == error.path
    assert "did you mean 'run_id'?" in error.message


def test_unknown_key_message_lists_the_known_keys() -> None:
    error = structure_error({"runid": "a"})

    assert "(known keys: config, delete_existing, output_dir, period, run_id, run_id_subdir)" in (
        error.message
    )


def test_unknown_key_in_nested_config_names_the_full_path() -> None:
    data = {"config": {"model_type": "nested", "grid": {"nx": 1, "ny": 1, "nxx": 1}}}

    error = structure_error(data)

    assert "config.grid.nxx" == error.path
    assert "did you mean 'nx'?" in error.message


def test_unknown_key_in_base_config_points_to_variables() -> None:
    error = structure_error({"config": {"model_type": "base", "arg1": "foo"}})

    assert "config.arg1" == error.path
    assert "put free template variables under `variables:`" in error.message


def test_unknown_model_type_lists_the_known_ones() -> None:
    error = structure_error({"config": {"model_type": "swan"}})

    assert isinstance(error, UnknownTagError)
    assert "config.model_type" == error.path
    assert "known: base, nested" in error.message


def test_unknown_model_type_in_a_pipeline_has_the_nested_path() -> None:
    error = structure_error(pipeline(config={"config": {"model_type": "swn"}}), PipelineSpec)

    assert "config.config.model_type" == error.path


def test_unknown_backend_type_suggests_a_close_tag() -> None:
    error = structure_error(pipeline(backend={"type": "locl"}), PipelineSpec)

    assert isinstance(error, UnknownTagError)
    assert "backend.type" == error.path
    assert "did you mean 'local'?" in error.message


def test_backend_without_type_asks_for_it() -> None:
    error = structure_error(pipeline(backend={"timeout": 10}), PipelineSpec)

    assert "backend.type" == error.path
    assert "missing 'type'" in error.message


def test_backend_with_type_and_backend_type_asks_to_keep_one() -> None:
    backend = {"type": "local", "backend_type": "local"}

    error = structure_error(pipeline(backend=backend), PipelineSpec)

    assert "backend.backend_type" == error.path


def test_end_before_start_points_at_end_of_the_period() -> None:
    period = {"start": "2023-01-02", "end": "2023-01-01"}

    error = structure_error(pipeline(config={"period": period}), PipelineSpec)

    assert "config.period.end" == error.path
    assert "set end after start" in error.message


def test_interval_in_years_is_refused_with_a_fix() -> None:
    error = structure_error({"period": {**PERIOD, "interval": "1y"}})

    assert "period.interval" == error.path
    assert "30d" in error.message


def test_period_with_one_of_start_end_and_duration_asks_for_another() -> None:
    error = structure_error({"period": {"start": "2023-01-01"}})

    assert error.path.startswith("period.")
    assert "two of start, end and duration" in error.message


def test_negative_timeout_names_the_backend_field() -> None:
    error = structure_error(pipeline(backend={"type": "local", "timeout": -5}), PipelineSpec)

    assert "backend.timeout" == error.path
    assert -5 == error.value


def test_wrong_type_names_the_expected_type_and_the_bad_value() -> None:
    error = structure_error(pipeline(backend={"type": "local", "timeout": "abc"}), PipelineSpec)

    assert "backend.timeout" == error.path
    assert "expected a number, got 'abc'" == error.message


def test_missing_required_key_is_named() -> None:
    error = structure_error({"config": {"model_type": "nested"}})

    assert "config.grid" == error.path
    assert "missing required key 'grid'" in error.message


def test_missing_pipeline_config_is_named() -> None:
    error = structure_error({"backend": {"type": "local"}}, PipelineSpec)

    assert "config" == error.path
    assert "missing required key 'config' at the top level" in error.message


def test_list_items_are_addressed_by_index() -> None:
    config = {"model_type": "nested", "grid": {"nx": 1, "ny": 1}, "outputs": [{"name": "a"}, {}]}

    error = structure_error({"config": config})

    assert "config.outputs[1].name" == error.path


def test_failure_in_an_attrs_converter_names_the_field() -> None:
    error = structure_error(pipeline(backend={"type": "local", "working_dir": 5}), PipelineSpec)

    assert "backend.working_dir" == error.path
    assert 5 == error.value


def test_failure_in_an_attrs_validator_names_the_field() -> None:
    error = structure_error({"config": {"model_type": "nested", "grid": {"nx": 0, "ny": 1}}})

    assert "config.grid.nx" == error.path


def test_text_for_a_mapping_is_refused_with_the_value() -> None:
    error = structure_error({"period": "tomorrow"})

    assert "period" == error.path
    assert "'tomorrow'" in error.message


def test_several_problems_are_listed_one_per_line_first_one_first() -> None:
    error = structure_error({"run_id": "a", "delete_existing": "maybe", "runid": "b"})

    lines = str(error).splitlines()
    assert "delete_existing: expected true or false, got 'maybe'" == lines[0]
    assert lines[1].startswith("runid: unknown key 'runid'")
    assert 2 == len(lines)


def test_path_argument_prefixes_every_path() -> None:
    error = structure_error({"timeout": 0}, LocalExecution, path="backend")

    assert "backend.timeout" == error.path


def test_unknown_run_level_model_type_points_to_config() -> None:
    error = structure_error({"model_type": "swan"})

    assert "model_type" == error.path
    assert "config.model_type" in error.message


def test_tag_of_another_class_is_refused() -> None:
    error = structure_error({"type": "docker"}, LocalExecution)

    assert "type" == error.path


def test_nested_literal_lists_the_allowed_values() -> None:
    config = {"model_type": "nested", "grid": {"nx": 1, "ny": 1}, "scheme": "fast"}

    error = structure_error({"config": config})

    assert "config.scheme" == error.path
    assert "expected one of 'upwind', 'central', got 'fast'" == error.message


def test_plain_value_error_becomes_a_config_error_at_the_given_path() -> None:
    error = to_config_error(ValueError("bad thing"), path="config.grid")

    assert ("config.grid", "bad thing") == (error.path, error.message)


def test_unknown_key_message_without_close_key_says_to_remove_it() -> None:
    message = unknown_key_message("zzz", ["alpha"], where="config")

    assert "unknown key 'zzz' in config; remove it (known keys: alpha)" == message


@given(st.sampled_from(["run_id", "output_dir", "period", "delete_existing"]), st.data())
def test_a_key_with_one_letter_dropped_is_matched_to_itself(key: str, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(key) - 1))

    typo = key[:index] + key[index + 1 :]

    assert key == suggest(typo, ["run_id", "output_dir", "period", "delete_existing", "config"])


def test_structured_grid_is_unaffected_by_message_machinery() -> None:
    data = {"model_type": "nested", "grid": {"nx": 2, "ny": 3}}

    assert NestedConfig(grid=Grid(nx=2, ny=3)) == structure(CONVERTER, data, NestedConfig)
