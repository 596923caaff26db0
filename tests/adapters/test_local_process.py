"""Tests of the local process plumbing: output files, following them, waiting for the exit."""

from __future__ import annotations

import errno
import os
import subprocess
import time
from pathlib import Path

import pytest

from rompy.adapters.local_process import (
    ExitWatch,
    OutputFiles,
    OutputFollower,
    group_alive,
    wait_for_group,
)
from rompy.adapters.process_output import OutputRecorder, output_file_names, output_paths


def recorder(tmp_path: Path) -> OutputRecorder:
    return OutputRecorder(staging_dir=tmp_path, name="r1", capture=False, stream=False)


def spawn(command: str, files: OutputFiles, cwd: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        ["/bin/sh", "-c", command],
        cwd=cwd,
        stdout=files.descriptors["stdout"],
        stderr=files.descriptors["stderr"],
        start_new_session=True,
    )


@pytest.fixture
def without_pidfds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``os.pidfd_open`` fail as on kernels older than 5.3."""

    def unavailable(pid: int, flags: int = 0) -> int:
        raise OSError(errno.ENOSYS, "pidfd_open is not implemented")

    monkeypatch.setattr(os, "pidfd_open", unavailable)


# --- output files ----------------------------------------------------------------------------


def test_output_files_are_created_empty_in_the_logs_folder(tmp_path: Path) -> None:
    paths = output_paths(tmp_path, "r1")
    paths["stdout"].parent.mkdir()
    paths["stdout"].write_text("an earlier run's output\n")
    with OutputFiles(output_file_names(tmp_path, "r1")) as files:
        sizes = [path.stat().st_size for path in paths.values()]

    assert ([0, 0], paths) == (sizes, files.paths)


def test_output_files_without_paths_leave_nothing_behind(tmp_path: Path) -> None:
    with OutputFiles(None) as files:
        os.write(files.descriptors["stdout"], b"scratch\n")
        read_back = os.pread(files.descriptors["stdout"], 100, 0)

    assert (b"scratch\n", {}) == (read_back, files.descriptors)


def test_output_files_do_not_create_a_missing_staging_dir(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        OutputFiles(output_file_names(tmp_path / "missing", "r1"))

    assert not (tmp_path / "missing").exists()


# --- following -------------------------------------------------------------------------------


def test_the_follower_records_only_what_was_added_since_it_last_looked(tmp_path: Path) -> None:
    lines = recorder(tmp_path)
    with OutputFiles(None) as files:
        follower = OutputFollower(files.descriptors, lines)
        os.write(files.descriptors["stdout"], b"one\n")
        follower.follow()
        os.write(files.descriptors["stdout"], b"two\n")
        follower.follow()

    assert (["one", "two"], 2) == (lines.last_lines("stdout"), lines.line_count("stdout"))


def test_finishing_records_a_last_line_without_its_newline(tmp_path: Path) -> None:
    lines = recorder(tmp_path)
    with OutputFiles(None) as files:
        os.write(files.descriptors["stderr"], b"done\npartial")
        OutputFollower(files.descriptors, lines).finish()

    assert ["done", "partial"] == lines.last_lines("stderr")


# --- waiting ---------------------------------------------------------------------------------


class _Releaser(OutputRecorder):
    """Creates ``go`` in the working dir once ``first`` was recorded on stdout."""

    def __init__(self, folder: Path) -> None:
        super().__init__(staging_dir=folder, name="r1", capture=False, stream=False)
        self.folder = folder

    def feed(self, stream: str, chunk: bytes) -> None:
        super().feed(stream, chunk)
        if b"first" in chunk:
            (self.folder / "go").touch()


@pytest.mark.parametrize("pidfds", ["with pidfds", "without pidfds"])
def test_output_is_followed_while_the_process_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pidfds: str
) -> None:
    if pidfds == "without pidfds":
        monkeypatch.setattr(os, "pidfd_open", lambda pid, flags=0: (_ for _ in ()).throw(OSError))
    releaser = _Releaser(tmp_path)
    with OutputFiles(None) as files:
        process = spawn("echo first; while [ ! -e go ]; do sleep 0.01; done", files, tmp_path)
        watch = ExitWatch(
            process,
            OutputFollower(files.descriptors, releaser),
            follow_interval=0.02,
            poll_interval=0.02,
        )
        ended = watch.until(time.monotonic() + 20)

    assert (True, 0) == (ended, process.returncode)


def test_waiting_past_the_deadline_returns_false_and_leaves_the_process(tmp_path: Path) -> None:
    with OutputFiles(None) as files:
        process = spawn("sleep 100", files, tmp_path)
        watch = ExitWatch(
            process,
            OutputFollower(files.descriptors, recorder(tmp_path)),
            follow_interval=None,
            poll_interval=0.05,
        )
        try:
            ended = watch.until(time.monotonic() + 0.2)
            still_running = process.poll() is None
        finally:
            process.kill()
            process.wait()

    assert (False, True) == (ended, still_running)


def test_waiting_without_a_deadline_returns_once_the_process_ended(
    tmp_path: Path, without_pidfds: None
) -> None:
    with OutputFiles(None) as files:
        process = spawn("sleep 0.2; exit 3", files, tmp_path)
        watch = ExitWatch(
            process,
            OutputFollower(files.descriptors, recorder(tmp_path)),
            follow_interval=0.05,
            poll_interval=0.05,
        )
        ended = watch.until(None)

    assert (True, 3) == (ended, process.returncode)


# --- process groups --------------------------------------------------------------------------


def test_waiting_for_a_group_reaps_its_leader(tmp_path: Path) -> None:
    with OutputFiles(None) as files:
        process = spawn("exit 0", files, tmp_path)
        gone = wait_for_group(process, 10.0, 0.01)

    assert (True, 0, False) == (gone, process.returncode, group_alive(process.pid))


def test_waiting_for_a_group_with_a_leftover_member_times_out(tmp_path: Path) -> None:
    with OutputFiles(None) as files:
        process = spawn("sleep 100 & exit 0", files, tmp_path)
        try:
            gone = wait_for_group(process, 0.3, 0.05)
        finally:
            os.killpg(process.pid, 9)
            wait_for_group(process, 10.0, 0.01)

    assert (False, 0) == (gone, process.returncode)
