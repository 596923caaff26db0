"""The rompy plugin hooks (pluggy).

Registration hooks receive a ``register`` callback; a plugin calls it once per class it adds.
Lifecycle hooks only observe: their return values are ignored and they must not change the
run. Built-in adapters are registered through exactly these hooks.

Example plugin module::

    from rompy import hookimpl

    @hookimpl
    def rompy_register_model_configs(register):
        register(MyModelConfig)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pluggy

from rompy.domain.data.sources import SourceSpec
from rompy.domain.data.specs import DataSpec
from rompy.domain.ensemble.engines import EnsembleEngineSpec
from rompy.domain.execution.spec import ExecutionSpec
from rompy.domain.model_config import ModelConfig
from rompy.domain.model_run import ModelRun
from rompy.domain.postprocess.spec import PostprocessSpec
from rompy.ports.data import DataHandler, SourceOpener
from rompy.ports.ensemble import EnsembleEngine
from rompy.ports.execution import Executor, RunOutcome
from rompy.ports.outputs import OutputReader
from rompy.ports.postprocessing import Postprocessor, PostprocessResult
from rompy.ports.registry import LazyClass
from rompy.ports.rendering import RenderResult, TemplateRenderer

PROJECT_NAME = "rompy"
ENTRY_POINT_GROUP = "rompy"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)

RegisterModelConfig = Callable[[type[ModelConfig] | LazyClass], None]
RegisterExecutor = Callable[[type[ExecutionSpec], Callable[[], Executor]], None]
RegisterPostprocessor = Callable[
    [type[PostprocessSpec] | LazyClass, Callable[[], Postprocessor]], None
]
RegisterSource = Callable[[type[SourceSpec], Callable[[], SourceOpener[Any]]], None]
RegisterData = Callable[[type[DataSpec] | LazyClass, Callable[[], DataHandler]], None]
RegisterRenderer = Callable[[type[ModelConfig] | LazyClass, Callable[[], TemplateRenderer]], None]
RegisterOutputReader = Callable[[type[ModelConfig] | LazyClass, Callable[[], OutputReader]], None]
RegisterEnsembleEngine = Callable[[type[EnsembleEngineSpec], Callable[[], EnsembleEngine]], None]


@hookspec
def rompy_register_model_configs(register: RegisterModelConfig) -> None:
    """Register model config classes: ``register(ConfigClass)``, tagged by ``model_type``."""


@hookspec
def rompy_register_executors(register: RegisterExecutor) -> None:
    """Register execution specs with their executors: ``register(SpecClass, factory)``.

    ``factory()`` returns an object with ``execute(request) -> RunOutcome``; import heavy
    libraries (docker-py) inside the factory, not at module import
    (:class:`rompy.adapters.lazy_factory.LazyFactory` does it for you).
    """


@hookspec
def rompy_register_postprocessors(register: RegisterPostprocessor) -> None:
    """Register postprocessor specs with their adapters: ``register(SpecClass, factory)``."""


@hookspec
def rompy_register_sources(register: RegisterSource) -> None:
    """Register source specs with their openers: ``register(SourceClass, factory)``.

    Source classes derive from :class:`rompy.domain.data.sources.SourceSpec` and are tagged by
    ``model_type``. ``factory()`` returns an object with ``open(spec)`` (a lazy
    ``xarray.Dataset``) and ``identity(spec)`` (text that changes with the content); import
    xarray and the reader libraries inside the factory.
    """


@hookspec
def rompy_register_data(register: RegisterData) -> None:
    """Register data specs with their handlers: ``register(DataClass, factory)``.

    Data classes derive from :class:`rompy.domain.data.specs.DataSpec` and are tagged by
    ``model_type``. ``factory()`` returns an object with ``prepare(request, opener)``
    (open, crop and check; write nothing) and ``write(prepared, folder)``.
    """


@hookspec
def rompy_register_renderers(register: RegisterRenderer) -> None:
    """Give a model config class its own renderer: ``register(ConfigClass, factory)``.

    Runs of ``ConfigClass`` (and of subclasses without their own) are rendered by
    ``factory()`` instead of the Jinja renderer; it returns an object with
    ``render(request) -> RenderResult``, for example a
    :class:`rompy.FilesRenderer` around a function writing the model's files in code.
    """


@hookspec
def rompy_register_output_readers(register: RegisterOutputReader) -> None:
    """Give a model config class its output reader: ``register(ConfigClass, factory)``.

    ``factory()`` returns an object with ``read(request) -> {name: xarray.Dataset}``
    (see :class:`rompy.ports.outputs.OutputReader`); ``App.read_outputs(run)`` calls it.
    """


@hookspec
def rompy_register_ensemble_engines(register: RegisterEnsembleEngine) -> None:
    """Register ensemble engine specs with their engines: ``register(SpecClass, factory)``.

    Specs derive from :class:`rompy.domain.ensemble.engines.EnsembleEngineSpec` and are
    tagged by ``type``; ``factory()`` returns an object with ``run(jobs, runner, on_state)``
    (see :class:`rompy.ports.ensemble.EnsembleEngine`).
    """


@hookspec
def rompy_before_generate(run: ModelRun) -> None:
    """Observe a run about to be rendered into its staging dir."""


@hookspec
def rompy_after_generate(run: ModelRun, result: RenderResult) -> None:
    """Observe a run whose staging dir has been rendered."""


@hookspec
def rompy_before_run(run: ModelRun, backend: ExecutionSpec) -> None:
    """Observe a run about to execute on ``backend``."""


@hookspec
def rompy_after_run(run: ModelRun, outcome: RunOutcome) -> None:
    """Observe the outcome of a run (successful or not)."""


@hookspec
def rompy_before_postprocess(run: ModelRun, spec: PostprocessSpec) -> None:
    """Observe a run whose outputs are about to be postprocessed as ``spec`` says."""


@hookspec
def rompy_after_postprocess(run: ModelRun, result: PostprocessResult) -> None:
    """Observe the result of postprocessing a run."""


def all_hook_names() -> list[str]:
    """Return the names of every rompy hook (used by docs and tests)."""
    module: Any = globals()
    return sorted(name for name in module if name.startswith("rompy_"))
