"""Launching a local process: what to start, where, and what to say when it cannot start.

It covers the command, working dir and environment of a run, and the messages for a
command that cannot start.

:func:`plan_launch` resolves an :class:`~rompy.ports.execution.ExecutionRequest` into a
:class:`LaunchPlan`; the local executor starts it
(see :mod:`rompy.adapters.execution.local.executor`).
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Mapping
from pathlib import Path

import attrs

from rompy.adapters.spec_check import require_spec
from rompy.domain.errors import ConfigError, StagingError
from rompy.domain.execution.spec import LocalExecution, choose_command
from rompy.domain.model_config import Command
from rompy.ports.execution import ExecutionRequest

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
        inherits_output: True when the process writes straight to this process's stdout and
            stderr (``capture_output`` and ``stream_output`` both off): no pipes, no files.
        env_vars: The variables set on top of this process's environment.
    """

    argv: tuple[str, ...]
    display: str
    shell: bool
    cwd: Path
    cwd_is_staging_dir: bool
    inherits_output: bool
    env_vars: Mapping[str, str]

    @property
    def env(self) -> dict[str, str]:
        """The full environment of the process: this process's, updated by ``env_vars``."""
        return {**os.environ, **self.env_vars}

    @property
    def popen_env(self) -> dict[str, str] | None:
        """The ``env`` argument of :class:`subprocess.Popen`: None (inherit) without env_vars."""
        return self.env if self.env_vars else None


def plan_launch(request: ExecutionRequest) -> LaunchPlan:
    """Resolve the command, working dir and environment of ``request``.

    The folders are not checked here: see :func:`check_directories`.

    Raises:
        ConfigError: There is no command, or a string command cannot be split.
        TypeError: The request's spec is not a :class:`LocalExecution`.
    """
    spec = require_spec(request.spec, LocalExecution, "LocalExecutor")
    command = choose_command(spec.command, request.default_command)
    shell = spec.uses_shell(command)
    return LaunchPlan(
        argv=_argv(command, shell=shell),
        display=command if isinstance(command, str) else shlex.join(command),
        shell=shell,
        cwd=request.staging_dir if spec.working_dir is None else spec.working_dir,
        cwd_is_staging_dir=spec.working_dir is None,
        inherits_output=not (spec.capture_output or spec.stream_output),
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


def check_directories(plan: LaunchPlan, staging_dir: Path) -> None:
    """Refuse, before anything starts, a staging dir or working dir the process cannot enter.

    Raises:
        StagingError: The staging dir is missing (never generated) or not a folder.
        ConfigError: The configured working dir is missing or not a folder.
    """
    reason = _unusable_folder(staging_dir)
    if reason:
        raise staging_dir_error(staging_dir, exists=staging_dir.exists(), reason=reason)
    if not plan.cwd_is_staging_dir and (reason := _unusable_folder(plan.cwd)):
        raise working_dir_error(plan, reason)


def _unusable_folder(path: Path) -> str:
    if path.is_dir():
        return ""
    return "not a directory" if path.exists() else "no such file or directory"


def working_dir_error(plan: LaunchPlan, reason: str) -> StagingError | ConfigError:
    """The error for a working dir the process cannot enter, for ``reason``."""
    if plan.cwd_is_staging_dir:
        return staging_dir_error(plan.cwd, exists=True, reason=reason)
    return ConfigError(
        f"working directory {plan.cwd} cannot be entered ({reason}); create it, fix its "
        "permissions, or leave backend.working_dir out to run in the staging dir",
        path="backend.working_dir",
        value=str(plan.cwd),
    )


def staging_dir_error(path: Path, *, exists: bool, reason: str = "not a directory") -> StagingError:
    """The error for a staging dir a run cannot use: missing, or not a folder one can enter.

    Args:
        path: The staging dir.
        exists: Something is at ``path`` (so generating again would refuse to replace it).
        reason: Why it cannot be used, when it exists.
    """
    if not exists:
        return StagingError.missing(path)
    return StagingError(
        f"staging dir {path} cannot be used ({reason}); fix its permissions, or move it away "
        "and generate the run again"
    )


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


def shell_missing_command(stderr_lines: list[str]) -> str | None:
    """Return the command a shell reported as not found in ``stderr_lines``, if any."""
    for line in reversed(stderr_lines):
        match = _SHELL_NOT_FOUND.search(line)
        if match:
            return match.group(1)
    return None
