"""The run use case: execute a generated run and judge whether it really succeeded.

The steps around the executor call (staging, the request, the hooks and the model's success
check) are public so that :mod:`rompy.services.run_many` runs many runs the same way.
"""

from __future__ import annotations

import attrs

from rompy.domain.errors import ConfigError
from rompy.domain.execution.spec import ExecutionSpec
from rompy.domain.model_run import ModelRun
from rompy.log import get_logger
from rompy.ports.execution import (
    FAILED,
    ExecutionHandle,
    ExecutionRequest,
    RunOutcome,
    StartingExecutor,
)
from rompy.ports.handles import wait_or_cancel
from rompy.services.context import ServiceContext
from rompy.services.generate import generate
from rompy.services.provenance import record_finished

log = get_logger(__name__)


def execute(
    ctx: ServiceContext,
    run: ModelRun,
    backend: ExecutionSpec,
    *,
    skip_generate: bool = False,
    use_cache: bool = True,
) -> RunOutcome:
    """Generate (unless skipped) and execute ``run`` on ``backend``.

    It does what :func:`~rompy.services.submit.submit` and a wait do (an executor that
    cannot start runs executes in this thread, so Ctrl-C reaches it). The model config's
    own success check runs after a zero exit code: a model that exits 0 but left no sign of
    success gives a ``failed`` outcome with the model's reason.

    Args:
        ctx: The ports to use.
        run: The model run.
        backend: Where and how it executes.
        skip_generate: Use the existing staging dir instead of generating.
        use_cache: Reuse (and fill) the data cache when generating.

    Raises:
        ConfigError: ``skip_generate`` is set but the staging dir does not exist.
        StagingError: The executor could not use the staging dir.
        KeyboardInterrupt: Raised again once the run was told to stop.
    """
    stage(ctx, run, skip_generate=skip_generate, use_cache=use_cache)
    executor = ctx.registry.executor_for(backend)
    start_run(ctx, run, backend)
    request = execution_request(run, backend)
    if not isinstance(executor, StartingExecutor):  # run here, so Ctrl-C reaches it
        return finish_run(ctx, run, executor.execute(request), backend=backend)
    return finish_run(ctx, run, wait_to_end(executor.start(request)), backend=backend)


def wait_to_end(handle: ExecutionHandle) -> RunOutcome:
    """Wait for ``handle``'s outcome; on Ctrl-C cancel the run and raise again.

    Raises:
        KeyboardInterrupt: Raised again once the run was told to stop.
    """
    try:
        return wait_or_cancel(handle)
    except KeyboardInterrupt:
        log.warning("run_interrupted", run_id=handle.run_id)
        raise


def stage(ctx: ServiceContext, run: ModelRun, *, skip_generate: bool, use_cache: bool) -> None:
    """Generate ``run``, or, when ``skip_generate`` is set, check its staging dir exists.

    Raises:
        ConfigError: ``skip_generate`` is set but the staging dir does not exist.
    """
    if not skip_generate:
        generate(ctx, run, use_cache=use_cache)
    elif not ctx.inspector.exists(run.staging_dir):
        raise ConfigError(
            f"staging dir {run.staging_dir} does not exist; run without --skip-generate first",
            path="skip_generate",
            value=str(run.staging_dir),
        )


def execution_request(run: ModelRun, backend: ExecutionSpec) -> ExecutionRequest:
    """Return the request asking an executor to run ``run`` on ``backend``."""
    return ExecutionRequest(
        run_id=run.run_id,
        staging_dir=run.staging_dir,
        spec=backend,
        default_command=run.config.command_for(backend.cpu_count()),
    )


def start_run(ctx: ServiceContext, run: ModelRun, backend: ExecutionSpec) -> None:
    """Tell the ``rompy_before_run`` hook and the log that ``run`` starts on ``backend``."""
    ctx.hooks.rompy_before_run(run=run, backend=backend)
    log.info("run_started", run_id=run.run_id, executor=backend.type)


def finish_run(
    ctx: ServiceContext,
    run: ModelRun,
    outcome: RunOutcome,
    *,
    backend: ExecutionSpec | None = None,
) -> RunOutcome:
    """Judge ``outcome`` by the model's success check, record it, tell the hook and the log.

    The run manifest gets the execution part (what ran on ``backend``, the times, the
    outcome and the files the run wrote) before ``rompy_after_run`` is called.
    """
    outcome = apply_success_check(ctx, run, outcome)
    record_finished(ctx, run, outcome, backend)
    ctx.hooks.rompy_after_run(run=run, outcome=outcome)
    duration = round(outcome.duration, 3)
    log.info("run_finished", run_id=run.run_id, status=outcome.status, duration=duration)
    return outcome


def apply_success_check(ctx: ServiceContext, run: ModelRun, outcome: RunOutcome) -> RunOutcome:
    """Turn a succeeded ``outcome`` into a failed one when the model finds no sign of success."""
    if not outcome.ok:
        return outcome
    verdict = run.config.check_success(ctx.inspector.view(run.staging_dir))
    if verdict.ok:
        return outcome
    message = f"{run.config.model_type} reported failure despite exit code 0: {verdict.reason}"
    return attrs.evolve(outcome, status=FAILED, message=message)
