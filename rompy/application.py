"""The composition root: plugins → registry → converter → application object.

:func:`bootstrap` is the one place where adapters are chosen and wired to services. Embedding
applications call it once and keep the returned :class:`App`; tests call it with fakes.

Example:
    >>> app = bootstrap(load_entry_points=False)  # doctest: +SKIP
    >>> outcome = app.run(app.load_run("run.yml"), app.load_backend("local.yml"))  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar, cast

import attrs
import cattrs

from rompy.adapters.config import files as config_files
from rompy.adapters.config.dumping import dump_yaml
from rompy.adapters.data.cache import DataCache
from rompy.adapters.data.staging import LocalDataStager
from rompy.adapters.provenance.facts import SystemProvenanceFacts
from rompy.adapters.provenance.store import JsonManifestStore
from rompy.adapters.system import LocalStagingInspector, SystemRuntimeInfo
from rompy.application_ensembles import EnsembleMethods
from rompy.domain.execution.spec import ExecutionSpec
from rompy.domain.model_run import ModelRun
from rompy.domain.pipeline import PipelineSpec
from rompy.domain.postprocess.spec import PostprocessSpec
from rompy.plugin_faults import plugin_faults_reported
from rompy.plugins import LoadedPlugins, load_plugins
from rompy.ports.data import DataStager
from rompy.ports.execution import RunOutcome
from rompy.ports.lifecycle import LifecycleHooks
from rompy.ports.postprocessing import PostprocessResult
from rompy.ports.provenance import Manifest, ManifestStore, VerifyReport
from rompy.ports.rendering import RenderRequest, RenderResult, TemplateRenderer
from rompy.ports.system import RuntimeInfo, StagingInspector
from rompy.serialization import converter as codec
from rompy.serialization.documents import classify_document, pipeline_data
from rompy.services.context import ServiceContext
from rompy.services.execute import execute
from rompy.services.generate import GenerateResult, generate
from rompy.services.outputs import read_outputs
from rompy.services.pipeline import PipelineResult, run_pipeline
from rompy.services.postprocess import postprocess
from rompy.services.run_many import execute_many
from rompy.services.submit import RunHandle, submit
from rompy.services.waiting import wait_all

T = TypeVar("T")
Source = str | Path


@attrs.frozen(kw_only=True)
class App(EnsembleMethods):
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

    def submit(
        self,
        run: ModelRun,
        backend: ExecutionSpec,
        *,
        skip_generate: bool = False,
        use_cache: bool = True,
    ) -> RunHandle:
        """Generate (unless skipped) ``run``, start it on ``backend`` and return at once.

        A bad config or missing data raises here, before anything runs. The handle's
        ``status()``, ``wait(timeout)``, ``cancel()`` and ``outcome`` follow the run; its
        outcome is judged by the model's success check once, as :meth:`run` does.

        Example:
            >>> handle = app.submit(run, backend)  # doctest: +SKIP
            >>> outcome = handle.wait(timeout=600)  # None if still running  # doctest: +SKIP

        Raises:
            ConfigError: The run or backend is wrong.
            ExecutorUnavailableError: The backend's engine is unusable.
        """
        with plugin_faults_reported(self.plugins.manager, "run"):
            return submit(
                self.context, run, backend, skip_generate=skip_generate, use_cache=use_cache
            )

    def wait_all(
        self, handles: Iterable[RunHandle], timeout: float | None = None
    ) -> list[RunOutcome | None]:
        """Wait for every handle within ``timeout`` seconds in all (see :func:`wait_all`).

        Returns:
            One outcome per handle, in order; None for a run still going on (not stopped).
        """
        with plugin_faults_reported(self.plugins.manager, "run"):
            return wait_all(handles, timeout)

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

    def read_manifest(self, run_dir: Path) -> Manifest | None:
        """Return the run manifest (``rompy-manifest.json``) of a staging dir, None if absent.

        Raises:
            StagingError: The manifest exists but cannot be read.
        """
        return self.context.manifests.read(Path(run_dir))

    def verify(self, run_dir: Path) -> VerifyReport:
        """Check a staging dir's input files against its manifest's digests.

        Returns:
            Every changed, missing or extra input; ``report.ok`` when there is none. Files
            the run wrote (recorded as the manifest's outputs) are not reported.

        Raises:
            StagingError: ``run_dir`` or its manifest does not exist.
        """
        return self.context.manifests.verify(Path(run_dir))

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
    manifests: ManifestStore | None = None,
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
        manifests: Run-manifest store; defaults to ``rompy-manifest.json`` in staging dirs.

    Raises:
        PluginError: Plugins clash or are invalid.
    """
    plugins = load_plugins(
        load_entry_points=load_entry_points,
        extra_plugins=extra_plugins,
        disabled=disabled_plugins,
    )
    converter = codec.make_converter(plugins.registry)
    facts = SystemProvenanceFacts(
        unstructure=lambda value: codec.unstructure(converter, value),
        plugins={plugin.name: plugin.version for plugin in plugins.plugins},
    )
    context = ServiceContext(
        registry=plugins.registry,
        renderer=renderer or _JinjaRendererOnFirstUse(),
        runtime_info=runtime_info or SystemRuntimeInfo(),
        inspector=inspector or LocalStagingInspector(),
        hooks=cast(LifecycleHooks, plugins.manager.hook),
        stager=stager or LocalDataStager(registry=plugins.registry, cache=DataCache()),
        manifests=manifests or JsonManifestStore(),
        provenance=facts,
    )
    return App(plugins=plugins, converter=converter, context=context)
