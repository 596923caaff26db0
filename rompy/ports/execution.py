"""The execution port: an execute request goes in, a run outcome comes out.

An executor may also start a run without waiting for it (:class:`StartingExecutor`): it
returns an :class:`ExecutionHandle` that follows the run until its outcome is known.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import attrs

from rompy.domain.execution.spec import ExecutionSpec
from rompy.domain.model_config import Command

SUCCEEDED = "succeeded"
FAILED = "failed"
TIMED_OUT = "timed_out"
CANCELLED = "cancelled"
PENDING = "pending"
RUNNING = "running"

FINAL_STATUSES = frozenset({SUCCEEDED, FAILED, TIMED_OUT, CANCELLED})
"""The statuses of a run outcome: a handle reporting one of them is done."""


@attrs.frozen(kw_only=True)
class ExecutionRequest:
    """Ask an executor to run one model run.

    Attributes:
        run_id: The run's id (for logs, job names, container names).
        staging_dir: The rendered staging dir; the default working dir.
        spec: The execution spec, of the class the executor was registered for.
        default_command: The model config's command, used when the spec has none.
    """

    run_id: str
    staging_dir: Path
    spec: ExecutionSpec
    default_command: Command | None = None


@attrs.frozen(kw_only=True)
class RunOutcome:
    """What happened when a run executed.

    Attributes:
        run_id: The run's id.
        executor: The executor's ``type`` tag.
        status: ``succeeded``, ``failed``, ``timed_out`` or ``cancelled``.
        exit_code: The process exit code, when there was one.
        started_at: When execution started (UTC, naive).
        duration: Seconds from start to end.
        stdout_path: File holding the standard output, if saved.
        stderr_path: File holding the standard error, if saved.
        message: A one-line human explanation (empty when all went well).
        details: Executor-specific facts (image digest, job id, final SLURM state, ...).
    """

    run_id: str
    executor: str
    status: str
    exit_code: int | None = None
    started_at: datetime | None = None
    duration: float = 0.0
    stdout_path: Path | None = None
    stderr_path: Path | None = None
    message: str = ""
    details: Mapping[str, Any] = attrs.field(factory=dict)

    @property
    def ok(self) -> bool:
        """True when the run succeeded."""
        return self.status == SUCCEEDED

    @property
    def timed_out(self) -> bool:
        """True when the run was stopped by its timeout."""
        return self.status == TIMED_OUT


class Executor(Protocol):
    """Runs a model run somewhere (a local process, a container, a cluster job)."""

    def execute(self, request: ExecutionRequest) -> RunOutcome:
        """Run ``request`` to completion and describe what happened.

        A run that fails returns an outcome with ``status`` other than ``succeeded``; only
        an unusable engine raises (:class:`~rompy.domain.errors.ExecutorUnavailableError`),
        and so does a staging dir that does not exist
        (:class:`~rompy.domain.errors.StagingError`: the services rely on it rather than
        checking every run beforehand).
        """
        ...


@runtime_checkable
class BatchExecutor(Executor, Protocol):
    """An executor that also runs many requests together (a SLURM job array, say).

    The services check for it with ``isinstance`` and hand it every run of a batch at once;
    an executor without :meth:`execute_many` runs the batch one request after another.
    """

    def execute_many(
        self, requests: Sequence[ExecutionRequest], max_parallel: int | None = None
    ) -> list[RunOutcome]:
        """Run every request to completion; return one outcome per request, in order.

        Args:
            requests: The runs to execute, each with its own staging dir.
            max_parallel: At most this many running at once (None: no limit of rompy's).

        Raises:
            ExecutorUnavailableError: The engine is unusable.
            StagingError: A staging dir does not exist.
        """
        ...


class ExecutionHandle(Protocol):
    """A run started by an executor, followed from any thread until its outcome is known.

    Example:
        >>> handle = executor.start(request)  # doctest: +SKIP
        >>> handle.status()  # doctest: +SKIP
        'running'
        >>> handle.wait(timeout=5.0) is None  # still running after 5 s  # doctest: +SKIP
        True
    """

    @property
    def run_id(self) -> str:
        """The run's id."""
        ...

    @property
    def outcome(self) -> RunOutcome | None:
        """The outcome once the run has finished; None while it goes on (never blocks)."""
        ...

    def status(self) -> str:
        """Return :data:`PENDING`, :data:`RUNNING` or the final status of the outcome."""
        ...

    def done(self) -> bool:
        """Return True once the outcome is known."""
        ...

    def wait(self, timeout: float | None = None) -> RunOutcome | None:
        """Wait up to ``timeout`` seconds (None: no limit) for the run to finish.

        Returns:
            The outcome, or None when ``timeout`` passed first. A wait that times out
            leaves the run going: only :meth:`cancel` and the spec's own timeout stop it.

        Raises:
            ExecutorUnavailableError: The engine was lost while following the run.
        """
        ...

    def cancel(self) -> None:
        """Stop the run; its outcome becomes ``cancelled``. Does nothing once it finished.

        It returns once the engine has been told to stop the run (for a local process,
        once its process group is stopped); :meth:`wait` gives the outcome.

        Raises:
            ExecutorUnavailableError: The executor cannot stop runs it started.
        """
        ...


@runtime_checkable
class StartingExecutor(Executor, Protocol):
    """An executor that starts a run and returns at once with a handle on it.

    The services check for it with ``isinstance``; any other executor is run by
    ``execute`` in a thread of rompy's (whose handle cannot cancel the run).
    """

    def start(self, request: ExecutionRequest) -> ExecutionHandle:
        """Start ``request`` and return a handle without waiting for the run to end.

        Raises:
            ConfigError, StagingError, ExecutorUnavailableError: As
                :meth:`Executor.execute`, before anything runs.
        """
        ...
