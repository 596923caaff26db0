"""The ensemble use cases: plan the members, decide what to resume, run them, report status.

Uses ports only: the ensemble folder (:class:`~rompy.ports.ensemble.EnsembleFolder`), the
engine from the registry, the member runner, and optionally the manifest store (a done
member is skipped only when its manifest says it succeeded and its inputs still verify).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs

from rompy.domain.ensemble.members import (
    MEMBERS_FOLDER,
    digest,
    member_document,
    member_id,
    unique_parameter_sets,
)
from rompy.domain.ensemble.spec import EnsembleSpec
from rompy.domain.errors import ConfigError, RompyError
from rompy.log import get_logger
from rompy.ports.ensemble import (
    DONE,
    FAILED,
    MEMBER_STATUSES,
    PENDING,
    EnsembleFolder,
    MemberJob,
    MemberRunner,
    MemberState,
)
from rompy.ports.provenance import ManifestStore
from rompy.services.context import ServiceContext

log = get_logger(__name__)
Validate = Callable[[Mapping[str, Any]], object]


@attrs.frozen(kw_only=True)
class EnsemblePlan:
    """The members of an ensemble, validated and ready to run.

    Attributes:
        spec: The ensemble.
        jobs: One job per distinct member, in sweep order.
        duplicates: Parameter sets dropped because an earlier one was the same.
    """

    spec: EnsembleSpec
    jobs: tuple[MemberJob, ...]
    duplicates: int = 0


@attrs.frozen(kw_only=True)
class MemberReport:
    """One member as status shows it.

    Attributes:
        member_id: The member's id.
        index: Its position in the sweep.
        parameters: Its swept values.
        state: Its state (``pending`` when it has none on disk).
    """

    member_id: str
    index: int
    parameters: Mapping[str, Any]
    state: MemberState


@attrs.frozen(kw_only=True)
class EnsembleReport:
    """Every member's state, for ``status`` and at the end of a run.

    Attributes:
        name: The ensemble's name.
        members: One report per member, in sweep order.
        skipped: Ids of the members a run skipped (done before, inputs unchanged).
        results: The files gathered across members after the run (``results:``).
    """

    name: str
    members: tuple[MemberReport, ...]
    skipped: tuple[str, ...] = ()
    results: tuple[Path, ...] = ()

    @property
    def counts(self) -> dict[str, int]:
        """Members by status (every status present, zero when none)."""
        counts = dict.fromkeys(MEMBER_STATUSES, 0)
        for member in self.members:
            counts[member.state.status] = counts.get(member.state.status, 0) + 1
        return counts

    @property
    def ok(self) -> bool:
        """True when every member is done."""
        return all(member.state.status == DONE for member in self.members)


def plan_ensemble(spec: EnsembleSpec, validate: Validate) -> EnsemblePlan:
    """Expand the sweep, drop duplicates, build and validate every member's pipeline.

    Args:
        spec: The ensemble.
        validate: Structures a member's pipeline document (raises ConfigError when bad).

    Raises:
        ConfigError: A member's pipeline is invalid; the message names the member and field.
    """
    sets = spec.sweep.expand()
    unique = unique_parameter_sets(sets)
    jobs = tuple(_job(spec, index, parameters, validate) for index, parameters in enumerate(unique))
    return EnsemblePlan(spec=spec, jobs=jobs, duplicates=len(sets) - len(unique))


def _job(
    spec: EnsembleSpec, index: int, parameters: Mapping[str, Any], validate: Validate
) -> MemberJob:
    identity = member_id(parameters)
    try:
        document = member_document(spec.base, parameters, spec.ensemble_dir)
        validate(document)
    except ConfigError as error:
        raise ConfigError(
            f"member {index} ({identity}, {dict(parameters)}): {error.message}",
            path=error.path,
            value=error.value,
        ) from error
    return MemberJob(
        ensemble_dir=spec.ensemble_dir,
        member_id=identity,
        index=index,
        parameters=dict(parameters),
        pipeline=document,
        config_hash=digest(document),
    )


def prepare_folder(plan: EnsemblePlan, folder: EnsembleFolder) -> None:
    """Write ``ensemble.json``; refuse a folder that is someone else's.

    Raises:
        ConfigError: The folder holds another ensemble, or files that are not an ensemble's.
    """
    spec, where = plan.spec, plan.spec.ensemble_dir
    index = folder.read_index(where)
    if index is not None and index.get("name") != spec.name:
        raise ConfigError(
            f"{where} holds the ensemble {index.get('name')!r}; give this ensemble another "
            "name or output_dir",
            path="name",
            value=spec.name,
        )
    if index is None and folder.holds_other_files(where):
        raise ConfigError(
            f"{where} exists and is not an ensemble folder; give another name or output_dir "
            "(rompy does not write into folders it did not make)",
            path="output_dir",
            value=str(spec.output_dir),
        )
    folder.write_index(where, index_document(plan))


def index_document(plan: EnsemblePlan) -> dict[str, Any]:
    """Return the data of ``ensemble.json``: name, members, parameters, config hashes."""
    members = [
        {
            "id": job.member_id,
            "index": job.index,
            "parameters": dict(job.parameters),
            "config_hash": job.config_hash,
            "run_dir": f"{MEMBERS_FOLDER}/{job.member_id}",
        }
        for job in plan.jobs
    ]
    return {"name": plan.spec.name, "engine": plan.spec.engine.type, "members": members}


def is_finished(job: MemberJob, state: MemberState | None, manifests: ManifestStore | None) -> bool:
    """True when ``job`` ran with these inputs and need not run again.

    Its state must be ``done`` with the job's config hash; with a manifest store, its
    manifest must also say it succeeded and its inputs must verify.
    """
    if state is None or state.status != DONE or state.config_hash != job.config_hash:
        return False
    if manifests is None:
        return True
    run_dir = job.ensemble_dir / MEMBERS_FOLDER / job.member_id
    try:
        manifest = manifests.read(run_dir)
        return manifest is not None and manifest.succeeded and manifests.verify(run_dir).ok
    except RompyError:
        return False


def run_ensemble(
    ctx: ServiceContext,
    plan: EnsemblePlan,
    *,
    folder: EnsembleFolder,
    runner: MemberRunner,
    manifests: ManifestStore | None = None,
    on_state: Callable[[MemberState], None] | None = None,
) -> EnsembleReport:
    """Run the members that are not finished on the spec's engine; return every state.

    KeyboardInterrupt propagates after the engine stopped what ran (finished states kept).

    Raises:
        ConfigError: The folder belongs to someone else.
        ExecutorUnavailableError: The engine is unusable.
    """
    prepare_folder(plan, folder)
    states = folder.read_all(plan.spec.ensemble_dir)
    todo = [job for job in plan.jobs if not is_finished(job, states.get(job.member_id), manifests)]
    skipped = tuple(job.member_id for job in plan.jobs if job not in todo)
    log.info(
        "ensemble_started",
        name=plan.spec.name,
        members=len(plan.jobs),
        to_run=len(todo),
        skipped=len(skipped),
        engine=plan.spec.engine.type,
    )
    if todo:
        engine = ctx.registry.engine_for(plan.spec.engine)
        engine.run(plan.spec.engine, todo, runner, on_state or (lambda state: None))
    report = ensemble_status(plan, folder, skipped=skipped)
    log.info("ensemble_finished", name=plan.spec.name, **report.counts)
    return report


def ensemble_status(
    plan: EnsemblePlan, folder: EnsembleFolder, *, skipped: tuple[str, ...] = ()
) -> EnsembleReport:
    """Return every member's state as on disk; a run lost in a crash shows as failed."""
    states = folder.read_all(plan.spec.ensemble_dir)
    members = []
    for job in plan.jobs:
        state = states.get(job.member_id) or MemberState(
            member_id=job.member_id, status=PENDING, config_hash=job.config_hash
        )
        if not folder.alive(state):
            state = attrs.evolve(
                state, status=FAILED, message=f"interrupted (process {state.pid} is gone)"
            )
        members.append(
            MemberReport(
                member_id=job.member_id, index=job.index, parameters=job.parameters, state=state
            )
        )
    return EnsembleReport(name=plan.spec.name, members=tuple(members), skipped=skipped)
