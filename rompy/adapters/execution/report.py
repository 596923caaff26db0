"""What to say about a finished process: the tail of its output, how it ended, the log event.

Shared by the executors (local, docker, slurm); :mod:`rompy.adapters.execution.output` records
the output these read.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

from rompy.log import RompyLogger
from rompy.ports.execution import RunOutcome

_STDERR_LINES_IN_MESSAGE = 5
_TAIL_BLOCK = 8192


def tail(path: Path, n: int = 10) -> list[str]:
    """Return the last ``n`` lines of the text file ``path`` (without line ends).

    Reads the file backwards in blocks, so it is cheap on huge logs. A missing file gives an
    empty list; undecodable bytes are replaced.

    Args:
        path: The file to read.
        n: How many lines to return at most.
    """
    if n <= 0 or not path.is_file():
        return []
    with path.open("rb") as file:
        position = file.seek(0, os.SEEK_END)
        data = b""
        while position > 0 and data.count(b"\n") <= n:
            step = min(_TAIL_BLOCK, position)
            position -= step
            file.seek(position)
            data = file.read(step) + data
    lines = data.decode("utf-8", errors="replace").splitlines()
    return lines[-n:]


def exit_cause(returncode: int) -> str:
    """Say how a process ended: ``exit code 3`` or ``killed by signal SIGKILL``.

    Args:
        returncode: The process return code (negative when killed by a signal).
    """
    if returncode >= 0:
        return f"exit code {returncode}"
    try:
        return f"killed by signal {signal.Signals(-returncode).name}"
    except ValueError:
        return f"killed by signal {-returncode}"


def failure_message(returncode: int, stderr_lines: list[str]) -> str:
    """Return the one-line message of a command that ended with ``returncode`` != 0.

    Args:
        returncode: The process return code (negative when killed by a signal).
        stderr_lines: The last lines the command wrote on stderr.
    """
    cause = exit_cause(returncode)
    lines = [line.strip() for line in stderr_lines if line.strip()]
    if not lines:
        return f"{cause}; nothing on stderr"
    return f"{cause}; last lines of stderr: " + " | ".join(lines[-_STDERR_LINES_IN_MESSAGE:])


def log_process_finished(logger: RompyLogger, outcome: RunOutcome, executor: str) -> None:
    """Log the end of a model process: info when it succeeded, warning otherwise.

    Args:
        logger: The executor's logger.
        outcome: The run's outcome.
        executor: The executor's ``type`` tag.
    """
    event = logger.info if outcome.ok else logger.warning
    event(
        "process_finished",
        run_id=outcome.run_id,
        executor=executor,
        status=outcome.status,
        exit_code=outcome.exit_code,
        duration=round(outcome.duration, 3),
        message=outcome.message,
    )
