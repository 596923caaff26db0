"""Saving and streaming a model's output line by line, shared by the executors.

An :class:`OutputRecorder` takes the lines a model writes on stdout and stderr (read from
pipes, a container's log stream or a batch job's files), saves them under
``<staging>/logs/<name>.stdout.log`` / ``.stderr.log``, streams each one to the log as a
``model_output`` event and keeps the last few in memory for failure messages.
"""

from __future__ import annotations

import collections
import os
import signal
import threading
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from rompy.log import get_logger
from rompy.ports.execution import RunOutcome

log = get_logger(__name__)

_STDERR_LINES_IN_MESSAGE = 5

LOGS_DIR = "logs"
"""The folder of the staging dir that holds saved output."""

STREAMS = ("stdout", "stderr")
"""The names of the two output streams."""

MAX_LINE_BYTES = 1 << 16
"""Longer lines (progress bars without newlines) are recorded in pieces of this size."""

_TAIL_BLOCK = 8192


def output_paths(staging_dir: Path, name: str) -> dict[str, Path]:
    """Return where the output of run ``name`` is saved, by stream name.

    Args:
        staging_dir: The run's staging dir.
        name: Usually the run id.

    Returns:
        ``{"stdout": <staging>/logs/<name>.stdout.log, "stderr": ...stderr.log}``.
    """
    return {stream: staging_dir / LOGS_DIR / f"{name}.{stream}.log" for stream in STREAMS}


def tail(path: Path, n: int = 10) -> list[str]:
    """Return the last ``n`` lines of the text file ``path`` (without line ends).

    Reads the file backwards in blocks, so it is cheap on huge logs. A missing file gives an
    empty list; undecodable bytes are replaced.

    Args:
        path: The file to read.
        n: How many lines to return at most.
    """
    if n <= 0 or not path.is_file():
        return []
    with path.open("rb") as file:
        position = file.seek(0, os.SEEK_END)
        data = b""
        while position > 0 and data.count(b"\n") <= n:
            step = min(_TAIL_BLOCK, position)
            position -= step
            file.seek(position)
            data = file.read(step) + data
    lines = data.decode("utf-8", errors="replace").splitlines()
    return lines[-n:]


class OutputRecorder:
    """Records the stdout and stderr lines of one run.

    Use it as a context manager: entering creates ``<staging>/logs/`` and opens the files
    (when ``capture`` is on), leaving closes them. Writing is thread safe, so one reader
    thread per stream may call :meth:`write_line` at the same time.

    Args:
        staging_dir: The run's staging dir; output files go under its ``logs/`` folder.
        name: Base name of the files and ``run_id`` of the log events (the run id).
        capture: Save the lines into files.
        stream: Emit each line as a ``model_output`` log event.
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
        self._paths = output_paths(staging_dir, name)
        self._files: dict[str, IO[bytes]] = {}
        self._locks = {stream_name: threading.Lock() for stream_name in STREAMS}
        self._last: dict[str, collections.deque[str]] = {
            stream_name: collections.deque(maxlen=keep_last) for stream_name in STREAMS
        }
        self._counts = dict.fromkeys(STREAMS, 0)

    @property
    def stdout_path(self) -> Path | None:
        """The file holding stdout, or None when output is not captured."""
        return self._paths["stdout"] if self.capture else None

    @property
    def stderr_path(self) -> Path | None:
        """The file holding stderr, or None when output is not captured."""
        return self._paths["stderr"] if self.capture else None

    def __enter__(self) -> OutputRecorder:
        """Create the logs folder and open the output files (when capturing)."""
        if self.capture:
            self._paths["stdout"].parent.mkdir(parents=True, exist_ok=True)
            for stream_name, path in self._paths.items():
                self._files[stream_name] = path.open("wb")
        return self

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
            with self._locks[stream_name]:
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
        text = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        with self._locks[stream]:
            file = self._files.get(stream)
            if file is not None:
                file.write(raw)
                file.flush()
            self._last[stream].append(text)
            self._counts[stream] += 1
        if self.stream:
            log.info("model_output", run_id=self.name, stream=stream, line=text)

    def pump(self, stream: str, pipe: IO[bytes]) -> None:
        """Record every line read from ``pipe`` until it ends, then close it.

        Args:
            stream: The stream name the pipe carries.
            pipe: A binary pipe (a process's stdout or stderr).
        """
        try:
            for raw in iter(lambda: pipe.readline(MAX_LINE_BYTES), b""):
                self.write_line(stream, raw)
        except (OSError, ValueError) as error:  # the pipe was closed under us
            log.debug("output_pipe_closed", run_id=self.name, stream=stream, error=str(error))
        finally:
            pipe.close()

    def start_pumps(self, pipes: dict[str, IO[bytes]]) -> list[threading.Thread]:
        """Start one daemon thread per pipe running :meth:`pump`.

        Args:
            pipes: Pipes by stream name (``{"stdout": process.stdout, ...}``).

        Returns:
            The started threads; join them to know all output was recorded.
        """
        threads = [
            threading.Thread(
                target=self.pump,
                args=(stream, pipe),
                name=f"rompy-output-{self.name}-{stream}",
                daemon=True,
            )
            for stream, pipe in pipes.items()
        ]
        for thread in threads:
            thread.start()
        return threads

    def last_lines(self, stream: str, n: int | None = None) -> list[str]:
        """Return the last lines recorded on ``stream`` (at most ``n``, or all those kept)."""
        with self._locks[stream]:
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


def failure_message(returncode: int, stderr_lines: list[str]) -> str:
    """Return the one-line message of a command that ended with ``returncode`` != 0.

    Args:
        returncode: The process return code (negative when killed by a signal).
        stderr_lines: The last lines the command wrote on stderr.
    """
    if returncode < 0:
        try:
            cause = f"killed by signal {signal.Signals(-returncode).name}"
        except ValueError:
            cause = f"killed by signal {-returncode}"
    else:
        cause = f"exit code {returncode}"
    lines = [line.strip() for line in stderr_lines if line.strip()]
    if not lines:
        return f"{cause}; nothing on stderr"
    return f"{cause}; last lines of stderr: " + " | ".join(lines[-_STDERR_LINES_IN_MESSAGE:])


def log_process_finished(logger: Any, outcome: RunOutcome, executor: str) -> None:
    """Log the end of a model process: info when it succeeded, warning otherwise."""
    event = logger.info if outcome.ok else logger.warning
    event(
        "process_finished",
        run_id=outcome.run_id,
        executor=executor,
        status=outcome.status,
        exit_code=outcome.exit_code,
        duration=round(outcome.duration, 3),
        message=outcome.message,
    )
