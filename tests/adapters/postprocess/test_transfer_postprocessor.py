"""Tests of the transfer postprocessor on real files, local folders and fsspec ``memory://``."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import fsspec
import pytest

from rompy.adapters.postprocess.targets import OutputTarget, redact
from rompy.adapters.postprocess.transfer import (
    CopyCheckError,
    SourceFile,
    TransferPostprocessor,
    check_copy,
)
from rompy.domain.postprocess.file_outputs import TransferPostprocess
from rompy.domain.postprocess.spec import NoopPostprocess
from rompy.ports.postprocessing import PostprocessRequest, PostprocessResult
from tests.filetree import write_tree

OUTPUTS = {
    "INPUT": b"&PROJ /\n",
    "out/hs.nc": b"\x89HDF" + bytes(range(256)) * 16,
    "out/deep/tp.nc": b"period",
}


@pytest.fixture
def staging(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "staging", OUTPUTS)


@pytest.fixture
def unwritable(tmp_path: Path) -> str:
    """A destination that cannot be created: a file stands where its folder should be."""
    (tmp_path / "blocker").write_text("a file, not a folder")
    return str(tmp_path / "blocker" / "copies")


def transfer(staging: Path, run_id: str = "run1", **fields: Any) -> PostprocessResult:
    request = PostprocessRequest(
        run_id=run_id, staging_dir=staging, spec=TransferPostprocess(**fields)
    )
    return TransferPostprocessor().process(request)


def local_tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def memory_tree(root: str) -> dict[str, bytes]:
    fs = fsspec.filesystem("memory")
    base = root.removeprefix("memory://").strip("/")
    if not fs.exists(root):
        return {}
    return {
        path.lstrip("/").removeprefix(base).lstrip("/"): fs.cat_file(path) for path in fs.find(root)
    }


def test_outputs_are_copied_to_a_local_folder_and_a_memory_url(
    staging: Path, tmp_path: Path, memory_root: str
) -> None:
    result = transfer(staging, destinations=[str(tmp_path / "copy"), memory_root])

    assert (True, OUTPUTS, OUTPUTS) == (
        result.ok,
        local_tree(tmp_path / "copy"),
        memory_tree(memory_root),
    )


def test_the_result_lists_every_written_file(staging: Path, tmp_path: Path) -> None:
    result = transfer(staging, destinations=[str(tmp_path / "copy")])

    assert sorted(str(tmp_path / "copy" / name) for name in OUTPUTS) == sorted(result.outputs)


def test_the_details_carry_counts_and_source_digests(staging: Path, tmp_path: Path) -> None:
    result = transfer(staging, destinations=[str(tmp_path / "copy")])

    expected_digests = {name: hashlib.sha256(data).hexdigest() for name, data in OUTPUTS.items()}
    assert (3, sum(map(len, OUTPUTS.values())), expected_digests) == (
        result.details["files"],
        result.details["bytes"],
        result.details["sha256"],
    )


def test_include_and_exclude_choose_the_copied_files(staging: Path, tmp_path: Path) -> None:
    transfer(staging, destinations=[str(tmp_path / "copy")], include="**/*.nc", exclude="*/deep/*")

    assert {"out/hs.nc": OUTPUTS["out/hs.nc"]} == local_tree(tmp_path / "copy")


def test_the_run_id_is_put_into_each_destination(staging: Path, tmp_path: Path) -> None:
    transfer(staging, run_id="storm", destinations=[str(tmp_path / "{run_id}" / "out")])

    assert OUTPUTS == local_tree(tmp_path / "storm" / "out")


def test_the_fail_policy_stops_at_the_first_failing_destination(
    staging: Path, unwritable: str, memory_root: str
) -> None:
    result = transfer(staging, destinations=[unwritable, memory_root])

    statuses = [entry["status"] for entry in result.details["destinations"].values()]
    assert (False, ["failed", "skipped"], {}) == (result.ok, statuses, memory_tree(memory_root))


def test_the_fail_policy_names_the_failure_and_the_untried_destinations(
    staging: Path, unwritable: str, memory_root: str
) -> None:
    result = transfer(staging, destinations=[unwritable, memory_root])

    assert (True, True) == (
        unwritable in result.message,
        f"not tried: {memory_root}" in result.message,
    )


def test_the_continue_policy_tries_every_destination_and_fails(
    staging: Path, unwritable: str, memory_root: str
) -> None:
    result = transfer(staging, destinations=[unwritable, memory_root], on_failure="continue")

    statuses = [entry["status"] for entry in result.details["destinations"].values()]
    assert (False, ["failed", "ok"], OUTPUTS) == (result.ok, statuses, memory_tree(memory_root))


def test_allow_partial_succeeds_when_one_destination_got_every_file(
    staging: Path, unwritable: str, memory_root: str
) -> None:
    result = transfer(
        staging,
        destinations=[unwritable, memory_root],
        on_failure="continue",
        allow_partial=True,
    )

    assert (True, "copied 3 files to 1 of 2 destinations") == (
        result.ok,
        result.message.split(";")[0],
    )


def test_allow_partial_fails_when_every_destination_fails(
    staging: Path, unwritable: str, tmp_path: Path
) -> None:
    (tmp_path / "other").write_text("also a file")
    result = transfer(
        staging,
        destinations=[unwritable, str(tmp_path / "other" / "x")],
        on_failure="continue",
        allow_partial=True,
    )

    assert not result.ok


def test_a_destination_holding_one_of_the_files_is_refused_untouched(
    staging: Path, tmp_path: Path
) -> None:
    (tmp_path / "copy" / "out").mkdir(parents=True)
    (tmp_path / "copy" / "out" / "hs.nc").write_bytes(b"precious")

    result = transfer(staging, destinations=[str(tmp_path / "copy")])

    assert (False, {"out/hs.nc": b"precious"}) == (result.ok, local_tree(tmp_path / "copy"))
    assert "overwrite: true" in result.message


def test_a_memory_destination_holding_one_of_the_files_is_refused_untouched(
    staging: Path, memory_root: str
) -> None:
    fsspec.filesystem("memory").pipe_file(f"{memory_root}/INPUT", b"precious")

    result = transfer(staging, destinations=[memory_root])

    assert (False, {"INPUT": b"precious"}) == (result.ok, memory_tree(memory_root))


def test_overwrite_replaces_existing_files(staging: Path, tmp_path: Path) -> None:
    (tmp_path / "copy").mkdir()
    (tmp_path / "copy" / "INPUT").write_bytes(b"old")

    result = transfer(staging, destinations=[str(tmp_path / "copy")], overwrite=True)

    assert (True, OUTPUTS) == (result.ok, local_tree(tmp_path / "copy"))


def test_no_temporary_file_is_left_in_a_local_destination(staging: Path, tmp_path: Path) -> None:
    transfer(staging, destinations=[str(tmp_path / "copy")])

    assert ["INPUT", "out"] == sorted(os.listdir(tmp_path / "copy"))


def test_transferring_leaves_the_staging_dir_unchanged(staging: Path, tmp_path: Path) -> None:
    before = local_tree(staging)

    transfer(staging, destinations=[str(tmp_path / "copy")])

    assert before == local_tree(staging)


def test_a_destination_inside_the_staging_dir_is_refused(staging: Path) -> None:
    result = transfer(staging, destinations=[str(staging / "copy")])

    assert (False, OUTPUTS) == (result.ok, local_tree(staging))


def test_patterns_matching_nothing_fail(staging: Path, tmp_path: Path) -> None:
    result = transfer(staging, destinations=[str(tmp_path / "copy")], include="*.grib")

    assert (False, False) == (result.ok, (tmp_path / "copy").exists())


def test_a_missing_staging_dir_fails(tmp_path: Path) -> None:
    assert not transfer(tmp_path / "absent", destinations=[str(tmp_path / "copy")]).ok


def test_a_copy_of_another_size_is_caught(staging: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.nc"
    copy.write_bytes(b"short")
    source = SourceFile.read(staging, "out/hs.nc")

    with pytest.raises(CopyCheckError):
        check_copy(OutputTarget.resolve(str(copy)), source)


def test_a_local_copy_with_other_bytes_of_the_same_size_is_caught(
    staging: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    copy.write_bytes(b"PERIOD")
    source = SourceFile.read(staging, "out/deep/tp.nc")

    with pytest.raises(CopyCheckError):
        check_copy(OutputTarget.resolve(str(copy)), source)


def test_a_password_in_a_destination_url_is_hidden() -> None:
    assert "sftp://me:***@host/data" == redact("sftp://me:secret@host/data")


def test_a_spec_of_another_postprocessor_is_refused(staging: Path) -> None:
    request = PostprocessRequest(run_id="run1", staging_dir=staging, spec=NoopPostprocess())

    with pytest.raises(TypeError):
        TransferPostprocessor().process(request)
