"""Tests of the local executor against real processes in a temporary staging dir."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, MutableMapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from rompy.adapters.execution.local.executor import LocalExecutor
from rompy.adapters.execution.local.process import group_running
from rompy.domain.errors import ConfigError, StagingError
from rompy.domain.execution.spec import LocalExecution
from rompy.domain.model_config import Command
from rompy.log import capture_events
from rompy.ports.execution import FAILED, SUCCEEDED, TIMED_OUT, ExecutionRequest, RunOutcome

RUN_ID = "run1"
MISSING_COMMAND = "rompy-test-no-such-command-7f3a"
PYTHON = sys.executable


def make_request(
    tmp_path: Path,
    command: str | list[str] | tuple[str, ...] | None = None,
    *,
    default_command: Command | None = None,
    **spec_fields: Any,
) -> ExecutionRequest:
    staging_dir = tmp_path / "staging"
    staging_dir.mkdir(exist_ok=True)
    return ExecutionRequest(
        run_id=RUN_ID,
        staging_dir=staging_dir,
        spec=LocalExecution(command=command, **spec_fields),
        default_command=default_command,
    )


def run(request: ExecutionRequest, **executor_options: float) -> RunOutcome:
    options = {"grace_period": 2.0, "drain_timeout": 2.0, **executor_options}
    return LocalExecutor(**options).execute(request)


def stdout_of(outcome: RunOutcome) -> str:
    assert outcome.stdout_path is not None
    return outcome.stdout_path.read_text()


def wait_until(condition: Callable[[], bool], seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def group_is_gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


def process_is_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def output_events(logs: list[MutableMapping[str, Any]]) -> list[tuple[str, str]]:
    return [(e["stream"], e["line"]) for e in logs if e["event"] == "model_output"]


def open_descriptors() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


# --- success, output saving and streaming ---------------------------------------------------


def test_a_command_exiting_with_zero_succeeds(tmp_path: Path) -> None:
    outcome = run(make_request(tmp_path, "true"))

    assert (SUCCEEDED, 0, "") == (outcome.status, outcome.exit_code, outcome.message)


def test_the_outcome_names_the_run_and_the_local_executor(tmp_path: Path) -> None:
    outcome = run(make_request(tmp_path, "true"))

    assert (RUN_ID, "local") == (outcome.run_id, outcome.executor)


def test_stdout_is_saved_in_the_logs_folder_of_the_staging_dir(tmp_path: Path) -> None:
    outcome = run(make_request(tmp_path, "echo hello; echo world"))

    assert tmp_path / "staging" / "logs" / f"{RUN_ID}.stdout.log" == outcome.stdout_path
    assert "hello\nworld\n" == stdout_of(outcome)


def test_stderr_is_saved_apart_from_stdout(tmp_path: Path) -> None:
    outcome = run(make_request(tmp_path, "echo out; echo err >&2"))

    assert outcome.stderr_path is not None
    assert tmp_path / "staging" / "logs" / f"{RUN_ID}.stderr.log" == outcome.stderr_path
    assert ("out\n", "err\n") == (stdout_of(outcome), outcome.stderr_path.read_text())


def test_each_output_line_is_streamed_to_the_log(tmp_path: Path) -> None:
    with capture_events() as logs:
        run(make_request(tmp_path, "echo one; echo two >&2"))

    assert [("stderr", "two"), ("stdout", "one")] == sorted(output_events(logs))


def test_output_is_not_streamed_when_stream_output_is_off(tmp_path: Path) -> None:
    with capture_events() as logs:
        outcome = run(make_request(tmp_path, "echo quiet", stream_output=False))

    assert ([], "quiet\n") == (output_events(logs), stdout_of(outcome))


def test_output_is_not_saved_when_capture_output_is_off(tmp_path: Path) -> None:
    outcome = run(make_request(tmp_path, "echo unsaved", capture_output=False))

    assert (None, None) == (outcome.stdout_path, outcome.stderr_path)
    assert not (tmp_path / "staging" / "logs").exists()


QUIET = {"capture_output": False, "stream_output": False}


def test_with_capture_and_stream_off_the_output_goes_to_our_own_descriptors(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    with capture_events() as logs:
        outcome = run(make_request(tmp_path, "echo straight-out; echo straight-err >&2", **QUIET))

    written = capfd.readouterr()
    assert ("straight-out\n", "straight-err\n", []) == (
        written.out,
        written.err,
        output_events(logs),
    )
    assert (None, None, False) == (
        outcome.stdout_path,
        outcome.stderr_path,
        (tmp_path / "staging" / "logs").exists(),
    )


def test_an_inherited_output_run_reports_no_line_counts(tmp_path: Path) -> None:
    outcome = run(make_request(tmp_path, "true", **QUIET))

    assert (SUCCEEDED, set()) == (
        outcome.status,
        {"stdout_lines", "stderr_lines"} & set(outcome.details),
    )


def test_an_inherited_output_failure_says_where_its_output_went(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    outcome = run(make_request(tmp_path, "echo broken >&2; exit 3", **QUIET))

    assert (FAILED, 3, "broken\n") == (outcome.status, outcome.exit_code, capfd.readouterr().err)
    assert "exit code 3; its output went to rompy's own stdout and stderr" == outcome.message


def test_an_inherited_output_run_times_out_and_leaves_nothing(tmp_path: Path) -> None:
    run(make_request(tmp_path, "true", **QUIET))
    before = open_descriptors()
    outcome = run(make_request(tmp_path, "sleep 100 & wait", timeout=0.3, **QUIET))

    assert (TIMED_OUT, before) == (outcome.status, open_descriptors())
    assert wait_until(lambda: group_is_gone(outcome.details["pid"]))


def test_a_rerun_empties_the_logs_of_the_run_before(tmp_path: Path) -> None:
    def logs_after(command: str) -> tuple[str, str]:
        outcome = run(make_request(tmp_path, command))
        return stdout_of(outcome), (outcome.stderr_path or Path()).read_text()

    assert ("long-old-output\n", "old-error\n") == logs_after(
        "echo long-old-output; echo old-error >&2"
    )
    assert ("new\n", "") == logs_after("echo new")
    assert ("", "") == logs_after("true")


def test_with_inherited_output_leftover_processes_are_stopped(tmp_path: Path) -> None:
    with capture_events() as logs:
        outcome = run(make_request(tmp_path, "sleep 30 & echo started", **QUIET), drain_timeout=0.3)

    stopped = [e for e in logs if e["event"] == "leftover_processes_stopped"]
    assert (SUCCEEDED, 1) == (outcome.status, len(stopped))
    assert wait_until(lambda: not group_running(outcome.details["pid"]))


def test_inherited_output_comes_after_what_we_printed_before(tmp_path: Path) -> None:
    script = (
        "import logging, sys\n"
        "from pathlib import Path\n"
        "logging.basicConfig(level=logging.ERROR)\n"
        "from rompy.adapters.execution.local.executor import LocalExecutor\n"
        "from rompy.domain.execution.spec import LocalExecution\n"
        "from rompy.ports.execution import ExecutionRequest\n"
        "print('ours-before')\n"
        "spec = LocalExecution(command='echo model', capture_output=False, stream_output=False)\n"
        "request = ExecutionRequest(run_id='r', staging_dir=Path(sys.argv[1]), spec=spec)\n"
        "LocalExecutor().execute(request)\n"
        "print('ours-after')\n"
    )
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    (tmp_path / "staging").mkdir()
    result = subprocess.run(
        [PYTHON, "-c", script, str(tmp_path / "staging")],
        capture_output=True,  # a pipe: Python buffers its stdout by blocks
        text=True,
        env=environment,
        check=True,
    )

    ours = ["ours-before", "model", "ours-after"]
    assert ours == [line for line in result.stdout.splitlines() if line in ours]


def test_a_log_that_cannot_be_written_stops_the_run_before_it_starts(tmp_path: Path) -> None:
    request = make_request(tmp_path, "touch ran")
    (tmp_path / "staging" / "logs").write_text("a file where the logs folder goes")

    with pytest.raises(StagingError, match="cannot write the output log"):
        run(request)

    assert not (tmp_path / "staging" / "ran").exists()


def test_a_last_line_without_newline_is_recorded(tmp_path: Path) -> None:
    with capture_events() as logs:
        run(make_request(tmp_path, "printf partial"))

    assert [("stdout", "partial")] == output_events(logs)


def test_the_outcome_records_a_naive_utc_start_time(tmp_path: Path) -> None:
    before = datetime.now(UTC).replace(tzinfo=None)
    outcome = run(make_request(tmp_path, "true"))
    after = datetime.now(UTC).replace(tzinfo=None)

    assert outcome.started_at is not None
    assert before <= outcome.started_at <= after


def test_the_outcome_duration_covers_the_run(tmp_path: Path) -> None:
    outcome = run(make_request(tmp_path, "sleep 0.3"))

    assert 0.3 <= outcome.duration < 10


def test_the_outcome_details_name_the_command_and_the_process(tmp_path: Path) -> None:
    outcome = run(make_request(tmp_path, "echo $$"))

    assert "echo $$" == outcome.details["command"]
    assert f"{outcome.details['pid']}\n" == stdout_of(outcome)


# --- command forms ---------------------------------------------------------------------------


def test_a_string_command_runs_through_the_shell(tmp_path: Path) -> None:
    outcome = run(make_request(tmp_path, "echo $((40 + 2))"))

    assert "42\n" == stdout_of(outcome)


def test_an_argv_command_runs_without_a_shell(tmp_path: Path) -> None:
    outcome = run(make_request(tmp_path, ["printf", "%s\\n", "$((40 + 2))", "a b"]))

    assert "$((40 + 2))\na b\n" == stdout_of(outcome)


def test_shell_false_splits_a_string_command_into_arguments(tmp_path: Path) -> None:
    outcome = run(make_request(tmp_path, "printf '%s\\n' 'a b' $HOME", shell=False))

    assert "a b\n$HOME\n" == stdout_of(outcome)


def test_shell_true_runs_an_argv_command_through_the_shell(tmp_path: Path) -> None:
    outcome = run(make_request(tmp_path, ["echo", "$0"], shell=True))

    assert "$0\n" == stdout_of(outcome)
    assert outcome.ok


def test_the_default_command_runs_when_the_spec_has_none(tmp_path: Path) -> None:
    outcome = run(make_request(tmp_path, default_command=("echo", "default")))

    assert "default\n" == stdout_of(outcome)


def test_the_spec_command_wins_over_the_default_command(tmp_path: Path) -> None:
    outcome = run(make_request(tmp_path, "echo spec", default_command=("echo", "default")))

    assert "spec\n" == stdout_of(outcome)


def test_no_command_at_all_is_a_config_error_on_backend_command(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        run(make_request(tmp_path))

    assert "backend.command" == raised.value.path


def test_unbalanced_quotes_without_shell_are_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        run(make_request(tmp_path, "echo 'oops", shell=False))

    assert ("backend.command", "echo 'oops") == (raised.value.path, raised.value.value)


# --- environment and working dir -------------------------------------------------------------


def test_the_environment_merges_os_environ_and_env_vars(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROMPY_TEST_FROM_OS", "from-os")
    request = make_request(
        tmp_path,
        'echo "$ROMPY_TEST_FROM_OS $ROMPY_TEST_FROM_SPEC"',
        env_vars={"ROMPY_TEST_FROM_SPEC": "from-spec"},
    )

    assert "from-os from-spec\n" == stdout_of(run(request))


def test_env_vars_override_the_os_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROMPY_TEST_VALUE", "from-os")
    request = make_request(tmp_path, "echo $ROMPY_TEST_VALUE", env_vars={"ROMPY_TEST_VALUE": "x"})

    assert "x\n" == stdout_of(run(request))


def test_the_working_dir_defaults_to_the_staging_dir(tmp_path: Path) -> None:
    outcome = run(make_request(tmp_path, "pwd -P"))

    assert str((tmp_path / "staging").resolve()) == stdout_of(outcome).strip()


def test_an_explicit_working_dir_is_used(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    outcome = run(make_request(tmp_path, "pwd -P", working_dir=elsewhere))

    assert str(elsewhere.resolve()) == stdout_of(outcome).strip()


def test_output_is_saved_in_the_staging_dir_even_with_another_working_dir(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    outcome = run(make_request(tmp_path, "echo hi", working_dir=elsewhere))

    assert tmp_path / "staging" / "logs" == (outcome.stdout_path or Path()).parent


def test_a_missing_working_dir_is_a_config_error_only_at_run_time(tmp_path: Path) -> None:
    request = make_request(tmp_path, "true", working_dir=tmp_path / "absent")

    with pytest.raises(ConfigError) as raised:
        run(request)

    assert ("backend.working_dir", str(tmp_path / "absent")) == (
        raised.value.path,
        raised.value.value,
    )


def test_a_missing_staging_dir_is_a_staging_error_and_creates_nothing(tmp_path: Path) -> None:
    request = ExecutionRequest(
        run_id=RUN_ID, staging_dir=tmp_path / "absent", spec=LocalExecution(command="true")
    )

    with pytest.raises(StagingError) as raised:
        run(request)

    assert ("absent" in str(raised.value), []) == (True, list(tmp_path.iterdir()))


def test_a_missing_staging_dir_with_another_working_dir_is_a_staging_error(
    tmp_path: Path,
) -> None:
    request = ExecutionRequest(
        run_id=RUN_ID,
        staging_dir=tmp_path / "absent",
        spec=LocalExecution(command="touch ran", working_dir=tmp_path),
    )

    with pytest.raises(StagingError, match="absent"):
        run(request)

    assert [] == [path.name for path in tmp_path.iterdir()]


@pytest.mark.parametrize("fields", [{}, QUIET], ids=["captured", "inherited"])
def test_a_staging_path_that_is_a_file_is_not_blamed_on_a_missing_generate(
    tmp_path: Path, fields: dict[str, bool]
) -> None:
    staging = tmp_path / "staging"
    staging.write_text("not a folder")
    request = ExecutionRequest(
        run_id=RUN_ID, staging_dir=staging, spec=LocalExecution(command="true", **fields)
    )

    with pytest.raises(StagingError) as raised:
        run(request)

    assert ("not a directory", False) == (
        "not a directory" if "not a directory" in str(raised.value) else str(raised.value),
        "generate the run before" in str(raised.value),
    )


def test_a_working_dir_that_is_a_file_is_a_config_error(tmp_path: Path) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")

    with pytest.raises(ConfigError) as raised:
        run(make_request(tmp_path, "true", working_dir=a_file))

    assert ("backend.working_dir", True) == (
        raised.value.path,
        "(not a directory)" in str(raised.value),
    )


@pytest.fixture
def our_stdin_holds_data() -> Iterator[None]:
    """Put a pipe holding a line on this process's stdin, as a terminal or a pipe would."""
    read_end, write_end = os.pipe()
    os.write(write_end, b"from-our-stdin\n")
    os.close(write_end)
    saved = os.dup(0)
    os.dup2(read_end, 0)
    try:
        yield
    finally:
        os.dup2(saved, 0)
        os.close(saved)
        os.close(read_end)


