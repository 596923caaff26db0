"""Saving and streaming a model's output line by line, shared by the executors.

An :class:`OutputRecorder` takes what a model writes on stdout and stderr (read from pipes,
a container's log stream or a batch job's files), saves it under
``<staging>/logs/<name>.stdout.log`` / ``.stderr.log``, streams each line to the log as a
``model_output`` event and keeps the last few lines in memory for failure messages.
:class:`~rompy.adapters.execution.local.process.PipeReader` feeds it from pipes;
:mod:`rompy.adapters.execution.report` says how a process ended.
"""

from __future__ import annotations

import collections
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

from rompy.domain.errors import StagingError
from rompy.log import get_logger

log = get_logger(__name__)

LOGS_DIR = "logs"
"""The folder of the staging dir that holds saved output."""

STREAMS = ("stdout", "stderr")
"""The names of the two output streams."""

MAX_LINE_BYTES = 1 << 16
"""A longer run of output without a newline (a progress bar) is recorded in pieces of this size."""

READ_BYTES = 1 << 16
"""How much is read from a pipe at once."""


def _line_emitter() -> Callable[..., Any] | None:
    """Return ``log.info`` when INFO events are handled, else None (lines are then skipped)."""
    return log.info if log.is_enabled_for(logging.INFO) else None


