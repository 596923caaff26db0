"""The composition root: plugins → registry → converter → application object.

:func:`bootstrap` is the one place where adapters are chosen and wired to services. Embedding
applications call it once and keep the returned :class:`App`; tests call it with fakes.

Example:
    >>> app = bootstrap(load_entry_points=False)  # doctest: +SKIP
    >>> outcome = app.run(app.load_run("run.yml"), app.load_backend("local.yml"))  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar, cast

import attrs
import cattrs

from rompy.adapters.config import files as config_files
from rompy.adapters.config.dumping import dump_yaml
from rompy.adapters.config.ensemble_file import load_ensemble_document
from rompy.adapters.data.cache import DataCache
from rompy.adapters.data.staging import LocalDataStager
from rompy.adapters.ensemble.state import JsonEnsembleFolder
from rompy.adapters.system import LocalStagingInspector, SystemRuntimeInfo
from rompy.domain.ensemble.engines import EnsembleEngineSpec
from rompy.domain.ensemble.results import ResultsSpec
from rompy.domain.ensemble.spec import EnsembleSpec
from rompy.domain.ensemble.sweep import sweep_from_data
from rompy.domain.execution.spec import ExecutionSpec
from rompy.domain.model_run import ModelRun
from rompy.domain.pipeline import PipelineSpec
from rompy.domain.postprocess.spec import PostprocessSpec
from rompy.plugin_faults import plugin_faults_reported
from rompy.plugins import LoadedPlugins, load_plugins
from rompy.ports.data import DataStager
from rompy.ports.ensemble import MemberRunner, MemberState
from rompy.ports.execution import RunOutcome
from rompy.ports.lifecycle import LifecycleHooks
from rompy.ports.postprocessing import PostprocessResult
from rompy.ports.provenance import ManifestStore
from rompy.ports.rendering import RenderRequest, RenderResult, TemplateRenderer
from rompy.ports.system import RuntimeInfo, StagingInspector
from rompy.serialization import converter as codec
from rompy.serialization.documents import classify_document, pipeline_data
from rompy.services import ensemble as ensembles
from rompy.services.context import ServiceContext
from rompy.services.execute import execute
from rompy.services.generate import GenerateResult, generate
from rompy.services.outputs import read_outputs
from rompy.services.pipeline import PipelineResult, run_pipeline
from rompy.services.postprocess import postprocess
from rompy.services.run_many import execute_many

T = TypeVar("T")
Source = str | Path


@attrs.frozen(kw_only=True)
class App:
    """A wired rompy application: load configs, then generate, run and postprocess.

    Attributes:
        plugins: The plugin manager, registry and plugin facts.
        converter: The cattrs converter built from the registry.
        context: The ports the services use.
    """

    plugins: LoadedPlugins
    converter: cattrs.Converter
    context: ServiceContext

    def structure(self, data: Any, cls: type[T], *, path: str = "") -> T:
        """Turn plain data into ``cls``; any problem is one ConfigError naming the field.

        Raises:
            ConfigError: The data is wrong (exit code 2).
            PluginFailedError: A plugin's class failed on it (its bug; exit code 1).
        """
        where = f"reading {path or getattr(cls, '__name__', 'the config')}"
        with plugin_faults_reported(self.plugins.manager, where):
            return codec.structure(self.converter, data, cls, path=path)

    def unstructure(self, value: Any) -> Any:
        """Turn a value into plain data (dicts, lists, strings, numbers)."""
        return codec.unstructure(self.converter, value)

    def dump_yaml(self, value: Any) -> str:
        """Return ``value`` as YAML text."""
        return dump_yaml(self.unstructure(value))

    def load_documents(self, source: Source) -> list[Any]:
        """Read every document of a YAML/JSON file (``-`` for stdin), includes and ${VAR} done."""
        return config_files.load_documents(source)

    def documents_from_text(self, text: str, *, base_dir: Path, name: str) -> list[Any]:
        """Read every document of YAML/JSON ``text`` (includes resolved against ``base_dir``).

        Args:
            text: The configuration text.
            base_dir: Folder that relative includes are read from.
            name: What to call the text in error messages (``$ROMPY_CONFIG``).
        """
        return config_files.loads_documents(text, base_dir=base_dir, name=name)

    def load_run(self, source: Source) -> ModelRun:
        """Load a single model-run file (a pipeline file gives its ``config`` part)."""
        return self.runs_from(config_files.load_document(source))[0]

    def runs_from(self, *documents: Any) -> list[ModelRun]:
        """Structure model runs from documents that are model-run or pipeline documents."""
        runs = []
        for document in documents:
            if classify_document(document) == "pipeline":
                runs.append(self.structure(document.get("config"), ModelRun, path="config"))
            else:
                runs.append(self.structure(document, ModelRun))
        return runs

    def load_pipeline(
        self,
        source: Source,
        *,
        backend: Source | None = None,
        postprocessor: Source | None = None,
    ) -> PipelineSpec:
        """Load a pipeline (or a model run) file, optionally overriding its two other parts."""
        document = config_files.load_document(source)
        return self.pipeline_from(document, backend=backend, postprocessor=postprocessor)

    def pipeline_from(
        self,
        document: Any,
        *,
        backend: Source | None = None,
        postprocessor: Source | None = None,
    ) -> PipelineSpec:
        """Structure a pipeline from a pipeline or model-run document.

        Args:
            document: The loaded document.
            backend: A backend file replacing the document's ``backend``.
            postprocessor: A postprocessor file replacing the document's ``postprocessor``.
        """
        overrides = {
            "backend": None if backend is None else config_files.load_document(backend),
            "postprocessor": (
                None if postprocessor is None else config_files.load_document(postprocessor)
            ),
        }
        return self.structure(pipeline_data(document, overrides), PipelineSpec)

    def load_backend(self, source: Source) -> ExecutionSpec:
        """Load a backend (execution spec) file."""
        return self.structure(config_files.load_document(source), ExecutionSpec)

    def load_postprocessor(self, source: Source) -> PostprocessSpec:
        """Load a postprocessor file."""
        return self.structure(config_files.load_document(source), PostprocessSpec)

    def generate(self, run: ModelRun, *, use_cache: bool = True) -> GenerateResult:
        """Stage ``run``'s data and render it into its staging dir."""
        with plugin_faults_reported(self.plugins.manager, "generate"):
            return generate(self.context, run, use_cache=use_cache)

    def run(
        self,
        run: ModelRun,
        backend: ExecutionSpec,
        *,
        skip_generate: bool = False,
        use_cache: bool = True,
    ) -> RunOutcome:
        """Generate (unless skipped) and execute ``run`` on ``backend``."""
        with plugin_faults_reported(self.plugins.manager, "run"):
            return execute(
                self.context, run, backend, skip_generate=skip_generate, use_cache=use_cache
            )

    def run_many(
        self,
        runs: Sequence[ModelRun],
        backend: ExecutionSpec,
        *,
        max_parallel: int | None = None,
        skip_generate: bool = False,
        use_cache: bool = True,
    ) -> list[RunOutcome]:
        """Generate (unless skipped) and execute many runs on one ``backend``.

        A backend whose executor runs batches (``slurm``) runs them together, as one job
        array with at most ``max_parallel`` tasks at once; others run them one by one.
        Returns one outcome per run, in order.

        Raises:
            ConfigError: Two runs share a run id or staging dir, or a skipped generate's
                staging dir does not exist.
        """
        with plugin_faults_reported(self.plugins.manager, "run"):
            return execute_many(
                self.context,
                runs,
                backend,
                max_parallel=max_parallel,
                skip_generate=skip_generate,
                use_cache=use_cache,
            )

    def postprocess(self, run: ModelRun, spec: PostprocessSpec) -> PostprocessResult:
        """Postprocess the outputs of ``run``."""
        with plugin_faults_reported(self.plugins.manager, "postprocess"):
            return postprocess(self.context, run, spec)

    def read_outputs(self, run: ModelRun) -> Mapping[str, Any]:
        """Return the outputs of a finished run as ``xarray.Dataset`` objects, by name.

        The run's model reads them with the output reader its plugin registered (the
        ``base`` model: the NetCDF files under ``outputs/``).

        Raises:
            ConfigError: The model has no output reader.
            StagingError: The run's staging dir does not exist.
            DataSourceError: An output is missing or unreadable.
        """
        with plugin_faults_reported(self.plugins.manager, "reading outputs"):
            return read_outputs(self.context, run)

    def pipeline(self, spec: PipelineSpec, *, use_cache: bool = True) -> PipelineResult:
        """Generate, run and postprocess, stopping at the first failing stage."""
        with plugin_faults_reported(self.plugins.manager, "pipeline"):
            return run_pipeline(self.context, spec, use_cache=use_cache)

    def load_ensemble(self, source: Source) -> EnsembleSpec:
        """Load an ensemble file (its ``base`` pipeline file read relative to it)."""
        return self.ensemble_from(load_ensemble_document(source))

    def ensemble_from(self, document: Mapping[str, Any]) -> EnsembleSpec:
        """Structure an ensemble from its document (``base`` already a mapping).

        Raises:
            ConfigError: A field is wrong; the message names it (``sweep.parameters``).
        """
        engine = document.get("engine") or {"type": "pool"}
        results = document.get("results")
        return EnsembleSpec(
            name=document["name"],
            output_dir=Path(document["output_dir"]),
            base=document["base"],
            sweep=sweep_from_data(document["sweep"]),
            engine=self.structure(engine, EnsembleEngineSpec, path="engine"),
            results=None
            if results is None
            else self.structure(results, ResultsSpec, path="results"),
        )

    def plan_ensemble(self, spec: EnsembleSpec) -> ensembles.EnsemblePlan:
        """Expand the sweep and validate every member's pipeline (before any runs).

        Raises:
            ConfigError: A member is invalid; the message names the member and the field.
        """
        return ensembles.plan_ensemble(spec, self.pipeline_from)

    def ensemble_run(
        self,
        spec: EnsembleSpec,
        *,
        on_state: Callable[[MemberState], None] | None = None,
        manifests: ManifestStore | None = None,
        runner: MemberRunner | None = None,
    ) -> ensembles.EnsembleReport:
        """Run the ensemble's unfinished members on its engine; return every member's state.

        Members whose state is ``done`` with the same config (and, given ``manifests``,
        whose manifest verifies) are skipped. Workers bootstrap their own app with the
        installed plugins (``runner`` replaces the default
        :class:`rompy.worker.PipelineMemberRunner`).

        Raises:
            ConfigError: A member is invalid, or the folder belongs to something else.
            KeyboardInterrupt: After the engine stopped the running members.
        """
        plan = self.plan_ensemble(spec)
        if runner is None:
            from rompy.worker import PipelineMemberRunner  # the worker layer sits on App

            runner = PipelineMemberRunner(engine=spec.engine.type)
        with plugin_faults_reported(self.plugins.manager, "ensemble"):
            return ensembles.run_ensemble(
                self.context,
                plan,
                folder=JsonEnsembleFolder(),
                runner=runner,
                manifests=manifests,
                on_state=on_state,
            )

    def ensemble_status(self, spec: EnsembleSpec) -> ensembles.EnsembleReport:
        """Return every member's state as on disk (no member is validated or run)."""
        plan = ensembles.plan_ensemble(spec, lambda document: None)
        return ensembles.ensemble_status(plan, JsonEnsembleFolder())

    def schema(self) -> dict[str, Any]:
        """Return the JSON Schema of a pipeline or model-run config, plugin classes included."""
        from rompy.serialization.schema import json_schema

        return json_schema(self.plugins.registry)