@pytest.mark.usefixtures("our_stdin_holds_data")
def test_the_model_reads_end_of_file_on_stdin(tmp_path: Path) -> None:
    outcome = run(make_request(tmp_path, "cat; echo read-all"))

    assert (SUCCEEDED, "read-all\n") == (outcome.status, stdout_of(outcome))


@pytest.mark.usefixtures("our_stdin_holds_data")
def test_stdin_is_dev_null_even_when_ours_holds_data(tmp_path: Path) -> None:
    outcome = run(make_request(tmp_path, "readlink /proc/self/fd/0; cat"))

    assert os.devnull == stdout_of(outcome).strip()


# --- failures --------------------------------------------------------------------------------


def test_a_nonzero_exit_fails_with_its_exit_code(tmp_path: Path) -> None:
    outcome = run(make_request(tmp_path, "exit 3"))

    assert (FAILED, 3) == (outcome.status, outcome.exit_code)


def test_the_failure_message_gives_the_exit_code_and_last_stderr_lines(tmp_path: Path) -> None:
    outcome = run(make_request(tmp_path, "echo first >&2; echo boom >&2; exit 3"))

    assert outcome.message.startswith("exit code 3")
    assert "first" in outcome.message and "boom" in outcome.message


def test_the_failure_message_leaves_out_early_stderr_lines(tmp_path: Path) -> None:
    outcome = run(make_request(tmp_path, "for i in $(seq 1 50); do echo line$i >&2; done; exit 1"))

    assert "line50" in outcome.message
    assert "line1 " not in f"{outcome.message} "


