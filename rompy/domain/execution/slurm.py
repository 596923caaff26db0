"""The SLURM execution spec (``type: slurm``) and its pure rules.

A :class:`SlurmExecution` describes the job a run becomes on a SLURM cluster: partition,
resources, time limit, accounting, mail and extra ``sbatch`` options.
``rompy.domain.execution.slurm_script`` turns it into batch script text; submitting, polling and
cancelling live in ``rompy.adapters.execution.slurm.executor``.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import attrs

from rompy.domain.errors import ConfigError
from rompy.domain.execution.spec import ExecutionSpec, to_command
from rompy.domain.model_config import Command

MAIL_TYPES = frozenset(
    {"NONE", "BEGIN", "END", "FAIL", "REQUEUE", "ALL", "INVALID_DEPEND", "STAGE_OUT"}
    | {"TIME_LIMIT", "TIME_LIMIT_90", "TIME_LIMIT_80", "TIME_LIMIT_50", "ARRAY_TASKS"}
)
"""The values ``--mail-type`` accepts (a comma-separated list of them)."""

RULED_OPTIONS = {
    "--nodes": "nodes",
    "--ntasks": "ntasks",
    "--cpus-per-task": "cpus_per_task",
    "--time": "time_limit",
    "--job-name": "job_name",
    "--output": "output_file",
    "--error": "error_file",
    "--array": "",
    "--chdir": "",
    "--parsable": "",
    "--wait": "",
    "--wrap": "",
}
"""``sbatch`` options rompy always sets (from the named field), refused in
``additional_options``."""

OPTIONAL_FIELD_OPTIONS = {
    "--partition": "queue",
    "--mem": "memory",
    "--account": "account",
    "--qos": "qos",
    "--reservation": "reservation",
    "--mail-type": "mail_type",
    "--mail-user": "mail_user",
}
"""``sbatch`` options with an optional field: allowed in ``additional_options`` only while
that field is unset."""

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
    if name in RULED_OPTIONS:
        field = RULED_OPTIONS[name]
        fix = f"set backend.{field} instead" if field else "rompy sets it itself; remove it"
        raise ConfigError(f"{name} cannot be an additional option; {fix}", path=path, value=option)


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
        self._check_option_conflicts()
        for name in self.env_vars:
            if not _ENV_NAME.match(name):
                raise ConfigError(
                    f"{name!r} is not a variable name; use letters, digits and '_', not "
                    "starting with a digit",
                    path=f"env_vars.{name}",
                    value=name,
                )

    def _check_option_conflicts(self) -> None:
        for index, option in enumerate(self.additional_options):
            field = OPTIONAL_FIELD_OPTIONS.get(option.split("=", 1)[0], "")
            if field and getattr(self, field if field != "queue" else "partition_name"):
                raise ConfigError(
                    f"{option!r} repeats backend.{field}; keep one of the two",
                    path=f"additional_options[{index}]",
                    value=option,
                )

    def cpu_count(self) -> int | None:
        """Return ``cpus_per_task`` (the CPUs each task of the job gets)."""
        return self.cpus_per_task

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
