"""The submit use case: generate a run, start it, and return at once with a handle.

Generating happens before :func:`submit` returns, so a bad config or missing data raises
there. The executor then starts the run: one that is a
:class:`~rompy.ports.execution.StartingExecutor` returns its own handle (a local process
group, a container, a SLURM job); any other executor runs ``execute`` in a thread of
rompy's, whose run cannot be cancelled. The :class:`RunHandle` returned judges the outcome
by the model's success check and tells ``rompy_after_run`` exactly once.

Example:
    >>> handle = submit(ctx, run, backend)  # doctest: +SKIP
    >>> handle.wait(timeout=10.0) or handle.status()  # doctest: +SKIP
    'running'
"""

from __future__ import annotations

import threading

from rompy.domain.execution.spec import ExecutionSpec
from rompy.domain.model_run import ModelRun
from rompy.ports.execution import (
    PENDING,
    RUNNING,
    ExecutionHandle,
    ExecutionRequest,
    Executor,
    RunOutcome,
    StartingExecutor,
)
from rompy.ports.handles import ThreadedHandle
from rompy.services.context import ServiceContext
from rompy.services.execute import execution_request, finish_run, stage, start_run


class RunHandle:
    """A submitted run: ask its status, wait for it, cancel it, read its outcome.

    Safe to use from many threads. The first look at a finished run (by :meth:`wait`,
    :meth:`status`, :meth:`done` or :attr:`outcome`) applies the model's success check and
    the ``rompy_after_run`` hook, once.

    Args:
        ctx: The ports (for the success check and the hooks).
        run: The model run.
        execution: The executor's handle on it.

    Attributes:
        run: The model run.
    """

    def __init__(
        self,
        ctx: ServiceContext,
        run: ModelRun,
        execution: ExecutionHandle,
        backend: ExecutionSpec | None = None,
    ) -> None:
        """Follow ``execution`` on behalf of ``run``."""
        self.run = run
        self._ctx = ctx
        self._execution = execution
        self._backend = backend
        self._outcome: RunOutcome | None = None
        self._lock = threading.Lock()

    @property
    def run_id(self) -> str:
        """The run's id."""
        return self.run.run_id

    @property
    def outcome(self) -> RunOutcome | None:
        """The judged outcome once the run finished; None while it goes on (never blocks)."""
        return self._finish(self._execution.outcome)

    def status(self) -> str:
        """Return ``pending``, ``running`` or the final status of the judged outcome."""
        if self._outcome is not None:
            return self._outcome.status
        status = self._execution.status()
        if status in (PENDING, RUNNING):
            return status
        judged = self.outcome
        return status if judged is None else judged.status

    def done(self) -> bool:
        """Return True once the run finished (its outcome is then judged)."""
        return self.outcome is not None

    def wait(self, timeout: float | None = None) -> RunOutcome | None:
        """Wait up to ``timeout`` seconds (None: no limit) for the judged outcome.

        Returns:
            The outcome, or None when ``timeout`` passed while the run goes on (the run
            is not stopped: call :meth:`cancel` for that).
        """
        if self._outcome is not None:
            return self._outcome
        return self._finish(self._execution.wait(timeout))

    def cancel(self) -> None:
        """Stop the run (its outcome becomes ``cancelled``); nothing once it finished.

        Raises:
            ExecutorUnavailableError: The backend's executor cannot stop runs.
        """
        self._execution.cancel()

    def _finish(self, raw: RunOutcome | None) -> RunOutcome | None:
        if raw is None or self._outcome is not None:
            return self._outcome
        with self._lock:
            if self._outcome is None:
                self._outcome = finish_run(self._ctx, self.run, raw, backend=self._backend)
        return self._outcome

    def __repr__(self) -> str:
        """Show the run id and what is known of its status."""
        known = self._outcome.status if self._outcome is not None else "unfinished"
        return f"RunHandle(run_id={self.run_id!r}, status={known!r})"


def submit(
    ctx: ServiceContext,
    run: ModelRun,
    backend: ExecutionSpec,
    *,
    skip_generate: bool = False,
    use_cache: bool = True,
) -> RunHandle:
    """Generate (unless skipped) ``run``, start it on ``backend`` and return its handle.

    Args:
        ctx: The ports to use.
        run: The model run.
        backend: Where and how it executes.
        skip_generate: Use the existing staging dir instead of generating.
        use_cache: Reuse (and fill) the data cache when generating.

    Raises:
        ConfigError: The run or backend is wrong, or ``skip_generate`` is set but the
            staging dir does not exist.
        DataSourceError: Input data is missing or unreadable.
        StagingError: The executor could not use the staging dir.
        ExecutorUnavailableError: The backend's engine is unusable.
    """
    stage(ctx, run, skip_generate=skip_generate, use_cache=use_cache)
    executor = ctx.registry.executor_for(backend)
    start_run(ctx, run, backend)
    execution = start_execution(executor, execution_request(run, backend))
    return RunHandle(ctx, run, execution, backend)


def start_execution(executor: Executor, request: ExecutionRequest) -> ExecutionHandle:
    """Start ``request``: natively on a starting executor, else ``execute`` in a thread.

    The thread's handle cannot cancel the run: its :meth:`~ThreadedHandle.cancel` raises
    :class:`~rompy.domain.errors.ExecutorUnavailableError` and the run goes on.
    """
    if isinstance(executor, StartingExecutor):
        return executor.start(request)
    return ThreadedHandle(
        request.run_id,
        lambda cancelled: executor.execute(request),
        stop=None,
        executor=request.spec.type,
    )
