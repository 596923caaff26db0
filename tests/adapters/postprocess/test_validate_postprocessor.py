"""Tests of the validate postprocessor on real folders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rompy.adapters.postprocess.validate import ValidatePostprocessor
from rompy.domain.postprocess.file_outputs import ValidatePostprocess
from rompy.domain.postprocess.spec import NoopPostprocess
from rompy.ports.postprocessing import PostprocessRequest, PostprocessResult


@pytest.fixture
def staging(tmp_path: Path) -> Path:
    folder = tmp_path / "staging"
    (folder / "out").mkdir(parents=True)
    (folder / "INPUT").write_text("&PROJ /\n")
    (folder / "out" / "hs.nc").write_bytes(b"\x89HDF")
    (folder / "out" / "tp.nc").write_bytes(b"\x89HDF")
    return folder


def validate(staging: Path, **fields: Any) -> PostprocessResult:
    request = PostprocessRequest(
        run_id="run1", staging_dir=staging, spec=ValidatePostprocess(**fields)
    )
    return ValidatePostprocessor().process(request)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_outputs_matching_every_pattern_are_ok(staging: Path) -> None:
    result = validate(staging, expected=["INPUT", "out/*.nc"])

    assert (True, "all 2 expected patterns found (3 files)") == (result.ok, result.message)


def test_the_details_list_the_files_each_pattern_matched(staging: Path) -> None:
    result = validate(staging, expected=["INPUT", "**/*.nc"])

    expected = {"INPUT": ["INPUT"], "**/*.nc": ["out/hs.nc", "out/tp.nc"]}
    assert expected == result.details["matched"]


def test_a_pattern_matching_nothing_fails_naming_it(staging: Path) -> None:
    result = validate(staging, expected=["INPUT", "*.grib"])

    assert (False, "missing (no file matches): *.grib") == (result.ok, result.message)


def test_every_missing_pattern_is_named(staging: Path) -> None:
    result = validate(staging, expected=["*.grib", "INPUT", "out/*.tab"])

    assert "missing (no file matches): *.grib, out/*.tab" == result.message


def test_an_empty_matching_file_fails_naming_the_file(staging: Path) -> None:
    (staging / "out" / "tp.nc").write_bytes(b"")

    result = validate(staging, expected=["out/*.nc"])

    assert (False, "empty: out/tp.nc") == (result.ok, result.message)


def test_missing_patterns_and_empty_files_are_named_together(staging: Path) -> None:
    (staging / "INPUT").write_bytes(b"")

    result = validate(staging, expected=["INPUT", "*.grib"])

    assert "missing (no file matches): *.grib; empty: INPUT" == result.message


def test_empty_files_are_accepted_when_non_empty_is_off(staging: Path) -> None:
    (staging / "INPUT").write_bytes(b"")

    assert validate(staging, expected=["INPUT"], non_empty=False).ok


def test_an_empty_staging_dir_names_every_pattern_missing(tmp_path: Path) -> None:
    result = validate(tmp_path, expected=["INPUT", "*.nc"])

    assert (False, "missing (no file matches): INPUT, *.nc") == (result.ok, result.message)


def test_a_missing_staging_dir_fails_naming_it(tmp_path: Path) -> None:
    result = validate(tmp_path / "absent", expected=["INPUT"])

    assert (False, True) == (result.ok, str(tmp_path / "absent") in result.message)


def test_validation_writes_nothing(staging: Path) -> None:
    before = snapshot(staging)

    result = validate(staging, expected=["INPUT", "*.grib"])

    assert (before, ()) == (snapshot(staging), result.outputs)


def test_a_spec_of_another_postprocessor_is_refused(staging: Path) -> None:
    request = PostprocessRequest(run_id="run1", staging_dir=staging, spec=NoopPostprocess())

    with pytest.raises(TypeError):
        ValidatePostprocessor().process(request)
