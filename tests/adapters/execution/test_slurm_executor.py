"""The SLURM executor against a real one-node SLURM cluster (scripts/engines/slurm.sh).

Skipped when no cluster answers ``sinfo``, except under ``CI=true`` where that fails.
"""

from __future__ import annotations

import subprocess
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from rompy.adapters.execution.slurm.commands import SlurmCommands
from rompy.adapters.execution.slurm.executor import SlurmExecutor
from rompy.domain.errors import ConfigError, ExecutorUnavailableError
from rompy.domain.execution.slurm import SlurmExecution
from rompy.ports.execution import FAILED, SUCCEEDED, TIMED_OUT, ExecutionRequest
from tests.engines import require_slurm

pytestmark = pytest.mark.slurm


@pytest.fixture(scope="session")
def requires_slurm() -> None:
    """Skip when no SLURM cluster with a usable node answers (fail under CI=true)."""
    require_slurm()


@pytest.fixture
def slurm(requires_slurm: None) -> SlurmExecutor:
    return SlurmExecutor()


def make_request(tmp_path: Path, run_id: str, command: object, **spec: object) -> ExecutionRequest:
    staging = tmp_path / run_id
    staging.mkdir()
    spec.setdefault("time_limit", "5")
    spec.setdefault("poll_interval", 0.5)
    return ExecutionRequest(
        run_id=run_id,
        staging_dir=staging,
        spec=SlurmExecution(command=command, **spec),  # type: ignore[arg-type]
    )


