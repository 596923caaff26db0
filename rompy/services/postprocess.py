"""The postprocess use case."""

from __future__ import annotations

from rompy.domain.model_run import ModelRun
from rompy.domain.postprocess.spec import PostprocessSpec
from rompy.log import get_logger
from rompy.ports.postprocessing import PostprocessRequest, PostprocessResult
from rompy.services.context import ServiceContext
from rompy.services.provenance import record_postprocessed

log = get_logger(__name__)


def postprocess(ctx: ServiceContext, run: ModelRun, spec: PostprocessSpec) -> PostprocessResult:
    """Process the outputs of ``run`` with the postprocessor registered for ``spec``.

    Files the postprocessor wrote into the staging dir join the manifest's outputs.
    """
    processor = ctx.registry.postprocessor_for(spec)
    ctx.hooks.rompy_before_postprocess(run=run, spec=spec)
    log.info("postprocess_started", run_id=run.run_id, postprocessor=spec.type)
    request = PostprocessRequest(run_id=run.run_id, staging_dir=run.staging_dir, spec=spec)
    result = processor.process(request)
    record_postprocessed(ctx, run)
    ctx.hooks.rompy_after_postprocess(run=run, result=result)
    log.info("postprocess_finished", run_id=run.run_id, ok=result.ok)
    return result
