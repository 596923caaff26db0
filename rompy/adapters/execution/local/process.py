"""Following a local process group: reading its pipes, signalling and waiting for its members.

One :class:`PipeReader` thread per output pipe feeds an
:class:`~rompy.adapters.execution.output.OutputRecorder` while the executor's own thread
waits for the process with :meth:`subprocess.Popen.wait`. The process runs in its own
session, so its process group holds its children and grandchildren too: the helpers here
signal that group and wait for it to empty.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import sys
import threading
import time
from typing import IO

from rompy.adapters.execution.output import READ_BYTES, OutputRecorder

STOP_CHECK_SECONDS = 0.1
"""How often a reader waiting on a silent pipe checks whether it was told to stop."""

LAST_READS = 64
"""Chunks a stopped reader still records from what is already waiting in its pipe."""


class PipeReader(threading.Thread):
    """A thread that records one pipe into a recorder until the pipe closes or it is stopped.

    It owns the pipe and closes it when it ends; the last line without a newline is recorded
    then too.

    Args:
        pipe: The read end of the pipe.
        stream: ``stdout`` or ``stderr``.
        recorder: Where the output goes.

    Example:
        >>> reader = PipeReader(process.stdout, "stdout", recorder)  # doctest: +SKIP
        >>> reader.start(); process.wait(); reader.join()  # doctest: +SKIP
    """

    def __init__(self, pipe: IO[bytes], stream: str, recorder: OutputRecorder) -> None:
        """Prepare the thread; call :meth:`start` to begin reading."""
        super().__init__(name=f"rompy-{recorder.name}-{stream}", daemon=True)
        self._pipe = pipe
        self._stream = stream
        self._recorder = recorder
        self._stopping = threading.Event()

    def run(self) -> None:
        """Read until the pipe closes or :meth:`stop` is called (then read what is waiting)."""
        descriptor = self._pipe.fileno()
        try:
            while not self._stopping.is_set():
                if not self._read(descriptor, STOP_CHECK_SECONDS):
                    return
            for _ in range(LAST_READS):
                if not self._read(descriptor, 0.0):
                    return
        finally:
            self._pipe.close()
            self._recorder.end(self._stream)

    def _read(self, descriptor: int, timeout: float) -> bool:
        """Record one chunk if one comes within ``timeout``; False once there is no more."""
        readable, _, _ = select.select([descriptor], [], [], timeout)
        if not readable:
            return timeout > 0  # waiting on: more may come; draining after stop: done
        chunk = os.read(descriptor, READ_BYTES)
        if chunk:
            self._recorder.feed(self._stream, chunk)
        return bool(chunk)

    def stop(self) -> None:
        """Ask the thread to stop reading (a pipe kept open by a stray process)."""
        self._stopping.set()


def join_all(readers: list[PipeReader], seconds: float) -> bool:
    """Wait up to ``seconds`` in all for the readers to end; True when they all did."""
    deadline = time.monotonic() + seconds
    for reader in readers:
        reader.join(max(0.0, deadline - time.monotonic()))
    return not any(reader.is_alive() for reader in readers)


def stop_all(readers: list[PipeReader]) -> None:
    """Stop the readers and wait for them to close their pipes."""
    for reader in readers:
        reader.stop()
    for reader in readers:
        reader.join()


def group_alive(pgid: int) -> bool:
    """Return True while any process of group ``pgid`` exists (zombies included)."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def group_running(pgid: int) -> bool:
    """Return True while a process of group ``pgid`` runs.

    Zombies (ended, waiting for a parent to reap them, as under a PID 1 that does not) do
    not count. The cheap check comes first; ``/proc`` is only read when it finds someone.
    """
    if not group_alive(pgid):
        return False
    try:
        entries = [entry.name for entry in os.scandir("/proc") if entry.name.isdigit()]
    except OSError:  # no /proc: count what killpg saw
        return True
    return any(_runs_in_group(pid, pgid) for pid in entries)


def _runs_in_group(pid: str, pgid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as file:
            fields = file.read().rpartition(b")")[2].split()
    except OSError:  # it ended meanwhile
        return False
    state, process_group = fields[0], int(fields[2])
    return process_group == pgid and state not in (b"Z", b"X")


def wait_group_gone(pgid: int, seconds: float, poll_interval: float) -> bool:
    """Wait up to ``seconds`` for every process of group ``pgid`` to end (True if they did)."""
    deadline = time.monotonic() + seconds
    while group_running(pgid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(poll_interval)
    return True


def signal_group(pgid: int, signum: signal.Signals) -> None:
    """Send ``signum`` to process group ``pgid`` (gone already is fine)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signum)


def flush_standard_streams() -> None:
    """Write out what this process buffered on stdout and stderr (before a child shares them)."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            with contextlib.suppress(OSError, ValueError):  # closed or broken: nothing to keep
                stream.flush()
