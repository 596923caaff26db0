"""In-memory fakes of every port, for unit tests of rompy and of plugins.

Everything lives in a :class:`FakeWorld`: rendered staging dirs are dicts of file texts,
executors record their requests and "write" outputs into those dicts. Build an application
wired to the fakes through the real plugin manager with :func:`fake_app`.

Example:
    >>> world = FakeWorld()
    >>> app = fake_app(world)
    >>> run = app.structure({"run_id": "r1", "output_dir": "out"}, ModelRun)
    >>> app.generate(run).staging_dir
    PosixPath('out/r1')
    >>> sorted(world.staging[Path("out/r1")])
    ['INPUT']
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

import attrs

from rompy.application import App, bootstrap
from rompy.domain.errors import DataSourceError, StagingError
from rompy.domain.execution.spec import ExecutionSpec
from rompy.domain.model_run import ModelRun
from rompy.domain.postprocess.spec import PostprocessSpec
from rompy.hookspecs import RegisterExecutor, RegisterPostprocessor, hookimpl
from rompy.ports.data import PreparedData, StagedData, StageRequest, source_record
from rompy.ports.execution import ExecutionRequest, RunOutcome
from rompy.ports.outputs import OutputRequest
from rompy.ports.postprocessing import PostprocessRequest, PostprocessResult
from rompy.ports.provenance import Manifest
from rompy.ports.rendering import RenderRequest, RenderResult
from rompy.testing_handles import FakeHandle
from rompy.testing_provenance import FakeManifestStore, FakeProvenanceFacts

__all__ = [
    "FakeBatchExecution",
    "FakeBatchExecutor",
    "FakeDataStager",
    "FakeExecution",
    "FakeExecutor",
    "FakeFileView",
    "FakeHandle",
    "FakeInspector",
    "FakeManifestStore",
    "FakePostprocess",
    "FakePostprocessor",
    "FakeProvenanceFacts",
    "FakeRenderer",
    "FakeRuntimeInfo",
    "FakeStartExecution",
    "FakeStartingExecutor",
    "FakeWorld",
    "ModelRun",
    "fake_app",
]


@attrs.define
class FakeWorld:
    """The shared in-memory state of every fake.

    Attributes:
        staging: Staging dirs by path, each a dict of relative file name → text.
        executed: Every execution request seen, in order.
        batches: The requests of every ``execute_many`` call, one list per call.
        postprocessed: Every postprocess request seen, in order.
        rendered: Every render request seen, in order.
        staged: Every data stage request seen, in order.
        data_failures: Data item names whose check fails, with the message to raise.
        manifests: The run manifest of each staging dir that has one.
        handles: Every handle the ``fake_start`` executor returned, in order.
    """

    staging: dict[Path, dict[str, str]] = attrs.field(factory=dict)
    executed: list[ExecutionRequest] = attrs.field(factory=list)
    batches: list[list[ExecutionRequest]] = attrs.field(factory=list)
    postprocessed: list[PostprocessRequest] = attrs.field(factory=list)
    rendered: list[RenderRequest] = attrs.field(factory=list)
    staged: list[StageRequest] = attrs.field(factory=list)
    data_failures: dict[str, str] = attrs.field(factory=dict)
    manifests: dict[Path, Manifest] = attrs.field(factory=dict)
    handles: list[FakeHandle] = attrs.field(factory=list)


@attrs.define
class FakeRenderer:
    """Renders every template as one ``INPUT`` file describing the run (in memory)."""

    world: FakeWorld

    def render(self, request: RenderRequest) -> RenderResult:
        """Record ``request`` and create its staging dir in the world."""
        self.world.rendered.append(request)
        if request.staging_dir in self.world.staging and not request.delete_existing:
            raise StagingError(f"staging dir {request.staging_dir} already exists")
        runtime = request.context["runtime"]
        self.world.staging[request.staging_dir] = {
            "INPUT": f"run_id: {runtime['run_id']}\ntemplate: {request.template}\n"
        }
        return RenderResult(staging_dir=request.staging_dir, files=(Path("INPUT"),))


@attrs.define
class FakeDataStager:
    """Stages data items in memory: each item becomes a file whose text names the item.

    Items listed in ``world.data_failures`` fail their check with that message, before any
    item is "written".
    """

    world: FakeWorld

    def check(self, request: StageRequest) -> tuple[PreparedData, ...]:
        """Record nothing; fail for the items the world says fail."""
        failures = [
            f"{item.name}: {self.world.data_failures[item.name]}"
            for item in request.items
            if item.name in self.world.data_failures
        ]
        if failures:
            raise DataSourceError("; ".join(failures))
        return tuple(
            PreparedData(item=item, payload=None, outputs=(Path(item.output_name),))
            for item in request.items
        )

    def stage(self, request: StageRequest) -> StagedData:
        """Record ``request``, check it, and return the files it would write."""
        self.world.staged.append(request)
        prepared = self.check(request)
        if not prepared:
            return StagedData()
        files = {ready.item.name: ready.outputs for ready in prepared}
        sources = tuple(source_record(ready) for ready in prepared)
        workdir = Path(f"{request.staging_dir}.data")
        return StagedData(workdir=workdir, files=files, sources=sources)

    def commit(self, staged: StagedData, staging_dir: Path) -> tuple[Path, ...]:
        """Add one text file per staged file to the staging dir in the world."""
        folder = self.world.staging.setdefault(staging_dir, {})
        for name, paths in staged.files.items():
            for path in paths:
                folder[path.as_posix()] = f"data {name}\n"
        return staged.all_files

    def discard(self, staged: StagedData) -> None:
        """Nothing was written."""


@attrs.frozen
class FakeRuntimeInfo:
    """A fixed clock, user and host."""

    moment: datetime = datetime(2024, 1, 1, 12, 0, 0)
    user_name: str = "tester"
    host_name: str = "testhost"

    def now(self) -> datetime:
        """Return the fixed moment."""
        return self.moment

    def user(self) -> str:
        """Return the fixed user."""
        return self.user_name

    def host(self) -> str:
        """Return the fixed host."""
        return self.host_name


@attrs.frozen
class FakeFileView:
    """A read-only view of one in-memory staging dir."""

    files: Mapping[str, str]

    def exists(self, relative_path: str) -> bool:
        """Return True when the file exists."""
        return relative_path in self.files

    def read_text(self, relative_path: str) -> str:
        """Return the file's text, or an empty string."""
        return self.files.get(relative_path, "")

    def glob(self, pattern: str) -> list[str]:
        """Return the file names matching ``pattern``."""
        return sorted(name for name in self.files if fnmatch.fnmatch(name, pattern))