def test_a_process_killed_by_a_signal_fails_naming_the_signal(tmp_path: Path) -> None:
    outcome = run(make_request(tmp_path, "kill -KILL $$"))

    assert (FAILED, -signal.SIGKILL) == (outcome.status, outcome.exit_code)
    assert "SIGKILL" in outcome.message


def test_an_argv_command_not_found_fails_with_exit_code_127(tmp_path: Path) -> None:
    outcome = run(make_request(tmp_path, [MISSING_COMMAND, "--flag"]))

    assert (FAILED, 127) == (outcome.status, outcome.exit_code)
    assert outcome.message.startswith(f"command not found: {MISSING_COMMAND} (PATH searched:")


def test_a_shell_command_not_found_fails_with_the_same_message(tmp_path: Path) -> None:
    outcome = run(make_request(tmp_path, f"{MISSING_COMMAND} --flag"))

    assert (FAILED, 127) == (outcome.status, outcome.exit_code)
    assert outcome.message.startswith(f"command not found: {MISSING_COMMAND} (PATH searched:")


def test_the_not_found_message_shows_the_path_the_command_ran_with(tmp_path: Path) -> None:
    request = make_request(tmp_path, [MISSING_COMMAND], env_vars={"PATH": "/nowhere/a:/nowhere/b"})

    assert "PATH searched: /nowhere/a:/nowhere/b)" in run(request).message


