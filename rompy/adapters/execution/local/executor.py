"""The ``local`` executor: run the model as a process on this machine.

The command runs in its own session (so in its own process group) with the staging dir as its
working dir by default and ``/dev/null`` as its stdin. Its stdout and stderr come through
pipes, each read by a :class:`~rompy.adapters.execution.local.process.PipeReader` thread into
an :class:`~rompy.adapters.execution.output.OutputRecorder` (saved under
``<staging>/logs/``, streamed to the log line by line) while this thread waits for the
process. With ``capture_output`` and ``stream_output`` both off the process writes straight to
this process's stdout and stderr, as ``subprocess.run`` without capture does.

Stopping, on timeout or Ctrl-C, is SIGTERM to the whole process group, a grace period, then
SIGKILL, so a model's children and grandchildren stop too. Once the command ended, processes
it left behind get ``drain_timeout`` seconds to close the output (or, with inherited output,
to end) and are then stopped the same way.
:mod:`rompy.adapters.execution.local.launch` resolves what to start.
"""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from datetime import UTC, datetime
from typing import Any

import attrs

from rompy.adapters.execution.local.launch import (
    NOT_EXECUTABLE_EXIT_CODE,
    NOT_FOUND_EXIT_CODE,
    LaunchPlan,
    check_directories,
    not_found_message,
    plan_launch,
    shell_missing_command,
    working_dir_error,
)
from rompy.adapters.execution.local.process import (
    PipeReader,
    flush_standard_streams,
    join_all,
    signal_group,
    stop_all,
    wait_group_gone,
)
from rompy.adapters.execution.output import OutputRecorder
from rompy.adapters.execution.report import exit_cause, failure_message, log_process_finished
from rompy.domain.execution.spec import LocalExecution
from rompy.log import get_logger
from rompy.ports.execution import (
    CANCELLED,
    FAILED,
    SUCCEEDED,
    TIMED_OUT,
    ExecutionHandle,
    ExecutionRequest,
    RunOutcome,
)
from rompy.ports.handles import FinishedHandle, ThreadedHandle, wait_or_cancel

log = get_logger(__name__)

EXECUTOR_TYPE = "local"
"""The ``type`` tag reported in outcomes."""


@attrs.frozen(kw_only=True)
class _Ending:
    status: str
    exit_code: int | None
    message: str = ""
    pid: int | None = None


@attrs.define(kw_only=True)
class _Started:
    """A run as it starts: what it runs, where its output goes, when it began."""

    request: ExecutionRequest
    plan: LaunchPlan
    recorder: OutputRecorder
    started_at: datetime = attrs.field(factory=lambda: datetime.now(UTC).replace(tzinfo=None))
    clock: float = attrs.field(factory=time.monotonic)

    def outcome(self, ending: _Ending) -> RunOutcome:
        """Describe the run that ended with ``ending`` (and log it)."""
        outcome = RunOutcome(
            run_id=self.request.run_id,
            executor=EXECUTOR_TYPE,
            status=ending.status,
            exit_code=ending.exit_code,
            started_at=self.started_at,
            duration=time.monotonic() - self.clock,
            stdout_path=self.recorder.stdout_path,
            stderr_path=self.recorder.stderr_path,
            message=ending.message,
            details=_details(self.plan, ending, self.recorder),
        )
        log_process_finished(log, outcome, EXECUTOR_TYPE)
        return outcome


