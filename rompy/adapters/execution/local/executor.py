"""The ``local`` executor: run the model as a process on this machine.

The command runs in its own session (so in its own process group) with the staging dir as its
working dir by default. Its stdout and stderr are read by the calling thread alone, with one
``poll()`` on both pipes (and, for longer runs, on a pidfd of the process); the output is saved
under ``<staging>/logs/`` and streamed to the log line by line. With ``capture_output`` and
``stream_output`` both off the process writes straight to this process's stdout and stderr,
as ``subprocess.run`` without capture does (no pipes, no files). On timeout the whole process
group gets SIGTERM, then SIGKILL after a grace period, so a model's own children and
grandchildren stop too. :mod:`rompy.adapters.execution.local.launch` resolves what to start.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs

from rompy.adapters.execution.local.launch import (
    NOT_EXECUTABLE_EXIT_CODE,
    NOT_FOUND_EXIT_CODE,
    LaunchPlan,
    not_found_message,
    plan_launch,
    shell_missing_command,
    staging_dir_error,
    working_dir_error,
)
from rompy.adapters.execution.local.process import (
    ExitWait,
    PipeReader,
    devnull_descriptor,
    flush_standard_streams,
    group_alive,
    read_until_closed,
    signal_group,
    wait_group_gone,
)
from rompy.adapters.execution.output import OutputRecorder
from rompy.adapters.execution.report import exit_cause, failure_message, log_process_finished
from rompy.domain.execution.spec import LocalExecution
from rompy.log import get_logger
from rompy.ports.execution import FAILED, SUCCEEDED, TIMED_OUT, ExecutionRequest, RunOutcome

log = get_logger(__name__)

EXECUTOR_TYPE = "local"
"""The ``type`` tag reported in outcomes."""


@attrs.frozen(kw_only=True)
class _Ending:
    status: str
    exit_code: int | None
    message: str = ""
    pid: int | None = None


def _require_staging_dir(staging_dir: Path) -> None:
    if not staging_dir.is_dir():
        raise staging_dir_error(staging_dir, exists=staging_dir.exists())


def _utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class LocalExecutor:
    """Runs :class:`~rompy.domain.execution.spec.LocalExecution` specs as local processes.

    Args:
        grace_period: Seconds between SIGTERM and SIGKILL when the process group is stopped.
        drain_timeout: Seconds to wait, once the command ended, for its output pipes to
            close; processes it left behind holding them open are then stopped.
        poll_interval: Seconds between checks that a stopped process group is gone.

    Example:
        >>> executor = LocalExecutor(grace_period=2.0)
        >>> outcome = executor.execute(request)  # doctest: +SKIP
    """

    def __init__(
        self,
        *,
        grace_period: float = 5.0,
        drain_timeout: float = 5.0,
        poll_interval: float = 0.05,
    ) -> None:
        """Configure how processes are stopped."""
        self.grace_period = grace_period
        self.drain_timeout = drain_timeout
        self.poll_interval = poll_interval

    def execute(self, request: ExecutionRequest) -> RunOutcome:
        """Run the request's command to completion and describe what happened.

        Raises:
            ConfigError: No command, an unsplittable command or a missing working dir.
            StagingError: The staging dir does not exist or is not a folder, or an output log
                cannot be written.
            KeyboardInterrupt: Re-raised after the process group has been stopped.
        """
        plan = plan_launch(request)
        spec = request.spec
        assert isinstance(spec, LocalExecution)  # checked by plan_launch
        if not plan.cwd_is_staging_dir:  # else opening the logs (or the model's chdir) checks it
            _require_staging_dir(request.staging_dir)
        info = log.info
        recorder = OutputRecorder(
            staging_dir=request.staging_dir,
            name=request.run_id,
            capture=spec.capture_output,
            stream=spec.stream_output,
            info=info,
        )
        started_at, clock = _utc_now(), time.monotonic()
        ending = self._run(plan, recorder, spec.timeout, info)
        outcome = RunOutcome(
            run_id=request.run_id,
            executor=EXECUTOR_TYPE,
            status=ending.status,
            exit_code=ending.exit_code,
            started_at=started_at,
            duration=time.monotonic() - clock,
            stdout_path=recorder.stdout_path,
            stderr_path=recorder.stderr_path,
            message=ending.message,
            details=_details(plan, ending, recorder),
        )
        log_process_finished(log, outcome, EXECUTOR_TYPE, info=info)
        return outcome

    def _run(
        self,
        plan: LaunchPlan,
        recorder: OutputRecorder,
        timeout: float | None,
        info: Callable[..., Any],
    ) -> _Ending:
        """Start the process, record its output until it ended, and judge how it ended.

        The output files are opened first: a log that cannot be written stops the run before
        anything starts. Opening creates ``logs/`` but never the staging dir, so a missing
        staging dir is reported without a ``stat`` beforehand (or, without captured output,
        by the process's own ``chdir``).
        """
        with recorder:
            started = _spawn(plan)
            if isinstance(started, _Ending):
                return started
            process, pipes = started
            reader = PipeReader(recorder, pipes)
            try:
                info(
                    "process_started",
                    executor=EXECUTOR_TYPE,
                    run_id=recorder.name,
                    pid=process.pid,
                    command=plan.display,
                    working_dir=str(plan.cwd),
                )
                timed_out = self._supervise(process, reader, timeout)
                self._drain(process, reader, plan)
            except BaseException as error:
                if isinstance(error, KeyboardInterrupt):
                    log.warning("run_interrupted", pid=process.pid)
                self._stop_group(process, reader)
                raise
            finally:
                reader.close()
        return _judge(process, timed_out, timeout, plan, recorder)

    def _supervise(
        self, process: subprocess.Popen[bytes], reader: PipeReader, timeout: float | None
    ) -> bool:
        """Record the output until the process ends; stop its group on timeout.

        Returns:
            True when the timeout expired.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        if ExitWait(process, reader, self.poll_interval).until(deadline):
            return False
        log.warning("run_timeout_expired", pid=process.pid, timeout=timeout)
        self._stop_group(process, reader)
        return True

    def _stop_group(self, process: subprocess.Popen[bytes], reader: PipeReader) -> None:
        """SIGTERM the process group, wait up to the grace period, then SIGKILL it.

        The pipes are still read meanwhile, so a process writing as it stops is not blocked.
        """
        pgid = process.pid
        signal_group(pgid, signal.SIGTERM)
        try:
            deadline = time.monotonic() + self.grace_period
            while (left := deadline - time.monotonic()) > 0:
                reader.wait(min(left, self.poll_interval))
                process.poll()
                if not group_alive(pgid):
                    break
        finally:
            signal_group(pgid, signal.SIGKILL)
            process.wait()

    def _drain(
        self, process: subprocess.Popen[bytes], reader: PipeReader, plan: LaunchPlan
    ) -> None:
        """Read the pipes until they close; stop leftover processes that keep them open.

        Without pipes (inherited output) the leftovers of the process group get the same
        time to end, then are stopped the same way.
        """
        if plan.inherits_output:
            if wait_group_gone(process.pid, self.drain_timeout, self.poll_interval):
                return
            reason = "they kept running after the command ended"
        elif read_until_closed(reader, self.drain_timeout):
            return
        else:
            reason = "they kept the output open after the command ended"
        log.warning("leftover_processes_stopped", pid=process.pid, reason=reason)
        self._stop_group(process, reader)
        read_until_closed(reader, self.drain_timeout)


def _spawn(plan: LaunchPlan) -> tuple[subprocess.Popen[bytes], dict[str, int]] | _Ending:
    """Start the process in its own session, or say why it could not start.

    Returns:
        The process and the read ends of its stdout and stderr pipes (plain descriptors:
        cheaper than the file objects ``subprocess.PIPE`` would wrap them in; none when the
        process inherits this process's output).

    Raises:
        StagingError: The staging dir (the default working dir) cannot be entered.
        ConfigError: The configured working dir cannot be entered.
    """
    pipes, write_ends = _output_pipes(plan)
    try:
        process = subprocess.Popen(
            plan.argv,
            cwd=plan.cwd,
            env=plan.popen_env,
            stdin=devnull_descriptor(),
            stdout=write_ends.get("stdout"),
            stderr=write_ends.get("stderr"),
            start_new_session=True,
        )
    except BaseException as error:
        for descriptor in pipes.values():
            os.close(descriptor)
        if isinstance(error, OSError):
            return _start_failure(plan, error)
        raise
    finally:
        for write_end in write_ends.values():
            os.close(write_end)
    return process, pipes


def _output_pipes(plan: LaunchPlan) -> tuple[dict[str, int], dict[str, int]]:
    """The read and write ends of the stdout and stderr pipes, by stream name.

    To inherit the output there are none; what this process has buffered on its own stdout
    and stderr is written out first, so it comes before the model's output.
    """
    if plan.inherits_output:
        flush_standard_streams()
        return {}, {}
    stdout, stdout_end = os.pipe()
    try:
        stderr, stderr_end = os.pipe()
    except BaseException:
        os.close(stdout)
        os.close(stdout_end)
        raise
    return {"stdout": stdout, "stderr": stderr}, {"stdout": stdout_end, "stderr": stderr_end}


def _start_failure(plan: LaunchPlan, error: OSError) -> _Ending:
    """Say why the process could not start, or raise for a working dir it could not enter."""
    if error.filename == plan.cwd:
        raise working_dir_error(plan, error) from error
    if isinstance(error, FileNotFoundError):
        message = not_found_message(plan.argv[0], plan.env)
        return _Ending(status=FAILED, exit_code=NOT_FOUND_EXIT_CODE, message=message)
    if isinstance(error, PermissionError):
        message = (
            f"command is not executable: {plan.argv[0]}; check its permissions or fix "
            "backend.command"
        )
        return _Ending(status=FAILED, exit_code=NOT_EXECUTABLE_EXIT_CODE, message=message)
    raise error


def _judge(
    process: subprocess.Popen[bytes],
    timed_out: bool,
    timeout: float | None,
    plan: LaunchPlan,
    recorder: OutputRecorder,
) -> _Ending:
    returncode = process.returncode
    if timed_out:
        message = f"timed out after {timeout:g} seconds; the process group was stopped"
        return _Ending(status=TIMED_OUT, exit_code=returncode, message=message, pid=process.pid)
    if returncode == 0:
        return _Ending(status=SUCCEEDED, exit_code=0, pid=process.pid)
    if plan.inherits_output:
        message = f"{exit_cause(returncode)}; its output went to rompy's own stdout and stderr"
        return _Ending(status=FAILED, exit_code=returncode, message=message, pid=process.pid)
    stderr_lines = recorder.last_lines("stderr")
    missing = shell_missing_command(stderr_lines) if plan.shell else None
    if returncode == NOT_FOUND_EXIT_CODE and missing:
        message = not_found_message(missing, plan.env)
    else:
        message = failure_message(returncode, stderr_lines)
    return _Ending(status=FAILED, exit_code=returncode, message=message, pid=process.pid)


def _details(plan: LaunchPlan, ending: _Ending, recorder: OutputRecorder) -> dict[str, Any]:
    details: dict[str, Any] = {"command": plan.display, "working_dir": str(plan.cwd)}
    if ending.pid is not None:
        details["pid"] = ending.pid
    if not plan.inherits_output:
        details.update(recorder.summary())
    return details
