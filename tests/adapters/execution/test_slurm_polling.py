"""The SLURM executor's submission, polling, back-off and state mapping, on a fake scheduler.

No SLURM here: :class:`FakeScheduler` plays ``sbatch``/``squeue``/``scancel`` in memory and
:class:`FakeClock` replaces time, so every poll and pause is visible.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
import pytest

from rompy.adapters.execution.slurm.commands import (
    JobStatus,
    SchedulerError,
    SubmissionError,
    parse_sbatch_output,
    parse_squeue_line,
)
from rompy.adapters.execution.slurm.executor import SlurmExecutor
from rompy.domain.errors import ConfigError, ExecutorUnavailableError, StagingError
from rompy.domain.execution.slurm import SlurmExecution
from rompy.domain.execution.slurm_script import EXIT_CODE_FILE
from rompy.ports.execution import (
    CANCELLED,
    FAILED,
    SUCCEEDED,
    TIMED_OUT,
    ExecutionRequest,
    RunOutcome,
)

GONE = "GONE"
"""A plan step: SLURM has forgotten the job (past MinJobAge)."""


class FakeClock:
    """Monotonic time that only moves when someone sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@attrs.define
class FakeJob:
    plan: list[tuple[str, int]]
    cancelled: bool = False


class FakeScheduler:
    """An in-memory SLURM: each submitted job walks through its plan, one step per query.

    A plan step is ``(state, raw exit status)`` or ``(GONE, 0)``; the last step repeats.
    """

    def __init__(self, *plans: Sequence[tuple[str, int]]) -> None:
        self._plans = [list(plan) for plan in plans]
        self.jobs: dict[str, FakeJob] = {}
        self.scripts: list[str] = []
        self.queries: list[list[str]] = []
        self.cancels: list[list[str]] = []
        self.failures_to_come = 0
        self.submit_error = ""
        self._next_id = 100

    def submit(self, script: Path, *, cwd: Path) -> str:
        if self.submit_error:
            raise SubmissionError(self.submit_error)
        text = script.read_text()
        self.scripts.append(text)
        base = str(self._next_id)
        self._next_id += 1
        array = re.search(r"^#SBATCH --array=0-(\d+)", text, re.MULTILINE)
        plan = self._plans.pop(0) if self._plans else [("COMPLETED", 0)]
        ids = [f"{base}_{i}" for i in range(int(array.group(1)) + 1)] if array else [base]
        for job_id in ids:
            self.jobs[job_id] = FakeJob(plan=list(plan))
        return base

    def query(self, job_ids: Sequence[str]) -> dict[str, JobStatus]:
        self.queries.append(list(job_ids))
        if self.failures_to_come:
            self.failures_to_come -= 1
            raise SchedulerError("slurm_load_jobs error: Socket timed out")
        found: dict[str, JobStatus] = {}
        for job_id, job in self.jobs.items():
            if job_id.split("_")[0] not in job_ids:
                continue
            state, status = job.plan.pop(0) if len(job.plan) > 1 else job.plan[0]
            if state != GONE:
                found[job_id] = JobStatus(
                    job_id=job_id, task_job_id=job_id.split("_")[0], state=state, exit_status=status
                )
        return found

    def cancel(self, job_ids: Sequence[str]) -> None:
        self.cancels.append(list(job_ids))
        for job_id in job_ids:
            self.jobs[job_id].plan = [("CANCELLED", 15)]


def request(
    tmp_path: Path, run_id: str = "run1", *, default_command: str | None = "model", **spec: object
) -> ExecutionRequest:
    staging = tmp_path / run_id
    staging.mkdir(exist_ok=True)
    return ExecutionRequest(
        run_id=run_id,
        staging_dir=staging,
        spec=SlurmExecution(**spec),  # type: ignore[arg-type]
        default_command=default_command,
    )


def executor(scheduler: FakeScheduler, clock: FakeClock, **options: float) -> SlurmExecutor:
    return SlurmExecutor(scheduler, clock=clock, sleep=clock.sleep, **options)


def run_one(
    tmp_path: Path, plan: Sequence[tuple[str, int]], **spec: Any
) -> tuple[RunOutcome, FakeScheduler, FakeClock]:
    scheduler, clock = FakeScheduler(plan), FakeClock()
    outcome = executor(scheduler, clock).execute(request(tmp_path, **spec))
    return outcome, scheduler, clock


