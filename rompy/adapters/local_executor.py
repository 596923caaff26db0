"""The ``local`` executor: run the model as a process on this machine.

The command runs in its own session (so in its own process group) with the staging dir as its
working dir by default. Its stdout and stderr are read concurrently line by line, streamed to
the log and saved under ``<staging>/logs/``. On timeout the whole process group gets SIGTERM,
then SIGKILL after a grace period, so a model's own children and grandchildren stop too.
"""

from __future__ import annotations

import contextlib
import os
import re
import select
import shlex
import signal
import subprocess
import threading
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs

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
        env: The full environment of the process.
    """

    argv: tuple[str, ...]
    display: str
    shell: bool
    cwd: Path
    env: Mapping[str, str]


@attrs.frozen(kw_only=True)
class _Ending:
    status: str
    exit_code: int | None
    message: str = ""
    pid: int | None = None


def plan_launch(request: ExecutionRequest) -> LaunchPlan:
    """Resolve the command, working dir and environment of ``request``.

    Raises:
        ConfigError: There is no command, a string command cannot be split, or the
            configured working dir does not exist.
        StagingError: The default working dir (the staging dir) does not exist.
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
        cwd=_working_dir(spec, request.staging_dir),
        env={**os.environ, **{key: str(value) for key, value in spec.env_vars.items()}},
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


def _working_dir(spec: LocalExecution, staging_dir: Path) -> Path:
    if spec.working_dir is None:
        if not staging_dir.is_dir():
            raise StagingError(
                f"staging dir {staging_dir} does not exist; generate the run before running it"
            )
        return staging_dir
    if not spec.working_dir.is_dir():
        raise ConfigError(
            f"working directory {spec.working_dir} does not exist or is not a folder; create "
            "it, or leave backend.working_dir out to run in the staging dir",
            path="backend.working_dir",
            value=str(spec.working_dir),
        )
    return spec.working_dir


def _utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _signal_group(pgid: int, signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signum)


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
        assert isinstance(request.spec, LocalExecution)  # checked by plan_launch
        started_at, clock = _utc_now(), time.monotonic()
        log.info(
            "process_started",
            run_id=request.run_id,
            executor=EXECUTOR_TYPE,
            command=plan.display,
            working_dir=str(plan.cwd),
        )
        with OutputRecorder(
            staging_dir=request.staging_dir,
            name=request.run_id,
            capture=request.spec.capture_output,
            stream=request.spec.stream_output,
        ) as recorder:
            ending = self._run(plan, recorder, request.spec.timeout)
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
        log_process_finished(log, outcome, EXECUTOR_TYPE)
        return outcome

    def _run(self, plan: LaunchPlan, recorder: OutputRecorder, timeout: float | None) -> _Ending:
        try:
            process = subprocess.Popen(
                plan.argv,
                cwd=plan.cwd,
                env=dict(plan.env),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        except FileNotFoundError:
            return _Ending(
                status=FAILED,
                exit_code=NOT_FOUND_EXIT_CODE,
                message=not_found_message(plan.argv[0], plan.env),
            )
        except PermissionError:
            return _Ending(
                status=FAILED,
                exit_code=NOT_EXECUTABLE_EXIT_CODE,
                message=f"command is not executable: {plan.argv[0]}; check its permissions "
                "or fix backend.command",
            )
        assert process.stdout is not None and process.stderr is not None
        pumps = recorder.start_pumps({"stdout": process.stdout, "stderr": process.stderr})
        timed_out = self._wait(process, timeout)
        self._drain(process, pumps)
        return _judge(process, timed_out, timeout, plan, recorder)

    def _wait(self, process: subprocess.Popen[bytes], timeout: float | None) -> bool:
        try:
            _wait_for_exit(process, timeout)
        except subprocess.TimeoutExpired:
            log.warning("run_timeout_expired", pid=process.pid, timeout=timeout)
            self._stop_group(process)
            return True
        except KeyboardInterrupt:
            log.warning("run_interrupted", pid=process.pid)
            self._stop_group(process)
            raise
        return False

    def _stop_group(self, process: subprocess.Popen[bytes]) -> None:
        """SIGTERM the process group, wait up to the grace period, then SIGKILL it."""
        pgid = process.pid
        _signal_group(pgid, signal.SIGTERM)
        try:
            deadline = time.monotonic() + self.grace_period
            while time.monotonic() < deadline:
                process.poll()
                if not _group_alive(pgid):
                    break
                time.sleep(self.poll_interval)
        finally:
            _signal_group(pgid, signal.SIGKILL)
            process.wait()

    def _drain(self, process: subprocess.Popen[bytes], pumps: list[threading.Thread]) -> None:
        """Wait for the output readers; stop leftover processes that keep the pipes open."""
        deadline = time.monotonic() + self.drain_timeout
        for pump in pumps:
            pump.join(max(0.0, deadline - time.monotonic()))
        if not any(pump.is_alive() for pump in pumps):
            return
        log.warning(
            "leftover_processes_stopped",
            pid=process.pid,
            reason="they kept the output open after the command ended",
        )
        self._stop_group(process)
        for pump in pumps:
            pump.join(self.drain_timeout)


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


def _wait_for_exit(process: subprocess.Popen[bytes], timeout: float | None) -> None:
    """Wait for ``process`` to end, waking the moment it does.

    ``Popen.wait(timeout)`` polls on a growing timer (0.5 ms up to 50 ms), which delays
    noticing the end of a run; a pidfd (Linux >= 5.3) is readable exactly when it ends.

    Raises:
        subprocess.TimeoutExpired: ``timeout`` seconds passed first.
    """
    if timeout is None or not hasattr(os, "pidfd_open"):
        process.wait(timeout=timeout)
        return
    try:
        pidfd = os.pidfd_open(process.pid)
    except OSError:  # already reaped, or pidfds unavailable in this kernel
        process.wait(timeout=timeout)
        return
    try:
        readable, _, _ = select.select([pidfd], [], [], timeout)
    finally:
        os.close(pidfd)
    if not readable:
        raise subprocess.TimeoutExpired(process.args, timeout)
    process.wait()
