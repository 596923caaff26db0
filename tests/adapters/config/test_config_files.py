"""Tests of the config-file loading edge on real files: YAML/JSON, includes, placeholders."""

from __future__ import annotations

import io
import json
import math
import textwrap
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rompy.adapters.config.dumping import dump_json, dump_yaml
from rompy.adapters.config.files import (
    MAX_INCLUDE_DEPTH,
    load_document,
    load_documents,
    loads_documents,
)
from rompy.domain.errors import ConfigError

FIXTURES = Path(__file__).parents[2] / "fixtures"
COMPAT_CONFIGS = FIXTURES / "compat" / "rompy-0.6" / "configs"
LOADING = FIXTURES / "loading"
COMPAT_ENV = {"CYCLE": "2023-01-01T00:00:00", "DATA_ROOT": "/tmp"}
TYPED_ENV = {
    "N": "3",
    "F": "true",
    "R": "0.5",
    "V": "007",
    "EMPTY": "",
    "CYCLE": "2023-01-01T00:00:00",
    "KEY": "dynamic",
}


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load_text(text: str, folder: Path, env: dict[str, str] | None = None) -> Any:
    (document,) = loads_documents(textwrap.dedent(text), base_dir=folder, env=env or {})
    return document


# --- the configuration files users of rompy 0.6 already have -------------------------------


@pytest.mark.parametrize(
    "path", sorted(COMPAT_CONFIGS.parent.rglob("*.yml")), ids=lambda path: path.name
)
def test_every_compat_config_loads_to_mappings(path: Path) -> None:
    documents = load_documents(path, env=COMPAT_ENV)
    assert documents
    assert all(isinstance(document, dict) for document in documents)


def test_the_multi_document_compat_file_gives_all_five_documents() -> None:
    documents = load_documents(COMPAT_CONFIGS / "local_backend_examples.yml", env=COMPAT_ENV)
    assert 5 == len(documents)


def test_the_multi_document_compat_file_keeps_document_order() -> None:
    documents = load_documents(COMPAT_CONFIGS / "local_backend_examples.yml", env=COMPAT_ENV)
    assert [7200, 1800, 14400, 7200, 3600] == [document["timeout"] for document in documents]


def test_compat_includes_expand_to_the_included_files() -> None:
    pipeline = load_document(COMPAT_CONFIGS / "basic_pipeline_with_includes.yml", env=COMPAT_ENV)
    expected = {
        "config": load_document(COMPAT_CONFIGS / "basic_modelrun.yml", env={}),
        "backend": load_document(COMPAT_CONFIGS / "local_backend.yml", env={}),
        "postprocessor": load_document(
            COMPAT_CONFIGS.parent / "backends" / "postprocessor_configs" / "noop_basic.yml", env={}
        ),
    }
    assert expected == pipeline


def test_the_templated_compat_run_gets_its_run_id_from_the_cycle() -> None:
    run = load_document(COMPAT_CONFIGS / "templated_modelrun.yml", env=COMPAT_ENV)
    assert "cycle_20230101" == run["run_id"]


def test_the_templated_compat_run_period_ends_a_day_after_the_cycle() -> None:
    run = load_document(COMPAT_CONFIGS / "templated_modelrun.yml", env=COMPAT_ENV)
    expected = {"start": "2023-01-01T00:00:00", "end": "2023-01-02T00:00:00", "interval": "1H"}
    assert expected == run["period"]


def test_the_templated_compat_run_output_dir_defaults_under_output() -> None:
    run = load_document(COMPAT_CONFIGS / "templated_modelrun.yml", env=COMPAT_ENV)
    assert "./output/cycle_20230101" == run["output_dir"]


def test_the_templated_compat_run_output_dir_follows_output_root() -> None:
    env = {**COMPAT_ENV, "OUTPUT_ROOT": "/scratch/out"}
    run = load_document(COMPAT_CONFIGS / "templated_modelrun.yml", env=env)
    assert "/scratch/out/cycle_20230101" == run["output_dir"]


