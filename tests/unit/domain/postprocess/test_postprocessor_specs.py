"""Tests of the archive, validate and transfer postprocessor specs and their glob patterns."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from rompy.application import App, bootstrap
from rompy.domain.errors import ConfigError
from rompy.domain.postprocess.file_outputs import (
    ArchivePostprocess,
    TransferPostprocess,
    ValidatePostprocess,
    compile_pattern,
    matches_any,
    render_destination,
    select_paths,
)
from rompy.domain.postprocess.spec import PostprocessSpec

names = st.text(alphabet="abcxyz019_-.", min_size=1, max_size=8)
relative_paths = st.lists(names, min_size=1, max_size=4).map("/".join)


@pytest.fixture(scope="module")
def app() -> App:
    return bootstrap(load_entry_points=False)


def config_error(build: Any, **fields: Any) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        build(**fields)
    return caught.value


# --- archive ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("destination", "expected"),
    [("out.tar.gz", "tar.gz"), ("out.TGZ", "tar.gz"), ("s3://bucket/{run_id}.zip", "zip")],
)
def test_the_archive_format_defaults_to_the_one_the_destination_tells(
    destination: str, expected: str
) -> None:
    assert expected == ArchivePostprocess(destination=destination).archive_format


def test_an_explicit_format_serves_a_destination_without_a_known_ending() -> None:
    assert "zip" == ArchivePostprocess(destination="bundle.bin", format="zip").archive_format


def test_a_destination_without_a_known_ending_and_no_format_is_refused_at_format() -> None:
    error = config_error(ArchivePostprocess, destination="bundle.tar")

    assert ("format", "bundle.tar" in error.message) == (error.path, True)


def test_a_format_contradicting_the_destination_ending_is_refused() -> None:
    error = config_error(ArchivePostprocess, destination="run.zip", format="tar.gz")

    assert ("format", "tar.gz") == (error.path, error.value)


def test_an_unknown_format_is_refused() -> None:
    assert "format" == config_error(ArchivePostprocess, destination="x", format="rar").path


def test_an_archive_destination_naming_a_folder_is_refused() -> None:
    error = config_error(ArchivePostprocess, destination="archives/")

    assert ("destination", True) == (error.path, "{run_id}.tar.gz" in error.message)


def test_a_destination_with_an_unknown_placeholder_is_refused_naming_it() -> None:
    error = config_error(ArchivePostprocess, destination="archives/{runid}.zip")

    assert ("destination", True) == (error.path, "{runid}" in error.message)


def test_an_archive_includes_every_file_by_default() -> None:
    assert ("**",) == ArchivePostprocess(destination="a.zip").include


def test_a_single_pattern_is_read_as_a_list_of_one() -> None:
    assert ("*.nc",) == ArchivePostprocess(destination="a.zip", exclude="*.nc").exclude


@pytest.mark.parametrize("pattern", ["/abs/*.nc", "../up.nc", "out/../x", "results/", " "])
def test_an_unusable_pattern_is_refused_at_its_index(pattern: str) -> None:
    error = config_error(ArchivePostprocess, destination="a.zip", include=["*.nc", pattern])

    assert ("include[1]", pattern) == (error.path, error.value)


def test_a_pattern_that_is_not_text_is_refused_at_its_index() -> None:
    error = config_error(ArchivePostprocess, destination="a.zip", exclude=["*.tmp", 3])

    assert ("exclude[1]", 3) == (error.path, error.value)


def test_patterns_that_are_not_a_list_are_refused() -> None:
    assert "include" == config_error(ArchivePostprocess, destination="a.zip", include=3).path


# --- validate -----------------------------------------------------------------------------


def test_validate_needs_at_least_one_expected_pattern() -> None:
    assert "expected" == config_error(ValidatePostprocess, expected=[]).path


def test_validate_requires_non_empty_files_by_default() -> None:
    assert ValidatePostprocess(expected="out.nc").non_empty


# --- transfer -----------------------------------------------------------------------------


def test_a_single_destination_is_read_as_a_list_of_one() -> None:
    assert ("memory://x",) == TransferPostprocess(destinations="memory://x").destinations


def test_transfer_needs_at_least_one_destination() -> None:
    assert "destinations" == config_error(TransferPostprocess, destinations=[]).path


def test_a_destination_listed_twice_is_refused_at_its_second_place() -> None:
    error = config_error(TransferPostprocess, destinations=["a", "b", "a"])

    assert "destinations[2]" == error.path


def test_a_bad_destination_is_refused_at_its_index() -> None:
    assert "destinations[1]" == config_error(TransferPostprocess, destinations=["a", ""]).path


def test_transfer_stops_at_the_first_failure_by_default() -> None:
    assert "fail" == TransferPostprocess(destinations=["a"]).on_failure


def test_an_unknown_failure_policy_is_refused() -> None:
    error = config_error(TransferPostprocess, destinations=["a"], on_failure="rollback")

    assert "on_failure" == error.path


def test_allow_partial_without_the_continue_policy_is_refused() -> None:
    error = config_error(TransferPostprocess, destinations=["a"], allow_partial=True)

    assert ("allow_partial", True) == (error.path, "on_failure: continue" in error.message)


def test_allow_partial_with_the_continue_policy_is_accepted() -> None:
    spec = TransferPostprocess(destinations=["a"], on_failure="continue", allow_partial=True)

    assert spec.allow_partial


# --- destinations and patterns --------------------------------------------------------------


def test_run_id_placeholders_are_replaced_everywhere() -> None:
    assert "s3://b/demo/demo.zip" == render_destination("s3://b/{run_id}/{run_id}.zip", "demo")


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("*.nc", "out.nc", True),
        ("*.nc", "sub/out.nc", False),
        ("**/*.nc", "out.nc", True),
        ("**/*.nc", "a/b/out.nc", True),
        ("sub/**", "sub/a/b.txt", True),
        ("sub/**", "other/a.txt", False),
        ("f?.txt", "f1.txt", True),
        ("f?.txt", "f/.txt", False),
        ("f[0-4].txt", "f3.txt", True),
        ("f[!0-4].txt", "f3.txt", False),
        ("f[!0-4].txt", "f/.txt", False),
        ("[abc", "[abc", True),
        ("a+b(1).nc", "a+b(1).nc", True),
    ],
)
def test_glob_patterns_match_relative_paths(pattern: str, path: str, expected: bool) -> None:
    assert expected == bool(compile_pattern(pattern).fullmatch(path))


@given(relative_paths)
def test_a_path_without_wildcards_matches_itself_as_a_pattern(path: str) -> None:
    assert matches_any(path, [path])


@given(relative_paths)
def test_a_double_star_matches_every_path(path: str) -> None:
    assert matches_any(path, ["**"])


@given(relative_paths)
def test_a_single_star_matches_exactly_the_paths_without_folders(path: str) -> None:
    assert ("/" not in path) == matches_any(path, ["*"])


@given(st.lists(names, max_size=3), names)
def test_a_leading_double_star_finds_a_name_at_any_depth(folders: list[str], name: str) -> None:
    assert matches_any("/".join([*folders, name]), [f"**/{name}"])


@given(st.lists(relative_paths, unique=True))
def test_selection_is_sorted_and_exclusion_wins(paths: list[str]) -> None:
    excluded = set(paths[::2])

    assert sorted(set(paths) - excluded) == select_paths(paths, ["**"], sorted(excluded))


# --- loading from YAML -----------------------------------------------------------------------

ARCHIVE_YAML = """
type: archive
destination: memory://archives/{run_id}.tar.gz
include: ["**/*.nc", "INPUT"]
exclude: "*.tmp"
overwrite: true
"""

VALIDATE_YAML = """
type: validate
expected: [INPUT, "*.nc"]
non_empty: false
"""

TRANSFER_YAML = """
type: transfer
destinations: ["/data/{run_id}", "memory://mirror/{run_id}"]
include: ["*.nc"]
on_failure: continue
allow_partial: true
"""


def test_an_archive_spec_loads_from_yaml(app: App) -> None:
    expected = ArchivePostprocess(
        destination="memory://archives/{run_id}.tar.gz",
        include=("**/*.nc", "INPUT"),
        exclude=("*.tmp",),
        overwrite=True,
    )

    assert expected == app.structure(yaml.safe_load(ARCHIVE_YAML), PostprocessSpec)


def test_a_validate_spec_loads_from_yaml(app: App) -> None:
    expected = ValidatePostprocess(expected=("INPUT", "*.nc"), non_empty=False)

    assert expected == app.structure(yaml.safe_load(VALIDATE_YAML), PostprocessSpec)


def test_a_transfer_spec_loads_from_yaml(app: App) -> None:
    expected = TransferPostprocess(
        destinations=("/data/{run_id}", "memory://mirror/{run_id}"),
        include=("*.nc",),
        on_failure="continue",
        allow_partial=True,
    )

    assert expected == app.structure(yaml.safe_load(TRANSFER_YAML), PostprocessSpec)


@pytest.mark.parametrize("text", [ARCHIVE_YAML, VALIDATE_YAML, TRANSFER_YAML])
def test_specs_survive_a_round_trip_through_plain_data(app: App, text: str) -> None:
    spec = app.structure(yaml.safe_load(text), PostprocessSpec)

    assert spec == app.structure(app.unstructure(spec), PostprocessSpec)


def test_a_yaml_error_names_the_field_path(app: App) -> None:
    data = {"type": "archive", "destination": "x.zip", "include": ["ok", "/abs"]}

    with pytest.raises(ConfigError) as caught:
        app.structure(data, PostprocessSpec)

    assert "include[1]" in str(caught.value)


def test_a_yaml_pattern_that_is_not_text_is_refused_at_its_index(app: App) -> None:
    data = {"type": "validate", "expected": ["out.nc", {"name": "x"}]}

    with pytest.raises(ConfigError) as caught:
        app.structure(data, PostprocessSpec)

    assert "expected[1]" in str(caught.value)


def test_a_misspelt_yaml_key_is_refused(app: App) -> None:
    with pytest.raises(ConfigError) as caught:
        app.structure({"type": "transfer", "destination": ["a"]}, PostprocessSpec)

    assert "destination" in str(caught.value)
