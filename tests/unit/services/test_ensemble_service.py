"""The ensemble service on in-memory fakes: plan, validation, resume decisions, status."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar

import attrs
import pytest

from rompy.domain.ensemble.engines import EnsembleEngineSpec
from rompy.domain.ensemble.spec import EnsembleSpec
from rompy.domain.ensemble.sweep import sweep_from_data
from rompy.domain.errors import ConfigError, StagingError
from rompy.hookspecs import hookimpl
from rompy.ports.ensemble import DONE, FAILED, PENDING, RUNNING, MemberJob, MemberState
from rompy.ports.provenance import Drift, Manifest, VerifyReport
from rompy.services import ensemble as service
from rompy.testing import FakeWorld, fake_app

BASE = {
    "config": {
        "run_id": "base",
        "output_dir": "out",
        "period": {"start": "2023-01-01T00:00:00", "end": "2023-01-02T00:00:00"},
        "config": {"model_type": "base", "variables": {"site": "a"}},
    },
    "backend": {"type": "fake"},
    "postprocessor": {"type": "noop"},
}


@attrs.frozen(kw_only=True)
class InlineEngine(EnsembleEngineSpec):
    type: ClassVar[str] = "inline"


class InlineEngineAdapter:
    """Runs every member in this process, one after another."""

    def run(
        self,
        spec: EnsembleEngineSpec,
        jobs: Sequence[MemberJob],
        runner: Any,
        on_state: Callable[[MemberState], None],
    ) -> list[MemberState]:
        states = [runner(job) for job in jobs]
        for state in states:
            on_state(state)
        return states


class EnginePlugin:
    @hookimpl
    def rompy_register_ensemble_engines(self, register: Any) -> None:
        register(InlineEngine, InlineEngineAdapter)


@attrs.define
class MemoryFolder:
    """An ensemble folder in memory (states, index; pids alive unless listed dead)."""

    states: dict[str, MemberState] = attrs.field(factory=dict)
    index: dict[str, Any] | None = None
    dead_pids: set[int] = attrs.field(factory=set)
    other_files: bool = False

    def write(self, ensemble_dir: Path, state: MemberState) -> None:
        self.states[state.member_id] = state

    def read(self, ensemble_dir: Path, member_id: str) -> MemberState | None:
        return self.states.get(member_id)

    def read_all(self, ensemble_dir: Path) -> dict[str, MemberState]:
        return dict(self.states)

    def write_index(self, ensemble_dir: Path, index: Any) -> None:
        self.index = dict(index)

    def read_index(self, ensemble_dir: Path) -> dict[str, Any] | None:
        return self.index

    def holds_other_files(self, ensemble_dir: Path) -> bool:
        return self.other_files

    def alive(self, state: MemberState) -> bool:
        return not (state.status == RUNNING and state.pid in self.dead_pids)


@attrs.define
class RecordingRunner:
    """Marks each member done (or failed when its site is 'bad') and records the calls."""

    folder: MemoryFolder
    ran: list[str] = attrs.field(factory=list)

    def __call__(self, job: MemberJob) -> MemberState:
        self.ran.append(job.member_id)
        bad = job.pipeline["config"]["config"]["variables"]["site"] == "bad"
        state = MemberState(
            member_id=job.member_id,
            status=FAILED if bad else DONE,
            config_hash=job.config_hash,
            message="site is bad" if bad else "",
        )
        self.folder.write(job.ensemble_dir, state)
        return state

    def command(self, job_file: Path) -> list[str]:
        return ["run", str(job_file)]


@attrs.define
class FakeManifests:
    """Manifests by run dir: succeeded or not, inputs verify or not."""

    succeeded: bool = True
    verifies: bool = True
    missing: bool = False

    def read(self, staging_dir: Path) -> Manifest | None:
        if self.missing:
            return None
        outcome = "succeeded" if self.succeeded else "failed"
        return Manifest(run_id=staging_dir.name, config={}, outcome=outcome)

    def verify(self, staging_dir: Path) -> VerifyReport:
        if self.missing:
            raise StagingError("no manifest")
        drifts = () if self.verifies else (Drift(path="INPUT", kind="changed"),)
        return VerifyReport(run_dir=staging_dir, drifts=drifts)

    def write(self, staging_dir: Path, manifest: Manifest) -> Path:
        raise NotImplementedError

    def digest_inputs(self, staging_dir: Path) -> tuple[()]:
        return ()


def spec_of(*sites: str) -> EnsembleSpec:
    return EnsembleSpec(
        name="demo",
        output_dir=Path("/ens"),
        base=BASE,
        sweep=sweep_from_data(
            {"kind": "list", "members": [{"config.config.variables.site": s} for s in sites]}
        ),
        engine=InlineEngine(),
    )


@pytest.fixture
def app() -> Any:
    return fake_app(FakeWorld(), ("engine", EnginePlugin()))


def run(app: Any, spec: EnsembleSpec, folder: MemoryFolder, **options: Any) -> Any:
    plan = app.plan_ensemble(spec)
    runner = RecordingRunner(folder)
    report = service.run_ensemble(app.context, plan, folder=folder, runner=runner, **options)
    return report, runner


def test_a_duplicate_member_is_planned_and_run_once(app: Any) -> None:
    folder = MemoryFolder()
    report, runner = run(app, spec_of("a", "b", "a"), folder)
    assert 2 == len(runner.ran)
    assert 2 == len(report.members)
    assert 1 == app.plan_ensemble(spec_of("a", "b", "a")).duplicates


def test_an_invalid_member_is_reported_with_its_number_id_and_field(app: Any) -> None:
    spec = attrs.evolve(
        spec_of("a"),
        sweep=sweep_from_data(
            {"kind": "list", "members": [{"config.run_id": "ok"}, {"config.period.end": "soon"}]}
        ),
    )
    with pytest.raises(ConfigError) as caught:
        app.plan_ensemble(spec)
    assert "config.period.end" in caught.value.path
    assert "member 1 (m-" in str(caught.value)


def test_a_failing_member_is_reported_with_its_reason_while_others_finish(app: Any) -> None:
    report, _ = run(app, spec_of("a", "bad", "c"), MemoryFolder())
    assert {"pending": 0, "running": 0, "done": 2, "failed": 1} == report.counts
    failed = [m for m in report.members if m.state.status == FAILED]
    assert "site is bad" == failed[0].state.message
    assert not report.ok


def test_a_second_run_skips_done_members_and_reruns_the_failed_one(app: Any) -> None:
    folder = MemoryFolder()
    run(app, spec_of("a", "bad"), folder)
    report, runner = run(app, spec_of("a", "bad"), folder)
    bad_id = next(m.member_id for m in report.members if m.state.status == FAILED)
    assert [bad_id] == runner.ran
    assert 1 == len(report.skipped)


def test_a_done_member_whose_pipeline_changed_runs_again(app: Any) -> None:
    folder = MemoryFolder()
    run(app, spec_of("a"), folder)
    changed_post = {"type": "noop", "validate_outputs": True}
    changed = attrs.evolve(spec_of("a"), base={**BASE, "postprocessor": changed_post})
    _, runner = run(app, changed, folder)
    assert 1 == len(runner.ran)


def test_a_done_member_is_skipped_when_its_manifest_succeeded_and_verifies(app: Any) -> None:
    folder = MemoryFolder()
    run(app, spec_of("a"), folder)
    _, runner = run(app, spec_of("a"), folder, manifests=FakeManifests())
    assert [] == runner.ran


@pytest.mark.parametrize(
    "manifests",
    [FakeManifests(verifies=False), FakeManifests(succeeded=False), FakeManifests(missing=True)],
    ids=["inputs-changed", "run-failed", "no-manifest"],
)
def test_a_done_member_runs_again_when_its_manifest_does_not_vouch_for_it(
    app: Any, manifests: FakeManifests
) -> None:
    folder = MemoryFolder()
    run(app, spec_of("a"), folder)
    _, runner = run(app, spec_of("a"), folder, manifests=manifests)
    assert 1 == len(runner.ran)


def test_status_shows_members_without_a_state_as_pending(app: Any) -> None:
    report = app_status(app, spec_of("a", "b"), MemoryFolder())
    assert [PENDING, PENDING] == [m.state.status for m in report.members]


def test_status_shows_a_running_member_whose_process_is_gone_as_interrupted(app: Any) -> None:
    spec = spec_of("a")
    job = app.plan_ensemble(spec).jobs[0]
    folder = MemoryFolder(dead_pids={4242})
    folder.write(spec.ensemble_dir, MemberState(member_id=job.member_id, status=RUNNING, pid=4242))
    state = app_status(app, spec, folder).members[0].state
    assert FAILED == state.status
    assert "interrupted (process 4242 is gone)" == state.message


def test_a_folder_of_another_ensemble_is_refused(app: Any) -> None:
    folder = MemoryFolder(index={"name": "other", "members": []})
    with pytest.raises(ConfigError) as caught:
        run(app, spec_of("a"), folder)
    assert "name" == caught.value.path


def test_a_folder_holding_other_files_is_refused(app: Any) -> None:
    with pytest.raises(ConfigError) as caught:
        run(app, spec_of("a"), MemoryFolder(other_files=True))
    assert "output_dir" == caught.value.path


def app_status(app: Any, spec: EnsembleSpec, folder: MemoryFolder) -> Any:
    return service.ensemble_status(app.plan_ensemble(spec), folder)
