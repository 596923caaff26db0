"""The ``local`` executor: run the model as a process on this machine.

The command runs in its own session (so in its own process group) with the staging dir as its
working dir by default. Its stdout and stderr are read by the calling thread alone, with one
``poll()`` on both pipes (and, for longer runs, on a pidfd of the process); the output is saved
under ``<staging>/logs/`` and streamed to the log line by line. On timeout the whole process
group gets SIGTERM, then SIGKILL after a grace period, so a model's own children and
grandchildren stop too.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs

from rompy.adapters.local_process import (
    ExitWait,
    PipeReader,
    devnull_descriptor,
    group_alive,
    read_until_closed,
    signal_group,
)
from rompy.adapters.process_output import OutputRecorder, failure_message, log_process_finished
from rompy.domain.errors import ConfigError, StagingError
from rompy.domain.execution import LocalExecution, choose_command
from rompy.domain.models import Command
from rompy.log import get_logger
from rompy.ports.execution import FAILED, SUCCEEDED, TIMED_OUT, ExecutionRequest, RunOutcome

log = get_logger(__name__)

EXECUTOR_TYPE = "local"
"""The ``type`` tag reported in outcomes."""

SHELL = "/bin/sh"
"""The shell that runs string commands."""

NOT_FOUND_EXIT_CODE = 127
"""Exit code reported when the command does not exist (as shells do)."""

NOT_EXECUTABLE_EXIT_CODE = 126
"""Exit code reported when the command exists but cannot be executed (as shells do)."""

_SHELL_NOT_FOUND = re.compile(r"([^\s:]+): (?:command )?not found\s*$")
_PATH_ENTRIES_IN_MESSAGE = 4


@attrs.frozen(kw_only=True)
class LaunchPlan:
    """Everything needed to start the process, resolved from a request.

    Attributes:
        argv: The argument vector given to the OS (``/bin/sh -c ...`` for shell commands).
        display: The command as the user wrote it, for logs and messages.
        shell: True when the command runs through the shell.
        cwd: The working dir.
        cwd_is_staging_dir: True when the working dir is the staging dir (the default).
        env_vars: The variables set on top of this process's environment.
    """

    argv: tuple[str, ...]
    display: str
    shell: bool
    cwd: Path
    cwd_is_staging_dir: bool
    env_vars: Mapping[str, str]

    @property
    def env(self) -> dict[str, str]:
        """The full environment of the process: this process's, updated by ``env_vars``."""
        return {**os.environ, **self.env_vars}

    @property
    def popen_env(self) -> dict[str, str] | None:
        """The ``env`` argument of :class:`subprocess.Popen`: None (inherit) without env_vars."""
        return self.env if self.env_vars else None


@attrs.frozen(kw_only=True)
class _Ending:
    status: str
    exit_code: int | None
    message: str = ""
    pid: int | None = None


def plan_launch(request: ExecutionRequest) -> LaunchPlan:
    """Resolve the command, working dir and environment of ``request``.

    The working dir is not checked here: see :func:`_working_dir_error`.

    Raises:
        ConfigError: There is no command, or a string command cannot be split.
        TypeError: The request's spec is not a :class:`LocalExecution`.
    """
    spec = request.spec
    if not isinstance(spec, LocalExecution):
        raise TypeError(f"LocalExecutor runs LocalExecution specs, not {type(spec).__name__}")
    command = choose_command(spec.command, request.default_command)
    shell = spec.uses_shell(command)
    return LaunchPlan(
        argv=_argv(command, shell=shell),
        display=command if isinstance(command, str) else shlex.join(command),
        shell=shell,
        cwd=request.staging_dir if spec.working_dir is None else spec.working_dir,
        cwd_is_staging_dir=spec.working_dir is None,
        env_vars={key: str(value) for key, value in spec.env_vars.items()},
    )


def _argv(command: Command, *, shell: bool) -> tuple[str, ...]:
    if shell:
        text = command if isinstance(command, str) else shlex.join(command)
        return (SHELL, "-c", text)
    if not isinstance(command, str):
        return tuple(command)
    try:
        return tuple(shlex.split(command))
    except ValueError as error:
        raise ConfigError(
            f"cannot split the command into arguments ({error}); fix its quoting or set "
            "backend.shell to true",
            path="backend.command",
            value=command,
        ) from error


def _working_dir_error(plan: LaunchPlan, error: OSError) -> StagingError | ConfigError:
    """The error for a working dir the process could not enter.

    The dir is not checked before the start: the process's own ``chdir`` fails instead
    (``error``), which spares every run a ``stat``.
    """
    reason = (error.strerror or type(error).__name__).lower()
    if plan.cwd_is_staging_dir:
        return StagingError(
            f"staging dir {plan.cwd} cannot be entered ({reason}); generate the run before "
            "running it"
        )
    return ConfigError(
        f"working directory {plan.cwd} cannot be entered ({reason}); create it, fix its "
        "permissions, or leave backend.working_dir out to run in the staging dir",
        path="backend.working_dir",
        value=str(plan.cwd),
    )


