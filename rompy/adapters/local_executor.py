"""The ``local`` executor: run the model as a process on this machine.

The command runs in its own session (so in its own process group) with the staging dir as its
working dir by default. It writes its stdout and stderr straight into
``<staging>/logs/<run_id>.stdout.log`` / ``.stderr.log``, which are followed while it runs
and streamed to the log line by line (see :mod:`rompy.adapters.local_process`). On timeout
the whole process group gets SIGTERM, then SIGKILL after a grace period, so a model's own
children and grandchildren stop too; processes a command leaves running once it ended get
``leftover_timeout`` seconds, then are stopped the same way.

Only what starting the process needs happens before it starts (the launch plan and the
output files); everything else that describes the run (the log event, the output paths and
details of the outcome, the output follower) is prepared while the process starts up, so the
executor adds as little as possible to a short command's wall time.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs

from rompy.adapters.local_launch import (
    NOT_EXECUTABLE_EXIT_CODE,
    NOT_FOUND_EXIT_CODE,
    LaunchPlan,
    missing_dir_error,
    not_executable_message,
    not_found_message,
    plan_launch,
    shell_missing_command,
)
from rompy.adapters.local_process import (
    FOLLOW_INTERVAL,
    ExitWatch,
    OutputFiles,
    OutputFollower,
    group_alive,
    signal_group,
    wait_for_group,
)
from rompy.adapters.process_output import (
    OutputRecorder,
    failure_message,
    log_process_finished,
    output_file_names,
)
from rompy.domain.execution import LocalExecution
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


@attrs.define(kw_only=True)
class _Report:
    """What the outcome says about a run besides how it ended, prepared while it runs."""

    lines: OutputRecorder
    started_at: datetime
    paths: tuple[Path | None, Path | None]
    details: dict[str, Any]


class LocalExecutor:
    """Runs :class:`~rompy.domain.execution.LocalExecution` specs as local processes.

    Args:
        grace_period: Seconds between SIGTERM and SIGKILL when the process group is stopped.
        leftover_timeout: Seconds the processes a command left running in its group get to
            end once the command ended; they are then stopped.
        poll_interval: Seconds between checks that a process group is gone (and between
            checks of the process where there are no pidfds).

    Example:
        >>> executor = LocalExecutor(grace_period=2.0)
        >>> outcome = executor.execute(request)  # doctest: +SKIP
    """

    def __init__(
        self,
        *,
        grace_period: float = 5.0,
        leftover_timeout: float = 5.0,
        poll_interval: float = 0.05,
    ) -> None:
        """Configure how processes are stopped."""
        self.grace_period = grace_period
        self.leftover_timeout = leftover_timeout
        self.poll_interval = poll_interval

    def execute(self, request: ExecutionRequest) -> RunOutcome:
        """Run the request's command to completion and describe what happened.

        Raises:
            ConfigError: No command, an unsplittable command or a missing working dir.
            StagingError: The staging dir does not exist.
            KeyboardInterrupt: Re-raised after the process group has been stopped.
        """
        plan = plan_launch(request)
        spec = request.spec
        assert isinstance(spec, LocalExecution)  # checked by plan_launch
        names = (
            output_file_names(request.staging_dir, request.run_id) if spec.capture_output else None
        )
        info = log.info
        with _output_files(names, plan, request.staging_dir) as files:
            wall_start, clock = time.time(), time.monotonic()
            ending, report = self._run(plan, request, files, wall_start, info)
        outcome = RunOutcome(
            run_id=request.run_id,
            executor=EXECUTOR_TYPE,
            status=ending.status,
            exit_code=ending.exit_code,
            started_at=report.started_at,
            duration=time.monotonic() - clock,
            stdout_path=report.paths[0],
            stderr_path=report.paths[1],
            message=ending.message,
            details={**report.details, **report.lines.summary()},
        )
        log_process_finished(log, outcome, EXECUTOR_TYPE, info=info)
        return outcome

    def _run(
        self,
        plan: LaunchPlan,
        request: ExecutionRequest,
        files: OutputFiles,
        wall_start: float,
        info: Callable[..., Any],
    ) -> tuple[_Ending, _Report]:
        """Start the process, follow its output until it ended, and judge how it ended."""
        spec = request.spec
        assert isinstance(spec, LocalExecution)  # checked by plan_launch
        started = _spawn(plan, files.descriptors, request.staging_dir)
        report = _prepare_report(plan, request, files, wall_start, info)
        if isinstance(started, _Ending):
            return started, report
        process, timed_out = started, False
        report.details["pid"] = process.pid
        info("process_started", run_id=request.run_id, executor=EXECUTOR_TYPE, **report.details)
        follower = OutputFollower(files.descriptors, report.lines)
        streams = report.lines.streams_lines
        watch = ExitWatch(
            process,
            follower,
            follow_interval=FOLLOW_INTERVAL if streams else None,
            poll_interval=self.poll_interval,
        )
        try:
            timed_out = self._supervise(process, watch, spec.timeout)
            if not timed_out:
                self._stop_leftovers(process)
        except BaseException as error:
            if isinstance(error, KeyboardInterrupt):
                log.warning("run_interrupted", pid=process.pid)
            self._stop_group(process)
            raise
        finally:
            follower.finish()
        return _judge(process, timed_out, spec.timeout, plan, report.lines), report

    def _supervise(
        self, process: subprocess.Popen[bytes], watch: ExitWatch, timeout: float | None
    ) -> bool:
        """Wait until the process ends; stop its group on timeout.

        Returns:
            True when the timeout expired.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        if watch.until(deadline):
            return False
        log.warning("run_timeout_expired", pid=process.pid, timeout=timeout)
        self._stop_group(process)
        return True

    def _stop_group(self, process: subprocess.Popen[bytes]) -> None:
        """SIGTERM the process group, wait up to the grace period, then SIGKILL it."""
        signal_group(process.pid, signal.SIGTERM)
        try:
            wait_for_group(process, self.grace_period, self.poll_interval)
        finally:
            signal_group(process.pid, signal.SIGKILL)
            process.wait()

    def _stop_leftovers(self, process: subprocess.Popen[bytes]) -> None:
        """Give processes the command left in its group time to end, then stop them."""
        if not group_alive(process.pid):
            return
        if wait_for_group(process, self.leftover_timeout, self.poll_interval):
            return
        log.warning(
            "leftover_processes_stopped",
            pid=process.pid,
            reason="they were still running after the command ended",
        )
        self._stop_group(process)


