"""The many-runs use case: generate a batch of runs, then execute them on one backend.

An executor that is a :class:`~rompy.ports.execution.BatchExecutor` (the SLURM executor)
gets every request in one ``execute_many`` call, so the batch becomes one job array; any
other executor runs the requests one after another. Each run is staged, hooked and judged
by its model's success check exactly as :func:`rompy.services.execute.execute` does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from rompy.domain.errors import ConfigError
from rompy.domain.execution.spec import ExecutionSpec
from rompy.domain.model_run import ModelRun
from rompy.log import get_logger
from rompy.ports.execution import BatchExecutor, Executor, RunOutcome
from rompy.services.context import ServiceContext
from rompy.services.execute import execution_request, finish_run, stage, start_run

log = get_logger(__name__)


def execute_many(
    ctx: ServiceContext,
    runs: Sequence[ModelRun],
    backend: ExecutionSpec,
    *,
    max_parallel: int | None = None,
    skip_generate: bool = False,
    use_cache: bool = True,
) -> list[RunOutcome]:
    """Generate (unless skipped) every run, then execute them all on ``backend``.

    A batch executor gets every request in one ``execute_many`` call (``rompy_before_run``
    for every run before it, ``rompy_after_run`` after); another executor runs them in turn,
    each between its two hooks. ``max_parallel`` limits a batch executor's concurrency;
    ``skip_generate`` and ``use_cache`` are as in :func:`~rompy.services.execute.execute`.

    Returns:
        One outcome per run, in the order of ``runs`` (empty for no runs).

    Raises:
        ConfigError: Two runs share a run id or a staging dir, or ``skip_generate`` is set
            and a staging dir does not exist.
        StagingError: The executor could not use a staging dir.
    """
    if not runs:
        return []
    check_distinct(runs)
    for run in runs:
        stage(ctx, run, skip_generate=skip_generate, use_cache=use_cache)
    executor = ctx.registry.executor_for(backend)
    if isinstance(executor, BatchExecutor):
        log.info("runs_started", runs=len(runs), executor=backend.type, batch=True)
        outcomes = _run_together(ctx, executor, runs, backend, max_parallel)
    else:
        log.info("runs_started", runs=len(runs), executor=backend.type, batch=False)
        outcomes = _run_in_turn(ctx, executor, runs, backend)
    statuses = dict(sorted(Counter(outcome.status for outcome in outcomes).items()))
    log.info("runs_finished", runs=len(outcomes), executor=backend.type, statuses=statuses)
    return outcomes


def check_distinct(runs: Sequence[ModelRun]) -> None:
    """Refuse runs that share a run id or a staging dir (their files would mix).

    Raises:
        ConfigError: Naming the later run of the first clash, as ``runs[i].run_id`` (or
            ``runs[i].output_dir`` when different run ids share a staging dir).
    """
    run_ids: dict[str, int] = {}
    staging_dirs: dict[Path, int] = {}
    for index, run in enumerate(runs):
        if run.run_id in run_ids:
            raise ConfigError(
                f"run id {run.run_id!r} is also the run id of runs[{run_ids[run.run_id]}]; "
                "give every run its own run id",
                path=f"runs[{index}].run_id",
                value=run.run_id,
            )
        if run.staging_dir in staging_dirs:
            raise ConfigError(
                f"staging dir {run.staging_dir} is also the staging dir of "
                f"runs[{staging_dirs[run.staging_dir]}]; give every run its own staging dir",
                path=f"runs[{index}].output_dir",
                value=str(run.staging_dir),
            )
        run_ids[run.run_id] = index
        staging_dirs[run.staging_dir] = index


def _run_together(
    ctx: ServiceContext,
    executor: BatchExecutor,
    runs: Sequence[ModelRun],
    backend: ExecutionSpec,
    max_parallel: int | None,
) -> list[RunOutcome]:
    for run in runs:
        start_run(ctx, run, backend)
    requests = [execution_request(run, backend) for run in runs]
    outcomes = executor.execute_many(requests, max_parallel=max_parallel)
    if len(outcomes) != len(runs):
        raise RuntimeError(
            f"the {backend.type!r} executor returned {len(outcomes)} outcomes for {len(runs)} runs"
        )
    return [
        finish_run(ctx, run, outcome, backend=backend)
        for run, outcome in zip(runs, outcomes, strict=True)
    ]


def _run_in_turn(
    ctx: ServiceContext, executor: Executor, runs: Sequence[ModelRun], backend: ExecutionSpec
) -> list[RunOutcome]:
    outcomes = []
    for run in runs:
        start_run(ctx, run, backend)
        outcome = executor.execute(execution_request(run, backend))
        outcomes.append(finish_run(ctx, run, outcome, backend=backend))
    return outcomes
