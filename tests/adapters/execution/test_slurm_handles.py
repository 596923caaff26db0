"""SLURM handles against the real one-node cluster (scripts/engines/slurm.sh).

Skipped when no cluster answers ``sinfo``, except under ``CI=true`` where that fails.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from rompy.adapters.execution.slurm.executor import SlurmExecutor
from rompy.domain.execution.slurm import SlurmExecution
from rompy.ports.execution import CANCELLED, PENDING, RUNNING, SUCCEEDED, ExecutionRequest
from tests.engines import require_slurm

pytestmark = pytest.mark.slurm


@pytest.fixture(scope="session")
def requires_slurm() -> None:
    """Skip when no SLURM cluster with a usable node answers (fail under CI=true)."""
    require_slurm()


@pytest.fixture
def slurm(requires_slurm: None) -> SlurmExecutor:
    return SlurmExecutor()


def make_request(tmp_path: Path, run_id: str, command: str) -> ExecutionRequest:
    staging = tmp_path / run_id
    staging.mkdir()
    return ExecutionRequest(
        run_id=run_id,
        staging_dir=staging,
        spec=SlurmExecution(command=command, time_limit="5", poll_interval=0.5),
    )


def squeue_lists(job_id: str) -> bool:
    """True while ``squeue`` lists ``job_id`` among active jobs."""
    result = subprocess.run(
        ["squeue", "--noheader", f"--jobs={job_id}", "--format=%i"],
        capture_output=True,
        text=True,
        check=False,
    )
    return job_id in result.stdout


def test_a_job_handle_goes_from_pending_or_running_to_succeeded(
    slurm: SlurmExecutor, tmp_path: Path
) -> None:
    handle = slurm.start(make_request(tmp_path, "ok", "sleep 2; echo done > result.txt"))

    first = handle.status()
    outcome = handle.wait(timeout=120)

    assert first in (PENDING, RUNNING)
    assert outcome is not None
    assert (SUCCEEDED, SUCCEEDED) == (outcome.status, handle.status())
    assert "done\n" == (tmp_path / "ok" / "result.txt").read_text()


def test_a_wait_that_times_out_leaves_the_job_in_the_queue(
    slurm: SlurmExecutor, tmp_path: Path
) -> None:
    handle = slurm.start(make_request(tmp_path, "long", "sleep 60"))
    try:
        assert handle.wait(timeout=1.0) is None
        assert squeue_lists(handle.job.job_id)
    finally:
        handle.cancel()
        handle.wait(timeout=120)


def test_a_cancelled_job_handle_ends_cancelled_and_leaves_the_queue(
    slurm: SlurmExecutor, tmp_path: Path
) -> None:
    handle = slurm.start(make_request(tmp_path, "stop", "sleep 60"))
    deadline = time.monotonic() + 60
    while handle.status() == PENDING and time.monotonic() < deadline:
        time.sleep(0.2)

    handle.cancel()
    outcome = handle.wait(timeout=120)

    assert outcome is not None
    assert CANCELLED == outcome.status
    assert not squeue_lists(handle.job.job_id)
