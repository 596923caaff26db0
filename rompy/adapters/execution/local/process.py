"""Following a local process group: its pipes, its exit, its signals.

The local executor reads a process's stdout and stderr from the calling thread (one
``poll()`` over both pipes, no reader threads) and waits for the process to end, using a
pidfd (Linux >= 5.3) once waiting gets long, so the end of a run is noticed at once.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Mapping

from rompy.adapters.execution.output import READ_BYTES, OutputRecorder
from rompy.log import get_logger

log = get_logger(__name__)


class PipeReader:
    """Reads the pipes of one process from the calling thread into an :class:`OutputRecorder`.

    One ``poll()`` waits on all pipes (and on any other file descriptor given to
    :meth:`watch`, such as a pidfd), so following a process needs no reader threads.

    Args:
        recorder: Where the output goes.
        pipes: The read ends of the pipes (descriptors) by stream name; the reader owns them
            and closes each one when it ends, or in :meth:`close`.

    Example:
        >>> read_end, write_end = os.pipe()  # doctest: +SKIP
        >>> reader = PipeReader(recorder, {"stdout": read_end})  # doctest: +SKIP
        >>> reader.read_to_end()  # doctest: +SKIP
    """

    def __init__(self, recorder: OutputRecorder, pipes: Mapping[str, int]) -> None:
        """Register the pipes; nothing is read yet."""
        self._recorder = recorder
        self._poller = select.poll()
        self._pipes = {descriptor: stream for stream, descriptor in pipes.items()}
        for descriptor in self._pipes:
            self._poller.register(descriptor, select.POLLIN)

    @property
    def open(self) -> bool:
        """True while some pipe has not ended."""
        return bool(self._pipes)

    def watch(self, descriptor: int) -> None:
        """Also wake :meth:`wait` when ``descriptor`` becomes readable."""
        self._poller.register(descriptor, select.POLLIN)

    def unwatch(self, descriptor: int) -> None:
        """Stop watching ``descriptor`` (given to :meth:`watch`)."""
        self._poller.unregister(descriptor)

    def wait(self, timeout: float | None) -> list[int]:
        """Wait up to ``timeout`` seconds (None: no limit) and record what the pipes hold.

        Returns:
            The watched (non-pipe) descriptors that are readable.
        """
        ready = self._poller.poll(None if timeout is None else max(0.0, timeout) * 1000)
        others = []
        for descriptor, _ in ready:
            if descriptor in self._pipes:
                self._read(descriptor)
            else:
                others.append(descriptor)
        return others

    def read_to_end(self) -> None:
        """Record everything until all pipes end."""
        while self._pipes:
            self.wait(None)

    def close(self) -> None:
        """Stop reading: record the pipes' last unfinished lines and close them."""
        for descriptor in list(self._pipes):
            self._finish(descriptor)

    def _read(self, descriptor: int) -> None:
        try:
            chunk = os.read(descriptor, READ_BYTES)
        except OSError as error:
            log.debug("output_pipe_closed", run_id=self._recorder.name, error=str(error))
            chunk = b""
        if chunk:
            self._recorder.feed(self._pipes[descriptor], chunk)
        else:
            self._finish(descriptor)

    def _finish(self, descriptor: int) -> None:
        stream = self._pipes.pop(descriptor)
        self._poller.unregister(descriptor)
        os.close(descriptor)
        self._recorder.end(stream)


