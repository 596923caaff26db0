"""The generate use case: render a model run into its staging dir."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs

from rompy.domain.errors import StagingError
from rompy.domain.model_run import DATE_FORMAT, ModelRun
from rompy.log import get_logger
from rompy.ports.data import StagedData, StageRequest
from rompy.ports.rendering import RenderRequest, RenderResult
from rompy.ports.system import RuntimeInfo
from rompy.services.context import ServiceContext
from rompy.services.provenance import record_generated

log = get_logger(__name__)


@attrs.frozen(kw_only=True)
class GenerateResult:
    """What ``generate`` produced.

    Attributes:
        run_id: The run's id.
        staging_dir: The rendered staging dir.
        files: Rendered files relative to ``staging_dir``.
        data_files: Input data files written into ``staging_dir``, relative to it.
    """

    run_id: str
    staging_dir: Path
    files: tuple[Path, ...]
    data_files: tuple[Path, ...] = ()


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


def template_context(
    run: ModelRun, info: RuntimeInfo, staged: StagedData | None = None
) -> dict[str, Any]:
    """Return the template context: ``runtime``, ``config``, ``data``, ``staged``, ``_template``.

    ``data`` maps each data item's name to the file it is written to, relative to the
    staging dir (``{"wind": "wind.nc"}``); ``staged`` maps an item's name to the facts its
    handler found (``{"wind": {"mx": 4, ...}}``; empty for most items).
    """
    return {
        "runtime": runtime_context(run, info),
        "config": run.config,
        "data": {item.name: item.output_name for item in run.config.data_items()},
        "staged": dict(staged.facts) if staged is not None else {},
        "_template": run.config.template_source(),
    }


def stage_request(run: ModelRun, *, use_cache: bool = True) -> StageRequest:
    """Return the request staging ``run``'s data items for its grid and period."""
    return StageRequest(
        items=run.config.data_items(),
        grid=run.config.model_grid(),
        period=run.period,
        staging_dir=run.staging_dir,
        use_cache=use_cache,
    )


def generate(ctx: ServiceContext, run: ModelRun, *, use_cache: bool = True) -> GenerateResult:
    """Fetch ``run``'s input data, render its template tree, and put both in its staging dir.

    The run manifest (``rompy-manifest.json``: config, input digests, sources, versions) is
    written last, once every input is in place.

    Every data item is checked before anything is written, and all data is written (next
    to the staging dir) before the template is rendered, so a data failure leaves no staging
    dir behind and an existing one untouched.

    Args:
        ctx: The ports.
        run: The run.
        use_cache: Reuse (and fill) the data cache.

    Raises:
        DataSourceError: Input data is missing or does not cover the run.
        TemplateError: The template cannot be rendered.
        StagingError: The staging dir exists and ``run.delete_existing`` is False.
    """
    ctx.hooks.rompy_before_generate(run=run)
    log.info("generate_started", run_id=run.run_id, staging_dir=str(run.staging_dir))
    data = stage_request(run, use_cache=use_cache)
    if data.items and not run.delete_existing and ctx.inspector.exists(run.staging_dir):
        raise StagingError(
            f"staging dir {run.staging_dir} already exists; pass delete_existing=True "
            "(--delete-existing on the command line) to replace it, or choose another "
            "run_id or output_dir"
        )
    staged = ctx.stager.stage(data)
    rendered = _render(ctx, run, staged)
    data_files = ctx.stager.commit(staged, rendered.staging_dir)
    record_generated(ctx, run, staged)
    ctx.hooks.rompy_after_generate(run=run, result=rendered)
    log.info(
        "generate_finished", run_id=run.run_id, files=len(rendered.files), data=len(data_files)
    )
    return GenerateResult(
        run_id=run.run_id,
        staging_dir=rendered.staging_dir,
        files=tuple(sorted({*rendered.files, *data_files})),
        data_files=data_files,
    )


def _render(ctx: ServiceContext, run: ModelRun, staged: StagedData) -> RenderResult:
    """Render the run; discard the staged data if that fails.

    A model that registered its own renderer is rendered by it, any other by the default one.
    """
    request = RenderRequest(
        template=run.config.template_source(),
        context=template_context(run, ctx.runtime_info, staged),
        staging_dir=run.staging_dir,
        delete_existing=run.delete_existing,
    )
    renderer = ctx.registry.renderer_for(run.config) or ctx.renderer
    try:
        return renderer.render(request)
    except BaseException:
        ctx.stager.discard(staged)
        raise
