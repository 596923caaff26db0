"""The SLURM execution spec (``type: slurm``) and the pure rendering of its batch scripts.

A :class:`SlurmExecution` describes the job a run becomes on a SLURM cluster: partition,
resources, time limit, accounting, mail and extra ``sbatch`` options. The functions here turn
it into batch script text; submitting, polling and cancelling live in
``rompy.adapters.slurm_executor``.

Every script runs the model command in the staging dir and writes the command's exit status
to :data:`EXIT_CODE_FILE` there (or ``signal:TERM`` when SLURM stops the job), so the outcome
is known even after the scheduler has forgotten the job.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import attrs

from rompy.domain.errors import ConfigError
from rompy.domain.execution import ExecutionSpec, to_command
from rompy.domain.models import Command

EXIT_CODE_FILE = ".rompy-exit-code"
"""Written by the batch script into the staging dir: the command's exit status."""

SIGNAL_MARK = "signal:"
"""Prefix of :data:`EXIT_CODE_FILE` when the job was stopped by a signal (``signal:TERM``)."""

LOG_DIR = "logs"
"""The staging dir folder holding the job's output files by default."""

MAIL_TYPES = frozenset(
    {"NONE", "BEGIN", "END", "FAIL", "REQUEUE", "ALL", "INVALID_DEPEND", "STAGE_OUT"}
    | {"TIME_LIMIT", "TIME_LIMIT_90", "TIME_LIMIT_80", "TIME_LIMIT_50", "ARRAY_TASKS"}
)
"""The values ``--mail-type`` accepts (a comma-separated list of them)."""

FIELD_OPTIONS = {
    "--partition": "queue",
    "--nodes": "nodes",
    "--ntasks": "ntasks",
    "--cpus-per-task": "cpus_per_task",
    "--time": "time_limit",
    "--mem": "memory",
    "--account": "account",
    "--qos": "qos",
    "--reservation": "reservation",
    "--job-name": "job_name",
    "--output": "output_file",
    "--error": "error_file",
    "--mail-type": "mail_type",
    "--mail-user": "mail_user",
}
"""``sbatch`` options that have their own field (refused in ``additional_options``)."""

MANAGED_OPTIONS = frozenset({"--array", "--chdir", "--parsable", "--wait", "--wrap"})
"""``sbatch`` options rompy sets itself (refused in ``additional_options``)."""

_PATTERN_VARIABLES = {
    "A": "SLURM_ARRAY_JOB_ID",
    "a": "SLURM_ARRAY_TASK_ID",
    "j": "SLURM_JOB_ID",
    "x": "SLURM_JOB_NAME",
    "u": "USER",
    "N": "SLURMD_NODENAME",
}
_PATTERN_TOKEN = re.compile(r"%(%|[A-Za-z])")
_TIME = re.compile(r"^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?$")
_MEMORY = re.compile(r"^\d+[KMGT]?$", re.IGNORECASE)
_OPTION = re.compile(r"^--[A-Za-z][A-Za-z0-9-]*(=.*)?$", re.DOTALL)
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SECONDS = {"days": 86400, "hours": 3600, "minutes": 60, "seconds": 1}
_LIMITS = {"hours": 24, "minutes": 60, "seconds": 60}
_TIME_FORMATS = "MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS"


def _bad_time(text: str, why: str) -> ConfigError:
    return ConfigError(
        f"{text!r} is not a SLURM time limit ({why}); write {_TIME_FORMATS}, such as "
        "'30' (minutes), '01:30:00' or '2-00:00:00'",
        path="time_limit",
        value=text,
    )


def _time_fields(text: str) -> dict[str, int]:
    match = _TIME.match(text.strip())
    if match is None:
        raise _bad_time(text, "unknown format")
    days, *clock = match.groups()
    numbers = [int(field) for field in clock if field is not None]
    if days is not None:
        return {
            "days": int(days),
            **dict(zip(("hours", "minutes", "seconds"), numbers, strict=False)),
        }
    layouts = {1: ("minutes",), 2: ("minutes", "seconds"), 3: ("hours", "minutes", "seconds")}
    return dict(zip(layouts[len(numbers)], numbers, strict=True))


