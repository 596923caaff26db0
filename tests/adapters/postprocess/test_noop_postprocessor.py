"""Tests of the noop postprocessor on real folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from rompy.adapters.postprocess.noop import NoopPostprocessor
from rompy.domain.postprocess.spec import NoopPostprocess, PostprocessSpec
from rompy.ports.postprocessing import PostprocessRequest, PostprocessResult


def process(staging_dir: Path, *, validate_outputs: bool = True) -> PostprocessResult:
    request = PostprocessRequest(
        run_id="run1",
        staging_dir=staging_dir,
        spec=NoopPostprocess(validate_outputs=validate_outputs),
    )
    return NoopPostprocessor().process(request)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_staging_dir_with_outputs_is_ok_with_nothing_to_do(tmp_path: Path) -> None:
    (tmp_path / "out.nc").write_text("data")

    assert (True, "nothing to do") == (process(tmp_path).ok, process(tmp_path).message)


def test_an_empty_staging_dir_fails_validation(tmp_path: Path) -> None:
    result = process(tmp_path)

    assert (False, True) == (result.ok, "is empty" in result.message)


def test_a_missing_staging_dir_fails_validation_naming_it(tmp_path: Path) -> None:
    result = process(tmp_path / "absent")

    assert (False, True) == (result.ok, str(tmp_path / "absent") in result.message)


def test_a_file_in_place_of_the_staging_dir_fails_validation(tmp_path: Path) -> None:
    (tmp_path / "staging").write_text("not a folder")

    assert not process(tmp_path / "staging").ok


def test_without_validation_a_missing_staging_dir_is_ok(tmp_path: Path) -> None:
    assert process(tmp_path / "absent", validate_outputs=False).ok


def test_without_validation_an_empty_staging_dir_is_ok(tmp_path: Path) -> None:
    assert process(tmp_path, validate_outputs=False).ok


def test_processing_modifies_nothing(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "out.nc").write_bytes(b"\x00\x01")
    (tmp_path / "INPUT").write_text("&PROJ\n")
    before = snapshot(tmp_path)

    process(tmp_path)

    assert before == snapshot(tmp_path)


def test_processing_creates_nothing_when_the_staging_dir_is_missing(tmp_path: Path) -> None:
    process(tmp_path / "absent")

    assert not (tmp_path / "absent").exists()


def test_a_spec_of_another_postprocessor_is_refused(tmp_path: Path) -> None:
    request = PostprocessRequest(run_id="run1", staging_dir=tmp_path, spec=PostprocessSpec())

    with pytest.raises(TypeError):
        NoopPostprocessor().process(request)
