"""The Dask ensemble engine on a real ``distributed.LocalCluster`` of worker processes."""

from __future__ import annotations

import _thread
import json
import signal
import threading
from pathlib import Path

import pytest

from rompy.adapters.ensemble.dask_engine import DaskEngineAdapter
from rompy.adapters.ensemble.files import read_state
from rompy.domain.ensemble.engines import DaskEngine
from rompy.ports.ensemble import DONE, FAILED, MemberState
from tests.engines import require_slurm
from tests.ensemble_runner import DoublingRunner, make_jobs, result_file

pytestmark = pytest.mark.slow


def test_ten_members_run_on_a_local_cluster(tmp_path: Path) -> None:
    jobs = make_jobs(tmp_path, [{"x": x} for x in range(10)])
    seen: list[MemberState] = []

    states = DaskEngineAdapter().run(DaskEngine(n_workers=2), jobs, DoublingRunner(), seen.append)

    assert [DONE] * 10 == [state.status for state in states]
    assert [job.member_id for job in jobs] == [state.member_id for state in states]
    assert [2 * x for x in range(10)] == [
        json.loads(result_file(job).read_text())["value"] for job in jobs
    ]
    assert 10 == len(seen)


def test_a_raising_member_fails_with_its_message_and_the_others_finish(tmp_path: Path) -> None:
    jobs = make_jobs(tmp_path, [{"x": 1}, {"x": 2, "raise": "gamma out of range"}, {"x": 3}])

    states = DaskEngineAdapter().run(
        DaskEngine(n_workers=2), jobs, DoublingRunner(), lambda state: None
    )

    assert [DONE, FAILED, DONE] == [state.status for state in states]
    assert "RuntimeError: gamma out of range" == states[1].message
    assert states[1] == read_state(tmp_path, "m-001")


def test_ctrl_c_cancels_the_unfinished_members_and_keeps_the_finished(tmp_path: Path) -> None:
    jobs = make_jobs(tmp_path, [{"x": 0}] + [{"x": x, "sleep": 60} for x in range(1, 4)])
    seen: list[MemberState] = []

    def on_state(state: MemberState) -> None:
        seen.append(state)
        if state.member_id == "m-000":
            threading.Timer(0.5, _thread.interrupt_main).start()

    with pytest.raises(KeyboardInterrupt):
        DaskEngineAdapter().run(DaskEngine(n_workers=2), jobs, DoublingRunner(), on_state)

    final = {state.member_id: state for state in seen}
    assert DONE == final["m-000"].status
    assert [FAILED] * 3 == [final[f"m-{i:03d}"].status for i in range(1, 4)]
    assert all("cancelled" in final[f"m-{i:03d}"].message for i in range(1, 4))


@pytest.mark.slurm
def test_members_run_on_a_slurm_cluster_of_dask_workers(tmp_path: Path) -> None:
    require_slurm()
    jobs = make_jobs(tmp_path, [{"x": x} for x in range(3)])
    spec = DaskEngine(
        cluster="slurm",
        n_workers=1,
        cluster_options={
            "cores": 1,
            "memory": "1GB",
            "walltime": "00:10:00",
            "log_directory": str(tmp_path / "dask-logs"),
        },
    )

    states = DaskEngineAdapter().run(spec, jobs, DoublingRunner(), lambda state: None)

    assert [DONE] * 3 == [state.status for state in states]
    assert [0, 2, 4] == [json.loads(result_file(job).read_text())["value"] for job in jobs]
    assert signal.default_int_handler is signal.getsignal(signal.SIGINT)
