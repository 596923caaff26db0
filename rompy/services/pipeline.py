"""The pipeline use case: generate → run → postprocess, stopping at the first failure."""

from __future__ import annotations

import attrs

from rompy.domain.pipeline import PipelineSpec
from rompy.log import get_logger
from rompy.ports.execution import RunOutcome
from rompy.ports.postprocessing import PostprocessResult
from rompy.services.context import ServiceContext
from rompy.services.execute import execute
from rompy.services.generate import GenerateResult, generate
from rompy.services.postprocess import postprocess

log = get_logger(__name__)


@attrs.frozen(kw_only=True)
class PipelineResult:
    """What a pipeline did, stage by stage.

    Attributes:
        run_id: The run's id.
        generated: The generate stage's result.
        outcome: The run stage's outcome (None when a stage before it failed).
        postprocessed: The postprocess stage's result (None when not reached).
        failed_stage: ``run`` or ``postprocess`` when one failed, else empty.
        message: Why the failed stage failed.
    """

    run_id: str
    generated: GenerateResult | None = None
    outcome: RunOutcome | None = None
    postprocessed: PostprocessResult | None = None
    failed_stage: str = ""
    message: str = ""

    @property
    def ok(self) -> bool:
        """True when every stage succeeded."""
        return not self.failed_stage


def run_pipeline(
    ctx: ServiceContext, spec: PipelineSpec, *, use_cache: bool = True
) -> PipelineResult:
    """Generate, run and postprocess ``spec.config``; stop at the first failing stage.

    Input errors (a template that cannot render, a staging dir that may not be replaced)
    propagate as exceptions; a failed run or postprocess is reported in the result.
    """
    run = spec.config
    generated = generate(ctx, run, use_cache=use_cache)
    outcome = execute(ctx, run, spec.backend, skip_generate=True)
    if not outcome.ok:
        return _failed(run.run_id, "run", outcome.message or outcome.status, generated, outcome)
    processed = postprocess(ctx, run, spec.postprocessor)
    result = PipelineResult(
        run_id=run.run_id, generated=generated, outcome=outcome, postprocessed=processed
    )
    if not processed.ok:
        result = attrs.evolve(result, failed_stage="postprocess", message=processed.message)
    log.info("pipeline_finished", run_id=run.run_id, ok=result.ok, failed_stage=result.failed_stage)
    return result


def _failed(
    run_id: str, stage: str, message: str, generated: GenerateResult, outcome: RunOutcome
) -> PipelineResult:
    log.info("pipeline_finished", run_id=run_id, ok=False, failed_stage=stage)
    return PipelineResult(
        run_id=run_id, generated=generated, outcome=outcome, failed_stage=stage, message=message
    )
