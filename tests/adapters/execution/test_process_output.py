"""Tests of the output recorder and ``tail`` on real files."""

from __future__ import annotations

import itertools
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rompy.adapters.execution import output as process_output
from rompy.adapters.execution.local.process import PipeReader
from rompy.adapters.execution.output import MAX_LINE_BYTES, OutputRecorder
from rompy.adapters.execution.report import tail
from rompy.domain.errors import StagingError
from rompy.log import capture_events

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
    with capture_events() as logs, OutputRecorder(staging_dir=tmp_path, name="r1") as recorder:
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


def test_a_pipe_reader_records_every_line_of_a_pipe_and_closes_it(tmp_path: Path) -> None:
    read_end, write_end = os.pipe()
    os.write(write_end, b"one\ntwo\nthree")
    os.close(write_end)
    pipe = os.fdopen(read_end, "rb", buffering=0)
    with OutputRecorder(staging_dir=tmp_path, name="r1", stream=False) as recorder:
        reader = PipeReader(pipe, "stdout", recorder)
        reader.start()
        reader.join(10)

    assert (["one", "two", "three"], False, True) == (
        recorder.last_lines("stdout"),
        reader.is_alive(),
        pipe.closed,
    )


def test_stopping_a_reader_of_a_pipe_kept_open_records_the_unfinished_last_line(
    tmp_path: Path,
) -> None:
    read_end, write_end = os.pipe()
    os.write(write_end, b"done\npartial")
    with OutputRecorder(staging_dir=tmp_path, name="r1", capture=False, stream=False) as recorder:
        reader = PipeReader(os.fdopen(read_end, "rb", buffering=0), "stdout", recorder)
        reader.start()
        reader.stop()
        reader.join(10)
    os.close(write_end)

    assert (False, ["done", "partial"]) == (reader.is_alive(), recorder.last_lines("stdout"))


# --- output fed in chunks ---------------------------------------------------------------------


def chunks_of(data: bytes, cuts: list[int]) -> list[bytes]:
    bounds = [0, *sorted({cut % (len(data) + 1) for cut in cuts}), len(data)]
    return [data[start:stop] for start, stop in itertools.pairwise(bounds)]


@given(
    lines=st.lists(line_text, max_size=200),
    cuts=st.lists(st.integers(min_value=0, max_value=1 << 20), max_size=20),
)
def test_output_fed_in_chunks_cut_anywhere_is_recorded_line_by_line(
    lines: list[str], cuts: list[int]
) -> None:
    data = "".join(f"{line}\n" for line in lines).encode()
    with tempfile.TemporaryDirectory() as folder:
        recorder = OutputRecorder(
            staging_dir=Path(folder), name="r1", capture=False, stream=False, keep_last=500
        )
        with recorder:
            for chunk in chunks_of(data, cuts):
                recorder.feed("stdout", chunk)
            recorder.end("stdout")

    assert (lines, len(lines)) == (recorder.last_lines("stdout"), recorder.line_count("stdout"))


@given(
    data=st.binary(max_size=2000),
    cuts=st.lists(st.integers(min_value=0, max_value=4000), max_size=10),
)
def test_output_fed_in_chunks_is_saved_as_it_came_with_a_final_newline(
    data: bytes, cuts: list[int]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        with OutputRecorder(staging_dir=Path(folder), name="r1", stream=False) as recorder:
            for chunk in chunks_of(data, cuts):
                recorder.feed("stderr", chunk)
            recorder.end("stderr")
        saved = (Path(folder) / "logs" / "r1.stderr.log").read_bytes()

    assert data + (b"\n" if data and not data.endswith(b"\n") else b"") == saved


def test_carriage_returns_before_newlines_are_left_out_of_recorded_lines(tmp_path: Path) -> None:
    with OutputRecorder(staging_dir=tmp_path, name="r1", stream=False) as recorder:
        recorder.feed("stdout", b"a\r\nb\r\n")

    assert (["a", "b"], b"a\r\nb\r\n") == (
        recorder.last_lines("stdout"),
        (tmp_path / "logs" / "r1.stdout.log").read_bytes(),
    )


def test_a_line_longer_than_the_limit_is_streamed_in_pieces(tmp_path: Path) -> None:
    with capture_events() as logs, OutputRecorder(staging_dir=tmp_path, name="r1") as recorder:
        recorder.feed("stdout", b"x" * (MAX_LINE_BYTES + 10))
        recorder.end("stdout")

    assert [MAX_LINE_BYTES, 10] == [len(e["line"]) for e in logs if e["event"] == "model_output"]


class LogAtWarning:
    """A logger that drops INFO events (as structlog's filtering loggers tell) but counts them."""

    def __init__(self) -> None:
        self.info_events: list[str] = []

    def is_enabled_for(self, level: int) -> bool:
        return level >= logging.WARNING

    def info(self, event: str, **context: Any) -> None:
        self.info_events.append(event)


def test_lines_are_not_passed_to_a_log_that_filters_out_info(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    quiet_log = LogAtWarning()
    monkeypatch.setattr(process_output, "log", quiet_log)
    with OutputRecorder(staging_dir=tmp_path, name="r1", capture=False) as recorder:
        recorder.feed("stdout", b"one\ntwo\n")

    assert ([], 2) == (quiet_log.info_events, recorder.line_count("stdout"))


def test_no_line_is_emitted_when_the_rompy_logger_drops_info_events() -> None:
    from rompy.adapters.execution.output import _line_emitter

    logging.getLogger("rompy").setLevel(logging.WARNING)
    try:
        assert None is _line_emitter()
    finally:
        logging.getLogger("rompy").setLevel(logging.NOTSET)


def test_the_recorder_never_creates_a_missing_staging_dir(tmp_path: Path) -> None:
    recorder = OutputRecorder(staging_dir=tmp_path / "absent", name="r1")

    with pytest.raises(StagingError, match="absent"):
        recorder.open()

    assert [] == list(tmp_path.iterdir())


def test_opening_a_recorder_twice_keeps_the_files_it_has(tmp_path: Path) -> None:
    recorder = OutputRecorder(staging_dir=tmp_path, name="r1", stream=False)
    recorder.open()
    before = set(os.listdir("/proc/self/fd"))
    with recorder:
        recorder.write_line("stdout", "kept")
        during = set(os.listdir("/proc/self/fd"))

    assert (before, "kept\n") == (during, (tmp_path / "logs" / "r1.stdout.log").read_text())