def test_a_missing_program_given_by_path_is_reported_as_not_found(tmp_path: Path) -> None:
    outcome = run(make_request(tmp_path, ["./absent-program"]))

    assert (127, True) == (
        outcome.exit_code,
        outcome.message.startswith("command not found: ./absent-program"),
    )


def test_a_file_without_execute_permission_fails_with_exit_code_126(tmp_path: Path) -> None:
    script = tmp_path / "script.sh"
    script.write_text("#!/bin/sh\necho hi\n")
    script.chmod(0o644)
    if os.access(script, os.X_OK):
        pytest.skip("running as a user that may execute any file")

    outcome = run(make_request(tmp_path, [str(script)]))

    assert (FAILED, 126) == (outcome.status, outcome.exit_code)


# --- timeout and interruption ----------------------------------------------------------------


def test_a_command_running_past_its_timeout_is_timed_out(tmp_path: Path) -> None:
    outcome = run(make_request(tmp_path, "sleep 100", timeout=0.5))

    assert (TIMED_OUT, True) == (outcome.status, outcome.timed_out)
    assert "0.5 seconds" in outcome.message
    assert outcome.duration < 30


def test_a_timeout_kills_the_whole_process_group(tmp_path: Path) -> None:
    outcome = run(make_request(tmp_path, "sleep 100 & sleep 100", timeout=0.5))

    assert wait_until(lambda: group_is_gone(outcome.details["pid"]))


