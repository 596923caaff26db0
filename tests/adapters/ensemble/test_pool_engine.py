"""The pool engine with real worker processes and a tiny picklable runner."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import pytest

from rompy.adapters.ensemble.pool import PoolEngineAdapter
from rompy.domain.ensemble.engines import PoolEngine
from rompy.domain.ensemble.members import member_id
from rompy.ports.ensemble import DONE, FAILED, RUNNING, MemberJob, MemberState
from tests.adapters.ensemble.pool_runners import FileRunner


def jobs_of(ensemble_dir: Path, *values: str) -> list[MemberJob]:
    return [
        MemberJob(
            ensemble_dir=ensemble_dir,
            member_id=member_id({"value": value}),
            index=index,
            parameters={"value": value},
            pipeline={},
            config_hash="h",
        )
        for index, value in enumerate(values)
    ]


def test_every_member_runs_and_states_come_back_in_job_order(tmp_path: Path) -> None:
    jobs = jobs_of(tmp_path, *[str(n) for n in range(6)])
    seen: list[MemberState] = []
    states = PoolEngineAdapter().run(PoolEngine(max_workers=2), jobs, FileRunner(), seen.append)
    assert [job.member_id for job in jobs] == [state.member_id for state in states]
    assert {DONE} == {state.status for state in states}
    for job in jobs:
        value, _ = (tmp_path / "out" / job.member_id).read_text().split()
        assert job.parameters["value"] == value
    assert 6 == sum(1 for state in seen if state.status == DONE)


def test_members_run_in_at_most_max_workers_processes_other_than_this_one(
    tmp_path: Path,
) -> None:
    jobs = jobs_of(tmp_path, *[str(n) for n in range(6)])
    PoolEngineAdapter().run(PoolEngine(max_workers=2), jobs, FileRunner(), lambda s: None)
    pids = {(tmp_path / "out" / job.member_id).read_text().split()[1] for job in jobs}
    assert str(os.getpid()) not in pids
    assert 1 <= len(pids) <= 2


def test_a_member_that_raises_is_failed_with_its_reason_and_the_others_finish(
    tmp_path: Path,
) -> None:
    jobs = jobs_of(tmp_path, "a", "boom", "c")
    states = PoolEngineAdapter().run(PoolEngine(max_workers=2), jobs, FileRunner(), lambda s: None)
    assert [DONE, FAILED, DONE] == [state.status for state in states]
    assert "the member blew up" in states[1].message


def test_ctrl_c_stops_running_members_and_keeps_finished_ones(tmp_path: Path) -> None:
    jobs = jobs_of(tmp_path, "a", "sleep", "sleep2", "sleep3")
    seen: list[MemberState] = []

    def interrupt_once_a_sleeper_runs(state: MemberState) -> None:
        seen.append(state)
        if state.status == RUNNING and state.member_id == jobs[1].member_id:
            threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT)).start()

    engine = PoolEngineAdapter()
    with pytest.raises(KeyboardInterrupt):
        engine.run(
            PoolEngine(max_workers=2), jobs, FileRunner(pause=60), interrupt_once_a_sleeper_runs
        )
    assert (tmp_path / "out" / jobs[0].member_id).exists()
    assert not (tmp_path / "out" / jobs[1].member_id).exists()
