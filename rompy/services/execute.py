"""The run use case: execute a generated run and judge whether it really succeeded."""

from __future__ import annotations

import attrs

from rompy.domain.errors import ConfigError
from rompy.domain.execution.spec import ExecutionSpec
from rompy.domain.model_run import ModelRun
from rompy.log import get_logger
from rompy.ports.execution import FAILED, ExecutionRequest, RunOutcome
from rompy.services.context import ServiceContext
from rompy.services.generate import generate

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

    The model config's own success check runs after a zero exit code: a model that exits 0
    but left no sign of success gives a ``failed`` outcome with the model's reason.

    Args:
        ctx: The ports to use.
        run: The model run.
        backend: Where and how it executes.
        skip_generate: Use the existing staging dir instead of generating.
        use_cache: Reuse (and fill) the data cache when generating.

    Raises:
        ConfigError: ``skip_generate`` is set but the staging dir does not exist.
        StagingError: The executor could not use the staging dir.
    """
    if not skip_generate:
        generate(ctx, run, use_cache=use_cache)
    elif not ctx.inspector.exists(run.staging_dir):
        raise ConfigError(
            f"staging dir {run.staging_dir} does not exist; run without --skip-generate first",
            path="skip_generate",
            value=str(run.staging_dir),
        )
    executor = ctx.registry.executor_for(backend)
    ctx.hooks.rompy_before_run(run=run, backend=backend)
    log.info("run_started", run_id=run.run_id, executor=backend.type)
    request = ExecutionRequest(
        run_id=run.run_id,
        staging_dir=run.staging_dir,
        spec=backend,
        default_command=run.config.default_command(),
    )
    outcome = _apply_success_check(ctx, run, executor.execute(request))
    ctx.hooks.rompy_after_run(run=run, outcome=outcome)
    duration = round(outcome.duration, 3)
    log.info("run_finished", run_id=run.run_id, status=outcome.status, duration=duration)
    return outcome


def _apply_success_check(ctx: ServiceContext, run: ModelRun, outcome: RunOutcome) -> RunOutcome:
    if not outcome.ok:
        return outcome
    verdict = run.config.check_success(ctx.inspector.view(run.staging_dir))
    if verdict.ok:
        return outcome
    message = f"{run.config.model_type} reported failure despite exit code 0: {verdict.reason}"
    return attrs.evolve(outcome, status=FAILED, message=message)