RUNNING = ("RUNNING", 0)
COMPLETED = ("COMPLETED", 0)


# --- parsing SLURM's answers ---------------------------------------------------------------


def test_a_squeue_line_gives_state_exit_code_and_signal() -> None:
    status = parse_squeue_line("12_1|14|FAILED|768|NonZeroExitCode|1795576440|1795576441|")

    assert status is not None
    assert ("12_1", "14", "FAILED", 3, 0, "NonZeroExitCode") == (
        status.job_id,
        status.task_job_id,
        status.state,
        status.exit_code,
        status.signal,
        status.reason,
    )


def test_a_squeue_line_of_a_signalled_job_gives_the_signal() -> None:
    status = parse_squeue_line("7|7|TIMEOUT|15|TimeLimit|1795576463|1795576530|")

    assert (0, 15) == ((status.exit_code, status.signal) if status else None)


@pytest.mark.parametrize(
    "line", ["", "garbage", "|1|RUNNING|0|None|N/A|N/A|", "1|1|RUNNING|0|None|"]
)
def test_a_malformed_squeue_line_is_skipped(line: str) -> None:
    assert parse_squeue_line(line) is None


@pytest.mark.parametrize(("text", "job_id"), [("123\n", "123"), ("77;cluster\n", "77")])
def test_sbatch_parsable_output_gives_the_job_id(text: str, job_id: str) -> None:
    assert job_id == parse_sbatch_output(text)


def test_sbatch_output_without_a_job_id_is_a_submission_error() -> None:
    with pytest.raises(SubmissionError):
        parse_sbatch_output("Submitted batch job\n")


# --- submission ----------------------------------------------------------------------------


def test_submit_writes_the_batch_script_into_the_staging_slurm_folder(tmp_path: Path) -> None:
    scheduler = FakeScheduler()
    handle = executor(scheduler, FakeClock()).submit(request(tmp_path))

    assert scheduler.scripts == [(tmp_path / "run1" / "slurm" / "run1.sbatch").read_text()]
    assert "100" == handle.job_id


def test_submit_removes_a_stale_exit_code_file(tmp_path: Path) -> None:
    run = request(tmp_path)
    (run.staging_dir / EXIT_CODE_FILE).write_text("0\n")

    executor(FakeScheduler(), FakeClock()).submit(run)

    assert not (run.staging_dir / EXIT_CODE_FILE).exists()


def test_submit_names_the_job_after_the_run(tmp_path: Path) -> None:
    handle = executor(FakeScheduler(), FakeClock()).submit(request(tmp_path, "storm-7"))

    assert "rompy-storm-7" == handle.job_name


def test_the_spec_command_wins_over_the_model_default(tmp_path: Path) -> None:
    scheduler = FakeScheduler()

    executor(scheduler, FakeClock()).submit(request(tmp_path, command=("mine", "--fast")))

    assert "mine --fast" in scheduler.scripts[-1].splitlines()


def test_a_run_without_any_command_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        executor(FakeScheduler(), FakeClock()).submit(request(tmp_path, default_command=None))

    assert "backend.command" == caught.value.path


def test_a_missing_staging_dir_is_a_staging_error(tmp_path: Path) -> None:
    run = attrs.evolve(request(tmp_path), staging_dir=tmp_path / "nowhere")

    with pytest.raises(StagingError):
        executor(FakeScheduler(), FakeClock()).submit(run)


@pytest.mark.parametrize(
    ("field", "path"), [("queue", "backend.queue"), ("partition", "backend.partition")]
)
def test_an_invalid_partition_is_a_config_error_naming_the_field(
    tmp_path: Path, field: str, path: str
) -> None:
    scheduler = FakeScheduler()
    scheduler.submit_error = (
        "sbatch: error: invalid partition specified: nope\n"
        "sbatch: error: Batch job submission failed: Invalid partition name specified"
    )

    with pytest.raises(ConfigError) as caught:
        executor(scheduler, FakeClock()).submit(request(tmp_path, **{field: "nope"}))

    assert (path, "nope") == (caught.value.path, caught.value.value)


def test_another_sbatch_refusal_is_an_unavailable_executor_with_its_message(
    tmp_path: Path,
) -> None:
    scheduler = FakeScheduler()
    scheduler.submit_error = (
        "sbatch: error: Batch job submission failed: Unable to contact slurm controller"
    )

    with pytest.raises(ExecutorUnavailableError, match="Unable to contact slurm controller"):
        executor(scheduler, FakeClock()).submit(request(tmp_path))


