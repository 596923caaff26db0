"""The files and handles of submitted SLURM jobs: script folder, staging checks, array tasks."""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from rompy.adapters.execution.slurm.outcomes import JobHandle
from rompy.domain.errors import StagingError
from rompy.domain.execution.slurm import SlurmExecution
from rompy.domain.execution.slurm_script import (
    EXIT_CODE_FILE,
    ArrayTask,
    expand_filename_pattern,
    output_patterns,
)
from rompy.domain.model_config import Command
from rompy.ports.execution import ExecutionRequest

SCRIPT_DIR = "slurm"
"""The staging dir folder holding the batch scripts (and SLURM's own array logs)."""

UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def file_name(text: str) -> str:
    """Return ``text`` as a safe file name (``run`` when nothing safe is left)."""
    return UNSAFE_NAME.sub("_", text).strip("._") or "run"


def prepare_staging(staging_dir: Path, patterns: Sequence[str]) -> None:
    """Make the script and output folders of a job and remove a previous exit-code file.

    Raises:
        StagingError: The staging dir is missing or cannot be written.
    """
    if not staging_dir.is_dir():
        raise StagingError.missing(staging_dir)
    folders = [expand_filename_pattern(str(Path(pattern).parent), {}) for pattern in patterns]
    try:
        (staging_dir / SCRIPT_DIR).mkdir(exist_ok=True)
        for folder in folders:
            if folder is not None:
                Path(folder).mkdir(parents=True, exist_ok=True)
        (staging_dir / EXIT_CODE_FILE).unlink(missing_ok=True)
    except OSError as error:
        raise StagingError(f"cannot prepare {staging_dir} for a SLURM job: {error}") from error


def array_handles(
    requests: Sequence[ExecutionRequest],
    tasks: Sequence[ArrayTask],
    base_id: str,
    job_name: str,
    spec: SlurmExecution,
    submitted: tuple[datetime, float],
) -> list[JobHandle]:
    """Return one job handle per array task (``<base_id>_<index>``), in request order."""
    handles = []
    for index, (request, task) in enumerate(zip(requests, tasks, strict=True)):
        stdout, stderr = output_patterns(spec, task.staging_dir, task.log_name)
        handles.append(
            JobHandle(
                run_id=request.run_id,
                job_id=f"{base_id}_{index}",
                base_job_id=base_id,
                array_index=index,
                staging_dir=task.staging_dir,
                job_name=job_name,
                stdout_pattern=stdout,
                stderr_pattern=stderr,
                spec=spec,
                submitted_at=submitted[0],
                submitted_clock=submitted[1],
                command=display_command(task.command),
            )
        )
    return handles


def display_command(command: Command) -> str:
    """The command as the user wrote it: the text, or the argument list joined for a shell."""
    return command if isinstance(command, str) else shlex.join(command)
