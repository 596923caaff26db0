"""The ensemble ports: member jobs go to an engine, member results come back.

An ensemble is a base pipeline plus a sweep of parameters (see ``docs/design/ensembles.md``).
The ensemble service expands the sweep into :class:`MemberJob` values, plain data that can be
pickled (process pool, Dask) or written as JSON (a SLURM array task reads its job file). An
:class:`EnsembleEngine` runs them through a :class:`MemberRunner`: in this process's pool, on a
Dask cluster, or as one SLURM job array whose tasks each run ``runner.command(job_file)``.
Each member's state lives on disk (:class:`MemberStateStore`), written atomically by the
process doing the work, so status is accurate while running and after a crash.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import attrs

if TYPE_CHECKING:  # annotations only: importing the port stays cheap (`rompy --help`)
    from rompy.domain.ensemble.engines import EnsembleEngineSpec
    from rompy.domain.ensemble.results import ResultsSpec

PENDING = "pending"
RUNNING = "running"
DONE = "done"
FAILED = "failed"
MEMBER_STATUSES = (PENDING, RUNNING, DONE, FAILED)


@attrs.frozen(kw_only=True)
class MemberJob:
    """One ensemble member, ready to run anywhere.

    Attributes:
        ensemble_dir: The ensemble's folder (members' run dirs and states live under it).
        member_id: Stable id: a hash of the member's parameters.
        index: The member's position in the expanded sweep (for job-array task ids).
        parameters: The swept values, by field path (``config.config.physics.breaking.gamma``).
        pipeline: The member's whole pipeline document (plain data, parameters applied).
        config_hash: SHA-256 of ``pipeline`` as canonical JSON (resume compares it).
    """

    ensemble_dir: Path
    member_id: str
    index: int
    parameters: Mapping[str, Any]
    pipeline: Mapping[str, Any]
    config_hash: str


@attrs.frozen(kw_only=True)
class MemberState:
    """What is known about one member, as kept on disk.

    Attributes:
        member_id: The member's id.
        status: ``pending``, ``running``, ``done`` or ``failed``.
        config_hash: The hash of the pipeline the state belongs to.
        started_at: ISO time the member started (UTC), if it did.
        ended_at: ISO time it ended, if it did.
        duration: Seconds from start to end (0 while unknown).
        message: The failure reason (empty when all went well).
        host: Host of the process running it.
        pid: Process id running it (to tell a live run from one lost in a crash).
        engine: The engine's ``type`` tag.
    """

    member_id: str
    status: str = PENDING
    config_hash: str = ""
    started_at: str | None = None
    ended_at: str | None = None
    duration: float = 0.0
    message: str = ""
    host: str = ""
    pid: int | None = None
    engine: str = ""


def job_document(job: MemberJob) -> dict[str, Any]:
    """Return ``job`` as JSON-ready plain data (what a SLURM task's job file holds)."""
    return {
        "ensemble_dir": str(job.ensemble_dir),
        "member_id": job.member_id,
        "index": job.index,
        "parameters": dict(job.parameters),
        "pipeline": dict(job.pipeline),
        "config_hash": job.config_hash,
    }


def state_from_document(document: Mapping[str, Any]) -> MemberState:
    """Return the state held in a state file's JSON ``document`` (unknown keys ignored)."""
    names = {field.name for field in attrs.fields(MemberState)}
    return MemberState(**{key: value for key, value in document.items() if key in names})


def job_from_document(document: Mapping[str, Any]) -> MemberJob:
    """Return the job written by :func:`job_document`."""
    return MemberJob(
        ensemble_dir=Path(document["ensemble_dir"]),
        member_id=str(document["member_id"]),
        index=int(document["index"]),
        parameters=dict(document["parameters"]),
        pipeline=dict(document["pipeline"]),
        config_hash=str(document["config_hash"]),
    )


@attrs.frozen(kw_only=True)
class GatherInput:
    """One done member's outputs, for gathering across members.

    Attributes:
        member_id: The member's id.
        parameters: Its swept values, by field path.
        outputs: Its outputs by name (``xarray.Dataset`` objects, from the output reader).
    """

    member_id: str
    parameters: Mapping[str, Any]
    outputs: Mapping[str, Any]


class ResultsGatherer(Protocol):
    """Gathers one output across members into one dataset with a ``member`` dimension."""

    def gather(
        self, spec: ResultsSpec, members: Sequence[GatherInput], results_dir: Path
    ) -> tuple[Path, ...]:
        """Write the gathered NetCDF (and the spread PNG when asked); return the files.

        Raises:
            DataSourceError: A member lacks the output or a variable.
        """
        ...


class MemberStateStore(Protocol):
    """Keeps member states on disk, one atomic write per change."""

    def write(self, ensemble_dir: Path, state: MemberState) -> None:
        """Replace the state of ``state.member_id`` atomically (write, then rename)."""
        ...

    def read(self, ensemble_dir: Path, member_id: str) -> MemberState | None:
        """Return the member's state, or None when it has none yet."""
        ...

    def read_all(self, ensemble_dir: Path) -> dict[str, MemberState]:
        """Return every member's state, by member id."""
        ...


class MemberRunner(Protocol):
    """Runs one member's pipeline (generate, run, postprocess) and records its state.

    Instances are picklable (a pool or Dask ships them to workers).
    """

    def __call__(self, job: MemberJob) -> MemberState:
        """Run ``job`` in this process; return its final state (``done`` or ``failed``)."""
        ...

    def command(self, job_file: Path) -> list[str]:
        """Return the argv that runs the member whose job is written in ``job_file``."""
        ...


class EnsembleEngine(Protocol):
    """Runs member jobs somewhere: a process pool, a SLURM job array, a Dask cluster."""

    def run(
        self,
        spec: EnsembleEngineSpec,
        jobs: Sequence[MemberJob],
        runner: MemberRunner,
        on_state: Callable[[MemberState], None],
    ) -> list[MemberState]:
        """Run every job; call ``on_state`` as each member changes; return final states.

        ``spec`` is the engine's spec from the ensemble file (engines are built with no
        arguments by the registry, so the spec comes with each call). States are returned
        in the order of ``jobs``.

        A member that fails gives a ``failed`` state with its reason; it never stops the
        others. On KeyboardInterrupt the engine cancels what still runs (pool workers
        stopped, SLURM jobs cancelled, Dask futures cancelled), keeps finished results,
        and re-raises.

        Raises:
            ExecutorUnavailableError: The engine itself is unusable (no SLURM, no scheduler).
        """
        ...


class EnsembleFolder(MemberStateStore, Protocol):
    """The ensemble's folder: its member index (``ensemble.json``) and member states."""

    def write_index(self, ensemble_dir: Path, index: Mapping[str, Any]) -> None:
        """Write ``ensemble.json`` (name, members with their parameters and config hashes)."""
        ...

    def read_index(self, ensemble_dir: Path) -> dict[str, Any] | None:
        """Return ``ensemble.json``'s data, or None when the folder has none."""
        ...

    def holds_other_files(self, ensemble_dir: Path) -> bool:
        """True when the folder exists, has no ``ensemble.json`` and is not empty."""
        ...

    def alive(self, state: MemberState) -> bool:
        """True unless ``state`` is ``running`` on this host in a process that is gone."""
        ...
