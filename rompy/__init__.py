"""rompy: set up, run and post-process ocean, wave and coastal models.

Describe a run once (period, model configuration, where it executes) and let rompy render the
model's input files, run it locally, in Docker or on SLURM, check it succeeded and post-process
the outputs.

Everything a user or a plugin author needs is importable from here; each name is loaded on
first use, so ``import rompy`` stays cheap (it loads neither xarray nor the adapters):

Example:
    >>> import rompy
    >>> app = rompy.bootstrap(load_entry_points=False)  # doctest: +SKIP
    >>> run = app.load_run("run.yml")  # doctest: +SKIP
    >>> app.generate(run).staging_dir  # doctest: +SKIP
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from rompy._version import __version__

if TYPE_CHECKING:
    from rompy.adapters.data.handlers.gridded import GriddedHandler
    from rompy.adapters.data.handlers.spectra_boundary import SpectralBoundaryHandler
    from rompy.adapters.lazy_factory import LazyFactory
    from rompy.adapters.plotting import field_to_plot, plot_data_grid
    from rompy.adapters.rendering.files import FilesRenderer
    from rompy.adapters.xarray_engines import engine_for, load_xarray
    from rompy.application import App, bootstrap
    from rompy.domain.data.sources import SourceSpec
    from rompy.domain.data.specs import BoundaryWaveStation, DataGrid, DataItem, DataSpec
    from rompy.domain.errors import (
        ConfigError,
        DataSourceError,
        ExecutorUnavailableError,
        PluginError,
        PluginFailedError,
        PostprocessError,
        RompyError,
        RunFailedError,
        StagingError,
        TemplateError,
        UnknownTagError,
    )
    from rompy.domain.execution.spec import ExecutionSpec
    from rompy.domain.grid import Bbox, RegularGrid
    from rompy.domain.grid_protocol import Grid
    from rompy.domain.model_config import BaseConfig, Command, ModelConfig
    from rompy.domain.model_run import ModelRun
    from rompy.domain.pipeline import PipelineSpec
    from rompy.domain.postprocess.spec import PostprocessSpec
    from rompy.domain.success import FileView, SuccessCheck
    from rompy.domain.time import TimeRange
    from rompy.hookspecs import hookimpl
    from rompy.log import get_logger
    from rompy.ports.data import DataRequest, PreparedData
    from rompy.ports.execution import RunOutcome
    from rompy.ports.outputs import OutputReader, OutputRequest
    from rompy.ports.postprocessing import PostprocessRequest, PostprocessResult
    from rompy.ports.provenance import Manifest, VerifyReport
    from rompy.ports.registry import LazyClass
    from rompy.services.submit import RunHandle
    from rompy.services.waiting import as_completed, wait_all

_EXPORTS: dict[str, str] = {
    "App": "rompy.application",
    "bootstrap": "rompy.application",
    "ModelRun": "rompy.domain.model_run",
    "TimeRange": "rompy.domain.time",
    "RegularGrid": "rompy.domain.grid",
    "Grid": "rompy.domain.grid_protocol",
    "Bbox": "rompy.domain.grid",
    "ModelConfig": "rompy.domain.model_config",
    "BaseConfig": "rompy.domain.model_config",
    "Command": "rompy.domain.model_config",
    "ExecutionSpec": "rompy.domain.execution.spec",
    "DataSpec": "rompy.domain.data.specs",
    "DataItem": "rompy.domain.data.specs",
    "DataGrid": "rompy.domain.data.specs",
    "DataRequest": "rompy.ports.data",
    "PreparedData": "rompy.ports.data",
    "GriddedHandler": "rompy.adapters.data.handlers.gridded",
    "SpectralBoundaryHandler": "rompy.adapters.data.handlers.spectra_boundary",
    "BoundaryWaveStation": "rompy.domain.data.specs",
    "SourceSpec": "rompy.domain.data.sources",
    "LazyFactory": "rompy.adapters.lazy_factory",
    "LazyClass": "rompy.ports.registry",
    "PostprocessSpec": "rompy.domain.postprocess.spec",
    "PipelineSpec": "rompy.domain.pipeline",
    "RunOutcome": "rompy.ports.execution",
    "RunHandle": "rompy.services.submit",
    "wait_all": "rompy.services.waiting",
    "as_completed": "rompy.services.waiting",
    "OutputReader": "rompy.ports.outputs",
    "OutputRequest": "rompy.ports.outputs",
    "FilesRenderer": "rompy.adapters.rendering.files",
    "load_xarray": "rompy.adapters.xarray_engines",
    "engine_for": "rompy.adapters.xarray_engines",
    "PostprocessRequest": "rompy.ports.postprocessing",
    "PostprocessResult": "rompy.ports.postprocessing",
    "Manifest": "rompy.ports.provenance",
    "VerifyReport": "rompy.ports.provenance",
    "FileView": "rompy.domain.success",
    "SuccessCheck": "rompy.domain.success",
    "RompyError": "rompy.domain.errors",
    "ConfigError": "rompy.domain.errors",
    "UnknownTagError": "rompy.domain.errors",
    "PluginError": "rompy.domain.errors",
    "PluginFailedError": "rompy.domain.errors",
    "PostprocessError": "rompy.domain.errors",
    "DataSourceError": "rompy.domain.errors",
    "TemplateError": "rompy.domain.errors",
    "StagingError": "rompy.domain.errors",
    "ExecutorUnavailableError": "rompy.domain.errors",
    "RunFailedError": "rompy.domain.errors",
    "hookimpl": "rompy.hookspecs",
    "get_logger": "rompy.log",
    "plot_data_grid": "rompy.adapters.plotting",
    "field_to_plot": "rompy.adapters.plotting",
}

__all__ = [
    "App",
    "BaseConfig",
    "Bbox",
    "BoundaryWaveStation",
    "Command",
    "ConfigError",
    "DataGrid",
    "DataItem",
    "DataRequest",
    "DataSourceError",
    "DataSpec",
    "ExecutionSpec",
    "ExecutorUnavailableError",
    "FileView",
    "FilesRenderer",
    "Grid",
    "GriddedHandler",
    "LazyClass",
    "LazyFactory",
    "Manifest",
    "ModelConfig",
    "ModelRun",
    "OutputReader",
    "OutputRequest",
    "PipelineSpec",
    "PluginError",
    "PluginFailedError",
    "PostprocessError",
    "PostprocessRequest",
    "PostprocessResult",
    "PostprocessSpec",
    "PreparedData",
    "RegularGrid",
    "RompyError",
    "RunFailedError",
    "RunHandle",
    "RunOutcome",
    "SourceSpec",
    "SpectralBoundaryHandler",
    "StagingError",
    "SuccessCheck",
    "TemplateError",
    "TimeRange",
    "UnknownTagError",
    "VerifyReport",
    "__version__",
    "as_completed",
    "bootstrap",
    "engine_for",
    "field_to_plot",
    "get_logger",
    "hookimpl",
    "load_xarray",
    "plot_data_grid",
    "wait_all",
]


def __getattr__(name: str) -> Any:
    """Load a public name from its module on first use (and keep it here)."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'rompy' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public names, loaded or not."""
    return sorted(__all__)
