"""``App.run_many`` on real engines: a SLURM job array from one sbatch call, local runs in turn.

The SLURM tests need the one-node cluster of scripts/engines/slurm.sh: without it they skip,
except under ``CI=true`` where they fail.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from rompy.adapters.execution.slurm.commands import SlurmCommands
from rompy.application import App, bootstrap
from rompy.domain.execution.spec import ExecutionSpec
from rompy.domain.model_run import ModelRun
from rompy.ports.execution import RunOutcome
from tests.engines import require_slurm

COMMAND = 'cp INPUT copied.txt; echo "ran $(basename "$PWD")"'
"""Every run's command: copy its own rendered input, say which staging dir it ran in."""


@pytest.fixture(scope="module")
def app() -> App:
    return bootstrap(load_entry_points=False)


@pytest.fixture(scope="session")
def requires_slurm() -> None:
    """Skip when no SLURM cluster with a usable node answers (fail under CI=true)."""
    require_slurm()


def base_runs(app: App, output_dir: Path, count: int) -> list[ModelRun]:
    """``count`` runs of the ``base`` model, each rendering its own run id into INPUT."""
    return [
        app.structure(
            {
                "run_id": f"member_{index}",
                "output_dir": str(output_dir),
                "period": {"start": "2023-01-01T00", "end": "2023-01-01T06", "interval": "1H"},
                "config": {"model_type": "base"},
            },
            ModelRun,
        )
        for index in range(count)
    ]


def assert_each_run_kept_its_own_files(runs: list[ModelRun], outcomes: list[RunOutcome]) -> None:
    for run, outcome in zip(runs, outcomes, strict=True):
        staging = run.staging_dir
        assert (run.run_id, True) == (outcome.run_id, outcome.ok), outcome.message
        assert outcome.stdout_path == staging / "logs" / f"{run.run_id}.stdout.log"
        assert f"ran {run.run_id}\n" == outcome.stdout_path.read_text()
        assert (staging / "INPUT").read_bytes() == (staging / "copied.txt").read_bytes()
        assert run.run_id in (staging / "INPUT").read_text()


def span_of(outcome: RunOutcome) -> tuple[datetime, datetime]:
    """When the outcome's run started and ended."""
    assert outcome.started_at is not None
    return outcome.started_at, outcome.started_at + timedelta(seconds=outcome.duration)


@pytest.mark.slurm
def test_four_runs_on_slurm_become_one_job_array_from_one_sbatch_call(
    app: App, requires_slurm: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    submitted: list[Path] = []
    submit = SlurmCommands.submit

    def counted_submit(self: SlurmCommands, script: Path, *, cwd: Path) -> str:
        submitted.append(script)
        return submit(self, script, cwd=cwd)

    monkeypatch.setattr(SlurmCommands, "submit", counted_submit)
    backend = app.structure(
        {"type": "slurm", "command": COMMAND, "time_limit": "5", "poll_interval": 0.5},
        ExecutionSpec,
    )
    runs = base_runs(app, tmp_path / "slurm", 4)

    outcomes = app.run_many(runs, backend, max_parallel=2)

    assert 1 == len(submitted), submitted
    job_ids = [outcome.details["job_id"] for outcome in outcomes]
    array_id = job_ids[0].partition("_")[0]
    assert [f"{array_id}_{index}" for index in range(4)] == job_ids
    assert_each_run_kept_its_own_files(runs, outcomes)


def test_three_runs_on_the_local_executor_run_one_after_another(app: App, tmp_path: Path) -> None:
    backend = app.structure({"type": "local", "command": COMMAND}, ExecutionSpec)
    runs = base_runs(app, tmp_path / "local", 3)

    outcomes = app.run_many(runs, backend)

    assert_each_run_kept_its_own_files(runs, outcomes)
    spans = [span_of(outcome) for outcome in outcomes]
    assert all(end <= start for (_, end), (start, _) in itertools.pairwise(spans)), spans
