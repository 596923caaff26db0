"""Tests of the archive postprocessor on real files, a local disk and fsspec ``memory://``."""

from __future__ import annotations

import hashlib
import io
import os
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import fsspec
import pytest

from rompy.adapters.postprocess.archive import ArchivePostprocessor
from rompy.domain.postprocess.file_outputs import ArchivePostprocess
from rompy.domain.postprocess.spec import NoopPostprocess
from rompy.ports.postprocessing import PostprocessRequest, PostprocessResult
from tests.filetree import write_tree

OUTPUTS = {
    "INPUT": b"&PROJ name='demo' /\n",
    "out/a.nc": b"\x89HDF\r\n" + bytes(range(256)) * 40,
    "out/b.nc": b"second output",
    "logs/run.log": b"model finished\n",
}


@pytest.fixture
def staging(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "staging", OUTPUTS)


def archive(staging: Path, run_id: str = "run1", **fields: Any) -> PostprocessResult:
    request = PostprocessRequest(
        run_id=run_id, staging_dir=staging, spec=ArchivePostprocess(**fields)
    )
    return ArchivePostprocessor().process(request)


def members(archive_bytes: bytes) -> dict[str, bytes]:
    """Name → content of every file entry of a tar.gz or zip."""
    if archive_bytes[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(archive_bytes)) as bundle:
            return {name: bundle.read(name) for name in bundle.namelist()}
    with tarfile.open(fileobj=io.BytesIO(archive_bytes), mode="r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers()}  # type: ignore[union-attr]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("suffix", [".tar.gz", ".zip"])
def test_an_archive_holds_exactly_the_outputs_and_the_manifest(
    staging: Path, tmp_path: Path, suffix: str
) -> None:
    destination = tmp_path / f"run{suffix}"

    archive(staging, destination=str(destination))

    assert {*OUTPUTS, "SHA256SUMS"} == set(members(destination.read_bytes()))


@pytest.mark.parametrize("suffix", [".tar.gz", ".zip"])
def test_archived_files_hold_the_outputs_bytes(staging: Path, tmp_path: Path, suffix: str) -> None:
    destination = tmp_path / f"run{suffix}"

    archive(staging, destination=str(destination), manifest=False)

    assert OUTPUTS == members(destination.read_bytes())


@pytest.mark.parametrize("suffix", [".tar.gz", ".zip"])
def test_include_and_exclude_choose_the_archived_files(
    staging: Path, tmp_path: Path, suffix: str
) -> None:
    destination = tmp_path / f"run{suffix}"

    archive(staging, destination=str(destination), include=["out/**", "INPUT"], exclude="*/b.nc")

    assert {"INPUT", "out/a.nc", "SHA256SUMS"} == set(members(destination.read_bytes()))


@pytest.mark.parametrize("suffix", [".tar.gz", ".zip"])
def test_the_manifest_lists_the_sha256_of_every_archived_file(
    staging: Path, tmp_path: Path, suffix: str
) -> None:
    destination = tmp_path / f"run{suffix}"

    archive(staging, destination=str(destination))

    manifest = members(destination.read_bytes())["SHA256SUMS"].decode()
    expected = [f"{sha256(OUTPUTS[name])}  {name}" for name in sorted(OUTPUTS)]
    assert expected == manifest.splitlines()


def test_the_digest_file_next_to_the_archive_holds_the_archive_digest(
    staging: Path, tmp_path: Path
) -> None:
    destination = tmp_path / "run.tar.gz"

    archive(staging, destination=str(destination))

    expected = f"{sha256(destination.read_bytes())}  run.tar.gz\n"
    assert expected == (tmp_path / "run.tar.gz.sha256").read_text()


def test_the_result_lists_the_archive_and_its_digest_file_with_the_digest(
    staging: Path, tmp_path: Path
) -> None:
    destination = tmp_path / "run.zip"

    result = archive(staging, destination=str(destination))

    expected = (True, (str(destination), f"{destination}.sha256"), 4)
    assert expected == (result.ok, result.outputs, result.details["files"])
    assert sha256(destination.read_bytes()) == result.details["sha256"]


@pytest.mark.parametrize("suffix", [".tar.gz", ".zip"])
def test_the_same_outputs_give_the_same_archive_digest_whatever_their_times(
    staging: Path, tmp_path: Path, suffix: str
) -> None:
    first = archive(staging, destination=str(tmp_path / f"first{suffix}"))
    for path in staging.rglob("*"):
        os.utime(path, (1_700_000_000, 1_700_000_000))
    second = archive(staging, destination=str(tmp_path / f"second{suffix}"))

    assert first.details["sha256"] == second.details["sha256"]


def test_different_outputs_give_a_different_archive_digest(staging: Path, tmp_path: Path) -> None:
    first = archive(staging, destination=str(tmp_path / "first.tar.gz"))
    (staging / "out" / "b.nc").write_bytes(b"changed")
    second = archive(staging, destination=str(tmp_path / "second.tar.gz"))

    assert first.details["sha256"] != second.details["sha256"]


def test_entries_carry_fixed_owner_and_normalised_modes(staging: Path, tmp_path: Path) -> None:
    (staging / "run.sh").write_text("#!/bin/sh\n")
    (staging / "run.sh").chmod(0o700)
    destination = tmp_path / "run.tar.gz"

    archive(staging, destination=str(destination), include=["run.sh", "INPUT"], manifest=False)

    with tarfile.open(destination) as tar:
        facts = {m.name: (oct(m.mode), m.uid, m.uname) for m in tar.getmembers()}
    assert {"INPUT": ("0o644", 0, ""), "run.sh": ("0o755", 0, "")} == facts


def test_without_manifest_there_is_no_manifest_entry_and_no_digest_file(
    staging: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "archives"

    result = archive(staging, destination=str(folder / "run.zip"), manifest=False)

    assert (["run.zip"], (str(folder / "run.zip"),)) == (os.listdir(folder), result.outputs)
    assert "SHA256SUMS" not in members((folder / "run.zip").read_bytes())


def test_an_existing_archive_is_refused_and_left_untouched(staging: Path, tmp_path: Path) -> None:
    destination = tmp_path / "run.tar.gz"
    destination.write_bytes(b"precious")

    result = archive(staging, destination=str(destination))

    assert (False, True) == (result.ok, "overwrite: true" in result.message)
    assert (b"precious", False) == (
        destination.read_bytes(),
        (tmp_path / "run.tar.gz.sha256").exists(),
    )


def test_an_existing_digest_file_alone_is_refused_before_any_writing(
    staging: Path, tmp_path: Path
) -> None:
    (tmp_path / "run.zip.sha256").write_text("old")

    result = archive(staging, destination=str(tmp_path / "run.zip"))

    assert (False, False, "old") == (
        result.ok,
        (tmp_path / "run.zip").exists(),
        (tmp_path / "run.zip.sha256").read_text(),
    )


def test_overwrite_replaces_an_existing_archive_and_digest_file(
    staging: Path, tmp_path: Path
) -> None:
    destination = tmp_path / "run.tar.gz"
    destination.write_bytes(b"old")
    (tmp_path / "run.tar.gz.sha256").write_text("old")

    result = archive(staging, destination=str(destination), overwrite=True)

    assert (True, set(OUTPUTS) | {"SHA256SUMS"}) == (
        result.ok,
        set(members(destination.read_bytes())),
    )


def test_the_run_id_is_put_into_the_destination(staging: Path, tmp_path: Path) -> None:
    result = archive(staging, run_id="storm", destination=str(tmp_path / "a" / "{run_id}.zip"))

    assert (True, True) == (result.ok, (tmp_path / "a" / "storm.zip").is_file())


def test_a_memory_destination_receives_the_archive_and_its_digest(
    staging: Path, memory_root: str
) -> None:
    fs = fsspec.filesystem("memory")

    result = archive(staging, destination=f"{memory_root}/archives/{{run_id}}.tar.gz")

    data = fs.cat_file(f"{memory_root}/archives/run1.tar.gz")
    digest_text = fs.cat_file(f"{memory_root}/archives/run1.tar.gz.sha256").decode()
    assert (True, {*OUTPUTS, "SHA256SUMS"}) == (result.ok, set(members(data)))
    assert f"{sha256(data)}  run1.tar.gz\n" == digest_text


def test_an_existing_memory_archive_is_refused_and_left_untouched(
    staging: Path, memory_root: str
) -> None:
    fs = fsspec.filesystem("memory")
    fs.pipe_file(f"{memory_root}/run.zip", b"precious")

    result = archive(staging, destination=f"{memory_root}/run.zip")

    assert (False, b"precious") == (result.ok, fs.cat_file(f"{memory_root}/run.zip"))


def test_archiving_leaves_the_staging_dir_unchanged(staging: Path, tmp_path: Path) -> None:
    before = snapshot(staging)

    archive(staging, destination=str(tmp_path / "run.tar.gz"))

    assert before == snapshot(staging)


def test_no_temporary_file_is_left_next_to_the_archive(staging: Path, tmp_path: Path) -> None:
    folder = tmp_path / "archives"

    archive(staging, destination=str(folder / "run.zip"))

    assert ["run.zip", "run.zip.sha256"] == sorted(os.listdir(folder))


def test_a_destination_inside_the_staging_dir_is_refused(staging: Path) -> None:
    before = snapshot(staging)

    result = archive(staging, destination=str(staging / "run.zip"))

    assert (False, before) == (result.ok, snapshot(staging))


def test_a_file_in_place_of_the_destination_folder_fails_with_a_reason(
    staging: Path, tmp_path: Path
) -> None:
    (tmp_path / "blocker").write_text("a file, not a folder")

    result = archive(staging, destination=str(tmp_path / "blocker" / "run.zip"))

    assert (False, True) == (result.ok, "blocker" in result.message)


def test_an_unknown_protocol_fails_naming_it(staging: Path) -> None:
    result = archive(staging, destination="nosuchproto://bucket/run.zip")

    assert (False, True) == (result.ok, "nosuchproto" in result.message)


def test_patterns_matching_nothing_fail_without_writing(staging: Path, tmp_path: Path) -> None:
    result = archive(staging, destination=str(tmp_path / "run.zip"), include="*.grib")

    assert (False, True, False) == (
        result.ok,
        "*.grib" in result.message,
        (tmp_path / "run.zip").exists(),
    )


def test_an_output_named_like_the_manifest_is_refused(staging: Path, tmp_path: Path) -> None:
    (staging / "SHA256SUMS").write_text("model's own")

    result = archive(staging, destination=str(tmp_path / "run.zip"))

    assert (False, True) == (result.ok, "manifest: false" in result.message)


def test_a_missing_staging_dir_fails(tmp_path: Path) -> None:
    result = archive(tmp_path / "absent", destination=str(tmp_path / "run.zip"))

    assert (False, False) == (result.ok, (tmp_path / "run.zip").exists())


def test_a_spec_of_another_postprocessor_is_refused(staging: Path) -> None:
    request = PostprocessRequest(run_id="run1", staging_dir=staging, spec=NoopPostprocess())

    with pytest.raises(TypeError):
        ArchivePostprocessor().process(request)
