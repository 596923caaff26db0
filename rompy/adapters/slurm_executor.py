"""The ``slurm`` executor: run the model as a SLURM batch job and wait for its outcome.

:meth:`SlurmExecutor.submit` writes ``<staging>/slurm/<run_id>.sbatch`` and submits it;
:meth:`SlurmExecutor.wait` polls every outstanding job with one ``squeue`` call per
interval (backing off on scheduler errors) and maps SLURM's final state to a run outcome.
A job SLURM has already forgotten is judged from the exit-code file its script leaves in the
staging dir. Client timeouts, Ctrl-C and :meth:`SlurmExecutor.cancel` call ``scancel``.
Many runs go in one job array (:meth:`SlurmExecutor.execute_many`).
"""

from __future__ import annotations

import getpass
import re
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import attrs

from rompy.adapters.process_output import tail
from rompy.adapters.slurm_commands import JobStatus, SlurmCommands, SlurmScheduler, SubmissionError
from rompy.adapters.slurm_jobs import JobHandle, Tracker, outcome_from_exit_file, outcome_from_status
from rompy.domain.errors import ConfigError, ExecutorUnavailableError, StagingError
from rompy.domain.slurm import (
    EXIT_CODE_FILE,
    ArrayTask,
    SlurmExecution,
    output_patterns,
    render_array_script,
    render_batch_script,
)
from rompy.log import get_logger
from rompy.ports.execution import CANCELLED, TIMED_OUT, ExecutionRequest, RunOutcome

log = get_logger(__name__)
