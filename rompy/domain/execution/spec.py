"""Execution specs: *where and how* a run executes, a tagged family on ``type``.

Only the description lives here; the adapters that act on a spec (local processes, Docker,
SLURM) are registered against the spec class through ``rompy_register_executors``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import attrs

from rompy.domain.errors import ConfigError
from rompy.domain.model_config import Command


def check_positive_timeout(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Validate (for attrs) that a timeout is None or a positive number of seconds."""
    if value is not None and value <= 0:
        raise ConfigError(
            f"{value!r} is not a valid timeout; give a positive number of seconds "
            "(or leave it out for no limit)",
            path=attribute.name,
            value=value,
        )


def to_command(value: Any) -> Command | None:
    """Convert a YAML command (string, list or None) to a :data:`Command`."""
    if value is None or isinstance(value, str):
        return value
    if not isinstance(value, (list, tuple)):
        raise ConfigError(
            f"{value!r} is not a command; give a string (run by the shell) or a list of arguments",
            path="command",
            value=value,
        )
    return tuple(str(part) for part in value)


def choose_command(
    command: Command | None, default_command: Command | None, *, field: str = "command"
) -> Command:
    """Return ``command``, or the model's ``default_command`` when the backend gives none.

    Raises:
        ConfigError: Neither gives a command; the message names ``backend.<field>``.
    """
    chosen = command if command is not None else default_command
    if chosen is None or chosen == "" or chosen == ():
        raise ConfigError(
            f"there is no command to run; set backend.{field} or use a model config that "
            "has a default command",
            path=f"backend.{field}",
            value=chosen,
        )
    return chosen


def check_optional_count(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Validate (for attrs) that a count is None (not said) or a whole number of at least 1."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise ConfigError(
            f"{value!r} is not a valid {attribute.name}; give a whole number of at least 1 "
            "(or leave it out for the default)",
            path=attribute.name,
            value=value,
        )


def _to_optional_path(value: Any) -> Path | None:
    return None if value is None else Path(value)


@attrs.frozen(kw_only=True)
class ExecutionSpec:
    """Base class of every execution spec; subclasses set ``type``."""

    type: ClassVar[str] = ""
    requires: ClassVar[tuple[str, ...]] = ()
    """Optional modules the adapter for this class needs (shown by ``rompy plugins``)."""
    timeout: float | None = attrs.field(default=None, validator=check_positive_timeout)
    env_vars: dict[str, str] = attrs.field(factory=dict)

    def cpu_count(self) -> int | None:
        """Return the CPUs this backend gives a run (None: it does not say)."""
        return None


@attrs.frozen(kw_only=True)
class LocalExecution(ExecutionSpec):
    """Run the model as a local process.

    Attributes:
        command: A string (run by the shell unless ``shell`` is False) or an argv list.
            None means the model config's default command.
        shell: Run a string command through ``/bin/sh``; None means "yes for strings".
        working_dir: Where the process runs; None means the staging dir.
        stream_output: Stream stdout/stderr lines to the log while the process runs.
        capture_output: Save stdout/stderr into files in the staging dir. With both off,
            the process writes straight to rompy's own stdout and stderr.
        timeout: Seconds after which the whole process group is killed.
        env_vars: Variables merged over the current environment.
        cpus: CPUs the run may use; a model that runs threads (SWAN's OpenMP build) runs
            this many. None: not said (SWAN then runs its serial build).
    """

    type: ClassVar[str] = "local"
    command: Command | None = attrs.field(default=None, converter=to_command)
    shell: bool | None = None
    working_dir: Path | None = attrs.field(default=None, converter=_to_optional_path)
    stream_output: bool = True
    capture_output: bool = True
    cpus: int | None = attrs.field(default=None, validator=check_optional_count)

    def cpu_count(self) -> int | None:
        """Return ``cpus``."""
        return self.cpus

    def uses_shell(self, command: Command) -> bool:
        """Return True when ``command`` should run through the shell."""
        if self.shell is not None:
            return self.shell
        return isinstance(command, str)
