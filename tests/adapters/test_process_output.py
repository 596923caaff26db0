"""Tests of the output recorder and ``tail`` on real files."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from structlog.testing import capture_logs

from rompy.adapters.process_output import OutputRecorder, tail

LINE_BREAKS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
line_text = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters=LINE_BREAKS),
    max_size=30,
)


@given(lines=st.lists(line_text, max_size=3000), n=st.integers(min_value=0, max_value=50))
def test_tail_returns_the_last_n_lines_of_a_file(lines: list[str], n: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "log.txt"
        path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")

        assert (lines[-n:] if n else []) == tail(path, n)


def test_tail_of_a_missing_file_is_empty(tmp_path: Path) -> None:
    assert [] == tail(tmp_path / "absent.log", 5)


def test_tail_keeps_a_last_line_without_newline(tmp_path: Path) -> None:
    path = tmp_path / "log.txt"
    path.write_text("a\nb\nc")

    assert ["b", "c"] == tail(path, 2)


def test_the_recorder_saves_lines_per_stream_under_logs(tmp_path: Path) -> None:
    with OutputRecorder(staging_dir=tmp_path, name="r1", stream=False) as recorder:
        recorder.write_line("stdout", b"out\n")
        recorder.write_line("stderr", "err")

    assert ("out\n", "err\n") == (
        (tmp_path / "logs" / "r1.stdout.log").read_text(),
        (tmp_path / "logs" / "r1.stderr.log").read_text(),
    )


def test_the_recorder_streams_lines_as_model_output_events(tmp_path: Path) -> None:
    with capture_logs() as logs, OutputRecorder(staging_dir=tmp_path, name="r1") as recorder:
        recorder.write_line("stderr", b"warning\r\n")

    assert [("r1", "stderr", "warning")] == [
        (e["run_id"], e["stream"], e["line"]) for e in logs if e["event"] == "model_output"
    ]


def test_the_recorder_keeps_the_last_lines_in_memory(tmp_path: Path) -> None:
    with OutputRecorder(staging_dir=tmp_path, name="r1", capture=False, keep_last=3) as recorder:
        for i in range(10):
            recorder.write_line("stderr", f"line {i}")

    assert (["line 8", "line 9"], 10) == (
        recorder.last_lines("stderr", 2),
        recorder.line_count("stderr"),
    )


def test_a_recorder_without_capture_writes_no_files(tmp_path: Path) -> None:
    with OutputRecorder(staging_dir=tmp_path, name="r1", capture=False, stream=False) as recorder:
        recorder.write_line("stdout", "x")

    assert (None, []) == (recorder.stdout_path, list(tmp_path.iterdir()))


def test_lines_written_after_closing_are_not_saved(tmp_path: Path) -> None:
    with OutputRecorder(staging_dir=tmp_path, name="r1", stream=False) as recorder:
        recorder.write_line("stdout", "kept")
    recorder.write_line("stdout", "late")

    assert "kept\n" == (tmp_path / "logs" / "r1.stdout.log").read_text()


def test_pump_records_every_line_of_a_pipe_and_closes_it(tmp_path: Path) -> None:
    read_end, write_end = os.pipe()
    os.write(write_end, b"one\ntwo\nthree")
    os.close(write_end)
    pipe = os.fdopen(read_end, "rb")
    with OutputRecorder(staging_dir=tmp_path, name="r1", stream=False) as recorder:
        recorder.pump("stdout", pipe)

    assert (["one", "two", "three"], True) == (recorder.last_lines("stdout"), pipe.closed)
