"""The ensemble folder's files the engines use: member job files and member state files.

A SLURM array task reads its member's job from ``<ensemble>/jobs/<id>.json``; the process
running a member records its state in ``<ensemble>/state/<id>.json`` (the ensemble
folder's own format, :class:`rompy.adapters.ensemble.state.JsonEnsembleFolder`). Engines
read the states back after a task ends, to tell a member that finished from one SLURM
killed, and record the failures the member's runner never saw.
"""

from __future__ import annotations

from pathlib import Path

from rompy.adapters.ensemble.state import JsonEnsembleFolder, write_json_atomically
from rompy.ports.ensemble import MemberJob, MemberState, job_document

JOBS_DIR = "jobs"


def job_file(ensemble_dir: Path, member_id: str) -> Path:
    """Return the path of a member's job file."""
    return ensemble_dir / JOBS_DIR / f"{member_id}.json"


def write_job_file(job: MemberJob) -> Path:
    """Write ``job``'s job file (atomically) and return its path."""
    path = job_file(job.ensemble_dir, job.member_id)
    write_json_atomically(path, job_document(job))
    return path


def write_state(ensemble_dir: Path, state: MemberState) -> None:
    """Record ``state`` in the member's state file (for failures its runner never saw)."""
    JsonEnsembleFolder().write(ensemble_dir, state)


def read_state(ensemble_dir: Path, member_id: str) -> MemberState | None:
    """Return the member's recorded state, or None when it has none (or it is unreadable)."""
    return JsonEnsembleFolder().read(ensemble_dir, member_id)
