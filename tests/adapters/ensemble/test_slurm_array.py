"""The SLURM job-array ensemble engine against the real one-node SLURM cluster.

Members run ``tests.ensemble_runner`` in their SLURM tasks (PYTHONPATH reaches the tasks:
``sbatch`` exports the submitting environment).
"""

from __future__ import annotations

import _thread
import json
import subprocess
import threading
from pathlib import Path

import pytest

from rompy.adapters.ensemble.files import read_state
from rompy.adapters.ensemble.slurm_array import SlurmArrayRunner, task_dir
from rompy.adapters.execution.slurm.commands import SlurmCommands
from rompy.adapters.execution.slurm.executor import SlurmExecutor
from rompy.domain.ensemble.engines import SlurmArrayEngine
from rompy.domain.execution.slurm import SlurmExecution
from rompy.ports.ensemble import DONE, FAILED, RUNNING, MemberState
from tests.engines import require_slurm
from tests.ensemble_runner import DoublingRunner, make_jobs, result_file

pytestmark = [pytest.mark.slurm, pytest.mark.slow]


class CountingCommands(SlurmCommands):
    """The real SLURM commands, keeping the id of every job ``sbatch`` submitted."""

    def __init__(self) -> None:
        super().__init__()
        self.submitted: list[str] = []

    def submit(self, script: Path, *, cwd: Path) -> str:
        job_id = super().submit(script, cwd=cwd)
        self.submitted.append(job_id)
        return job_id


@pytest.fixture(scope="session")
def requires_slurm() -> None:
    """Skip when no SLURM cluster with a usable node answers (fail under CI=true)."""
    require_slurm()


@pytest.fixture
def commands(requires_slurm: None) -> CountingCommands:
    return CountingCommands()


def engine_spec(max_parallel: int | None = 4) -> SlurmArrayEngine:
    return SlurmArrayEngine(
        max_parallel=max_parallel, job=SlurmExecution(time_limit="5", poll_interval=0.5)
    )


def queued(job_id: str) -> str:
    result = subprocess.run(
        ["squeue", "-h", "-j", job_id, "-o", "%i %T"], capture_output=True, text=True, check=False
    )
    return result.stdout.strip()


def test_ten_members_run_as_one_job_array(tmp_path: Path, commands: CountingCommands) -> None:
    jobs = make_jobs(tmp_path, [{"x": x} for x in range(10)])
    seen: list[MemberState] = []

    states = SlurmArrayRunner(SlurmExecutor(commands)).run(
        engine_spec(), jobs, DoublingRunner(), seen.append
    )

    assert [DONE] * 10 == [state.status for state in states]
    assert 1 == len(commands.submitted)
    results = [json.loads(result_file(job).read_text()) for job in jobs]
    assert [2 * x for x in range(10)] == [result["value"] for result in results]
    assert [commands.submitted[0]] * 10 == [result["array_job"] for result in results]
    assert {job.member_id for job in jobs} == {s.member_id for s in seen if s.status == DONE}


def test_the_task_logs_stay_out_of_the_member_run_dirs(
    tmp_path: Path, commands: CountingCommands
) -> None:
    jobs = make_jobs(tmp_path, [{"x": 1}, {"x": 2}])

    SlurmArrayRunner(SlurmExecutor(commands)).run(engine_spec(), jobs, DoublingRunner(), print)

    assert all((task_dir(job) / "logs" / f"{job.member_id}.stdout.log").exists() for job in jobs)
    assert not list((tmp_path / "members").rglob("*.log"))


def test_a_member_whose_task_dies_fails_with_slurms_reason_and_the_others_finish(
    tmp_path: Path, commands: CountingCommands
) -> None:
    jobs = make_jobs(tmp_path, [{"x": 1}, {"x": 2, "crash": True}, {"x": 3}])

    states = SlurmArrayRunner(SlurmExecutor(commands)).run(
        engine_spec(), jobs, DoublingRunner(), lambda state: None
    )

    assert [DONE, FAILED, DONE] == [state.status for state in states]
    assert f"SLURM job {commands.submitted[0]}_1" in states[1].message
    assert "exit" in states[1].message.lower()
    assert "no final state" in states[1].message
    assert states[1] == read_state(tmp_path, "m-001")


def test_ctrl_c_cancels_the_array_and_keeps_finished_members(
    tmp_path: Path, commands: CountingCommands
) -> None:
    jobs = make_jobs(tmp_path, [{"x": 0}] + [{"x": x, "sleep": 60} for x in range(1, 6)])
    seen: list[MemberState] = []
    interrupt = threading.Timer(1.0, _thread.interrupt_main)

    def on_state(state: MemberState) -> None:
        seen.append(state)
        if state.status == RUNNING and state.member_id != "m-000" and not interrupt.is_alive():
            interrupt.start()

    with pytest.raises(KeyboardInterrupt):
        SlurmArrayRunner(SlurmExecutor(commands)).run(
            engine_spec(max_parallel=2), jobs, DoublingRunner(), on_state
        )

    final = {state.member_id: state for state in seen}
    assert "" == queued(commands.submitted[0])
    assert DONE == final["m-000"].status
    assert all(final[f"m-{i:03d}"].status == FAILED for i in range(1, 6))
    assert all("cancel" in final[f"m-{i:03d}"].message for i in range(1, 6))