# --- polling -------------------------------------------------------------------------------


def test_many_jobs_are_polled_with_one_query_per_interval(tmp_path: Path) -> None:
    plan = [RUNNING, RUNNING, COMPLETED]
    scheduler, clock = FakeScheduler(*[plan] * 5), FakeClock()
    slurm = executor(scheduler, clock)
    handles = [slurm.submit(request(tmp_path, f"run{i}")) for i in range(5)]

    slurm.wait(handles)

    assert [["100", "101", "102", "103", "104"]] * 3 == scheduler.queries


def test_only_outstanding_jobs_are_polled(tmp_path: Path) -> None:
    scheduler, clock = FakeScheduler([COMPLETED], [RUNNING, RUNNING, COMPLETED]), FakeClock()
    slurm = executor(scheduler, clock)
    handles = [slurm.submit(request(tmp_path, f"run{i}")) for i in range(2)]

    slurm.wait(handles)

    assert [["100", "101"], ["101"], ["101"]] == scheduler.queries


def test_polls_are_spaced_by_the_poll_interval(tmp_path: Path) -> None:
    _, _, clock = run_one(tmp_path, [RUNNING, RUNNING, COMPLETED], poll_interval=0.5)

    assert [0.5, 0.5] == clock.sleeps


def test_scheduler_errors_back_off_doubling_up_to_thirty_seconds(tmp_path: Path) -> None:
    scheduler, clock = FakeScheduler([COMPLETED]), FakeClock()
    scheduler.failures_to_come = 5

    executor(scheduler, clock).execute(request(tmp_path))

    assert [4.0, 8.0, 16.0, 30.0, 30.0] == clock.sleeps


def test_a_successful_query_resets_the_back_off(tmp_path: Path) -> None:
    scheduler, clock = FakeScheduler([RUNNING, COMPLETED]), FakeClock()
    slurm = executor(scheduler, clock)
    handle = slurm.submit(request(tmp_path))
    scheduler.failures_to_come = 1
    original_query = scheduler.query
    calls = 0

    def fail_on_third(job_ids: Sequence[str]) -> dict[str, JobStatus]:
        nonlocal calls
        calls += 1
        if calls == 3:
            scheduler.failures_to_come = 1
        return original_query(job_ids)

    scheduler.query = fail_on_third  # type: ignore[method-assign]
    slurm.wait([handle])

    assert [4.0, 2.0, 4.0] == clock.sleeps


def test_a_long_scheduler_outage_makes_the_executor_unavailable(tmp_path: Path) -> None:
    scheduler, clock = FakeScheduler([COMPLETED]), FakeClock()
    scheduler.failures_to_come = 1000

    with pytest.raises(ExecutorUnavailableError, match="Socket timed out"):
        executor(scheduler, clock, outage_limit=100.0).execute(request(tmp_path))


# --- final states --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "status"),
    [
        ("COMPLETED", SUCCEEDED),
        ("FAILED", FAILED),
        ("OUT_OF_MEMORY", FAILED),
        ("NODE_FAIL", FAILED),
        ("BOOT_FAIL", FAILED),
        ("TIMEOUT", TIMED_OUT),
        ("DEADLINE", TIMED_OUT),
        ("CANCELLED", CANCELLED),
    ],
)
def test_slurm_final_states_map_to_outcome_statuses(
    tmp_path: Path, state: str, status: str
) -> None:
    outcome, _, _ = run_one(tmp_path, [RUNNING, (state, 0)])

    assert (status, state, "100") == (
        outcome.status,
        outcome.details["slurm_state"],
        outcome.details["job_id"],
    )


@pytest.mark.parametrize("state", ["PENDING", "RUNNING", "COMPLETING", "SUSPENDED", "CONFIGURING"])
def test_active_states_keep_the_executor_waiting(tmp_path: Path, state: str) -> None:
    outcome, scheduler, _ = run_one(tmp_path, [(state, 0), (state, 0), COMPLETED])

    assert (SUCCEEDED, 3) == (outcome.status, len(scheduler.queries))


