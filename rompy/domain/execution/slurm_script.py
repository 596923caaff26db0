"""Pure rendering of the batch scripts of SLURM jobs.

The jobs are those of :class:`~rompy.domain.execution.slurm.SlurmExecution`.

Every script runs the model command in the staging dir and writes the command's exit status
to :data:`EXIT_CODE_FILE` there (or ``signal:TERM`` when SLURM stops the job), so the outcome
is known even after the scheduler has forgotten the job. ``#SBATCH`` values are quoted the way
``sbatch`` reads them (shell-style quotes).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping, Sequence
from pathlib import Path

import attrs

from rompy.domain.errors import ConfigError
from rompy.domain.execution.slurm import SlurmExecution
from rompy.domain.model_config import Command

EXIT_CODE_FILE = ".rompy-exit-code"
"""Written by the batch script into the staging dir: the command's exit status."""

SIGNAL_MARK = "signal:"
"""Prefix of :data:`EXIT_CODE_FILE` when the job was stopped by a signal (``signal:TERM``)."""

LOG_DIR = "logs"
"""The staging dir folder holding the job's output files by default."""

_PATTERN_VARIABLES = {
    "A": "SLURM_ARRAY_JOB_ID",
    "a": "SLURM_ARRAY_TASK_ID",
    "j": "SLURM_JOB_ID",
    "x": "SLURM_JOB_NAME",
    "u": "USER",
    "N": "SLURMD_NODENAME",
}
_PATTERN_TOKEN = re.compile(r"%(%|[A-Za-z])")


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
