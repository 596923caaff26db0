"""The read-outputs use case: a finished run's outputs as datasets, through its model's reader."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rompy.domain.errors import ConfigError, StagingError
from rompy.domain.model_run import ModelRun
from rompy.log import get_logger
from rompy.ports.outputs import OutputRequest
from rompy.services.context import ServiceContext

log = get_logger(__name__)


def read_outputs(ctx: ServiceContext, run: ModelRun) -> Mapping[str, Any]:
    """Return the outputs of ``run`` as ``xarray.Dataset`` objects, by output name.

    Raises:
        ConfigError: The run's model has no output reader registered.
        StagingError: The run's staging dir does not exist (it never ran).
        DataSourceError: The reader cannot find or read an output.
    """
    reader = ctx.registry.output_reader_for(run.config)
    if reader is None:
        raise ConfigError(
            f"model_type {run.config.model_type!r} has no output reader; its plugin can "
            "register one with the rompy_register_output_readers hook",
            path="config.model_type",
            value=run.config.model_type,
        )
    if not ctx.inspector.exists(run.staging_dir):
        raise StagingError.missing(run.staging_dir)
    request = OutputRequest(run_id=run.run_id, staging_dir=run.staging_dir, config=run.config)
    outputs = reader.read(request)
    log.info("outputs_read", run_id=run.run_id, outputs=sorted(outputs))
    return outputs