def test_a_timeout_kills_background_grandchildren(tmp_path: Path) -> None:
    run(make_request(tmp_path, "sleep 100 & echo $! > bg.pid; sleep 100", timeout=0.5))
    grandchild = int((tmp_path / "staging" / "bg.pid").read_text())

    assert wait_until(lambda: process_is_gone(grandchild))


def test_processes_ignoring_sigterm_are_killed_after_the_grace_period(tmp_path: Path) -> None:
    request = make_request(tmp_path, "trap '' TERM; sleep 100 & sleep 100", timeout=0.5)
    outcome = run(request, grace_period=0.5)

    assert TIMED_OUT == outcome.status
    assert wait_until(lambda: group_is_gone(outcome.details["pid"]))


def test_a_timed_out_command_gets_sigterm_before_sigkill(tmp_path: Path) -> None:
    command = "trap 'echo cleaned > cleanup.txt; exit 0' TERM; sleep 100 & wait"
    run(make_request(tmp_path, command, timeout=0.5))

    assert "cleaned\n" == (tmp_path / "staging" / "cleanup.txt").read_text()


def test_keyboard_interrupt_stops_the_process_group_and_is_reraised(tmp_path: Path) -> None:
    request = make_request(tmp_path, "echo $$ > group.pid; sleep 100 & sleep 100")
    interrupt = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    interrupt.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            run(request, grace_period=0.5)
    finally:
        interrupt.cancel()
    pgid = int((tmp_path / "staging" / "group.pid").read_text())

    assert wait_until(lambda: group_is_gone(pgid))


def test_background_processes_holding_the_output_are_stopped_after_the_command(
    tmp_path: Path,
) -> None:
    outcome = run(make_request(tmp_path, "sleep 100 & echo done"), drain_timeout=0.5)

    assert (SUCCEEDED, "done\n") == (outcome.status, stdout_of(outcome))
    assert wait_until(lambda: group_is_gone(outcome.details["pid"]))


