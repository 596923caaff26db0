"""The built-in plugin: rompy's own model config, executors, postprocessors and data.

Registered exactly like a third-party plugin. Adapter modules are imported inside the
factories, so loading this plugin stays cheap (no docker-py at ``rompy --help``).
"""

from __future__ import annotations

from rompy.adapters.data_registrations import rompy_register_data as rompy_register_data
from rompy.adapters.data_registrations import (
    rompy_register_sources as rompy_register_sources,
)
from rompy.domain.docker import DockerExecution
from rompy.domain.execution import LocalExecution
from rompy.domain.models import BaseConfig
from rompy.domain.postprocess import NoopPostprocess
from rompy.domain.postprocessors import (
    ArchivePostprocess,
    TransferPostprocess,
    ValidatePostprocess,
)
from rompy.domain.slurm import SlurmExecution
from rompy.hookspecs import (
    RegisterExecutor,
    RegisterModelConfig,
    RegisterPostprocessor,
    hookimpl,
)
from rompy.ports.execution import Executor
from rompy.ports.postprocessing import Postprocessor


def _local_executor() -> Executor:
    from rompy.adapters.local_executor import LocalExecutor

    return LocalExecutor()


def _docker_executor() -> Executor:
    from rompy.adapters.docker_executor import DockerExecutor

    return DockerExecutor()


def _slurm_executor() -> Executor:
    from rompy.adapters.slurm_executor import SlurmExecutor

    return SlurmExecutor()


def _noop_postprocessor() -> Postprocessor:
    from rompy.adapters.noop_postprocessor import NoopPostprocessor

    return NoopPostprocessor()


def _archive_postprocessor() -> Postprocessor:
    from rompy.adapters.archive_postprocessor import ArchivePostprocessor

    return ArchivePostprocessor()


def _validate_postprocessor() -> Postprocessor:
    from rompy.adapters.validate_postprocessor import ValidatePostprocessor

    return ValidatePostprocessor()


def _transfer_postprocessor() -> Postprocessor:
    from rompy.adapters.transfer_postprocessor import TransferPostprocessor

    return TransferPostprocessor()


@hookimpl
def rompy_register_model_configs(register: RegisterModelConfig) -> None:
    """Register the ``base`` model config."""
    register(BaseConfig)


@hookimpl
def rompy_register_executors(register: RegisterExecutor) -> None:
    """Register the ``local``, ``docker`` and ``slurm`` executors."""
    register(LocalExecution, _local_executor)
    register(DockerExecution, _docker_executor)
    register(SlurmExecution, _slurm_executor)


@hookimpl
def rompy_register_postprocessors(register: RegisterPostprocessor) -> None:
    """Register the ``noop``, ``archive``, ``validate`` and ``transfer`` postprocessors."""
    register(NoopPostprocess, _noop_postprocessor)
    register(ArchivePostprocess, _archive_postprocessor)
    register(ValidatePostprocess, _validate_postprocessor)
    register(TransferPostprocess, _transfer_postprocessor)