@attrs.define
class FakeInspector:
    """Views of the world's staging dirs."""

    world: FakeWorld

    def view(self, staging_dir: Path) -> FakeFileView:
        """Return a view of ``staging_dir`` (empty when missing)."""
        return FakeFileView(self.world.staging.get(staging_dir, {}))

    def exists(self, staging_dir: Path) -> bool:
        """Return True when ``staging_dir`` was rendered."""
        return staging_dir in self.world.staging


@attrs.define
class FakeOutputReader:
    """Reads a run's outputs from the world: each file of its staging dir, by name, as text.

    Register it for a test's own model config with ``rompy_register_output_readers``.
    """

    world: FakeWorld

    def read(self, request: OutputRequest) -> dict[str, Any]:
        """Return the staging dir's files (name → text) in place of datasets."""
        return dict(self.world.staging.get(request.staging_dir, {}))


@attrs.frozen(kw_only=True)
class FakeExecution(ExecutionSpec):
    """A backend whose outcome is told in advance.

    Attributes:
        status: The outcome status to report.
        exit_code: The exit code to report.
        writes: Files the "run" writes into the staging dir.
        command: The command the outcome's details say ran (none when empty).
    """

    type: ClassVar[str] = "fake"
    status: str = "succeeded"
    exit_code: int = 0
    writes: dict[str, str] = attrs.field(factory=dict)
    command: str = ""


@attrs.define
class FakeExecutor:
    """Executes :class:`FakeExecution` specs in memory."""

    world: FakeWorld

    def execute(self, request: ExecutionRequest) -> RunOutcome:
        """Record ``request``, write the spec's files and report its outcome.

        Raises:
            StagingError: The staging dir was never generated, as real executors do.
        """
        spec = request.spec
        assert isinstance(spec, FakeExecution)
        if request.staging_dir not in self.world.staging:
            raise StagingError(f"staging dir {request.staging_dir} does not exist")
        self.world.executed.append(request)
        self.world.staging.setdefault(request.staging_dir, {}).update(spec.writes)
        message = "" if spec.status == "succeeded" else f"fake {spec.status}"
        return RunOutcome(
            run_id=request.run_id,
            executor="fake",
            status=spec.status,
            exit_code=spec.exit_code,
            message=message,
            details={"command": spec.command} if spec.command else {},
        )


