"""The real application writes, completes and verifies manifests of real staging dirs."""

from __future__ import annotations

from pathlib import Path

from rompy.application import App, bootstrap
from rompy.domain.execution.spec import ExecutionSpec
from rompy.domain.model_run import ModelRun
from rompy.ports.provenance import MANIFEST_NAME


def make(tmp_path: Path) -> tuple[App, ModelRun, ExecutionSpec]:
    app = bootstrap(load_entry_points=False)
    run = app.structure(
        {"run_id": "r", "output_dir": str(tmp_path), "config": {"model_type": "base"}}, ModelRun
    )
    backend = app.structure({"type": "local", "command": "echo 42 > out.txt"}, ExecutionSpec)
    return app, run, backend


def test_a_local_run_verifies_with_its_outputs_and_logs_recorded(tmp_path: Path) -> None:
    app, run, backend = make(tmp_path)
    app.run(run, backend)
    manifest = app.read_manifest(run.staging_dir)
    assert manifest is not None
    assert (True, True, ["logs/r.stderr.log", "logs/r.stdout.log", "out.txt"]) == (
        app.verify(run.staging_dir).ok,
        manifest.succeeded,
        [entry.path for entry in manifest.outputs],
    )


def test_a_rerun_keeps_the_earlier_outputs_recorded(tmp_path: Path) -> None:
    app, run, backend = make(tmp_path)
    app.run(run, backend)
    app.run(run, backend, skip_generate=True)
    assert app.verify(run.staging_dir).ok


def test_an_unreadable_manifest_does_not_hide_the_run_outcome(tmp_path: Path) -> None:
    app, run, backend = make(tmp_path)
    app.generate(run)
    (run.staging_dir / MANIFEST_NAME).write_text("not json")
    outcome = app.run(run, backend, skip_generate=True)
    assert (True, "not json") == (outcome.ok, (run.staging_dir / MANIFEST_NAME).read_text())