class OutputRecorder:
    """Records the stdout and stderr of one run.

    Use it as a context manager (or call :meth:`open` and :meth:`close`): entering creates
    ``<staging>/logs/`` and opens the files (when ``capture`` is on), leaving closes them.
    Output comes either as whole lines (:meth:`write_line`, thread safe, one thread per stream
    may call it at the same time) or as raw chunks cut anywhere (:meth:`feed`, then
    :meth:`end` once the stream is over); chunks are saved as they are, in one write each.

    Args:
        staging_dir: The run's staging dir; output files go under its ``logs/`` folder.
        name: Base name of the files and ``run_id`` of the log events (the run id).
        capture: Save the output into files.
        stream: Emit each line as a ``model_output`` log event (at INFO).
        keep_last: How many of the last lines of each stream to keep in memory.

    Example:
        >>> with OutputRecorder(staging_dir=tmp, name="run1") as recorder:  # doctest: +SKIP
        ...     recorder.write_line("stdout", "hello")
    """

    def __init__(
        self,
        *,
        staging_dir: Path,
        name: str,
        capture: bool = True,
        stream: bool = True,
        keep_last: int = 20,
    ) -> None:
        """Prepare a recorder; nothing is opened until the context is entered."""
        self.name = name
        self.capture = capture
        self.stream = stream
        self._staging_dir = staging_dir
        self._files: dict[str, BinaryIO] = {}
        self._lock = threading.Lock()  # the sections it guards are a few statements long
        self._keep_last = keep_last
        self._last: dict[str, collections.deque[str]] = {
            stream_name: collections.deque(maxlen=keep_last) for stream_name in STREAMS
        }
        self._counts = dict.fromkeys(STREAMS, 0)
        self._pending = dict.fromkeys(STREAMS, b"")
        self._emit = _line_emitter() if stream else None

    @property
    def stdout_path(self) -> Path | None:
        """The file holding stdout, or None when output is not captured."""
        return self._path("stdout") if self.capture else None

    @property
    def stderr_path(self) -> Path | None:
        """The file holding stderr, or None when output is not captured."""
        return self._path("stderr") if self.capture else None

    def _path(self, stream: str) -> Path:
        return self._staging_dir / LOGS_DIR / f"{self.name}.{stream}.log"

    def __enter__(self) -> OutputRecorder:
        """Open the recorder (see :meth:`open`)."""
        self.open()
        return self

    def open(self) -> None:
        """Create the logs folder and create or empty the output files (when capturing).

        Until then (and after :meth:`close`) lines are streamed and kept, but not saved.

        Raises:
            StagingError: The staging dir does not exist (it is never created here).
        """
        if self.capture and not self._files:  # opening twice keeps the files already open
            try:
                for stream_name in STREAMS:
                    self._files[stream_name] = _create(self._path(stream_name))
            except BaseException:
                self.close()
                raise

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close the output files."""
        self.close()

    def close(self) -> None:
        """Close the output files; later lines are still streamed but no longer saved."""
        for stream_name in STREAMS:
            with self._lock:
                file = self._files.pop(stream_name, None)
                if file is not None:
                    file.close()

    def write_line(self, stream: str, line: bytes | str) -> None:
        """Record one line of ``stream`` (``stdout`` or ``stderr``).

        Args:
            stream: Which stream the line came from.
            line: The line, with or without its line end.
        """
        raw = line.encode("utf-8", errors="replace") if isinstance(line, str) else line
        if not raw.endswith(b"\n"):
            raw += b"\n"
        self._save(stream, raw)
        self._record(stream, [_text(raw).rstrip("\r\n")])

    def feed(self, stream: str, chunk: bytes) -> None:
        """Record a chunk of ``stream``'s output, cut anywhere.

        The chunk is saved as it is; its complete lines are recorded, and a last line without
        its newline waits for the next chunk (or :meth:`end`). Call it from one thread per
        stream.

        Args:
            stream: Which stream the chunk came from.
            chunk: The bytes read.
        """
        self._save(stream, chunk)
        buffered = self._pending[stream] + chunk
        cut = buffered.rfind(b"\n") + 1
        self._record_text(stream, buffered[:cut])
        rest = buffered[cut:]
        if len(rest) >= MAX_LINE_BYTES:
            whole = len(rest) - len(rest) % MAX_LINE_BYTES
            pieces = range(0, whole, MAX_LINE_BYTES)
            self._record(stream, [_text(rest[i : i + MAX_LINE_BYTES]) for i in pieces])
            rest = rest[whole:]
        self._pending[stream] = rest

    def end(self, stream: str) -> None:
        """Record the last line of ``stream`` fed without its newline, and save that newline."""
        pending, self._pending[stream] = self._pending[stream], b""
        if pending:
            self._save(stream, b"\n")
            self._record_text(stream, pending + b"\n")

    def _save(self, stream: str, data: bytes) -> None:
        with self._lock:
            file = self._files.get(stream)
            if file is None:
                return
            try:
                file.write(data)
                file.flush()  # each chunk reaches the file at once, for those who follow it
            except OSError as error:
                self._files.pop(stream).close()
                log.warning("output_not_saved", run_id=self.name, stream=stream, error=str(error))

    def _record_text(self, stream: str, data: bytes) -> None:
        """Record the lines of ``data``, which ends with a newline (or is empty)."""
        if data:
            self._record(stream, _text(data[:-1]).split("\n"))

    def _record(self, stream: str, lines: list[str]) -> None:
        """Record ``lines`` (without their newlines, perhaps with a carriage return)."""
        last = self._last[stream]
        with self._lock:
            self._counts[stream] += len(lines)
            if self._keep_last:
                last.extend(line.rstrip("\r") for line in lines[-self._keep_last :])
        emit = self._emit
        if emit is not None:
            for line in lines:
                emit("model_output", run_id=self.name, stream=stream, line=line.rstrip("\r"))

    def last_lines(self, stream: str, n: int | None = None) -> list[str]:
        """Return the last lines recorded on ``stream`` (at most ``n``, or all those kept)."""
        with self._lock:
            lines = list(self._last[stream])
        return lines if n is None else lines[-n:] if n > 0 else []

    def line_count(self, stream: str) -> int:
        """Return how many lines were recorded on ``stream``."""
        return self._counts[stream]

    def summary(self) -> dict[str, Any]:
        """Return the line counts of both streams, for outcome details and log events."""
        return {
            "stdout_lines": self._counts["stdout"],
            "stderr_lines": self._counts["stderr"],
        }


def _create(path: Path) -> BinaryIO:
    """Create or empty an output file (and its logs folder, never the staging dir above it).

    Raises:
        StagingError: The staging dir does not exist, or the file cannot be written.
    """
    try:
        path.parent.mkdir(exist_ok=True)
        return open(path, "wb")
    except FileNotFoundError as error:
        raise StagingError.missing(path.parent.parent) from error
    except OSError as error:
        raise StagingError(
            f"cannot write the output log {path} ({(error.strerror or str(error)).lower()});"
            " make its folder writable, or move away what is in the way"
        ) from error


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")
