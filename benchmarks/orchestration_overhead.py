"""Orchestration overhead per run over a trivial command (`true`): ours against the bare engine.

For each executor, the median wall time of N runs of `true` through the App API
(``app.run(run, backend, skip_generate=True)``, after one generate and one warm-up run each)
next to the engine alone doing the same work:

    local    subprocess.run(["true"]), capturing the output when ours does
    docker   docker run --rm rompy-test/busybox:latest true
    slurm    sbatch --wait of a one-line script (#!/bin/sh + true)

Ours and the bare engine take turns, so a change in the machine's load touches both alike.
Each goal row compares like with like. By default our local run reads the output from pipes
(saved and streamed), so its bare engine is ``subprocess.run(["true"], capture_output=True)``;
with ``capture_output`` and ``stream_output`` off the model writes straight to our own
stdout/stderr, so its bare engine is ``subprocess.run(["true"])``. One more row, for context
only (no goal), sets the defaults against that bare run, which does less work (no pipes).
The local defaults run once more with ``timeout: 600`` (the process is then waited for with
a deadline). SLURM runs with ``poll_interval`` 0.5 s and the default 2 s. ``sbatch --wait``
checks the job 2 s after submitting, then every 8 s or more, so the bare SLURM time is about
2 s or 10 s; each SLURM job follows an untimed random pause of up to 3 s, so neither side
stays in step with slurmctld's scheduling ticks.
Goals: a local run adds at most 1 ms to its bare ``subprocess.run`` (what a user would write
by hand); Docker and SLURM runs take at most 1.2 x their bare engine. An engine that is not
running is reported and skipped (exit code 0); only errors exit 1.
``--profile EXECUTOR`` prints where our runs spend their time (cProfile).

    .venv/bin/python benchmarks/orchestration_overhead.py [--quick] [-n 30] [--slurm-repeat 5]
        [--only local,docker,slurm] [--profile local|docker|slurm]
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import io
import os
import pstats
import random
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
"""Docker and SLURM: ours at most this many times the bare engine."""
GOAL_ADDED_MS = 1.0
"""Local: ours at most this many milliseconds over the bare ``subprocess.run``."""
TEST_IMAGE = "rompy-test/busybox:latest"
EXECUTORS = ("local", "docker", "slurm")
INHERITED_OUTPUT = {"capture_output": False, "stream_output": False}


@dataclass(frozen=True)
class Case:
    """One measured run: our backend fields, and what the bare engine does next to it."""

    label: str
    executor: str
    fields: dict[str, Any]
    bare_captures: bool = False
    context: bool = False

    @property
    def goal_added_ms(self) -> float | None:
        """The local goal in added milliseconds (None: the goal is a ratio)."""
        return GOAL_ADDED_MS if self.executor == "local" else None


CASES = (
    Case("local (output saved and streamed)", "local", {}, bare_captures=True),
    Case("local, timeout 600 s", "local", {"timeout": 600}, bare_captures=True),
    Case("local (output inherited)", "local", INHERITED_OUTPUT),
    Case("local (context: defaults, bare reads no pipes)", "local", {}, context=True),
    Case("docker", "docker", {}),
    Case("slurm, poll_interval 0.5 s", "slurm", {"poll_interval": 0.5}),
    Case("slurm, poll_interval 2 s (default)", "slurm", {}),
)
"""The runs measured; backend fields not named keep their defaults."""
PIPELINE = common.REPO_ROOT / "tests" / "fixtures" / "backends" / "pipeline.yml"
SLURM_PHASE_SPREAD = 3.0
"""Seconds over which the untimed pause before each SLURM job is spread."""
USABLE_NODE_STATES = {"idle", "mixed", "allocated", "completing"}
PROFILE_LINES = 25


@dataclass(frozen=True)
class Row:
    """One case's timings (seconds) next to its bare engine's, or why it was skipped."""

    label: str
    bare: str
    ours_samples: tuple[float, ...] = ()
    bare_samples: tuple[float, ...] = ()
    skipped: str = ""
    context: bool = False
    goal_added_ms: float | None = None

    @property
    def ours_s(self) -> float | None:
        """Median of ours."""
        return statistics.median(self.ours_samples) if self.ours_samples else None

    @property
    def bare_s(self) -> float | None:
        """Median of the bare engine."""
        return statistics.median(self.bare_samples) if self.bare_samples else None

    @property
    def ratio(self) -> float | None:
        """Ours over the bare engine (medians)."""
        if self.ours_s is None or not self.bare_s:
            return None
        return self.ours_s / self.bare_s

    @property
    def verdict(self) -> str:
        """``GOAL MET``, ``GOAL MISSED``, ``context only`` or ``skipped: <why>``."""
        if self.ratio is None:
            return f"skipped: {self.skipped}"
        if self.context:
            return "context only"
        if self.goal_added_ms is not None and self.ours_s is not None and self.bare_s:
            met = (self.ours_s - self.bare_s) * 1000 <= self.goal_added_ms
            return f"GOAL {'MET' if met else 'MISSED'} (<= +{self.goal_added_ms:g} ms)"
        met = self.ratio <= GOAL_FACTOR
        return f"GOAL {'MET' if met else 'MISSED'} (<= {GOAL_FACTOR:g} x)"


# --- the application side ------------------------------------------------------------------


def make_app_and_run(out_dir: Path) -> tuple[Any, Any]:
    """Bootstrap quietly, load the pipeline fixture's run into ``out_dir`` and generate it."""
    import attrs

    from rompy.application import bootstrap

    common.quiet_our_logging()
    app = bootstrap()
    run = attrs.evolve(app.load_run(PIPELINE), output_dir=out_dir, delete_existing=True)
    app.generate(run)
    return app, run