def test_the_templated_compat_run_without_cycle_names_variable_file_and_line() -> None:
    with pytest.raises(ConfigError) as caught:
        load_document(COMPAT_CONFIGS / "templated_modelrun.yml", env={})
    name = str(COMPAT_CONFIGS / "templated_modelrun.yml")
    expected = (
        f"environment variable CYCLE is not set (used in {name} line 9); "
        "set it or write ${CYCLE:-default}"
    )
    assert expected == str(caught.value)


# --- sources -----------------------------------------------------------------------------


def test_a_json_file_is_read_as_strict_json_with_placeholders_in_strings() -> None:
    expected = {
        "count": 3,
        "big": 100000.0,
        "label": "run-3",
        "end": "2023-01-02T00:00:00",
        "smile": "\N{GRINNING FACE}",
    }
    assert expected == load_document(LOADING / "typed.json", env=TYPED_ENV)


def test_an_undefined_variable_in_json_names_the_line_of_its_string(tmp_path: Path) -> None:
    path = write(tmp_path, "run.json", '{\n  "a": 1,\n  "b": "x-${UNSET}"\n}\n')
    with pytest.raises(ConfigError, match=r"UNSET is not set \(used in .*run\.json line 3\)"):
        load_documents(path, env={})


def test_stdin_is_read_when_the_source_is_a_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a: ${N}\n---\nb: 2\n"))
    assert [{"a": 3}, {"b": 2}] == load_documents("-", env={"N": "3"})


def test_the_process_environment_is_used_when_no_env_is_given(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ROMPY_TEST_RUN_ID", "from-environ")
    path = write(tmp_path, "run.yml", "run_id: ${ROMPY_TEST_RUN_ID}\n")
    assert {"run_id": "from-environ"} == load_document(path)


def test_text_includes_files_relative_to_the_given_base_dir(tmp_path: Path) -> None:
    write(tmp_path, "parts/backend.yml", "type: local\n")
    assert {"backend": {"type": "local"}} == load_text(
        "backend: !include parts/backend.yml", tmp_path
    )


def test_a_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "bom.yml"
    path.write_bytes("\ufeffa: 1\n".encode())
    assert {"a": 1} == load_document(path, env={})


def test_a_file_with_one_document_loads_as_that_document(tmp_path: Path) -> None:
    path = write(tmp_path, "one.yml", "a: [1, 2]\n")
    assert {"a": [1, 2]} == load_document(path, env={})


def test_load_document_refuses_a_file_with_several_documents(tmp_path: Path) -> None:
    path = write(tmp_path, "two.yml", "a: 1\n---\nb: 2\n")
    with pytest.raises(ConfigError, match="holds 2 YAML documents; expected exactly one"):
        load_document(path, env={})


def test_load_document_refuses_an_empty_file(tmp_path: Path) -> None:
    path = write(tmp_path, "empty.yml", "# nothing here\n")
    with pytest.raises(ConfigError, match="holds 0 YAML documents"):
        load_document(path, env={})


# --- includes ----------------------------------------------------------------------------


def test_an_include_path_may_use_a_placeholder() -> None:
    env = {"PARTS_DIR": str(LOADING / "parts"), "N": "5"}
    expected = {
        "run": {"run_id": "composed", "count": 5},
        "backend": {"type": "local", "timeout": 60},
    }
    assert expected == load_document(LOADING / "composed.yml", env=env)


def test_included_files_are_substituted_with_the_same_env() -> None:
    composed = load_document(LOADING / "composed.yml", env={"N": "9"})
    assert 9 == composed["run"]["count"]


def test_an_include_in_a_sequence_replaces_the_item(tmp_path: Path) -> None:
    write(tmp_path, "item.yml", "name: x\n")
    assert {"items": [{"name": "x"}, 2]} == load_text(
        """\
        items:
          - !include item.yml
          - 2
        """,
        tmp_path,
    )


def test_nested_includes_are_relative_to_each_including_file(tmp_path: Path) -> None:
    write(tmp_path, "a.yml", "b: !include sub/b.yml\n")
    write(tmp_path, "sub/b.yml", "c: !include deeper/c.yml\n")
    write(tmp_path, "sub/deeper/c.yml", "leaf: true\n")
    assert {"b": {"c": {"leaf": True}}} == load_document(tmp_path / "a.yml", env={})


def test_an_include_of_a_missing_file_names_the_including_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "main.yml", "run: 1\nbackend: !include backends/local.yml\n")
    with pytest.raises(ConfigError) as caught:
        load_document("main.yml", env={})
    expected = "!include target not found: backends/local.yml (included from main.yml line 2)"
    assert expected == str(caught.value)


