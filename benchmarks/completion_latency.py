"""Time from a job's completion to rompy knowing its outcome, for SLURM and Docker.

Each job sleeps (``--job-seconds``, default 1 s, so it is still running when waiting
starts) and, as its last action, stamps the time it ends: SLURM and local jobs write
``date +%s.%N`` to a file; Docker jobs ``touch`` a file and its modification time is read
(busybox's ``date`` has no ``%N``). The latency of a job is the wall clock when
``app.run(run, backend, skip_generate=True)`` returns minus that stamp. Median and max
over N jobs; goal: every job known in under 3 s (the reference polls SLURM every 30 s).
SLURM runs with ``poll_interval`` 0.5 s and the default 2 s; local (with and without a
timeout) is shown for reference.
An engine that is not running is reported and skipped (exit code 0); only errors exit 1.

    .venv/bin/python benchmarks/completion_latency.py [--quick] [-n 10] [--job-seconds 1]
        [--only local,docker,slurm]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import _common as common
import orchestration_overhead as overhead

GOAL_SECONDS = 3.0
STAMP = "done.stamp"
CASES: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("local", "local", {}),
    ("local, timeout 600 s", "local", {"timeout": 600}),
    ("docker", "docker", {}),
    ("slurm, poll_interval 0.5 s", "slurm", {"poll_interval": 0.5}),
    ("slurm, poll_interval 2 s (default)", "slurm", {}),
)
"""(label, executor, backend fields): the runs measured; other fields keep their defaults."""


@dataclass(frozen=True)
class Row:
    """One case's latencies (seconds), or why it was skipped."""

    label: str
    stamp: str
    latencies: tuple[float, ...] = ()
    skipped: str = ""

    @property
    def verdict(self) -> str:
        """``GOAL MET`` when every latency is under the goal, ``GOAL MISSED``, or skipped."""
        if not self.latencies:
            return f"skipped: {self.skipped}"
        return "GOAL MET" if max(self.latencies) < GOAL_SECONDS else "GOAL MISSED"


def job_command(executor: str, job_seconds: float) -> str:
    """The job: sleep, then stamp the end time as the last action."""
    if executor == "docker":
        return f"sleep {job_seconds:g}; touch {STAMP}"
    return f"sleep {job_seconds:g}; date +%s.%N > {STAMP}"


def read_stamp(executor: str, stamp: Path) -> float:
    """Return the end time the job stamped (epoch seconds)."""
    if executor == "docker":
        return stamp.stat().st_mtime_ns / 1e9
    return float(stamp.read_text().strip())


def one_latency(app: Any, run: Any, backend: Any) -> float:
    """Run one job; return the seconds between its stamp and ``app.run`` returning."""
    stamp = run.staging_dir / STAMP
    stamp.unlink(missing_ok=True)
    outcome = app.run(run, backend, skip_generate=True)
    known = time.time()
    if not outcome.ok:
        raise common.BenchmarkError(f"{backend.type} job failed: {outcome.message}")
    if not stamp.is_file():
        raise common.BenchmarkError(f"{backend.type} job left no {STAMP} in {run.staging_dir}")
    return known - read_stamp(backend.type, stamp)


def measure(executors: Sequence[str], repeat: int, job_seconds: float, workdir: Path) -> list[Row]:
    """Measure every case of :data:`CASES` whose executor is in ``executors``."""
    app, run = overhead.make_app_and_run(workdir / "out")
    rows = []
    for label, executor, fields in CASES:
        if executor not in executors:
            continue
        stamp = "file mtime" if executor == "docker" else "date +%s.%N"
        missing = overhead.engine_missing(executor)
        if missing:
            rows.append(Row(label=label, stamp=stamp, skipped=missing))
            continue
        backend = overhead.backend_spec(app, executor, job_command(executor, job_seconds), **fields)
        latencies = tuple(one_latency(app, run, backend) for _ in range(repeat))
        rows.append(Row(label=label, stamp=stamp, latencies=latencies))
    return rows


def print_table(title: str, rows: Sequence[Row]) -> None:
    """Print the rows aligned: median, max and min latency in ms, and the verdict."""
    lines = [["executor", "end stamp", "jobs", "median (ms)", "max (ms)", "min (ms)", "verdict"]]
    for row in rows:
        numbers = ["n/a"] * 3
        if row.latencies:
            summary = (statistics.median(row.latencies), max(row.latencies), min(row.latencies))
            numbers = [f"{value * 1000:.0f}" for value in summary]
        lines.append([row.label, row.stamp, str(len(row.latencies)), *numbers, row.verdict])
    overhead.print_aligned(title, lines)


def _add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--job-seconds", type=float, default=1.0, help="how long each job sleeps (default 1)"
    )
    parser.add_argument(
        "--only",
        default=",".join(overhead.EXECUTORS),
        help="comma-separated executors to measure",
    )


def main() -> int:
    """Measure, print the table and the verdicts; exit 1 only on errors."""
    args = common.parse_args(__doc__ or "", default_repeat=10, quick_repeat=3, extra=_add_options)
    executors = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(executors) - set(overhead.EXECUTORS))
    if unknown:
        print(
            f"unknown executors {unknown}; choose among {list(overhead.EXECUTORS)}", file=sys.stderr
        )
        return 2

    def body() -> None:
        load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        print(f"python {sys.version.split()[0]}; {os.cpu_count()} cpus, load average {load}")
        with tempfile.TemporaryDirectory(prefix="rompy-latency-") as tmp:
            rows = measure(executors, args.repeat, args.job_seconds, Path(tmp))
            print_table(
                f"completion latency: job's last action to outcome known, {args.repeat} jobs "
                f"each; goal every job < {GOAL_SECONDS:g} s",
                rows,
            )

    return common.main_guard(body)


if __name__ == "__main__":
    sys.exit(main())
