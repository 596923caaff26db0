"""``App.submit`` on the shipped quickstart example with its local backend (a real process)."""

from __future__ import annotations

import shutil
from pathlib import Path

import attrs

from rompy.application import bootstrap
from rompy.domain.execution.spec import ExecutionSpec
from rompy.domain.model_run import ModelRun
from rompy.ports.execution import RunOutcome

REPO = Path(__file__).resolve().parents[2]


def load_example(tmp_path: Path, run_id: str) -> tuple[ModelRun, ExecutionSpec]:
    pipeline = tmp_path / "pipeline.yml"
    shutil.copy(REPO / "examples" / "quickstart" / "pipeline.yml", pipeline)
    app = bootstrap(load_entry_points=False)
    spec = app.load_pipeline(pipeline)
    run = attrs.evolve(spec.config, run_id=run_id, output_dir=tmp_path / "output")
    assert spec.backend is not None
    return run, spec.backend


def comparable(outcome: RunOutcome) -> tuple[object, ...]:
    return (outcome.status, outcome.exit_code, outcome.executor, outcome.message)


def test_submit_and_wait_give_the_outcome_run_gives(tmp_path: Path) -> None:
    app = bootstrap(load_entry_points=False)
    submitted_run, backend = load_example(tmp_path, "submitted")
    blocking_run, _ = load_example(tmp_path, "blocking")

    handle = app.submit(submitted_run, backend)
    submitted = handle.wait(timeout=120)
    blocking = app.run(blocking_run, backend)

    assert submitted is not None
    assert comparable(blocking) == comparable(submitted)
    assert "succeeded" == submitted.status
    assert submitted.stdout_path is not None
    assert " INPUT\n" in submitted.stdout_path.read_text()  # the `ls -l` of the command
