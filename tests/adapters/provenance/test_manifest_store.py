"""The JSON manifest store against real files: digests, atomic writes, verify."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from rompy.adapters.provenance.digests import CHUNK_BYTES, list_files, sha256_of
from rompy.adapters.provenance.store import JsonManifestStore
from rompy.domain.errors import StagingError
from rompy.ports.provenance import MANIFEST_NAME, Drift, FileDigest, Manifest

STORE = JsonManifestStore()


def make_staging(root: Path) -> Path:
    staging = root / "run"
    (staging / "data").mkdir(parents=True)
    (staging / "INPUT").write_text("deck\n")
    (staging / "data" / "wind.nc").write_bytes(b"\x89HDF" + bytes(range(256)))
    return staging


def generated(staging: Path) -> Manifest:
    manifest = Manifest(run_id="run", config={"run_id": "run"}, inputs=STORE.digest_files(staging))
    STORE.write(staging, manifest)
    return manifest


def test_a_file_digest_is_the_sha256_of_its_bytes_across_chunks(tmp_path: Path) -> None:
    data = os.urandom(CHUNK_BYTES * 2 + 17)
    (tmp_path / "big.bin").write_bytes(data)
    assert hashlib.sha256(data).hexdigest() == sha256_of(tmp_path / "big.bin")


def test_digests_list_every_file_with_posix_paths_and_sizes(tmp_path: Path) -> None:
    staging = make_staging(tmp_path)
    assert [("INPUT", 5), ("data/wind.nc", 260)] == [
        (entry.path, entry.size) for entry in STORE.digest_files(staging)
    ]


def test_the_manifest_is_never_an_input(tmp_path: Path) -> None:
    staging = make_staging(tmp_path)
    generated(staging)
    assert ["INPUT", "data/wind.nc"] == list_files(staging)


def test_a_written_manifest_reads_back_equal(tmp_path: Path) -> None:
    staging = make_staging(tmp_path)
    manifest = generated(staging)
    assert manifest == STORE.read(staging)


def test_the_manifest_is_sorted_indented_json(tmp_path: Path) -> None:
    staging = make_staging(tmp_path)
    generated(staging)
    text = (staging / MANIFEST_NAME).read_text()
    assert json.dumps(json.loads(text), indent=2, sort_keys=True) + "\n" == text


def test_writing_replaces_the_manifest_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    staging = make_staging(tmp_path)
    generated(staging)
    STORE.write(staging, Manifest(run_id="second", config={}))
    names = sorted(path.name for path in staging.iterdir())
    assert (["INPUT", "data", MANIFEST_NAME], "second") == (names, STORE.read(staging).run_id)


def test_a_failed_write_keeps_the_old_manifest_and_no_temporary_file(tmp_path: Path) -> None:
    staging = make_staging(tmp_path)
    generated(staging)
    with pytest.raises(TypeError):
        STORE.write(staging, Manifest(run_id="bad", config={1j: "not json"}))
    names = sorted(path.name for path in staging.iterdir())
    assert (["INPUT", "data", MANIFEST_NAME], "run") == (names, STORE.read(staging).run_id)


def test_a_staging_dir_without_a_manifest_reads_none(tmp_path: Path) -> None:
    assert STORE.read(make_staging(tmp_path)) is None


def test_an_unreadable_manifest_is_a_staging_error_naming_it(tmp_path: Path) -> None:
    staging = make_staging(tmp_path)
    (staging / MANIFEST_NAME).write_text("[1, 2]")
    with pytest.raises(StagingError, match=MANIFEST_NAME):
        STORE.read(staging)


def test_an_untouched_staging_dir_verifies(tmp_path: Path) -> None:
    staging = make_staging(tmp_path)
    generated(staging)
    assert STORE.verify(staging).ok


def test_verify_flags_a_changed_a_missing_and_an_extra_input(tmp_path: Path) -> None:
    staging = make_staging(tmp_path)
    old = generated(staging).inputs[0].sha256
    (staging / "INPUT").write_text("edited\n")
    (staging / "data" / "wind.nc").unlink()
    (staging / "notes.txt").write_text("dropped in later\n")
    new = hashlib.sha256(b"edited\n").hexdigest()
    assert (
        Drift(path="INPUT", kind="changed", detail=f"sha256 {old[:12]}… -> {new[:12]}…"),
        Drift(path="data/wind.nc", kind="missing", detail="in the manifest, not on disk"),
        Drift(path="notes.txt", kind="extra", detail="not in the manifest"),
    ) == STORE.verify(staging).drifts


def test_a_same_size_edit_is_still_a_change(tmp_path: Path) -> None:
    staging = make_staging(tmp_path)
    generated(staging)
    (staging / "INPUT").write_text("DECK\n")
    assert ["changed"] == [drift.kind for drift in STORE.verify(staging).drifts]


def test_recorded_outputs_are_not_extra_but_a_later_file_is(tmp_path: Path) -> None:
    staging = make_staging(tmp_path)
    manifest = generated(staging)
    (staging / "logs").mkdir()
    (staging / "logs" / "run.stdout.log").write_text("model says hi\n")
    output = FileDigest(path="logs/run.stdout.log", sha256="0" * 64, size=14)
    STORE.write(
        staging, Manifest(run_id="run", config={}, inputs=manifest.inputs, outputs=(output,))
    )
    (staging / "later.txt").write_text("x")
    assert ["later.txt"] == [drift.path for drift in STORE.verify(staging).drifts]


def test_digest_inputs_leaves_the_recorded_outputs_out(tmp_path: Path) -> None:
    staging = make_staging(tmp_path)
    (staging / "out.txt").write_text("42")
    output = FileDigest(path="out.txt", sha256="0" * 64, size=2)
    STORE.write(staging, Manifest(run_id="run", config={}, outputs=(output,)))
    assert ["INPUT", "data/wind.nc"] == [entry.path for entry in STORE.digest_inputs(staging)]


def test_verify_of_a_missing_dir_is_a_staging_error(tmp_path: Path) -> None:
    with pytest.raises(StagingError, match="does not exist"):
        STORE.verify(tmp_path / "nowhere")


def test_verify_of_a_dir_without_manifest_is_a_staging_error(tmp_path: Path) -> None:
    with pytest.raises(StagingError, match=f"has no {MANIFEST_NAME}"):
        STORE.verify(make_staging(tmp_path))