def test_a_failed_job_reports_its_exit_code_and_error_tail(tmp_path: Path) -> None:
    run = request(tmp_path)
    (run.staging_dir / "logs").mkdir()
    (run.staging_dir / "logs" / "run1.stderr.log").write_text("step 1\nERROR: no INPUT\n")
    outcome = executor(FakeScheduler([("FAILED", 3 << 8)]), FakeClock()).execute(run)

    assert 3 == outcome.exit_code
    assert "exit code 3" in outcome.message
    assert "ERROR: no INPUT" in outcome.message


def test_a_signalled_job_reports_128_plus_the_signal(tmp_path: Path) -> None:
    outcome, _, _ = run_one(tmp_path, [("FAILED", 9)])

    assert (137, "0:9") == (outcome.exit_code, outcome.details["slurm_exit_code"])


def test_outcomes_name_the_output_files_in_the_staging_logs(tmp_path: Path) -> None:
    outcome, _, _ = run_one(tmp_path, [COMPLETED])

    assert (
        tmp_path / "run1" / "logs" / "run1.stdout.log",
        tmp_path / "run1" / "logs" / "run1.stderr.log",
    ) == (outcome.stdout_path, outcome.stderr_path)


def test_output_file_patterns_are_resolved_with_the_job_id(tmp_path: Path) -> None:
    outcome, _, _ = run_one(tmp_path, [COMPLETED], output_file="slurm-%j.out")

    assert tmp_path / "run1" / "slurm-100.out" == outcome.stdout_path


def test_the_slurm_time_limit_is_named_when_slurm_stops_the_job(tmp_path: Path) -> None:
    outcome, _, _ = run_one(tmp_path, [("TIMEOUT", 15)], time_limit="5")

    assert "time limit 5" in outcome.message


# --- jobs SLURM has forgotten --------------------------------------------------------------


def forgotten(tmp_path: Path, exit_file: str | None, *, ran: float = 0.0) -> RunOutcome:
    scheduler, clock = FakeScheduler([RUNNING, (GONE, 0)]), FakeClock()
    slurm = executor(scheduler, clock)
    run = request(tmp_path, time_limit="1", poll_interval=ran or 2.0)
    handle = slurm.submit(run)
    if exit_file is not None:
        (run.staging_dir / EXIT_CODE_FILE).write_text(exit_file)
    return slurm.wait([handle])[0]


@pytest.mark.parametrize(("text", "status", "code"), [("0\n", SUCCEEDED, 0), ("4\n", FAILED, 4)])
def test_a_forgotten_job_is_judged_by_its_exit_code_file(
    tmp_path: Path, text: str, status: str, code: int
) -> None:
    outcome = forgotten(tmp_path, text)

    assert (status, code, EXIT_CODE_FILE) == (
        outcome.status,
        outcome.exit_code,
        outcome.details["resolved_from"],
    )


def test_a_forgotten_job_stopped_after_its_time_limit_timed_out(tmp_path: Path) -> None:
    assert TIMED_OUT == forgotten(tmp_path, "signal:TERM\n", ran=61.0).status


def test_a_forgotten_job_stopped_before_its_time_limit_was_cancelled(tmp_path: Path) -> None:
    assert CANCELLED == forgotten(tmp_path, "signal:TERM\n", ran=5.0).status


def test_a_forgotten_job_without_exit_code_file_failed_with_a_reason(tmp_path: Path) -> None:
    outcome = forgotten(tmp_path, None)

    assert (FAILED, None) == (outcome.status, outcome.exit_code)
    assert EXIT_CODE_FILE in outcome.message


# --- stopping jobs -------------------------------------------------------------------------


def test_the_client_timeout_cancels_the_job_and_reports_timed_out(tmp_path: Path) -> None:
    outcome, scheduler, _ = run_one(tmp_path, [RUNNING], timeout=5)

    assert [["100"]] == scheduler.cancels
    assert (TIMED_OUT, "CANCELLED") == (outcome.status, outcome.details["slurm_state"])
    assert "client timeout of 5 s" in outcome.message


def test_the_client_timeout_waits_no_longer_than_its_limit(tmp_path: Path) -> None:
    _, _, clock = run_one(tmp_path, [RUNNING], timeout=5, poll_interval=2.0)

    assert [2.0, 2.0, 1.0] == clock.sleeps[:3]


def test_a_job_completing_as_the_timeout_expires_keeps_its_success(tmp_path: Path) -> None:
    scheduler, clock = FakeScheduler([RUNNING, RUNNING, COMPLETED]), FakeClock()
    scheduler.cancel = lambda job_ids: scheduler.cancels.append(list(job_ids))  # type: ignore[method-assign]

    outcome = executor(scheduler, clock).execute(request(tmp_path, timeout=2))

    assert SUCCEEDED == outcome.status