def test_a_timeout_shorter_than_the_poll_interval_is_honoured(tmp_path: Path) -> None:
    outcome = run(make_request(tmp_path, "sleep 100", timeout=0.01), poll_interval=0.5)

    assert (TIMED_OUT, True) == (outcome.status, outcome.duration < 30)


def test_a_command_that_closed_its_output_is_still_timed_out(tmp_path: Path) -> None:
    outcome = run(make_request(tmp_path, "exec >/dev/null 2>&1; sleep 100", timeout=0.5))

    assert TIMED_OUT == outcome.status


def test_a_command_that_closed_its_output_is_waited_for(tmp_path: Path) -> None:
    outcome = run(make_request(tmp_path, "exec >/dev/null 2>&1; sleep 0.3; exit 4"))

    assert (FAILED, 4, True) == (outcome.status, outcome.exit_code, outcome.duration >= 0.3)


# --- resources -------------------------------------------------------------------------------


def test_a_run_leaves_no_reader_thread_behind(tmp_path: Path) -> None:
    before = set(threading.enumerate())
    outcome = run(make_request(tmp_path, "echo out; echo err >&2; sleep 100 &", timeout=30))

    assert (SUCCEEDED, "out\n") == (outcome.status, stdout_of(outcome))
    assert before == set(threading.enumerate())


def test_a_run_leaves_no_descriptor_open(tmp_path: Path) -> None:
    run(make_request(tmp_path, "true"))  # opens the shared /dev/null for stdin once
    before = open_descriptors()
    run(make_request(tmp_path, "echo out; echo err >&2; sleep 0.2"))

    assert before == open_descriptors()


def test_a_command_that_cannot_start_leaves_no_descriptor_open(tmp_path: Path) -> None:
    run(make_request(tmp_path, "true"))
    before = open_descriptors()
    run(make_request(tmp_path, [MISSING_COMMAND]))

    assert before == open_descriptors()


def test_running_out_of_descriptors_for_the_second_pipe_leaks_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(make_request(tmp_path, "true"))
    before = open_descriptors()
    real_pipe, made = os.pipe, []

    def pipe_once() -> tuple[int, int]:
        if made:
            raise OSError(errno.EMFILE, "Too many open files")
        made.append(real_pipe())
        return made[-1]

    monkeypatch.setattr(os, "pipe", pipe_once)
    with pytest.raises(OSError, match="Too many open files"):
        run(make_request(tmp_path, "true"))

    assert before == open_descriptors()


def test_a_timed_out_run_leaves_no_descriptor_open(tmp_path: Path) -> None:
    run(make_request(tmp_path, "true"))
    before = open_descriptors()
    run(make_request(tmp_path, "sleep 100", timeout=0.3))

    assert before == open_descriptors()


# --- volume ----------------------------------------------------------------------------------


def test_large_output_on_both_streams_does_not_deadlock(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "for i in range(200_000):\n"
        "    sys.stdout.write(f'out {i}\\n')\n"
        "    sys.stderr.write(f'err {i}\\n')\n"
    )
    request = make_request(tmp_path, [PYTHON, "-c", script], timeout=120, stream_output=False)
    outcome = run(request)

    assert outcome.stderr_path is not None
    assert SUCCEEDED == outcome.status
    assert (200_000, 200_000) == (
        len(stdout_of(outcome).splitlines()),
        len(outcome.stderr_path.read_text().splitlines()),
    )


def test_large_streamed_output_reaches_the_log_line_by_line(tmp_path: Path) -> None:
    script = "for i in range(200_000): print(i)"
    with capture_events() as logs:
        outcome = run(make_request(tmp_path, [PYTHON, "-c", script], timeout=120))

    assert SUCCEEDED == outcome.status
    assert [str(i) for i in range(200_000)] == [line for _, line in output_events(logs)]


def test_interleaved_stdout_and_stderr_are_each_captured_in_order(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "for i in range(1000):\n"
        "    print(f'out {i}', flush=True)\n"
        "    print(f'err {i}', file=sys.stderr, flush=True)\n"
    )
    outcome = run(make_request(tmp_path, [PYTHON, "-c", script]))

    assert outcome.stderr_path is not None
    assert [f"out {i}" for i in range(1000)] == stdout_of(outcome).splitlines()
    assert [f"err {i}" for i in range(1000)] == outcome.stderr_path.read_text().splitlines()
