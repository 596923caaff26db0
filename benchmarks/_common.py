"""Shared helpers of the benchmark scripts: paths, the reference venv, timing and tables.

The scripts compare our rompy (the interpreter running the script, normally
``.venv/bin/python``) with the reference ``rompy==0.6.4`` installed by
``benchmarks/setup_reference.sh`` in ``${ROMPY_BENCH_DIR:-<repo>/.bench}/ref-venv``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
CONFIGS = REPO_ROOT / "tests" / "fixtures" / "compat" / "rompy-0.6" / "configs"
BASIC_MODELRUN = CONFIGS / "basic_modelrun.yml"
BASIC_PIPELINE = CONFIGS / "basic_pipeline.yml"
NOT_INSTALLED = "reference not installed: run benchmarks/setup_reference.sh"
REFERENCE_VENV = "ref-venv"
"""The reference rompy's venv under the bench dir (rompy-swan has its own, rompy-swan-venv)."""


class BenchmarkError(RuntimeError):
    """A benchmarked command or script failed (the benchmark exits non-zero)."""


def bench_dir() -> Path:
    """Return the folder holding the reference venv (``$ROMPY_BENCH_DIR`` or ``<repo>/.bench``)."""
    return Path(os.environ.get("ROMPY_BENCH_DIR") or REPO_ROOT / ".bench")


def reference_bin(name: str, venv: str = REFERENCE_VENV) -> Path | None:
    """Return ``<venv>/bin/<name>`` under the bench dir if that venv has it, else None."""
    path = bench_dir() / venv / "bin" / name
    return path if path.exists() else None


def ours_bin(name: str, directory: Path | None = None) -> Path:
    """Return our ``<name>`` (``rompy``, ``python``) in ``directory``.

    ``directory`` defaults to the running interpreter's ``bin`` folder (our ``.venv``).
    """
    path = (directory or Path(sys.executable).parent).absolute() / name
    if not path.exists():
        raise BenchmarkError(f"{path} not found: run the benchmarks with .venv/bin/python")
    return path


def parse_args(
    description: str,
    *,
    default_repeat: int,
    quick_repeat: int,
    extra: Callable[[argparse.ArgumentParser], None] | None = None,
) -> argparse.Namespace:
    """Parse ``--quick``, ``--repeat`` and ``extra``'s options; ``args.repeat`` is the count."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    if extra is not None:
        extra(parser)
    parser.add_argument("--quick", action="store_true", help="few repeats: a smoke run")
    parser.add_argument(
        "-n",
        "--repeat",
        type=int,
        default=None,
        help=f"repeats (default {default_repeat}; {quick_repeat} with --quick)",
    )
    args = parser.parse_args()
    if args.repeat is None:
        args.repeat = quick_repeat if args.quick else default_repeat
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def median_ms(seconds: Sequence[float]) -> float:
    """Return the median of ``seconds`` in milliseconds."""
    return statistics.median(seconds) * 1000.0


def run_reference_script(
    code: str, *arguments: str, cwd: Path, venv: str = REFERENCE_VENV
) -> dict[str, Any]:
    """Run ``code`` with a reference venv's python; return the JSON of its last stdout line.

    ``-I`` keeps the current directory (which may hold our ``rompy/`` package) off
    ``sys.path``; ``ROMPY_LOG_LEVEL=WARNING`` keeps the reference's INFO logging quiet.
    ``venv`` names the venv under the bench dir (default: the reference rompy's).
    """
    python = reference_bin("python", venv)
    if python is None:
        raise BenchmarkError(NOT_INSTALLED if venv == REFERENCE_VENV else f"{venv} not installed")
    env = {**os.environ, "ROMPY_LOG_LEVEL": "WARNING"}
    done = subprocess.run(
        [str(python), "-I", "-c", code, *arguments],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise BenchmarkError(f"reference script failed ({done.returncode}):\n{done.stderr}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def quiet_our_logging() -> None:
    """Drop our events below WARNING, as an embedding application would.

    The reference is quietened the same way (``ROMPY_LOG_LEVEL=WARNING``), so neither side
    pays for writing log lines.
    """
    import logging

    logging.getLogger("rompy").setLevel(logging.WARNING)


@dataclass(frozen=True)
class Row:
    """One line of a result table: a measurement of ours and of the reference, in ms."""

    label: str
    ours_ms: float
    reference_ms: float | None
    goal_factor: float | None = None

    @property
    def ratio(self) -> float | None:
        """Ours divided by the reference (None without a reference)."""
        if self.reference_ms is None or self.reference_ms == 0:
            return None
        return self.ours_ms / self.reference_ms

    @property
    def verdict(self) -> str:
        """``GOAL MET``, ``GOAL MISSED``, ``no reference`` or ``-`` (no goal on this row)."""
        if self.goal_factor is None:
            return "-"
        if self.ratio is None:
            return "no reference"
        return "GOAL MET" if self.ratio < self.goal_factor else "GOAL MISSED"


def _cell(value: float | None, digits: int) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def print_table(title: str, rows: Sequence[Row]) -> None:
    """Print ``rows`` as an aligned table under ``title``."""
    header = ("what", "ours (ms)", "reference (ms)", "ratio", "goal", "verdict")
    lines = [header]
    for row in rows:
        goal = "-" if row.goal_factor is None else f"ours < {row.goal_factor:g} x reference"
        lines.append(
            (
                row.label,
                _cell(row.ours_ms, 3),
                _cell(row.reference_ms, 3),
                _cell(row.ratio, 3),
                goal,
                row.verdict,
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    print(f"\n== {title}")
    for line in lines:
        cells = [line[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(line[1:4], widths[1:4], strict=True)]
        cells += [line[4].ljust(widths[4]), line[5]]
        print("  ".join(cells).rstrip())


def report_machine() -> None:
    """Print our interpreter, the number of cpus and the machine's load."""
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(
        f"ours: {sys.executable} (python {sys.version.split()[0]}); "
        f"{os.cpu_count()} cpus, load average {load}"
    )


def report_reference_status() -> bool:
    """Print the machine's load and which reference is used (or how to install it).

    Returns:
        Whether the reference venv is there.
    """
    report_machine()
    python = reference_bin("python")
    if python is None:
        print(NOT_INSTALLED)
        return False
    print(f"reference: {python}")
    return True


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment for timed child processes, with a bytecode cache.

    ``PYTHONDONTWRITEBYTECODE`` is dropped and ``PYTHONPYCACHEPREFIX`` points into the bench
    dir, as an installed package has its ``.pyc`` files (pip compiles them; the reference's
    are): an editable checkout under ``PYTHONDONTWRITEBYTECODE=1`` would recompile every
    rompy module imported inside a timer. ``extra`` entries are added last.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPYCACHEPREFIX": str(bench_dir() / "pycache"), **(extra or {})}


def main_guard(body: Callable[[], None]) -> int:
    """Run ``body()``; turn a BenchmarkError into a message and exit code 1."""
    try:
        body()
    except BenchmarkError as error:
        print(f"benchmark error: {error}", file=sys.stderr)
        return 1
    return 0
