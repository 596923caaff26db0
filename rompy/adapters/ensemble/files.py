"""The ensemble folder's files the engines use: member job files and member state files.

A SLURM array task reads its member's job from ``<ensemble>/jobs/<id>.json``; the process
running a member records its state in ``<ensemble>/state/<id>.json``. Engines read the
states back after a task ends, to tell a member that finished from one SLURM killed.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import attrs

from rompy.log import get_logger
from rompy.ports.ensemble import MemberJob, MemberState, job_document, state_from_document

log = get_logger(__name__)

JOBS_DIR = "jobs"
STATE_DIR = "state"


def job_file(ensemble_dir: Path, member_id: str) -> Path:
    """Return the path of a member's job file."""
    return ensemble_dir / JOBS_DIR / f"{member_id}.json"


def state_file(ensemble_dir: Path, member_id: str) -> Path:
    """Return the path of a member's state file."""
    return ensemble_dir / STATE_DIR / f"{member_id}.json"


def write_json_atomic(path: Path, document: Any) -> None:
    """Write ``document`` as JSON to ``path``: a temporary file, then ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w") as stream:
            json.dump(document, stream, indent=2, sort_keys=True)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_job_file(job: MemberJob) -> Path:
    """Write ``job``'s job file (atomically) and return its path."""
    path = job_file(job.ensemble_dir, job.member_id)
    write_json_atomic(path, job_document(job))
    return path


def write_state(ensemble_dir: Path, state: MemberState) -> None:
    """Record ``state`` in the member's state file (for failures its runner never saw)."""
    write_json_atomic(state_file(ensemble_dir, state.member_id), attrs.asdict(state))


def read_state(ensemble_dir: Path, member_id: str) -> MemberState | None:
    """Return the member's recorded state, or None when it has none (or it is unreadable)."""
    path = state_file(ensemble_dir, member_id)
    try:
        document = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        log.warning("ensemble_state_unreadable", path=str(path), error=str(error))
        return None
    if not isinstance(document, dict) or document.get("member_id") != member_id:
        log.warning("ensemble_state_unreadable", path=str(path), error="not a member state")
        return None
    return state_from_document(document)
