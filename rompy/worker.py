"""The ensemble member runner: one member's pipeline, run in whichever process holds it.

:class:`PipelineMemberRunner` is picklable. In a worker process (a pool worker, a Dask
worker, a SLURM array task) it bootstraps one :class:`~rompy.application.App` on first use
and reuses it for every later member, so a member costs its pipeline, not a bootstrap. It
records the member's state on disk: ``running`` (pid, host, start) before, ``done`` or
``failed`` (duration, reason) after. Any error becomes a ``failed`` state with its one-line
message; it never escapes to stop the pool. On KeyboardInterrupt (Ctrl-C, or the SIGTERM a
stopping pool sends, see :func:`interrupt_on_sigterm`) the member's model processes are
stopped by its executor, the state says ``cancelled``, and the interrupt goes on.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import sys
import time
from pathlib import Path
from types import FrameType

import attrs

from rompy.adapters.ensemble.state import JsonEnsembleFolder
from rompy.application import App, bootstrap
from rompy.ports.ensemble import DONE, FAILED, RUNNING, MemberJob, MemberState

_APPS: dict[bool, App] = {}
CANCELLED_MESSAGE = "cancelled (the ensemble was interrupted)"


def worker_app(load_entry_points: bool = True) -> App:
    """Return this process's application, bootstrapping it on the first call."""
    if load_entry_points not in _APPS:
        _APPS[load_entry_points] = bootstrap(load_entry_points=load_entry_points)
    return _APPS[load_entry_points]


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def interrupt_on_sigterm() -> None:
    """Turn SIGTERM into KeyboardInterrupt in this process (a pool worker's initializer)."""
    signal.signal(signal.SIGTERM, _raise_interrupt)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 500 else text[:497] + "..."


@attrs.frozen(kw_only=True)
class PipelineMemberRunner:
    """Runs one member's pipeline (generate, run on its own backend, postprocess).

    Attributes:
        engine: The engine's ``type`` tag, written into the member's state.
        load_entry_points: Whether the worker's app loads third-party plugins.
    """

    engine: str = ""
    load_entry_points: bool = True

    def __call__(self, job: MemberJob) -> MemberState:
        """Run ``job`` in this process; return its final state (``done`` or ``failed``)."""
        folder = JsonEnsembleFolder()
        running = MemberState(
            member_id=job.member_id,
            status=RUNNING,
            config_hash=job.config_hash,
            started_at=_now(),
            host=socket.gethostname(),
            pid=os.getpid(),
            engine=self.engine,
        )
        folder.write(job.ensemble_dir, running)
        start = time.monotonic()
        try:
            status, message = self._run(job)
        except KeyboardInterrupt:
            self._end(folder, job, running, start, FAILED, CANCELLED_MESSAGE)
            raise
        return self._end(folder, job, running, start, status, message)

    def _run(self, job: MemberJob) -> tuple[str, str]:
        try:
            app = worker_app(self.load_entry_points)
            result = app.pipeline(app.pipeline_from(job.pipeline))
        except Exception as error:
            return FAILED, _one_line(error)
        if result.ok:
            return DONE, ""
        return FAILED, f"{result.failed_stage} failed: {_one_line(Exception(result.message))}"

    @staticmethod
    def _end(
        folder: JsonEnsembleFolder,
        job: MemberJob,
        running: MemberState,
        start: float,
        status: str,
        message: str,
    ) -> MemberState:
        state = attrs.evolve(
            running,
            status=status,
            ended_at=_now(),
            duration=round(time.monotonic() - start, 3),
            message=message,
        )
        folder.write(job.ensemble_dir, state)
        return state

    def command(self, job_file: Path) -> list[str]:
        """Return the argv that runs the member whose job is written in ``job_file``."""
        return [sys.executable, "-m", "rompy", "ensemble", "member", str(job_file)]
