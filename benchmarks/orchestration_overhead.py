"""Orchestration overhead per run over a trivial command (`true`): ours against the bare engine.

For each executor, the median wall time of N runs of `true` through the App API
(``app.run(run, backend, skip_generate=True)``, after one generate and one warm-up run each)
next to the same work done by the engine alone:

    local    subprocess.run(["true"])
    docker   docker run --rm rompy-test/busybox:latest true
    slurm    sbatch --wait of a one-line script (#!/bin/sh + true)

Ours and the bare engine take turns, so a change in the machine's load touches both alike.
SLURM runs with two poll intervals: 0.5 s and the spec's default (2 s). Goal: ours <= 1.2 x
the bare engine. An engine that is not running is reported and skipped (exit code 0);
only errors exit 1. ``--profile EXECUTOR`` prints where our runs spend their time (cProfile).

    .venv/bin/python benchmarks/orchestration_overhead.py [--quick] [-n 10] [--slurm-repeat 5]
        [--only local,docker,slurm] [--profile local|docker|slurm]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import _common as common

GOAL_FACTOR = 1.2
TEST_IMAGE = "rompy-test/busybox:latest"
SLURM_POLL_INTERVALS = (0.5, 2.0)
"""The sensible short interval, and the spec's default."""
EXECUTORS = ("local", "docker", "slurm")
PIPELINE = common.REPO_ROOT / "tests" / "fixtures" / "backends" / "pipeline.yml"
USABLE_NODE_STATES = {"idle", "mixed", "allocated", "completing"}
PROFILE_LINES = 25


@dataclass(frozen=True)
class Row:
    """One executor's medians (seconds) against its bare engine, or why it was skipped."""

    label: str
    bare: str
    ours_s: float | None = None
    bare_s: float | None = None
    skipped: str = ""

    @property
    def ratio(self) -> float | None:
        """Ours over the bare engine."""
        if self.ours_s is None or not self.bare_s:
            return None
        return self.ours_s / self.bare_s

    @property
    def verdict(self) -> str:
        """``GOAL MET``, ``GOAL MISSED`` or ``skipped: <why>``."""
        if self.ratio is None:
            return f"skipped: {self.skipped}"
        return "GOAL MET" if self.ratio <= GOAL_FACTOR else "GOAL MISSED"


# --- the application side ------------------------------------------------------------------


def make_app_and_run(out_dir: Path) -> tuple[Any, Any]:
    """Bootstrap quietly, load the pipeline fixture's run into ``out_dir`` and generate it."""
    import attrs

    from rompy.bootstrap import bootstrap

    common.quiet_our_logging()
    app = bootstrap()
    run = attrs.evolve(app.load_run(PIPELINE), output_dir=out_dir, delete_existing=True)
    app.generate(run)
    return app, run


def backend_spec(app: Any, executor: str, command: Any, poll_interval: float = 0.5) -> Any:
    """Build the execution spec of ``executor`` for ``command``, as a backend file would."""
    documents = {
        "local": {"type": "local", "command": command, "timeout": 600},
        "docker": {"type": "docker", "image": TEST_IMAGE, "executable": command, "timeout": 600},
        "slurm": {
            "type": "slurm",
            "command": command,
            "time_limit": "5",
            "poll_interval": poll_interval,
            "timeout": 600,
        },
    }
    from rompy.domain.execution import ExecutionSpec

    return app.structure(documents[executor], ExecutionSpec, path="backend")


def run_ours(app: Any, run: Any, backend: Any) -> float:
    """Time one ``app.run(..., skip_generate=True)``; a failed run is a BenchmarkError."""
    start = time.perf_counter()
    outcome = app.run(run, backend, skip_generate=True)
    elapsed = time.perf_counter() - start
    if not outcome.ok:
        raise common.BenchmarkError(f"{backend.type} run failed: {outcome.message}")
    return elapsed


# --- the bare engines ----------------------------------------------------------------------


