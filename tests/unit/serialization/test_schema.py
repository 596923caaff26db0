"""The JSON Schema: valid draft 2020-12, covers the registry, accepts what the converter reads."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import given
from serialization_samples import (
    COMPAT_DIR,
    CONFIGS_DIR,
    Grid,
    NestedConfig,
    make_registry,
    model_runs,
    pipelines,
)

from rompy.domain.execution.spec import ExecutionSpec, LocalExecution
from rompy.domain.model_run import ModelRun
from rompy.domain.pipeline import PipelineSpec
from rompy.ports.registry import FAMILIES
from rompy.serialization import json_schema, json_schema_for, make_converter, unstructure

REGISTRY = make_registry()
CONVERTER = make_converter(REGISTRY)
RUN_SCHEMA = json_schema(REGISTRY)
PIPELINE_SCHEMA = json_schema(REGISTRY, PipelineSpec)
RUN_VALIDATOR = jsonschema.Draft202012Validator(RUN_SCHEMA)
PIPELINE_VALIDATOR = jsonschema.Draft202012Validator(PIPELINE_SCHEMA)


def load(path: str) -> Any:
    return yaml.safe_load((COMPAT_DIR / path).read_text())


def errors_of(validator: jsonschema.Draft202012Validator, document: Any) -> list[str]:
    return [error.message for error in validator.iter_errors(document)]


def definition(cls: type) -> dict[str, Any]:
    body: dict[str, Any] = RUN_SCHEMA["$defs"][cls.__name__]
    return body


@pytest.mark.parametrize("schema", [RUN_SCHEMA, PIPELINE_SCHEMA])
def test_schema_is_a_valid_draft_2020_12_schema(schema: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator.check_schema(schema)

    assert "https://json-schema.org/draft/2020-12/schema" == schema["$schema"]


def test_schema_is_plain_json() -> None:
    assert RUN_SCHEMA == json.loads(json.dumps(RUN_SCHEMA))


def test_every_registered_tag_appears_as_a_const() -> None:
    expected = {
        (FAMILIES[family].tag_field, tag)
        for family in REGISTRY.families
        for tag in REGISTRY.classes(family)
    }

    found = {
        (key, prop["const"])
        for body in RUN_SCHEMA["$defs"].values()
        for key, prop in body.get("properties", {}).items()
        if key in {"type", "model_type"} and "const" in prop
    }

    assert expected <= found


def test_classes_unreachable_from_the_root_are_still_described() -> None:
    assert {"LocalExecution", "NoopPostprocess"} <= set(RUN_SCHEMA["$defs"])


def test_tagged_family_field_is_one_of_refs_to_its_members() -> None:
    config = definition(ModelRun)["properties"]["config"]

    assert [
        {"$ref": "#/$defs/BaseConfig"},
        {"$ref": "#/$defs/NestedConfig"},
    ] == config["oneOf"]


def test_family_member_requires_its_tag() -> None:
    assert "model_type" in definition(NestedConfig)["required"]


def test_default_model_config_may_leave_its_tag_out() -> None:
    assert [] == errors_of(RUN_VALIDATOR, {"config": {"variables": {"arg1": 1}}})


def test_executor_accepts_type_or_backend_type_but_needs_one() -> None:
    validator = jsonschema.Draft202012Validator(json_schema_for(REGISTRY, LocalExecution))

    verdicts = [
        validator.is_valid(document)
        for document in ({"type": "local"}, {"backend_type": "local"}, {"timeout": 5})
    ]

    assert [True, True, False] == verdicts


def test_every_object_definition_refuses_unknown_keys() -> None:
    flags = {name: body.get("additionalProperties") for name, body in RUN_SCHEMA["$defs"].items()}

    assert {name: False for name in flags} == flags


def test_unknown_key_fails_validation() -> None:
    assert errors_of(RUN_VALIDATOR, {"runid": "a"})


def test_unknown_model_type_fails_validation() -> None:
    assert errors_of(RUN_VALIDATOR, {"config": {"model_type": "swan"}})


def test_descriptions_come_from_the_attributes_section() -> None:
    properties = definition(Grid)["properties"]

    assert "Number of columns, at least one." == properties["nx"]["description"]
    assert "Cell size in metres." == properties["dx"]["description"]


def test_class_description_is_the_docstring_summary() -> None:
    assert "A regular grid." == definition(Grid)["description"]


def test_defaults_are_written_as_plain_data() -> None:
    properties = definition(NestedConfig)["properties"]

    assert ([], "upwind") == (properties["outputs"]["default"], properties["scheme"]["default"])


def test_required_fields_have_no_default() -> None:
    assert ["model_type", "grid"] == definition(NestedConfig)["required"]


def test_literal_becomes_an_enum() -> None:
    scheme = definition(NestedConfig)["properties"]["scheme"]

    assert ["upwind", "central"] == scheme["enum"]


def test_optional_path_is_a_string_or_null() -> None:
    forcing = definition(NestedConfig)["properties"]["forcing"]

    assert [{"type": "string"}, {"type": "null"}] == forcing["anyOf"]


def test_list_of_classes_is_an_array_of_refs() -> None:
    outputs = definition(NestedConfig)["properties"]["outputs"]

    assert ("array", {"$ref": "#/$defs/Output"}) == (outputs["type"], outputs["items"])


def test_homogeneous_tuple_is_an_array_of_its_item_type() -> None:
    quantities = RUN_SCHEMA["$defs"]["Output"]["properties"]["quantities"]

    assert ("array", {"type": "string"}) == (quantities["type"], quantities["items"])


def test_int_is_an_integer() -> None:
    assert "integer" == definition(Grid)["properties"]["ny"]["type"]


def test_intervals_are_text_or_numbers() -> None:
    every = RUN_SCHEMA["$defs"]["Output"]["properties"]["every"]

    assert ["string", "number"] == every["type"]


def test_datetimes_are_date_time_strings() -> None:
    start = RUN_SCHEMA["$defs"]["TimeRange"]["properties"]["start"]

    assert ("string", "date-time") == (start["type"], start["format"])


def test_time_range_lists_start_end_duration_interval_and_include_end() -> None:
    properties = RUN_SCHEMA["$defs"]["TimeRange"]["properties"]

    assert {"start", "end", "duration", "interval", "include_end"} == set(properties)


def test_time_range_needs_two_of_start_end_and_duration() -> None:
    verdicts = [
        RUN_VALIDATOR.is_valid({"period": period})
        for period in ({"start": "2023-01-01"}, {"start": "2023-01-01", "duration": "1d"})
    ]

    assert [False, True] == verdicts


def test_compat_model_run_validates() -> None:
    assert [] == errors_of(RUN_VALIDATOR, load("configs/basic_modelrun.yml"))


def test_compat_pipeline_validates() -> None:
    assert [] == errors_of(PIPELINE_VALIDATOR, load("configs/basic_pipeline.yml"))


def test_compat_backend_examples_validate_against_the_execution_spec_schema() -> None:
    validator = jsonschema.Draft202012Validator(json_schema_for(REGISTRY, ExecutionSpec))
    documents = yaml.safe_load_all((CONFIGS_DIR / "local_backend_examples.yml").read_text())

    assert [[]] * 5 == [errors_of(validator, document) for document in documents]


def test_schema_for_one_class_describes_only_what_it_refers_to() -> None:
    schema = json_schema_for(REGISTRY, LocalExecution)

    assert (["LocalExecution"], "#/$defs/LocalExecution") == (list(schema["$defs"]), schema["$ref"])


@given(model_runs)
def test_every_unstructured_model_run_validates(run: ModelRun) -> None:
    assert [] == errors_of(RUN_VALIDATOR, unstructure(CONVERTER, run))


@given(pipelines)
def test_every_unstructured_pipeline_validates(pipeline: PipelineSpec) -> None:
    assert [] == errors_of(PIPELINE_VALIDATOR, unstructure(CONVERTER, pipeline))