def test_a_job_still_queued_after_the_cancel_grace_is_reported_anyway(tmp_path: Path) -> None:
    scheduler, clock = FakeScheduler([RUNNING]), FakeClock()
    scheduler.cancel = lambda job_ids: None  # type: ignore[method-assign]

    outcome = executor(scheduler, clock, cancel_grace=10.0).execute(request(tmp_path, timeout=1))

    assert TIMED_OUT == outcome.status
    assert "still in the queue" in outcome.message


def test_ctrl_c_while_waiting_cancels_the_job(tmp_path: Path) -> None:
    scheduler, clock = FakeScheduler([RUNNING]), FakeClock()

    def interrupt(seconds: float) -> None:
        clock.sleep(seconds)
        if len(clock.sleeps) == 1:
            raise KeyboardInterrupt

    slurm = SlurmExecutor(scheduler, clock=clock, sleep=interrupt)
    outcome = slurm.execute(request(tmp_path))

    assert ([["100"]], CANCELLED) == (scheduler.cancels, outcome.status)


def test_cancel_stops_a_job_and_its_outcome_is_cancelled(tmp_path: Path) -> None:
    scheduler, clock = FakeScheduler([RUNNING]), FakeClock()
    slurm = executor(scheduler, clock)
    handle = slurm.submit(request(tmp_path))

    slurm.cancel([handle])
    outcome = slurm.wait([handle])[0]

    assert ([["100"]], CANCELLED) == (scheduler.cancels, outcome.status)


# --- many runs -----------------------------------------------------------------------------


def test_runs_sharing_a_spec_become_one_job_array(tmp_path: Path) -> None:
    scheduler, clock = FakeScheduler([RUNNING, COMPLETED]), FakeClock()
    runs = [request(tmp_path, f"m{i}") for i in range(3)]

    outcomes = executor(scheduler, clock).execute_many(runs, max_parallel=2)

    assert 1 == len(scheduler.scripts)
    assert "#SBATCH --array=0-2%2" in scheduler.scripts[0].splitlines()
    assert [("m0", "100_0"), ("m1", "100_1"), ("m2", "100_2")] == [
        (outcome.run_id, outcome.details["job_id"]) for outcome in outcomes
    ]


def test_a_job_array_is_polled_by_its_array_id(tmp_path: Path) -> None:
    scheduler, clock = FakeScheduler([RUNNING, COMPLETED]), FakeClock()
    runs = [request(tmp_path, f"m{i}") for i in range(10)]

    executor(scheduler, clock).execute_many(runs)

    assert [["100"], ["100"]] == scheduler.queries


def test_runs_with_different_specs_become_separate_jobs(tmp_path: Path) -> None:
    scheduler, clock = FakeScheduler(), FakeClock()
    runs = [request(tmp_path, "a", nodes=1), request(tmp_path, "b", nodes=2)]

    outcomes = executor(scheduler, clock).execute_many(runs)

    assert ["100", "101"] == [outcome.details["job_id"] for outcome in outcomes]


def test_no_runs_give_no_outcomes(tmp_path: Path) -> None:
    scheduler = FakeScheduler()

    assert [] == executor(scheduler, FakeClock()).execute_many([])
    assert [] == scheduler.scripts


def test_waiting_for_no_jobs_asks_slurm_nothing() -> None:
    scheduler = FakeScheduler()

    assert [] == executor(scheduler, FakeClock()).wait([])
    assert [] == scheduler.queries


def test_a_job_array_refuses_runs_with_different_specs(tmp_path: Path) -> None:
    runs = [request(tmp_path, "a", nodes=1), request(tmp_path, "b", nodes=2)]

    with pytest.raises(ValueError, match="sharing one spec"):
        executor(FakeScheduler(), FakeClock()).submit_array(runs)


def test_array_task_outputs_are_in_each_run_staging_logs(tmp_path: Path) -> None:
    runs = [request(tmp_path, f"m{i}") for i in range(2)]

    outcomes = executor(FakeScheduler([COMPLETED]), FakeClock()).execute_many(runs)

    assert [tmp_path / f"m{i}" / "logs" / f"m{i}.stdout.log" for i in range(2)] == [
        outcome.stdout_path for outcome in outcomes
    ]