def run_bare(argv: Sequence[str]) -> float:
    """Time one ``subprocess.run(argv)``; a non-zero exit is a BenchmarkError."""
    start = time.perf_counter()
    done = subprocess.run(list(argv), capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise common.BenchmarkError(f"{' '.join(argv)} exited {done.returncode}: {done.stderr}")
    return elapsed


def bare_argv(executor: str, workdir: Path) -> list[str]:
    """The engine-only command doing what our run of ``true`` does."""
    if executor == "local":
        return ["true"]
    if executor == "docker":
        return ["docker", "run", "--rm", TEST_IMAGE, "true"]
    script = workdir / "bare.sbatch"
    script.write_text("#!/bin/sh\ntrue\n")
    return ["sbatch", "--wait", "--quiet", f"--chdir={workdir}", "--output=/dev/null", str(script)]


def engine_missing(executor: str) -> str:
    """Why ``executor``'s engine cannot run here, or an empty string when it can."""
    if executor == "docker":
        if shutil.which("docker") is None or not _succeeds(["docker", "info"]):
            return "no Docker daemon answers; run scripts/engines/docker.sh"
        if not _succeeds(["docker", "image", "inspect", TEST_IMAGE]):
            return f"image {TEST_IMAGE} missing; run scripts/engines/docker.sh"
    if executor == "slurm":
        done = _output(["sinfo", "--noheader", "--format=%T"])
        if done is None or not set(done.split()) & USABLE_NODE_STATES:
            return "no usable SLURM node; run scripts/engines/slurm.sh"
    return ""


def _output(argv: list[str]) -> str | None:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def _succeeds(argv: list[str]) -> bool:
    return _output(argv) is not None


# --- measuring -----------------------------------------------------------------------------


def alternate(
    ours: Callable[[], float], bare: Callable[[], float], repeat: int
) -> tuple[float, float]:
    """One warm-up each, then ``repeat`` turns of ours and bare; return both medians (s)."""
    ours()
    bare()
    ours_times, bare_times = [], []
    for _ in range(repeat):
        ours_times.append(ours())
        bare_times.append(bare())
    return statistics.median(ours_times), statistics.median(bare_times)


def measure(executors: Sequence[str], repeat: int, slurm_repeat: int, workdir: Path) -> list[Row]:
    """Measure every executor in ``executors``; return one row per executor (and interval)."""
    app, run = make_app_and_run(workdir / "out")
    rows = []
    for executor in executors:
        argv = bare_argv(executor, workdir)
        missing = engine_missing(executor)
        intervals = SLURM_POLL_INTERVALS if executor == "slurm" else (None,)
        for interval in intervals:
            label = executor if interval is None else f"slurm (poll_interval {interval:g} s)"
            if missing:
                rows.append(Row(label=label, bare=" ".join(argv), skipped=missing))
                continue
            backend = backend_spec(app, executor, ["true"], poll_interval=interval or 0.5)
            count = slurm_repeat if executor == "slurm" else repeat
            ours_s, bare_s = alternate(
                lambda spec=backend: run_ours(app, run, spec), lambda cmd=argv: run_bare(cmd), count
            )
            rows.append(Row(label=label, bare=_short(argv), ours_s=ours_s, bare_s=bare_s))
    return rows


def _short(argv: Sequence[str]) -> str:
    if argv[0] == "sbatch":
        return "sbatch --wait one-line script"
    return " ".join(argv) if argv != ["true"] else 'subprocess.run(["true"])'


def print_table(title: str, rows: Sequence[Row]) -> None:
    """Print the rows aligned: medians in ms, the overhead, the ratio and the verdict."""
    header = ("executor", "bare engine", "bare (ms)", "ours (ms)", "ours-bare (ms)", "ratio")
    header += ("verdict",)
    lines = [header]
    for row in rows:
        numbers = ("n/a",) * 4
        if row.ours_s is not None and row.bare_s is not None and row.ratio is not None:
            numbers = (
                f"{row.bare_s * 1000:.1f}",
                f"{row.ours_s * 1000:.1f}",
                f"{(row.ours_s - row.bare_s) * 1000:+.1f}",
                f"{row.ratio:.2f}",
            )
        lines.append((row.label, row.bare, *numbers, row.verdict))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    print(f"\n== {title}")
    for line in lines:
        cells = [line[0].ljust(widths[0]), line[1].ljust(widths[1])]
        cells += [cell.rjust(width) for cell, width in zip(line[2:6], widths[2:6], strict=True)]
        print("  ".join([*cells, line[6]]).rstrip())


# --- profiling -----------------------------------------------------------------------------


def profile(executor: str, repeat: int, workdir: Path) -> None:
    """Print the functions our ``executor`` runs spend most time in (cumulative)."""
    missing = engine_missing(executor)
    if missing:
        print(f"\nprofile of {executor}: skipped: {missing}")
        return
    app, run = make_app_and_run(workdir / "profiled")
    backend = backend_spec(app, executor, ["true"])
    run_ours(app, run, backend)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        run_ours(app, run, backend)
    profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("cumulative").print_stats(PROFILE_LINES)
    print(f"\n== profile of {repeat} {executor} runs (cProfile, cumulative time)")
    print(text.getvalue())


def _add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--slurm-repeat", type=int, default=None, help="SLURM repeats (default 5; 2 with --quick)"
    )
    parser.add_argument(
        "--only", default=",".join(EXECUTORS), help="comma-separated executors to measure"
    )
    parser.add_argument("--profile", choices=EXECUTORS, help="also profile this executor")


def main() -> int:
    """Measure, print the table and the verdicts; exit 1 only on errors."""
    args = common.parse_args(__doc__ or "", default_repeat=10, quick_repeat=3, extra=_add_options)
    slurm_repeat = args.slurm_repeat or (2 if args.quick else 5)
    executors = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(executors) - set(EXECUTORS))
    if unknown:
        print(f"unknown executors {unknown}; choose among {list(EXECUTORS)}", file=sys.stderr)
        return 2

    def body() -> None:
        with tempfile.TemporaryDirectory(prefix="rompy-overhead-") as tmp:
            rows = measure(executors, args.repeat, slurm_repeat, Path(tmp))
            print_table(
                f"orchestration overhead of `true`: median of {args.repeat} runs "
                f"({slurm_repeat} for slurm); goal ours <= {GOAL_FACTOR:g} x bare engine",
                rows,
            )
            if args.profile:
                profile(args.profile, args.repeat, Path(tmp))

    return common.main_guard(body)


if __name__ == "__main__":
    sys.exit(main())