def parse_time_limit(text: str) -> int:
    """Return the seconds of a SLURM time limit.

    Accepts SLURM's formats ``MM``, ``MM:SS``, ``HH:MM:SS``, ``D-HH``, ``D-HH:MM`` and
    ``D-HH:MM:SS``. The leading field may be any size; minutes and seconds after it must
    be below 60 and hours after days below 24.

    Args:
        text: The time limit as written in the config.

    Raises:
        ConfigError: The text is not a positive time limit (path ``time_limit``).

    Example:
        >>> parse_time_limit("1-02:00")
        93600
    """
    fields = _time_fields(text)
    leading = next(iter(fields))
    for name, number in fields.items():
        if name != leading and number >= _LIMITS[name]:
            raise _bad_time(text, f"{name} must be below {_LIMITS[name]}")
    total = sum(number * _SECONDS[name] for name, number in fields.items())
    if total <= 0:
        raise _bad_time(text, "it must be longer than zero")
    return total


def expand_filename_pattern(pattern: str, values: Mapping[str, str]) -> str | None:
    """Expand SLURM's ``%`` tokens (``%j``, ``%x``, ``%A``, ``%a``, ``%%``) in a file name.

    Args:
        pattern: A file name pattern as ``--output`` takes it.
        values: Token letter to value, such as ``{"j": "123", "x": "rompy-run"}``.

    Returns:
        The file name, or None when a token has no value (or a width such as ``%5j``).

    Example:
        >>> expand_filename_pattern("slurm-%j.out", {"j": "42"})
        'slurm-42.out'
    """
    missing: list[str] = []

    def replace(match: re.Match[str]) -> str:
        letter = match.group(1)
        if letter == "%":
            return "%"
        if letter not in values:
            missing.append(letter)
            return ""
        return values[letter]

    expanded = _PATTERN_TOKEN.sub(replace, pattern)
    return None if missing or "%" in _PATTERN_TOKEN.sub("", pattern) else expanded


def pattern_shell_word(pattern: str) -> str:
    """Return a bash word that expands ``pattern``'s tokens from SLURM's job variables.

    Used by array scripts, which redirect each task's output themselves. Unknown tokens
    stay as written.

    Example:
        >>> print(pattern_shell_word("/s/out-%a.log"))
        /s/out-"${SLURM_ARRAY_TASK_ID}".log

    """
    pieces: list[str] = []
    position = 0
    for match in _PATTERN_TOKEN.finditer(pattern):
        literal = pattern[position : match.start()]
        letter = match.group(1)
        if letter in _PATTERN_VARIABLES:
            variable = _PATTERN_VARIABLES[letter]
            pieces += [shlex.quote(literal) if literal else "", f'"${{{variable}}}"']
        else:
            pieces.append(shlex.quote(literal + ("%" if letter == "%" else match.group(0))))
        position = match.end()
    pieces.append(shlex.quote(pattern[position:]) if pattern[position:] or not pieces else "")
    return "".join(pieces)