class LocalExecutor:
    """Runs :class:`~rompy.domain.execution.spec.LocalExecution` specs as local processes.

    Args:
        grace_period: Seconds between SIGTERM and SIGKILL when the process group is stopped.
        drain_timeout: Seconds to wait, once the command ended, for its output pipes to
            close; processes it left behind holding them open are then stopped.
        poll_interval: Seconds between checks that a process group is gone.

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

        It is :meth:`start` and a wait.

        Raises:
            ConfigError: No command, an unsplittable command or a missing working dir.
            StagingError: The staging dir does not exist or is not a folder, or an output log
                cannot be written.
            KeyboardInterrupt: Re-raised after the process group has been stopped.
        """
        return wait_or_cancel(self.start(request))

    def start(self, request: ExecutionRequest) -> ExecutionHandle:
        """Start the request's command and return at once with a handle on it.

        A thread of the handle follows the process (its output, its timeout) and judges
        its end; :meth:`~rompy.ports.handles.ThreadedHandle.cancel` stops its process
        group (SIGTERM, the grace period, SIGKILL) and the outcome is ``cancelled``.

        Raises:
            ConfigError: No command, an unsplittable command or a missing working dir.
            StagingError: The staging dir does not exist or is not a folder, or an output log
                cannot be written.
        """
        started = _prepare(request)
        plan, recorder = started.plan, started.recorder
        recorder.open()
        try:
            process = _start(plan)
        except OSError as error:
            recorder.close()
            return FinishedHandle(started.outcome(_start_failure(plan, error)))
        except BaseException:
            recorder.close()
            raise
        readers = _start_readers(process, recorder)
        _log_started(request, plan, process.pid)
        timeout = started.request.spec.timeout

        def follow(cancelled: threading.Event) -> RunOutcome:
            with recorder:
                ending = self._follow(process, readers, started, timeout, cancelled)
            return started.outcome(ending)

        def stop() -> None:
            log.warning("run_cancelled", run_id=request.run_id, pid=process.pid)
            self._stop_group(process)

        return ThreadedHandle(request.run_id, follow, stop=stop, executor=EXECUTOR_TYPE)

    def _follow(
        self,
        process: subprocess.Popen[bytes],
        readers: list[PipeReader],
        started: _Started,
        timeout: float | None,
        cancelled: threading.Event,
    ) -> _Ending:
        """Follow the process until it and its output ended, and judge the end."""
        try:
            timed_out = self._wait(process, timeout)
            self._drain(process, readers, started.plan)
        except BaseException:
            self._stop_group(process)
            raise
        finally:
            stop_all(readers)
        if cancelled.is_set() and not timed_out:
            message = "cancelled; the process group was stopped"
            return _Ending(
                status=CANCELLED, exit_code=process.returncode, message=message, pid=process.pid
            )
        return _judge(process, timed_out, timeout, started.plan, started.recorder)

    def _wait(self, process: subprocess.Popen[bytes], timeout: float | None) -> bool:
        """Wait for the process to end; stop its group when ``timeout`` expires (True).

        The timeout is kept by a watchdog timer rather than ``wait(timeout)``, which polls
        with sleeps: the end of the process is seen at once either way.
        """
        if timeout is None:
            process.wait()
            return False
        expired = threading.Event()

        def stop_on_timeout() -> None:
            expired.set()
            log.warning("run_timeout_expired", pid=process.pid, timeout=timeout)
            self._stop_group(process)

        watchdog = threading.Timer(timeout, stop_on_timeout)
        watchdog.daemon = True
        watchdog.start()
        try:
            process.wait()
        finally:
            watchdog.cancel()
        if expired.is_set():
            watchdog.join()  # the group is stopped when the watchdog is done
        return expired.is_set()

    def _stop_group(self, process: subprocess.Popen[bytes]) -> None:
        """SIGTERM the process group, wait up to the grace period, then SIGKILL what is left."""
        pgid = process.pid
        signal_group(pgid, signal.SIGTERM)
        try:
            deadline = time.monotonic() + self.grace_period
            try:
                process.wait(self.grace_period)
            except subprocess.TimeoutExpired:
                return
            left = max(0.0, deadline - time.monotonic())
            wait_group_gone(pgid, left, self.poll_interval)
        finally:
            signal_group(pgid, signal.SIGKILL)
            process.wait()

    def _drain(
        self, process: subprocess.Popen[bytes], readers: list[PipeReader], plan: LaunchPlan
    ) -> None:
        """Let the output end; stop leftover processes that keep it open (or keep running)."""
        if plan.inherits_output:
            if wait_group_gone(process.pid, self.drain_timeout, self.poll_interval):
                return
            reason = "they kept running after the command ended"
        elif join_all(readers, self.drain_timeout):
            return
        else:
            reason = "they kept the output open after the command ended"
        log.warning("leftover_processes_stopped", pid=process.pid, reason=reason)
        self._stop_group(process)
        join_all(readers, self.drain_timeout)


def _prepare(request: ExecutionRequest) -> _Started:
    """Resolve what to start and check its folders; the recorder is not opened yet."""
    plan = plan_launch(request)
    spec = request.spec
    assert isinstance(spec, LocalExecution)  # checked by plan_launch
    check_directories(plan, request.staging_dir)
    recorder = OutputRecorder(
        staging_dir=request.staging_dir,
        name=request.run_id,
        capture=spec.capture_output,
        stream=spec.stream_output,
    )
    return _Started(request=request, plan=plan, recorder=recorder)


def _log_started(request: ExecutionRequest, plan: LaunchPlan, pid: int) -> None:
    log.info(
        "process_started",
        executor=EXECUTOR_TYPE,
        run_id=request.run_id,
        pid=pid,
        command=plan.display,
        working_dir=str(plan.cwd),
    )


def _start(plan: LaunchPlan) -> subprocess.Popen[bytes]:
    """Start the process in its own session, its output in pipes unless it inherits ours."""
    if plan.inherits_output:
        flush_standard_streams()  # what we printed before comes before the model's output
    output = None if plan.inherits_output else subprocess.PIPE
    return subprocess.Popen(
        plan.argv,
        cwd=plan.cwd,
        env=plan.popen_env,
        stdin=subprocess.DEVNULL,
        stdout=output,
        stderr=output,
        start_new_session=True,
    )


def _start_readers(process: subprocess.Popen[bytes], recorder: OutputRecorder) -> list[PipeReader]:
    pipes = {"stdout": process.stdout, "stderr": process.stderr}
    readers = [
        PipeReader(pipe, stream, recorder) for stream, pipe in pipes.items() if pipe is not None
    ]
    for reader in readers:
        reader.start()
    return readers


def _start_failure(plan: LaunchPlan, error: OSError) -> _Ending:
    """Say why the process could not start, or raise for a working dir it could not enter."""
    if error.filename == str(plan.cwd):
        reason = (error.strerror or type(error).__name__).lower()
        raise working_dir_error(plan, reason) from error
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