def squeue_states(job_id: str) -> str:
    """The states ``squeue`` lists for ``job_id`` among active jobs (default filter)."""
    result = subprocess.run(
        ["squeue", "--noheader", f"--jobs={job_id}", "--format=%T"],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip()


def job_name_of(job_id: str) -> str:
    result = subprocess.run(
        ["squeue", "--noheader", "--states=all", f"--jobs={job_id}", "--Format=Name:|"],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip().removesuffix("|")


def test_a_job_completes_and_writes_its_outputs_in_the_staging_dir(
    slurm: SlurmExecutor, tmp_path: Path
) -> None:
    run = make_request(tmp_path, "ok", "echo written > result.txt; echo hello")

    outcome = slurm.execute(run)

    assert (SUCCEEDED, 0, "COMPLETED") == (
        outcome.status,
        outcome.exit_code,
        outcome.details["slurm_state"],
    )
    assert "written\n" == (run.staging_dir / "result.txt").read_text()
    assert outcome.stdout_path is not None
    assert "hello\n" == outcome.stdout_path.read_text()


HOLD_SECONDS = 3.0
"""How long the timing test keeps its job held in the queue before releasing it."""


def test_a_job_held_in_the_queue_reports_its_real_start_and_run_time(
    slurm: SlurmExecutor, tmp_path: Path
) -> None:
    run = make_request(tmp_path, "held", "sleep 2", additional_options=["--hold"])
    began = time.monotonic()
    handle = slurm.submit(run)
    time.sleep(HOLD_SECONDS)
    subprocess.run(["scontrol", "release", handle.job_id], check=True, capture_output=True)

    outcome = slurm.wait([handle])[0]

    wall = time.monotonic() - began
    submitted = datetime.fromisoformat(outcome.details["submitted_at"]).replace(microsecond=0)
    assert outcome.started_at is not None
    assert submitted + timedelta(seconds=HOLD_SECONDS) <= outcome.started_at
    assert 2.0 <= outcome.duration < wall - HOLD_SECONDS + 1.0


def test_environment_variables_reach_the_job_unchanged(
    slurm: SlurmExecutor, tmp_path: Path
) -> None:
    value = 'it\'s "quoted" $HOME and spaced'
    run = make_request(
        tmp_path, "env", 'printf %s "$GREETING" > env.txt', env_vars={"GREETING": value}
    )

    slurm.execute(run)

    assert value == (run.staging_dir / "env.txt").read_text()


def test_an_argv_command_runs_without_a_shell(slurm: SlurmExecutor, tmp_path: Path) -> None:
    run = make_request(tmp_path, "argv", ["touch", "a file; with semicolon"])

    outcome = slurm.execute(run)

    assert SUCCEEDED == outcome.status
    assert (run.staging_dir / "a file; with semicolon").exists()


def test_a_job_name_with_spaces_and_quotes_reaches_slurm_unchanged(
    slurm: SlurmExecutor, tmp_path: Path
) -> None:
    name = 'it\'s a "quoted" job # not a comment'
    outcome = slurm.execute(make_request(tmp_path, "named", "true", job_name=name))

    assert name == job_name_of(outcome.details["job_id"])


def test_a_failing_job_ends_failed_with_its_exit_code_and_error_tail(
    slurm: SlurmExecutor, tmp_path: Path
) -> None:
    run = make_request(tmp_path, "bad", "echo 'model blew up' >&2; exit 3")

    outcome = slurm.execute(run)

    assert (FAILED, 3, "FAILED") == (
        outcome.status,
        outcome.exit_code,
        outcome.details["slurm_state"],
    )
    assert "model blew up" in outcome.message


def test_relative_output_patterns_resolve_to_the_files_slurm_wrote(
    slurm: SlurmExecutor, tmp_path: Path
) -> None:
    run = make_request(
        tmp_path,
        "pattern",
        "echo out; echo err >&2",
        output_file="slurm-%j.out",
        error_file="slurm-%j.err",
    )

    outcome = slurm.execute(run)

    job_id = outcome.details["job_id"]
    assert run.staging_dir / f"slurm-{job_id}.out" == outcome.stdout_path
    assert ("out\n", "err\n") == (
        outcome.stdout_path.read_text() if outcome.stdout_path else None,
        outcome.stderr_path.read_text() if outcome.stderr_path else None,
    )


def test_the_client_timeout_cancels_the_job(slurm: SlurmExecutor, tmp_path: Path) -> None:
    run = make_request(tmp_path, "slow", "sleep 120", timeout=3)

    outcome = slurm.execute(run)

    assert (TIMED_OUT, "CANCELLED") == (outcome.status, outcome.details["slurm_state"])
    assert "" == squeue_states(outcome.details["job_id"])


@pytest.mark.slow
def test_a_job_over_its_slurm_time_limit_ends_timed_out(
    slurm: SlurmExecutor, tmp_path: Path
) -> None:
    """Takes 60-90 s: SLURM's shortest limit is a minute, checked every 30 s (slurm.sh)."""
    run = make_request(tmp_path, "limit", "sleep 300", time_limit="1", poll_interval=2.0)

    outcome = slurm.execute(run)

    assert (TIMED_OUT, "TIMEOUT") == (outcome.status, outcome.details["slurm_state"])


def test_an_array_of_ten_runs_gives_ten_outcomes_in_order(
    slurm: SlurmExecutor, tmp_path: Path
) -> None:
    runs = [
        make_request(tmp_path, f"member{i}", f"echo member {i} > who.txt; exit $(( {i} % 3 == 2 ))")
        for i in range(10)
    ]

    outcomes = slurm.execute_many(runs, max_parallel=4)

    expected = [(f"member{i}", SUCCEEDED if i % 3 != 2 else FAILED) for i in range(10)]
    assert expected == [(outcome.run_id, outcome.status) for outcome in outcomes]
    assert [f"member {i}\n" for i in range(10)] == [
        (run.staging_dir / "who.txt").read_text() for run in runs
    ]


def test_an_unknown_partition_is_a_config_error_naming_the_queue(
    slurm: SlurmExecutor, tmp_path: Path
) -> None:
    with pytest.raises(ConfigError) as caught:
        slurm.execute(make_request(tmp_path, "nowhere", "true", queue="no_such_partition"))

    assert ("backend.queue", "no_such_partition") == (caught.value.path, caught.value.value)


def test_squeue_of_unknown_jobs_answers_nothing(requires_slurm: None) -> None:
    assert {} == SlurmCommands().query(["999999"])


def test_a_missing_sbatch_makes_the_executor_unavailable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    run = make_request(tmp_path, "nosbatch", "true")

    with pytest.raises(ExecutorUnavailableError, match=r"sbatch not found: install SLURM"):
        SlurmExecutor().execute(run)
