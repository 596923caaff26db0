"""Following a local process group: its output files, its exit, its signals.

A model writes its stdout and stderr straight into files: the run's saved output under
``<staging>/logs/``, or anonymous scratch files when the output is not kept. That is the
cheapest capture there is (no pipe to pump, no reader thread), a chatty model never blocks on
a full pipe, and the saved output stays complete even if rompy itself dies mid-run. While the
process runs, an :class:`OutputFollower` reads what was added to the files since it last
looked (``pread``, so the process's own file offset is untouched) and hands it to the
:class:`~rompy.adapters.process_output.OutputRecorder`, which streams the lines to the log.
An :class:`ExitWatch` waits for the process on a pidfd (Linux >= 5.3), so the end of a run is
noticed at once, waking every ``follow_interval`` to follow the output.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

from rompy.adapters.process_output import (
    READ_BYTES,
    STREAMS,
    OutputRecorder,
    create_output_file,
    paths_of,
)

FOLLOW_INTERVAL = 0.1
"""Seconds between reads of a running process's output files when its lines are streamed."""


class OutputFiles:
    """The two files one process writes its stdout and stderr into.

    Like the built-in ``open``, creating one creates (or empties) the files; use it as a
    context manager to close them. Each descriptor is open for reading and writing, so the
    follower reads what the process wrote through the same descriptor.

    Args:
        names: Where to keep each stream (file names by ``stdout``/``stderr``), or None for
            anonymous files that vanish once closed (output that is followed but not kept).

    Raises:
        FileNotFoundError: The folder above the files' own folder does not exist.

    Example:
        >>> with OutputFiles(output_paths(staging, "run1")) as files:  # doctest: +SKIP
        ...     subprocess.Popen(argv, stdout=files.descriptors["stdout"], ...)
    """

    def __init__(self, names: Mapping[str, str] | None) -> None:
        """Create the files (and their own folder)."""
        self._names = names
        self.descriptors: dict[str, int] = {}
        try:
            for stream in STREAMS:
                self.descriptors[stream] = (
                    _anonymous_file() if names is None else create_output_file(names[stream])
                )
        except BaseException:
            self.close()
            raise

    @property
    def paths(self) -> dict[str, Path] | None:
        """The files by stream name, or None for anonymous files."""
        return None if self._names is None else paths_of(self._names)

    def __enter__(self) -> OutputFiles:
        """Return the files, to close them when the context ends."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close the files."""
        self.close()

    def close(self) -> None:
        """Close the files (the anonymous ones are then gone)."""
        while self.descriptors:
            os.close(self.descriptors.popitem()[1])


def _anonymous_file() -> int:
    descriptor, path = tempfile.mkstemp(prefix="rompy-output-")
    os.unlink(path)
    return descriptor


class OutputFollower:
    """Hands what a process added to its output files to an :class:`OutputRecorder`.

    Args:
        descriptors: The files' descriptors by stream name (readable; not closed here).
        recorder: Where the lines go; it does not save them (the process wrote the files).
    """

    def __init__(self, descriptors: Mapping[str, int], recorder: OutputRecorder) -> None:
        """Start at the beginning of each file."""
        self._descriptors = dict(descriptors)
        self._recorder = recorder
        self._offsets = dict.fromkeys(self._descriptors, 0)

    def follow(self) -> None:
        """Record what each file gained since the last call."""
        for stream, descriptor in self._descriptors.items():
            while chunk := os.pread(descriptor, READ_BYTES, self._offsets[stream]):
                self._offsets[stream] += len(chunk)
                self._recorder.feed(stream, chunk)

    def finish(self) -> None:
        """Record the rest of each file, including a last line without its newline."""
        self.follow()
        for stream in self._descriptors:
            self._recorder.end(stream)


class ExitWatch:
    """Waits for a process to end, following its output meanwhile.

    With neither a deadline nor output to follow, it simply blocks in ``wait()``. Otherwise
    it waits on a pidfd of the process, which wakes it the moment the process ends; without
    pidfds (old kernels, seccomp filters), it polls the process every ``poll_interval``.

    Args:
        process: The process to wait for.
        follower: Its output, followed every ``follow_interval`` seconds.
        follow_interval: Seconds between reads of the output, or None to read it only once
            the process ended.
        poll_interval: Seconds between checks of the process where there is no pidfd.
    """

    def __init__(
        self,
        process: subprocess.Popen[bytes],
        follower: OutputFollower,
        *,
        follow_interval: float | None,
        poll_interval: float,
    ) -> None:
        """Watch ``process``."""
        self._process = process
        self._follower = follower
        self._follow_interval = follow_interval
        self._poll_interval = poll_interval

    def until(self, deadline: float | None) -> bool:
        """Wait until the process ended (True) or the monotonic ``deadline`` passed (False)."""
        if deadline is None and self._follow_interval is None:
            self._process.wait()
            return True
        pidfd = open_pidfd(self._process.pid)
        try:
            return self._wait_in_steps(deadline, pidfd)
        finally:
            if pidfd is not None:
                os.close(pidfd)

    def _wait_in_steps(self, deadline: float | None, pidfd: int | None) -> bool:
        poller = select.poll()
        if pidfd is not None:
            poller.register(pidfd, select.POLLIN)
        while self._process.poll() is None:
            step = self._step(deadline, pidfd is not None)
            if step is not None and step <= 0:
                return False
            if pidfd is None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self._process.wait(timeout=step)
            elif poller.poll(None if step is None else step * 1000):
                self._process.wait()
            if self._follow_interval is not None:
                self._follower.follow()
        return True

    def _step(self, deadline: float | None, has_pidfd: bool) -> float | None:
        """Seconds to wait next: to the deadline, the next read or the next check."""
        limits = [] if has_pidfd else [self._poll_interval]
        if self._follow_interval is not None:
            limits.append(self._follow_interval)
        if deadline is not None:
            limits.append(deadline - time.monotonic())
        return min(limits) if limits else None


def group_alive(pgid: int) -> bool:
    """Return True while any process of group ``pgid`` is alive."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def wait_for_group(process: subprocess.Popen[bytes], seconds: float, poll_interval: float) -> bool:
    """Wait up to ``seconds`` for the process group ``process`` leads to be gone.

    The leader is reaped as soon as it ends (a zombie would keep the group alive).

    Returns:
        True when the whole group is gone.
    """
    deadline = time.monotonic() + seconds
    while process.poll() is None or group_alive(process.pid):
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        time.sleep(min(left, poll_interval))
    return True


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