def _check_text(instance: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
    if value is not None and (not value.strip() or "\n" in value or "\r" in value):
        raise ConfigError(
            f"{value!r} is not usable as {attribute.name}; give a non-empty value on one line",
            path=attribute.name,
            value=value,
        )


def _check_count(instance: Any, attribute: attrs.Attribute[Any], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(
            f"{value!r} is not a valid {attribute.name}; give a whole number of at least 1",
            path=attribute.name,
            value=value,
        )


def _check_time_limit(instance: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    _check_text(instance, attribute, value)
    parse_time_limit(value)


def _check_memory(instance: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
    if value is not None and not _MEMORY.match(value):
        raise ConfigError(
            f"{value!r} is not a SLURM memory size; write a whole number with an optional "
            "unit K, M, G or T, such as '500M' or '4G' (a bare number is megabytes)",
            path=attribute.name,
            value=value,
        )


def _check_mail_type(instance: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
    if value is None:
        return
    unknown = [part for part in value.split(",") if part.strip().upper() not in MAIL_TYPES]
    if unknown:
        raise ConfigError(
            f"{value!r} is not a mail type; use a comma-separated list of "
            f"{', '.join(sorted(MAIL_TYPES))}",
            path=attribute.name,
            value=value,
        )


def _check_option(index: int, option: str) -> None:
    path = f"additional_options[{index}]"
    if not _OPTION.match(option) or "\n" in option or "\r" in option:
        raise ConfigError(
            f"{option!r} is not an sbatch option; write a long option on one line, such as "
            "'--exclusive' or '--gres=gpu:1'",
            path=path,
            value=option,
        )
    name = option.split("=", 1)[0]
    if name in FIELD_OPTIONS:
        raise ConfigError(
            f"{name} has its own field; set backend.{FIELD_OPTIONS[name]} instead",
            path=path,
            value=option,
        )
    if name in MANAGED_OPTIONS:
        raise ConfigError(
            f"{name} is set by rompy itself; remove it from additional_options",
            path=path,
            value=option,
        )


def _check_options(instance: Any, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    for index, option in enumerate(value):
        _check_option(index, option)


def _check_poll_interval(instance: Any, attribute: attrs.Attribute[Any], value: float) -> None:
    if value <= 0:
        raise ConfigError(
            f"{value!r} is not a poll interval; give a positive number of seconds",
            path=attribute.name,
            value=value,
        )


def _to_options(value: Any) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(str(option) for option in value)


def _text_field(validator: Any = _check_text) -> Any:
    return attrs.field(default=None, validator=validator)


@attrs.frozen(kw_only=True)
class SlurmExecution(ExecutionSpec):
    """Run the model as a SLURM batch job.

    Attributes:
        queue: The partition (``--partition``); None means the cluster's default.
        partition: Another name for ``queue``; set at most one of the two.
        command: A string (run by bash) or an argv list; None means the model's command.
        nodes: Nodes to allocate (``--nodes``).
        ntasks: Tasks to run (``--ntasks``).
        cpus_per_task: CPUs per task (``--cpus-per-task``).
        time_limit: SLURM's own limit (``--time``): ``MM``, ``MM:SS``, ``HH:MM:SS``,
            ``D-HH``, ``D-HH:MM`` or ``D-HH:MM:SS``. A job over it ends ``timed_out``.
        memory: Memory per node (``--mem``), such as ``"4G"`` or ``"500M"``.
        account: Account charged (``--account``).
        qos: Quality of service (``--qos``).
        reservation: Reservation to run in (``--reservation``).
        job_name: Job name (``--job-name``); None means ``rompy-<run_id>``.
        output_file: Standard output file pattern (``--output``, ``%j`` = job id); relative
            paths are inside the staging dir. None means ``logs/<run_id>.stdout.log``.
        error_file: Standard error file pattern (``--error``); None means
            ``logs/<run_id>.stderr.log``.
        mail_type: When to send mail (``--mail-type``), such as ``"END,FAIL"``.
        mail_user: Who gets the mail (``--mail-user``).
        additional_options: More long ``sbatch`` options, such as ``["--exclusive"]``.
        poll_interval: Seconds between two status queries while waiting.
        timeout: Client-side wait limit in seconds; on expiry the job is cancelled.
        env_vars: Variables exported in the batch script.

    Example:
        >>> SlurmExecution(queue="general", time_limit="01:00:00").time_limit_seconds
        3600
    """

    type: ClassVar[str] = "slurm"
    queue: str | None = _text_field()
    partition: str | None = _text_field()
    command: Command | None = attrs.field(default=None, converter=to_command)
    nodes: int = attrs.field(default=1, validator=_check_count)
    ntasks: int = attrs.field(default=1, validator=_check_count)
    cpus_per_task: int = attrs.field(default=1, validator=_check_count)
    time_limit: str = attrs.field(default="1:00:00", validator=_check_time_limit)
    memory: str | None = _text_field(_check_memory)
    account: str | None = _text_field()
    qos: str | None = _text_field()
    reservation: str | None = _text_field()
    job_name: str | None = _text_field()
    output_file: str | None = _text_field()
    error_file: str | None = _text_field()
    mail_type: str | None = _text_field(_check_mail_type)
    mail_user: str | None = _text_field()
    additional_options: tuple[str, ...] = attrs.field(
        default=(), converter=_to_options, validator=_check_options
    )
    poll_interval: float = attrs.field(default=2.0, validator=_check_poll_interval)

    def __attrs_post_init__(self) -> None:
        """Check the fields that depend on each other and the variable names."""
        if self.queue is not None and self.partition is not None:
            raise ConfigError(
                f"both queue ({self.queue!r}) and partition ({self.partition!r}) are set; "
                "they name the same thing, keep one",
                path="partition",
                value=self.partition,
            )
        for name in self.env_vars:
            if not _ENV_NAME.match(name):
                raise ConfigError(
                    f"{name!r} is not a variable name; use letters, digits and '_', not "
                    "starting with a digit",
                    path=f"env_vars.{name}",
                    value=name,
                )

    @property
    def partition_name(self) -> str | None:
        """The partition asked for, from ``queue`` or ``partition``."""
        return self.queue if self.queue is not None else self.partition

    @property
    def partition_field(self) -> str:
        """The field the partition was given in (for error paths)."""
        return "partition" if self.partition is not None else "queue"

    @property
    def time_limit_seconds(self) -> int:
        """The time limit in seconds."""
        return parse_time_limit(self.time_limit)

    def sbatch_options(self) -> list[tuple[str, str | None]]:
        """Return the ``(--option, value)`` pairs of every set field (value None: a flag)."""
        fields: list[tuple[str, Any]] = [
            ("--partition", self.partition_name),
            ("--nodes", self.nodes),
            ("--ntasks", self.ntasks),
            ("--cpus-per-task", self.cpus_per_task),
            ("--time", self.time_limit),
            ("--mem", self.memory),
            ("--account", self.account),
            ("--qos", self.qos),
            ("--reservation", self.reservation),
            ("--mail-type", self.mail_type),
            ("--mail-user", self.mail_user),
        ]
        options: list[tuple[str, str | None]] = [
            (name, str(value)) for name, value in fields if value is not None
        ]
        for option in self.additional_options:
            name, equals, value = option.partition("=")
            options.append((name, value if equals else None))
        return options


@attrs.frozen(kw_only=True)
class ArrayTask:
    """One run of a job array.

    Attributes:
        staging_dir: The run's staging dir (its working dir).
        command: The run's command.
        log_name: Base name of its default output files (the run id).
    """

    staging_dir: Path
    command: Command
    log_name: str


def escape_pattern(text: str) -> str:
    """Return ``text`` with ``%`` doubled, so SLURM reads it literally in a file name."""
    return text.replace("%", "%%")


def output_patterns(spec: SlurmExecution, staging_dir: Path, log_name: str) -> tuple[str, str]:
    """Return the absolute stdout and stderr file patterns of a run.

    Relative ``output_file``/``error_file`` are inside ``staging_dir``; the defaults are
    ``<staging>/logs/<log_name>.stdout.log`` and ``.stderr.log``.
    """
    default_base = escape_pattern(str(staging_dir / LOG_DIR / log_name))
    return (
        _absolute(spec.output_file, staging_dir) or f"{default_base}.stdout.log",
        _absolute(spec.error_file, staging_dir) or f"{default_base}.stderr.log",
    )


def _absolute(pattern: str | None, staging_dir: Path) -> str | None:
    if pattern is None:
        return None
    return pattern if pattern.startswith("/") else f"{escape_pattern(str(staging_dir))}/{pattern}"


def command_line(command: Command) -> str:
    """Return the script line running ``command``: strings through bash, argv lists as is."""
    if isinstance(command, str):
        return f"bash -c {shlex.quote(command)}"
    return shlex.join(command)


def _directive(name: str, value: str | None) -> str:
    if value is not None and ("\n" in value or "\r" in value):
        raise ConfigError(
            f"the value of {name} spans lines; give it on one line", path=name, value=value
        )
    return f"#SBATCH {name}" if value is None else f"#SBATCH {name}={shlex.quote(value)}"


def _header(spec: SlurmExecution, job_name: str, extra: list[tuple[str, str | None]]) -> list[str]:
    options = [("--job-name", job_name), *extra, *spec.sbatch_options()]
    return ["#!/bin/bash", *(_directive(name, value) for name, value in options)]


def _exports(spec: SlurmExecution) -> list[str]:
    return [f"export {name}={shlex.quote(str(value))}" for name, value in spec.env_vars.items()]


def _run_lines(command: str) -> list[str]:
    return [
        f"rm -f {EXIT_CODE_FILE}",
        f"trap 'echo {SIGNAL_MARK}TERM > {EXIT_CODE_FILE}; exit 143' TERM",
        command,
        "rompy_exit_code=$?",
        f'echo "$rompy_exit_code" > {EXIT_CODE_FILE}',
        'exit "$rompy_exit_code"',
    ]


def render_batch_script(
    spec: SlurmExecution,
    staging_dir: Path,
    command: Command,
    job_name: str,
    *,
    log_name: str | None = None,
) -> str:
    """Return the batch script of one run.

    The script asks for every set option with ``#SBATCH`` lines (values quoted as
    ``sbatch`` reads them), exports ``env_vars``, runs ``command`` in ``staging_dir`` and
    exits with its exit status, which it also writes to :data:`EXIT_CODE_FILE`.

    Args:
        spec: The execution spec.
        staging_dir: The run's staging dir (absolute).
        command: The command to run.
        job_name: The job's name.
        log_name: Base name of the default output files (default: ``job_name``).

    Raises:
        ConfigError: A value spans several lines.
    """
    stdout, stderr = output_patterns(spec, staging_dir, log_name or job_name)
    where: list[tuple[str, str | None]] = [
        ("--chdir", str(staging_dir)),
        ("--output", stdout),
        ("--error", stderr),
    ]
    lines = _header(spec, job_name, where) + _exports(spec)
    lines.append(f"cd {shlex.quote(str(staging_dir))} || exit 1")
    lines += _run_lines(command_line(command))
    return "\n".join(lines) + "\n"


def _bash_array(name: str, words: Sequence[str]) -> list[str]:
    return [f"{name}=(", *(f"  {word}" for word in words), ")"]


def render_array_script(
    spec: SlurmExecution,
    tasks: Sequence[ArrayTask],
    *,
    job_name: str,
    scheduler_log_dir: Path,
    max_parallel: int | None = None,
) -> str:
    """Return the batch script of a job array running ``tasks`` (task ``i`` = ``tasks[i]``).

    Each task changes into its own staging dir and sends its output to its own files
    there (see :func:`output_patterns`); SLURM's own messages for the tasks go to
    ``scheduler_log_dir``.

    Args:
        spec: The execution spec shared by every task.
        tasks: The runs, in array index order.
        job_name: The array's job name.
        scheduler_log_dir: Folder of SLURM's own per-task output (``%A_%a``).
        max_parallel: At most this many tasks run at once (``--array=0-N%P``).

    Raises:
        ConfigError: No tasks, a bad ``max_parallel`` or a value spanning lines.
    """
    if not tasks or (max_parallel is not None and max_parallel < 1):
        raise ConfigError(
            "a job array needs at least one run and max_parallel of at least 1",
            path="max_parallel",
            value=max_parallel,
        )
    array = f"0-{len(tasks) - 1}" + (f"%{max_parallel}" if max_parallel else "")
    base = escape_pattern(str(scheduler_log_dir / escape_pattern(job_name)))
    extra: list[tuple[str, str | None]] = [
        ("--array", array),
        ("--output", f"{base}-%A_%a.out"),
        ("--error", f"{base}-%A_%a.err"),
    ]
    patterns = [output_patterns(spec, task.staging_dir, task.log_name) for task in tasks]
    lines = _header(spec, job_name, extra) + _exports(spec)
    lines += _bash_array("rompy_dirs", [shlex.quote(str(task.staging_dir)) for task in tasks])
    lines += _bash_array("rompy_commands", [shlex.quote(command_line(t.command)) for t in tasks])
    lines += _bash_array("rompy_stdout", [pattern_shell_word(out) for out, _ in patterns])
    lines += _bash_array("rompy_stderr", [pattern_shell_word(err) for _, err in patterns])
    lines += [
        "rompy_task=${SLURM_ARRAY_TASK_ID:?not a job array task}",
        'cd "${rompy_dirs[$rompy_task]}" || exit 1',
        'exec >"${rompy_stdout[$rompy_task]}" 2>"${rompy_stderr[$rompy_task]}"',
    ]
    lines += _run_lines('eval "${rompy_commands[$rompy_task]}"')
    return "\n".join(lines) + "\n"