def _prepare_report(
    plan: LaunchPlan,
    request: ExecutionRequest,
    files: OutputFiles,
    wall_start: float,
    info: Callable[..., Any],
) -> _Report:
    """Prepare what the outcome reports, besides how the run ended."""
    spec = request.spec
    assert isinstance(spec, LocalExecution)  # checked by plan_launch
    # The process writes the files itself; the recorder only streams and counts lines.
    lines = OutputRecorder(
        staging_dir=request.staging_dir,
        name=request.run_id,
        capture=False,
        stream=spec.stream_output,
        info=info,
    )
    paths = files.paths
    return _Report(
        lines=lines,
        started_at=datetime.fromtimestamp(wall_start, UTC).replace(tzinfo=None),
        paths=(None, None) if paths is None else (paths["stdout"], paths["stderr"]),
        details={"command": plan.display, "working_dir": str(plan.cwd)},
    )


_dev_null: list[int] = []


def dev_null() -> int:
    """Return this process's shared descriptor of ``/dev/null`` (the processes' stdin).

    Opened once, on first use, and kept: cheaper than opening it for every process.
    """
    if not _dev_null:
        _dev_null.append(os.open(os.devnull, os.O_RDONLY | os.O_CLOEXEC))
    return _dev_null[0]


def _output_files(names: Mapping[str, str] | None, plan: LaunchPlan, staging: Path) -> OutputFiles:
    """Create the output files of a run, or raise the error of a missing staging dir."""
    try:
        return OutputFiles(names)
    except FileNotFoundError as error:
        raise missing_dir_error(plan, staging) or error from None


def _spawn(
    plan: LaunchPlan, outputs: Mapping[str, int], staging_dir: Path
) -> subprocess.Popen[bytes] | _Ending:
    """Start the process in its own session, writing into ``outputs``, or say why it could not.

    Raises:
        StagingError: The staging dir does not exist.
        ConfigError: The configured working dir does not exist.
    """
    try:
        return subprocess.Popen(
            plan.argv,
            cwd=plan.cwd,
            env=plan.popen_env,
            stdin=dev_null(),
            stdout=outputs["stdout"],
            stderr=outputs["stderr"],
            start_new_session=True,
        )
    except FileNotFoundError:
        error = missing_dir_error(plan, staging_dir)
        if error is not None:
            raise error from None
        message = not_found_message(plan.argv[0], plan.env)
        return _Ending(status=FAILED, exit_code=NOT_FOUND_EXIT_CODE, message=message)
    except PermissionError:
        message = not_executable_message(plan.argv[0])
        return _Ending(status=FAILED, exit_code=NOT_EXECUTABLE_EXIT_CODE, message=message)


def _judge(
    process: subprocess.Popen[bytes],
    timed_out: bool,
    timeout: float | None,
    plan: LaunchPlan,
    lines: OutputRecorder,
) -> _Ending:
    returncode = process.returncode
    if timed_out:
        message = f"timed out after {timeout:g} seconds; the process group was stopped"
        return _Ending(status=TIMED_OUT, exit_code=returncode, message=message)
    if returncode == 0:
        return _Ending(status=SUCCEEDED, exit_code=0)
    stderr_lines = lines.last_lines("stderr")
    missing = shell_missing_command(stderr_lines) if plan.shell else None
    if returncode == NOT_FOUND_EXIT_CODE and missing:
        message = not_found_message(missing, plan.env)
    else:
        message = failure_message(returncode, stderr_lines)
    return _Ending(status=FAILED, exit_code=returncode, message=message)