def test_an_include_of_a_misspelt_file_suggests_the_close_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "local.yaml", "type: local\n")
    write(tmp_path, "main.yml", "backend: !include local.yml\n")
    with pytest.raises(ConfigError, match=r"; did you mean local\.yaml\?$"):
        load_document("main.yml", env={})


def test_an_include_cycle_shows_the_chain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(LOADING)
    with pytest.raises(ConfigError) as caught:
        load_document("cycle_a.yml", env={})
    assert "cycle_a.yml → cycle_b.yml → cycle_a.yml" in str(caught.value)


def test_a_file_including_itself_is_a_cycle(tmp_path: Path) -> None:
    path = write(tmp_path, "self.yml", "me: !include self.yml\n")
    with pytest.raises(ConfigError, match=r"!include cycle in .*self\.yml line 1"):
        load_document(path, env={})


def test_includes_nested_deeper_than_the_limit_are_an_error(tmp_path: Path) -> None:
    for level in range(MAX_INCLUDE_DEPTH + 1):
        write(tmp_path, f"level{level}.yml", f"next: !include level{level + 1}.yml\n")
    write(tmp_path, f"level{MAX_INCLUDE_DEPTH + 1}.yml", "leaf: true\n")
    with pytest.raises(ConfigError, match=f"nested deeper than {MAX_INCLUDE_DEPTH} files"):
        load_document(tmp_path / "level0.yml", env={})


def test_includes_nested_up_to_the_limit_load(tmp_path: Path) -> None:
    for level in range(MAX_INCLUDE_DEPTH - 1):
        write(tmp_path, f"level{level}.yml", f"next: !include level{level + 1}.yml\n")
    write(tmp_path, f"level{MAX_INCLUDE_DEPTH - 1}.yml", "leaf: true\n")
    data = load_document(tmp_path / "level0.yml", env={})
    for _ in range(MAX_INCLUDE_DEPTH - 1):
        data = data["next"]
    assert {"leaf": True} == data


def test_an_included_file_with_several_documents_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "many.yml", "a: 1\n---\nb: 2\n")
    write(tmp_path, "main.yml", "x: !include many.yml\n")
    with pytest.raises(ConfigError, match="holds 2 YAML documents; an !include target must hold"):
        load_document(tmp_path / "main.yml", env={})


def test_an_include_on_a_mapping_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="!include needs a file path in <string> line 1"):
        load_text("x: !include {a: 1}\n", tmp_path)


def test_a_syntax_error_in_an_included_file_names_that_file(tmp_path: Path) -> None:
    write(tmp_path, "broken.yml", "a: [1, 2\n")
    write(tmp_path, "main.yml", "x: !include broken.yml\n")
    with pytest.raises(ConfigError, match=r"invalid YAML in .*broken\.yml line 2"):
        load_document(tmp_path / "main.yml", env={})


# --- errors in the file itself -----------------------------------------------------------


def test_a_missing_file_is_an_error_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as caught:
        load_documents("configs/missing.yml", env={})
    assert "config file not found: configs/missing.yml" == str(caught.value)