class _JinjaRendererOnFirstUse:
    """The Jinja2 renderer, imported on the first render (``validate`` never pays for it)."""

    def __init__(self) -> None:
        self._renderer: TemplateRenderer | None = None

    def render(self, request: RenderRequest) -> RenderResult:
        """Render ``request`` with the Jinja2 adapter."""
        if self._renderer is None:
            from rompy.adapters.rendering.jinja import JinjaRenderer

            self._renderer = JinjaRenderer()
        return self._renderer.render(request)


def bootstrap(
    *,
    load_entry_points: bool = True,
    extra_plugins: Iterable[tuple[str, object]] = (),
    disabled_plugins: Iterable[str] | None = None,
    renderer: TemplateRenderer | None = None,
    runtime_info: RuntimeInfo | None = None,
    inspector: StagingInspector | None = None,
    stager: DataStager | None = None,
) -> App:
    """Build a rompy application.

    Args:
        load_entry_points: Load third-party plugins from the ``rompy`` entry-point group.
        extra_plugins: ``(name, plugin)`` pairs to register directly (tests, embedding).
        disabled_plugins: Plugin names to block; defaults to ``ROMPY_DISABLED_PLUGINS``.
        renderer: Template renderer; defaults to the Jinja2 adapter.
        runtime_info: Provenance source; defaults to the real clock, user and host.
        inspector: Staging-dir reader; defaults to the local filesystem.
        stager: Input-data stager; defaults to the local one with the data cache
            (``$ROMPY_CACHE_DIR`` or ``~/.cache/rompy``).

    Raises:
        PluginError: Plugins clash or are invalid.
    """
    plugins = load_plugins(
        load_entry_points=load_entry_points,
        extra_plugins=extra_plugins,
        disabled=disabled_plugins,
    )
    context = ServiceContext(
        registry=plugins.registry,
        renderer=renderer or _JinjaRendererOnFirstUse(),
        runtime_info=runtime_info or SystemRuntimeInfo(),
        inspector=inspector or LocalStagingInspector(),
        hooks=cast(LifecycleHooks, plugins.manager.hook),
        stager=stager or LocalDataStager(registry=plugins.registry, cache=DataCache()),
    )
    converter = codec.make_converter(plugins.registry)
    return App(plugins=plugins, converter=converter, context=context)
