"""The converter: compat files load, tagged families dispatch, values round-trip."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import cattrs
import pytest
import yaml
from hypothesis import given
from serialization_samples import (
    COMPAT_DIR,
    CONFIGS_DIR,
    Grid,
    NestedConfig,
    Output,
    make_registry,
    model_runs,
    pipelines,
)

from rompy.domain.errors import ConfigError
from rompy.domain.execution.spec import ExecutionSpec, LocalExecution
from rompy.domain.model_config import BaseConfig, ModelConfig
from rompy.domain.model_run import ModelRun
from rompy.domain.pipeline import PipelineSpec
from rompy.domain.postprocess.spec import NoopPostprocess, PostprocessSpec
from rompy.domain.time import TimeRange
from rompy.serialization import make_converter, structure, unstructure

CONVERTER = make_converter(make_registry())

COMPAT_FILES: dict[str, type] = {
    "basic_modelrun.yml": ModelRun,
    "basic_pipeline.yml": PipelineSpec,
    "local_backend.yml": LocalExecution,
    "local_backend_examples.yml": LocalExecution,
}
NOT_LOADED_HERE = {
    "templated_modelrun.yml": "needs ${VAR} substitution from the loading edge",
    "basic_pipeline_with_includes.yml": "needs !include from the loading edge",
    "docker_backend.yml": "needs the Docker spec",
    "slurm_backend.yml": "needs the SLURM spec",
}


def load_documents(path: Path) -> list[Any]:
    with path.open() as stream:
        return list(yaml.safe_load_all(stream))


def test_make_converter_builds_a_new_converter_each_call() -> None:
    registry = make_registry()

    first, second = make_converter(registry), make_converter(registry)

    assert first is not second
    assert cattrs.global_converter not in (first, second)


def test_every_compat_config_is_either_loaded_here_or_listed_as_needing_another_part() -> None:
    expected = sorted(path.name for path in CONFIGS_DIR.glob("*.yml"))

    assert expected == sorted([*COMPAT_FILES, *NOT_LOADED_HERE])


@pytest.mark.parametrize(("file_name", "cls"), sorted(COMPAT_FILES.items()))
def test_compat_config_structures_into_its_class(file_name: str, cls: type) -> None:
    for document in load_documents(CONFIGS_DIR / file_name):
        assert isinstance(structure(CONVERTER, document, cls), cls)


@pytest.mark.parametrize("file_name", ["noop_basic.yml", "noop_advanced.yml"])
def test_compat_postprocessor_config_structures_into_noop(file_name: str) -> None:
    [document] = load_documents(COMPAT_DIR / "backends" / "postprocessor_configs" / file_name)

    assert isinstance(structure(CONVERTER, document, PostprocessSpec), NoopPostprocess)


def test_compat_model_run_keeps_its_values() -> None:
    [document] = load_documents(CONFIGS_DIR / "basic_modelrun.yml")

    run = structure(CONVERTER, document, ModelRun)

    assert document["run_id"] == run.run_id
    assert datetime.fromisoformat(document["period"]["end"]) == run.period.end
    assert timedelta(hours=1) == run.period.interval
    assert Path(document["output_dir"]) == run.output_dir
    assert BaseConfig() == run.config


def test_compat_pipeline_reads_backend_and_postprocessor() -> None:
    [document] = load_documents(CONFIGS_DIR / "basic_pipeline.yml")

    pipeline = structure(CONVERTER, document, PipelineSpec)

    assert document["backend"]["command"] == pipeline.backend.command  # type: ignore[attr-defined]
    assert document["backend"]["env_vars"] == pipeline.backend.env_vars
    assert NoopPostprocess(validate_outputs=True) == pipeline.postprocessor


def test_backend_type_key_is_accepted_instead_of_type() -> None:
    spec = structure(CONVERTER, {"backend_type": "local", "timeout": 60}, ExecutionSpec)

    assert LocalExecution(timeout=60) == spec


def test_run_level_model_type_modelrun_is_accepted_and_ignored() -> None:
    with_tag = structure(CONVERTER, {"model_type": "modelrun", "run_id": "a"}, ModelRun)

    assert ModelRun(run_id="a") == with_tag


def test_model_config_without_model_type_is_a_base_config() -> None:
    run = structure(CONVERTER, {"config": {"variables": {"arg1": "foo"}}}, ModelRun)

    assert BaseConfig(variables={"arg1": "foo"}) == run.config


def test_model_config_tag_selects_the_registered_class() -> None:
    data = {"model_type": "nested", "grid": {"nx": 3, "ny": 4}}

    assert NestedConfig(grid=Grid(nx=3, ny=4)) == structure(CONVERTER, data, ModelConfig)


def test_concrete_class_accepts_its_own_tag() -> None:
    assert LocalExecution() == structure(CONVERTER, {"type": "local"}, LocalExecution)


def test_unstructure_writes_the_tag_first() -> None:
    data = unstructure(CONVERTER, NestedConfig(grid=Grid(nx=1, ny=1)))

    assert ["model_type", "grid", "outputs"] == list(data)[:3]
    assert "nested" == data["model_type"]


def test_time_range_reads_start_and_duration() -> None:
    data = {"start": "2023-01-01", "duration": "1d", "interval": "6h"}

    period = structure(CONVERTER, data, TimeRange)

    assert TimeRange(start="2023-01-01", end="2023-01-02", interval="6h") == period


def test_time_range_reads_end_and_duration() -> None:
    period = structure(CONVERTER, {"end": "2023-01-02", "duration": "12h"}, TimeRange)

    assert datetime(2023, 1, 1, 12) == period.start


def test_time_range_unstructures_to_start_end_interval_and_include_end() -> None:
    period = TimeRange(start="2023-01-01", end="2023-01-02", interval="30min", include_end=False)

    data = unstructure(CONVERTER, period)

    assert {
        "start": "2023-01-01T00:00:00",
        "end": "2023-01-02T00:00:00",
        "interval": "30min",
        "include_end": False,
    } == data


def test_yaml_date_and_datetime_objects_are_accepted() -> None:
    data = {"start": date(2023, 1, 1), "end": datetime(2023, 1, 1, 6)}

    assert TimeRange(start="2023-01-01", end="2023-01-01T06") == structure(
        CONVERTER, data, TimeRange
    )


def test_numbers_in_env_vars_become_text() -> None:
    spec = structure(CONVERTER, {"env_vars": {"OMP_NUM_THREADS": 4}}, LocalExecution)

    assert {"OMP_NUM_THREADS": "4"} == spec.env_vars


def test_text_false_is_read_as_false() -> None:
    spec = structure(CONVERTER, {"capture_output": "false"}, LocalExecution)

    assert spec.capture_output is False


def test_text_is_not_read_as_a_list_of_letters() -> None:
    data = {"name": "waves", "quantities": "hs"}

    with pytest.raises(ConfigError):
        structure(CONVERTER, data, Output)


def test_intervals_unstructure_as_short_text() -> None:
    data = unstructure(CONVERTER, Output(name="a", every=timedelta(minutes=90)))

    assert "90min" == data["every"]


def test_unstructured_run_can_be_written_with_yaml_safe_dump() -> None:
    run = ModelRun(
        config=NestedConfig(grid=Grid(nx=1, ny=1), outputs=[Output(name="a", quantities=("x",))])
    )

    text = yaml.safe_dump(unstructure(CONVERTER, run))

    assert run == structure(CONVERTER, yaml.safe_load(text), ModelRun)


@given(model_runs)
def test_model_run_round_trips_through_plain_data(run: ModelRun) -> None:
    assert run == structure(CONVERTER, unstructure(CONVERTER, run), ModelRun)


@given(model_runs)
def test_model_run_round_trips_through_json(run: ModelRun) -> None:
    text = json.dumps(unstructure(CONVERTER, run))

    assert run == structure(CONVERTER, json.loads(text), ModelRun)


@given(pipelines)
def test_pipeline_round_trips_through_json(pipeline: PipelineSpec) -> None:
    text = json.dumps(unstructure(CONVERTER, pipeline))

    assert pipeline == structure(CONVERTER, json.loads(text), PipelineSpec)


def test_union_prefers_the_member_of_the_same_type() -> None:
    value = structure(CONVERTER, 5, float | int)

    assert (5, int) == (value, type(value))


def test_union_reads_a_list_into_the_sequence_member() -> None:
    assert ("ls", "-l") == structure(CONVERTER, ["ls", "-l"], str | tuple[str, ...])


def test_union_failure_names_every_member_and_the_value() -> None:
    with pytest.raises(ConfigError) as caught:
        structure(CONVERTER, {"a": 1}, int | bool)

    assert "expected a whole number or true or false, got {'a': 1}" == caught.value.message