class ExitWait:
    """Waits for a process to end while its output is read.

    Most commands close their pipes as they end, and a blocking ``wait()`` then reaps them at
    once. Until ``poll_interval`` has passed only the pipes are watched, which spares short
    commands the cost of a pidfd. Later, or once the pipes closed before a timeout and the
    process cannot be reaped yet, a pidfd (Linux >= 5.3) in the same ``poll()`` as the pipes
    wakes us the moment the process ends, even while processes it left behind keep the pipes
    open. Without pidfds, the process is polled every ``poll_interval``.
    """

    def __init__(
        self, process: subprocess.Popen[bytes], reader: PipeReader, poll_interval: float
    ) -> None:
        """Follow ``process`` whose output ``reader`` records."""
        self._process = process
        self._reader = reader
        self._poll_interval = poll_interval
        self._quick_until = time.monotonic() + poll_interval
        self._pidfd: int | None = None
        self._pidfd_tried = False

    def until(self, deadline: float | None) -> bool:
        """Record output until the process ended (True) or ``deadline`` passed (False)."""
        process, reader = self._process, self._reader
        try:
            while process.returncode is None:
                now = time.monotonic()
                left = None if deadline is None else deadline - now
                if left is not None and left <= 0:
                    return process.poll() is not None
                if not reader.open and left is None:
                    process.wait()
                elif reader.open and now < self._quick_until:
                    reader.wait(_shorter(left, self._quick_until - now))
                else:
                    self._wait_watched(left)
            return True
        finally:
            if self._pidfd is not None:
                reader.unwatch(self._pidfd)
                os.close(self._pidfd)

    def _wait_watched(self, left: float | None) -> None:
        if not self._pidfd_tried:
            if not self._reader.open and self._process.poll() is not None:
                return  # it closed its pipes as it ended: reaped without a pidfd
            self._pidfd_tried = True
            self._pidfd = open_pidfd(self._process.pid)
            if self._pidfd is not None:
                self._reader.watch(self._pidfd)
        if self._pidfd is not None:
            if self._reader.wait(left):
                self._process.wait()
        elif not self._reader.open:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._process.wait(timeout=left)
        else:
            self._reader.wait(_shorter(left, self._poll_interval))
            self._process.poll()


def _shorter(left: float | None, limit: float) -> float:
    return limit if left is None else min(left, limit)


def group_alive(pgid: int) -> bool:
    """Return True while any process of group ``pgid`` is alive."""
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


def flush_standard_streams() -> None:
    """Write out what this process buffered on stdout and stderr (before a child shares them)."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            with contextlib.suppress(OSError, ValueError):  # closed or broken: nothing to keep
                stream.flush()


def signal_group(pgid: int, signum: signal.Signals) -> None:
    """Send ``signum`` to process group ``pgid`` (gone already is fine)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signum)


def open_pidfd(pid: int) -> int | None:
    """Return a pidfd of process ``pid``, or None where pidfds are unavailable."""
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):  # not Linux, an old kernel, or a seccomp filter
        return None


def read_until_closed(reader: PipeReader, seconds: float) -> bool:
    """Record output until every pipe closes (True) or ``seconds`` pass (False)."""
    deadline = time.monotonic() + seconds
    while reader.open and (left := deadline - time.monotonic()) > 0:
        reader.wait(left)
    return not reader.open


_devnull_lock = threading.Lock()
_devnull: tuple[int, int] | None = None  # (descriptor, device number)


def devnull_descriptor() -> int:
    """Return a read-only descriptor of ``/dev/null``, opened once and kept open.

    Passing it as a process's stdin spares each run the ``open`` and ``close`` that
    ``subprocess.DEVNULL`` costs. It is close-on-exec, so no child keeps it beyond its own
    stdin; if the embedding application closed it (or the number now names another file) a
    new one is opened.
    """
    global _devnull
    with _devnull_lock:
        if _devnull is not None and _is_device(*_devnull):
            return _devnull[0]
        descriptor = os.open(os.devnull, os.O_RDONLY | os.O_CLOEXEC)
        _devnull = (descriptor, os.fstat(descriptor).st_rdev)
        return descriptor


def _new_devnull_lock_after_fork() -> None:
    """Give a forked child a free lock (another thread may have held it at the fork)."""
    global _devnull_lock
    _devnull_lock = threading.Lock()


os.register_at_fork(after_in_child=_new_devnull_lock_after_fork)


def _is_device(descriptor: int, device: int) -> bool:
    try:
        status = os.fstat(descriptor)
    except OSError:
        return False
    return stat.S_ISCHR(status.st_mode) and status.st_rdev == device