def _utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _path_summary(env: Mapping[str, str]) -> str:
    entries = list(dict.fromkeys(e for e in env.get("PATH", os.defpath).split(os.pathsep) if e))
    if not entries:
        return "PATH is empty"
    shown = os.pathsep.join(entries[:_PATH_ENTRIES_IN_MESSAGE])
    more = len(entries) - _PATH_ENTRIES_IN_MESSAGE
    return f"PATH searched: {shown}" + (f" and {more} more" if more > 0 else "")


def not_found_message(name: str, env: Mapping[str, str]) -> str:
    """Return the one-line message for a command ``name`` that does not exist.

    Args:
        name: The program that was not found.
        env: The environment the command ran with (its ``PATH`` is summarised).
    """
    if "/" in name:
        return (
            f"command not found: {name} (no such file; relative paths start from the "
            "working dir); fix backend.command"
        )
    return (
        f"command not found: {name} ({_path_summary(env)}); install it, fix PATH in "
        "backend.env_vars or give its full path in backend.command"
    )


def _shell_missing_command(stderr_lines: list[str]) -> str | None:
    for line in reversed(stderr_lines):
        match = _SHELL_NOT_FOUND.search(line)
        if match:
            return match.group(1)
    return None


class LocalExecutor:
    """Runs :class:`~rompy.domain.execution.LocalExecution` specs as local processes.

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
            StagingError: The staging dir (the default working dir) does not exist.
            KeyboardInterrupt: Re-raised after the process group has been stopped.
        """
        plan = plan_launch(request)
        spec = request.spec
        assert isinstance(spec, LocalExecution)  # checked by plan_launch
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

        The output files are opened once the process runs (the pipes hold its first output
        meanwhile): its own ``chdir`` has then shown that the working dir exists, so a
        missing staging dir is reported without creating anything in it.
        """
        started = _spawn(plan)
        if isinstance(started, _Ending):
            with recorder:  # the output files of a run that could not start are empty
                return started
        process, pipes = started
        reader = PipeReader(recorder, pipes)
        try:
            recorder.open()
            info(
                "process_started",
                executor=EXECUTOR_TYPE,
                run_id=recorder.name,
                pid=process.pid,
                command=plan.display,
                working_dir=str(plan.cwd),
            )
            timed_out = self._supervise(process, reader, timeout)
            self._drain(process, reader)
        except BaseException as error:
            if isinstance(error, KeyboardInterrupt):
                log.warning("run_interrupted", pid=process.pid)
            self._stop_group(process, reader)
            raise
        finally:
            reader.close()
            recorder.close()
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

    def _drain(self, process: subprocess.Popen[bytes], reader: PipeReader) -> None:
        """Read the pipes until they close; stop leftover processes that keep them open."""
        if read_until_closed(reader, self.drain_timeout):
            return
        log.warning(
            "leftover_processes_stopped",
            pid=process.pid,
            reason="they kept the output open after the command ended",
        )
        self._stop_group(process, reader)
        read_until_closed(reader, self.drain_timeout)


def _spawn(plan: LaunchPlan) -> tuple[subprocess.Popen[bytes], dict[str, int]] | _Ending:
    """Start the process in its own session, or say why it could not start.

    Returns:
        The process and the read ends of its stdout and stderr pipes (plain descriptors:
        cheaper than the file objects ``subprocess.PIPE`` would wrap them in).

    Raises:
        StagingError: The staging dir (the default working dir) cannot be entered.
        ConfigError: The configured working dir cannot be entered.
    """
    (stdout, stdout_end), (stderr, stderr_end) = os.pipe(), os.pipe()
    pipes = {"stdout": stdout, "stderr": stderr}
    try:
        process = subprocess.Popen(
            plan.argv,
            cwd=plan.cwd,
            env=plan.popen_env,
            stdin=devnull_descriptor(),
            stdout=stdout_end,
            stderr=stderr_end,
            start_new_session=True,
        )
    except BaseException as error:
        for descriptor in pipes.values():
            os.close(descriptor)
        if isinstance(error, OSError) and error.filename == plan.cwd:
            raise _working_dir_error(plan, error) from error
        if isinstance(error, FileNotFoundError):
            message = not_found_message(plan.argv[0], plan.env)
            return _Ending(status=FAILED, exit_code=NOT_FOUND_EXIT_CODE, message=message)
        if isinstance(error, PermissionError):
            message = (
                f"command is not executable: {plan.argv[0]}; check its permissions or fix "
                "backend.command"
            )
            return _Ending(status=FAILED, exit_code=NOT_EXECUTABLE_EXIT_CODE, message=message)
        raise
    finally:
        os.close(stdout_end)
        os.close(stderr_end)
    return process, pipes


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
    stderr_lines = recorder.last_lines("stderr")
    missing = _shell_missing_command(stderr_lines) if plan.shell else None
    if returncode == NOT_FOUND_EXIT_CODE and missing:
        message = not_found_message(missing, plan.env)
    else:
        message = failure_message(returncode, stderr_lines)
    return _Ending(status=FAILED, exit_code=returncode, message=message, pid=process.pid)


def _details(plan: LaunchPlan, ending: _Ending, recorder: OutputRecorder) -> dict[str, Any]:
    details: dict[str, Any] = {"command": plan.display, "working_dir": str(plan.cwd)}
    if ending.pid is not None:
        details["pid"] = ending.pid
    details.update(recorder.summary())
    return details