def backend_spec(app: Any, executor: str, command: Any, **fields: Any) -> Any:
    """Build the execution spec of ``executor`` for ``command``, as a backend file would.

    ``fields`` are more backend fields (``timeout``, ``poll_interval``); the rest keep the
    spec's defaults, except SLURM's ``time_limit`` (5 minutes).
    """
    from rompy.domain.execution.spec import ExecutionSpec

    documents: dict[str, dict[str, Any]] = {
        "local": {"type": "local", "command": command},
        "docker": {"type": "docker", "image": TEST_IMAGE, "executable": command},
        "slurm": {"type": "slurm", "command": command, "time_limit": "5"},
    }
    return app.structure({**documents[executor], **fields}, ExecutionSpec, path="backend")


def run_ours(app: Any, run: Any, backend: Any) -> float:
    """Time one ``app.run(..., skip_generate=True)``; a failed run is a BenchmarkError."""
    start = time.perf_counter()
    outcome = app.run(run, backend, skip_generate=True)
    elapsed = time.perf_counter() - start
    if not outcome.ok:
        raise common.BenchmarkError(f"{backend.type} run failed: {outcome.message}")
    return elapsed


# --- the bare engines ----------------------------------------------------------------------


def run_bare(argv: Sequence[str], capture: bool = False) -> float:
    """Time one ``subprocess.run(argv)`` (``capture_output=capture``); exit != 0 is an error."""
    start = time.perf_counter()
    done = subprocess.run(list(argv), capture_output=capture, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise common.BenchmarkError(f"{' '.join(argv)} exited {done.returncode}")
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
        if _output(["docker", "info"]) is None:
            return "no Docker daemon answers; run scripts/engines/docker.sh"
        if _output(["docker", "image", "inspect", TEST_IMAGE]) is None:
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


# --- measuring -----------------------------------------------------------------------------


def no_pause() -> None:
    """Start the next timed call at once."""


def random_pause() -> None:
    """Wait a random, untimed moment before the next SLURM job.

    slurmctld starts jobs on its own scheduling ticks, and ``sbatch --wait`` returns on a
    fixed schedule; without this pause the next submission would keep the same phase
    against the ticks, and one side would always wait longest.
    """
    time.sleep(random.uniform(0.0, SLURM_PHASE_SPREAD))


def alternate(
    ours: Callable[[], float],
    bare: Callable[[], float],
    repeat: int,
    pause: Callable[[], None] = no_pause,
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """One warm-up each, then ``repeat`` turns of ours and bare; return both timings (s)."""
    ours_times: list[float] = []
    bare_times: list[float] = []
    for turn in range(repeat + 1):
        pause()
        ours_s = ours()
        pause()
        bare_s = bare()
        if turn:
            ours_times.append(ours_s)
            bare_times.append(bare_s)
    return tuple(ours_times), tuple(bare_times)


def measure(executors: Sequence[str], repeat: int, slurm_repeat: int, workdir: Path) -> list[Row]:
    """Measure every case of :data:`CASES` whose executor is in ``executors``."""
    app, run = make_app_and_run(workdir / "out")
    rows = []
    for case in CASES:
        if case.executor not in executors:
            continue
        argv = bare_argv(case.executor, workdir)
        bare = _short(argv) + (" with capture_output=True" if case.bare_captures else "")
        missing = engine_missing(case.executor)
        if missing:
            rows.append(Row(label=case.label, bare=bare, skipped=missing, context=case.context))
            continue
        backend = backend_spec(app, case.executor, ["true"], **case.fields)
        slurm = case.executor == "slurm"
        ours_samples, bare_samples = alternate(
            functools.partial(run_ours, app, run, backend),
            functools.partial(run_bare, argv, case.bare_captures),
            slurm_repeat if slurm else repeat,
            pause=random_pause if slurm else no_pause,
        )
        rows.append(
            Row(
                label=case.label,
                bare=bare,
                ours_samples=ours_samples,
                bare_samples=bare_samples,
                context=case.context,
                goal_added_ms=case.goal_added_ms,
            )
        )
    return rows


def _short(argv: Sequence[str]) -> str:
    if argv[0] == "sbatch":
        return "sbatch --wait one-line script"
    return " ".join(argv) if argv != ["true"] else 'subprocess.run(["true"])'


def print_aligned(title: str, lines: Sequence[Sequence[str]]) -> None:
    """Print a header line and rows: two text columns, four numbers, then the verdict."""
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    print(f"\n== {title}")
    for line in lines:
        cells = [line[0].ljust(widths[0]), line[1].ljust(widths[1])]
        cells += [cell.rjust(width) for cell, width in zip(line[2:6], widths[2:6], strict=True)]
        print("  ".join([*cells, *line[6:]]).rstrip())


def print_table(title: str, rows: Sequence[Row]) -> None:
    """Print the rows: medians in ms, the overhead, the ratio, the verdict; SLURM's samples."""
    lines = [["executor", "bare engine", "bare (ms)", "ours (ms)", "ours-bare (ms)", "ratio"]]
    lines[0].append("verdict")
    for row in rows:
        numbers = ["n/a"] * 4
        if row.ours_s is not None and row.bare_s is not None and row.ratio is not None:
            numbers = [
                f"{row.bare_s * 1000:.1f}",
                f"{row.ours_s * 1000:.1f}",
                f"{(row.ours_s - row.bare_s) * 1000:+.1f}",
                f"{row.ratio:.2f}",
            ]
        lines.append([row.label, row.bare, *numbers, row.verdict])
    print_aligned(title, lines)
    for row in rows:
        if row.ours_samples and row.label.startswith("slurm"):
            ours, bare = _seconds(row.ours_samples), _seconds(row.bare_samples)
            print(f"  {row.label}: ours {ours}; bare {bare}")


def _seconds(samples: Sequence[float]) -> str:
    return "[" + ", ".join(f"{value:.1f}" for value in samples) + "] s"


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
    args = common.parse_args(__doc__ or "", default_repeat=30, quick_repeat=5, extra=_add_options)
    slurm_repeat = args.slurm_repeat or (2 if args.quick else 5)
    executors = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(executors) - set(EXECUTORS))
    if unknown:
        print(f"unknown executors {unknown}; choose among {list(EXECUTORS)}", file=sys.stderr)
        return 2

    def body() -> None:
        load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        print(f"python {sys.version.split()[0]}; {os.cpu_count()} cpus, load average {load}")
        with tempfile.TemporaryDirectory(prefix="rompy-overhead-") as tmp:
            rows = measure(executors, args.repeat, slurm_repeat, Path(tmp))
            print_table(
                f"orchestration overhead of `true`: median of {args.repeat} runs "
                f"({slurm_repeat} for slurm); goals: local <= +{GOAL_ADDED_MS:g} ms, "
                f"docker and slurm <= {GOAL_FACTOR:g} x bare engine",
                rows,
            )
            if args.profile:
                profile(args.profile, args.repeat, Path(tmp))

    return common.main_guard(body)


if __name__ == "__main__":
    sys.exit(main())
