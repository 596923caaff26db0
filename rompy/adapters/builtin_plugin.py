"""The built-in plugin: rompy's model config and its reader, executors, postprocessors, data.

Registered exactly like a third-party plugin. Each adapter module is imported by its
:class:`~rompy.adapters.lazy_factory.LazyFactory` at the first build, so loading this plugin
stays cheap (no docker-py at ``rompy --help``).
"""

from __future__ import annotations

from rompy.adapters.data.registrations import rompy_register_data as rompy_register_data
from rompy.adapters.data.registrations import (
    rompy_register_sources as rompy_register_sources,
)
from rompy.adapters.lazy_factory import LazyFactory
from rompy.domain.ensemble.engines import DaskEngine, PoolEngine, SlurmArrayEngine
from rompy.domain.execution.docker import DockerExecution
from rompy.domain.execution.slurm import SlurmExecution
from rompy.domain.execution.spec import LocalExecution
from rompy.domain.model_config import BaseConfig
from rompy.domain.postprocess.file_outputs import (
    ArchivePostprocess,
    TransferPostprocess,
    ValidatePostprocess,
)
from rompy.domain.postprocess.spec import NoopPostprocess
from rompy.hookspecs import (
    RegisterEnsembleEngine,
    RegisterExecutor,
    RegisterModelConfig,
    RegisterOutputReader,
    RegisterPostprocessor,
    hookimpl,
)


@hookimpl
def rompy_register_model_configs(register: RegisterModelConfig) -> None:
    """Register the ``base`` model config."""
    register(BaseConfig)


@hookimpl
def rompy_register_output_readers(register: RegisterOutputReader) -> None:
    """Register the ``base`` model's reader of its NetCDF outputs."""
    register(BaseConfig, LazyFactory("rompy.adapters.outputs.netcdf:NetcdfOutputReader"))


@hookimpl
def rompy_register_executors(register: RegisterExecutor) -> None:
    """Register the ``local``, ``docker`` and ``slurm`` executors."""
    register(LocalExecution, LazyFactory("rompy.adapters.execution.local.executor:LocalExecutor"))
    register(
        DockerExecution, LazyFactory("rompy.adapters.execution.docker.executor:DockerExecutor")
    )
    register(SlurmExecution, LazyFactory("rompy.adapters.execution.slurm.executor:SlurmExecutor"))


@hookimpl
def rompy_register_postprocessors(register: RegisterPostprocessor) -> None:
    """Register the ``noop``, ``archive``, ``validate`` and ``transfer`` postprocessors."""
    register(NoopPostprocess, LazyFactory("rompy.adapters.postprocess.noop:NoopPostprocessor"))
    register(
        ArchivePostprocess, LazyFactory("rompy.adapters.postprocess.archive:ArchivePostprocessor")
    )
    register(
        ValidatePostprocess,
        LazyFactory("rompy.adapters.postprocess.validate:ValidatePostprocessor"),
    )
    register(
        TransferPostprocess,
        LazyFactory("rompy.adapters.postprocess.transfer:TransferPostprocessor"),
    )


@hookimpl
def rompy_register_ensemble_engines(register: RegisterEnsembleEngine) -> None:
    """Register the ``pool``, ``slurm`` (job array) and ``dask`` ensemble engines."""
    register(PoolEngine, LazyFactory("rompy.adapters.ensemble.pool:PoolEngineAdapter"))
    register(SlurmArrayEngine, LazyFactory("rompy.adapters.ensemble.slurm_array:SlurmArrayRunner"))
    register(DaskEngine, LazyFactory("rompy.adapters.ensemble.dask_engine:DaskEngineAdapter"))
