"""The generate use case: render a model run into its staging dir."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs

from rompy.domain.model_run import DATE_FORMAT, ModelRun
from rompy.log import get_logger
from rompy.ports.rendering import RenderRequest
from rompy.ports.system import RuntimeInfo
from rompy.services.context import ServiceContext

log = get_logger(__name__)


@attrs.frozen(kw_only=True)
class GenerateResult:
    """What ``generate`` produced.

    Attributes:
        run_id: The run's id.
        staging_dir: The rendered staging dir.
        files: Rendered files relative to ``staging_dir``.
    """

    run_id: str
    staging_dir: Path
    files: tuple[Path, ...]


def runtime_context(run: ModelRun, info: RuntimeInfo) -> dict[str, Any]:
    """Return the ``runtime`` template context of ``run``.

    Keys come with and without a leading underscore, so templates written for the reference
    rompy (``runtime._generated_at``) keep working.
    """
    stamp = {
        "generated_at": str(info.now()),
        "generated_by": info.user(),
        "generated_on": info.host(),
        "datefmt": DATE_FORMAT,
    }
    runtime: dict[str, Any] = {
        "run_id": run.run_id,
        "period": run.period,
        "output_dir": str(run.output_dir),
        "staging_dir": str(run.staging_dir),
        "delete_existing": run.delete_existing,
        **stamp,
    }
    runtime.update({f"_{key}": value for key, value in stamp.items()})
    return runtime


def template_context(run: ModelRun, info: RuntimeInfo) -> dict[str, Any]:
    """Return the whole template context: ``runtime``, ``config`` and ``_template``."""
    return {
        "runtime": runtime_context(run, info),
        "config": run.config,
        "_template": run.config.template_source(),
    }


def generate(ctx: ServiceContext, run: ModelRun) -> GenerateResult:
    """Render ``run``'s template tree into its staging dir, atomically.

    Raises:
        TemplateError: The template cannot be rendered.
        StagingError: The staging dir exists and ``run.delete_existing`` is False.
    """
    ctx.hooks.rompy_before_generate(run=run)
    log.info("generate_started", run_id=run.run_id, staging_dir=str(run.staging_dir))
    request = RenderRequest(
        template=run.config.template_source(),
        context=template_context(run, ctx.runtime_info),
        staging_dir=run.staging_dir,
        delete_existing=run.delete_existing,
    )
    rendered = ctx.renderer.render(request)
    ctx.hooks.rompy_after_generate(run=run, result=rendered)
    log.info("generate_finished", run_id=run.run_id, files=len(rendered.files))
    return GenerateResult(run_id=run.run_id, staging_dir=rendered.staging_dir, files=rendered.files)