def test_a_missing_file_suggests_a_similar_name_in_the_same_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "configs/modelrun.yaml", "a: 1\n")
    with pytest.raises(ConfigError) as caught:
        load_documents("configs/modelrun.yml", env={})
    expected = "config file not found: configs/modelrun.yml; did you mean configs/modelrun.yaml?"
    assert expected == str(caught.value)


def test_a_folder_is_not_a_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is a folder, not a file"):
        load_documents(tmp_path, env={})


def test_a_yaml_syntax_error_gives_file_line_column_and_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "bad.yml", "run_id: demo\nperiod:\n  start: 1\n   end: 2\n")
    with pytest.raises(ConfigError) as caught:
        load_documents("bad.yml", env={})
    # libyaml ends the problem with "in this context", PyYAML's own parser with "here"
    assert str(caught.value).startswith(
        "invalid YAML in bad.yml line 4, column 7: mapping values are not allowed "
    )


def test_an_unknown_yaml_tag_is_an_error_with_its_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"line 2, column 4: .*'!python/object'"):
        load_text("a: 1\nb: !python/object {}\n", tmp_path)


def test_a_json_syntax_error_gives_file_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.json", '{\n  "a": 1,\n  "b": \n}\n')
    with pytest.raises(ConfigError, match=r"invalid JSON in .*bad\.json line 4, column 1: "):
        load_documents(path, env={})


def test_a_key_written_twice_is_an_error_with_both_lines(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_text("run_id: a\nother: 1\nrun_id: b\n", tmp_path)
    expected = "duplicate key 'run_id' in <string> line 3 (first at line 1); keep only one"
    assert expected == str(caught.value)


def test_a_key_written_twice_in_json_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "twice.json", '{"a": 1, "a": 2}')
    with pytest.raises(ConfigError, match="duplicate key 'a'"):
        load_documents(path, env={})


def test_merge_keys_may_be_overridden_without_a_duplicate_error(tmp_path: Path) -> None:
    text = """\
        base: &base {a: 1, b: 2}
        derived:
          <<: *base
          b: 3
        """
    assert {"a": 1, "b": 3} == load_text(text, tmp_path)["derived"]


def test_an_unknown_filter_names_the_file_line_and_known_filters(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_text("a: 1\nb: ${CYCLE|tomorrow}\n", tmp_path, COMPAT_ENV)
    message = str(caught.value)
    assert "unknown filter 'tomorrow'" in message
    assert "<string> line 2" in message
    assert "known filters: as_datetime, lower, shift, strftime, upper" in message


def test_an_undefined_variable_in_a_key_names_its_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"MISSING is not set \(used in <string> line 2\)"):
        load_text("a: 1\n${MISSING}: 2\n", tmp_path)


# --- how substituted values are typed -----------------------------------------------------


@pytest.fixture(scope="module")
def typed() -> Any:
    return load_document(LOADING / "typed.yml", env=TYPED_ENV)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("count", 3),
        ("flag", True),
        ("ratio", 0.5),
        ("code", 7),
        ("quoted_code", "007"),
        ("quoted_count", "3"),
        ("tagged_count", "3"),
        ("label", "run-3"),
        ("nothing", None),
        ("start", datetime(2023, 1, 1)),
        ("end", "2023-01-02T00:00:00"),
        ("day", 20230101),
        ("dynamic", "keyed"),
    ],
)
def test_a_substituted_value_is_typed_as_its_text_would_be(
    typed: dict[str, Any], key: str, expected: Any
) -> None:
    assert (type(expected), expected) == (type(typed[key]), typed[key])


def test_a_quoted_placeholder_stays_a_string_even_for_a_number(tmp_path: Path) -> None:
    assert {"id": "42"} == load_text('id: "${ID}"\n', tmp_path, {"ID": "42"})


def test_a_quoted_number_without_placeholder_stays_a_string(tmp_path: Path) -> None:
    assert {"code": "007"} == load_text('code: "007"\n', tmp_path)