@attrs.frozen(kw_only=True)
class FakeBatchExecution(FakeExecution):
    """A :class:`FakeExecution` whose executor also runs many requests in one call."""

    type: ClassVar[str] = "fake_batch"


@attrs.define
class FakeBatchExecutor(FakeExecutor):
    """A batch executor (:class:`~rompy.ports.execution.BatchExecutor`) in memory."""

    def execute_many(
        self, requests: Sequence[ExecutionRequest], max_parallel: int | None = None
    ) -> list[RunOutcome]:
        """Record the batch in ``world.batches``, then execute each request in order."""
        self.world.batches.append(list(requests))
        return [self.execute(request) for request in requests]


@attrs.frozen(kw_only=True)
class FakeStartExecution(FakeExecution):
    """A :class:`FakeExecution` whose executor starts runs and returns :class:`FakeHandle`.

    Attributes:
        hold: Keep each run going until the test calls :meth:`FakeHandle.finish`
            (otherwise it finishes as it starts).
        pending: A held run reports ``pending`` until :meth:`FakeHandle.begin`.
    """

    type: ClassVar[str] = "fake_start"
    hold: bool = False
    pending: bool = False


@attrs.define
class FakeStartingExecutor(FakeExecutor):
    """A starting executor (:class:`~rompy.ports.execution.StartingExecutor`) in memory.

    Every handle it returns is appended to ``world.handles``.
    """

    def start(self, request: ExecutionRequest) -> FakeHandle:
        """Record ``request`` as :meth:`execute` does and return a handle on its run."""
        spec = request.spec
        assert isinstance(spec, FakeStartExecution)
        handle = FakeHandle(self.execute(request), pending=spec.pending)
        if not spec.hold:
            handle.finish()
        self.world.handles.append(handle)
        return handle


@attrs.frozen(kw_only=True)
class FakePostprocess(PostprocessSpec):
    """A postprocessor whose result is told in advance."""

    type: ClassVar[str] = "fake"
    ok: bool = True
    message: str = ""


@attrs.define
class FakePostprocessor:
    """Processes :class:`FakePostprocess` specs in memory."""

    world: FakeWorld

    def process(self, request: PostprocessRequest) -> PostprocessResult:
        """Record ``request`` and return the spec's result."""
        spec = request.spec
        assert isinstance(spec, FakePostprocess)
        self.world.postprocessed.append(request)
        return PostprocessResult(ok=spec.ok, message=spec.message)


@attrs.define
class FakePlugin:
    """A plugin registering the fake executor and postprocessor of one world."""

    world: FakeWorld

    @hookimpl
    def rompy_register_executors(self, register: RegisterExecutor) -> None:
        """Register the ``fake``, ``fake_batch`` and ``fake_start`` backends."""
        register(FakeExecution, lambda: FakeExecutor(self.world))
        register(FakeBatchExecution, lambda: FakeBatchExecutor(self.world))
        register(FakeStartExecution, lambda: FakeStartingExecutor(self.world))

    @hookimpl
    def rompy_register_postprocessors(self, register: RegisterPostprocessor) -> None:
        """Register the ``fake`` postprocessor."""
        register(FakePostprocess, lambda: FakePostprocessor(self.world))


def fake_app(world: FakeWorld, *extra_plugins: tuple[str, Any]) -> App:
    """Return an application wired to in-memory fakes through the real plugin manager."""
    app = bootstrap(
        load_entry_points=False,
        extra_plugins=[("fakes", FakePlugin(world)), *extra_plugins],
        disabled_plugins=(),
        renderer=FakeRenderer(world),
        runtime_info=FakeRuntimeInfo(),
        inspector=FakeInspector(world),
        manifests=FakeManifestStore(world),
    )
    context = attrs.evolve(
        app.context,
        stager=FakeDataStager(world),
        provenance=FakeProvenanceFacts(unstructure=app.unstructure),
    )
    return attrs.evolve(app, context=context)