def test_substituted_text_never_becomes_structure(tmp_path: Path) -> None:
    assert {"x": "[1, 2]"} == load_text("x: ${V}\n", tmp_path, {"V": "[1, 2]"})


def test_an_escaped_placeholder_is_kept_literally(tmp_path: Path) -> None:
    assert {"command": "echo ${HOME}"} == load_text('command: "echo $${HOME}"\n', tmp_path)


def test_an_alias_repeats_the_substituted_value(tmp_path: Path) -> None:
    assert {"a": 3, "b": 3} == load_text("a: &n ${N}\nb: *n\n", tmp_path, {"N": "3"})


def test_comments_are_never_substituted(tmp_path: Path) -> None:
    assert {"a": 1} == load_text("# uses ${UNSET}\na: 1  # ${UNSET}\n", tmp_path)


# --- writing -------------------------------------------------------------------------------


def test_dump_yaml_writes_block_style_in_insertion_order() -> None:
    expected = "zeta: 1\nalpha:\n- a\n- b\nnested:\n  key: value\n"
    assert expected == dump_yaml({"zeta": 1, "alpha": ["a", "b"], "nested": {"key": "value"}})


def test_dump_yaml_writes_datetimes_and_dates_as_iso_strings(tmp_path: Path) -> None:
    text = dump_yaml({"start": datetime(2023, 1, 1, 6), "day": date(2023, 1, 2)})
    expected = {"start": "2023-01-01T06:00:00", "day": "2023-01-02"}
    assert expected == load_text(text, tmp_path)


def test_dump_yaml_writes_tuples_and_paths_as_lists_and_strings(tmp_path: Path) -> None:
    text = dump_yaml({"pair": (1, 2), "where": Path("/data/x")})
    assert {"pair": [1, 2], "where": "/data/x"} == load_text(text, tmp_path)


@pytest.mark.parametrize("text", ["007", "true", "yes", "null", "1.5", "2023-01-01", "1e5", ""])
def test_dump_yaml_quotes_strings_that_would_read_as_another_type(
    tmp_path: Path, text: str
) -> None:
    assert {"value": text} == load_text(dump_yaml({"value": text}), tmp_path)


def test_dump_yaml_escapes_placeholders_so_they_read_back_literally(tmp_path: Path) -> None:
    data = {"command": "echo ${HOME}", "${KEY}": 1}
    assert data == load_text(dump_yaml(data), tmp_path)


def test_dump_json_writes_datetimes_as_iso_strings() -> None:
    assert {"start": "2023-01-01T06:00:00"} == json.loads(
        dump_json({"start": datetime(2023, 1, 1, 6)})
    )


def test_dump_json_refuses_values_json_cannot_hold() -> None:
    with pytest.raises(TypeError, match="cannot write object as JSON"):
        dump_json({"x": object()})


scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(alphabet=st.characters(blacklist_categories=("Cs",)))
)
plain_data = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.text(alphabet=st.characters(blacklist_categories=("Cs",))), children, max_size=4
        )
    ),
    max_leaves=20,
)


def same(left: Any, right: Any) -> bool:
    """Equal, and of the same types all the way down (so 1 is not True, 1.0 is not 1)."""
    if isinstance(left, dict) and isinstance(right, dict):
        return list(left) == list(right) and all(same(left[key], right[key]) for key in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(same, left, right))
    if isinstance(left, float) and isinstance(right, float) and math.isinf(left):
        return left == right
    return type(left) is type(right) and left == right


@given(plain_data)
def test_dump_yaml_then_load_gives_back_the_same_data(data: Any) -> None:
    (loaded,) = loads_documents(dump_yaml(data), base_dir=Path("."), env={})
    assert same(data, loaded)


@given(plain_data)
def test_dump_json_then_load_gives_back_the_same_data(data: Any) -> None:
    (loaded,) = loads_documents(dump_json(data), base_dir=Path("."), env={}, name="data.json")
    assert same(data, loaded)
