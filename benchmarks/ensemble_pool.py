"""Ensemble wall time on the process pool: 100 members of a model that sleeps 1 s, 2 workers.

Builds an ensemble of the ``base`` model whose backend command is ``sleep 1`` (a ``list``
sweep of distinct sites), runs it with ``rompy ensemble run`` (a subprocess: bootstrap,
validation of every member, the pool, the state files), and prints the wall time, the ideal
time (members x 1 s / workers), their ratio (goal <= 1.15) and the per-member overhead
``(wall - ideal) x workers / members`` (goal < 50 ms), split into the part inside each
member (its recorded duration minus 1 s) and the one-off start-up.

The reference rompy has no ensembles: its members run one after another. With the reference
installed (``benchmarks/setup_reference.sh``) the script also times ``--reference-runs``
sequential ``rompy pipeline`` runs of the same 1 s model there and prints the per-run cost
and the time 100 members would take (extrapolated from those runs, not measured).

    .venv/bin/python benchmarks/ensemble_pool.py [--members 100] [--workers 2]
        [--reference-runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from _common import BASIC_PIPELINE, reference_bin

SLEEP = 1.0


def pipeline_document(command: str) -> dict:
    document = yaml.safe_load(BASIC_PIPELINE.read_text())
    document["backend"] = {"type": "local", "timeout": 600, "command": command}
    document["postprocessor"] = {"type": "noop"}
    return document


def write_ensemble(folder: Path, members: int, workers: int) -> Path:
    (folder / "pipeline.yml").write_text(yaml.safe_dump(pipeline_document(f"sleep {SLEEP:g}")))
    ensemble = {
        "name": "bench",
        "output_dir": str(folder / "ensembles"),
        "base": "pipeline.yml",
        "sweep": {"kind": "list", "members": [{"config.run_id": f"r{n}"} for n in range(members)]},
        "engine": {"type": "pool", "max_workers": workers},
    }
    path = folder / "ensemble.yml"
    path.write_text(yaml.safe_dump(ensemble))
    return path


def member_durations(ensemble_dir: Path) -> list[float]:
    """Return each member's duration as its state file records it (run in its worker)."""
    return [json.loads(path.read_text())["duration"] for path in ensemble_dir.glob("state/*.json")]


def time_ours(members: int, workers: int) -> tuple[float, list[float]]:
    with tempfile.TemporaryDirectory() as name:
        file = write_ensemble(Path(name), members, workers)
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "rompy", "-q", "ensemble", "run", str(file)],
            cwd=name,
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"ensemble run failed ({done.returncode}):\n{done.stderr[-2000:]}")
        return wall, member_durations(Path(name) / "ensembles" / "bench")


def time_reference(runs: int) -> float | None:
    rompy = reference_bin("rompy")
    if rompy is None:
        return None
    with tempfile.TemporaryDirectory() as name:
        file = Path(name) / "pipeline.yml"
        file.write_text(yaml.safe_dump(pipeline_document(f"sleep {SLEEP:g}")))
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # not our rompy
        start = time.perf_counter()
        for _ in range(runs):
            subprocess.run(
                [str(rompy), "pipeline", str(file)],
                cwd=name,
                env=env,
                capture_output=True,
                check=True,
            )
        return (time.perf_counter() - start) / runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--reference-runs", type=int, default=3)
    args = parser.parse_args()
    wall, durations = time_ours(args.members, args.workers)
    inside = statistics.median(durations) - SLEEP
    ideal = args.members * SLEEP / args.workers
    overhead = (wall - ideal) * args.workers / args.members
    print(f"ours: {args.members} members x {SLEEP:g} s on {args.workers} workers (pool)")
    print(f"  wall {wall:.2f} s, ideal {ideal:.2f} s, ratio {wall / ideal:.3f} (goal <= 1.15)")
    print(f"  per-member overhead {overhead * 1000:.1f} ms (goal < 50 ms), of which")
    print(f"    {inside * 1000:.1f} ms inside the member (median state duration - {SLEEP:g} s:")
    print("    generate, local run, postprocess, state writes); the rest is start-up")
    print("    (CLI, validating every member, starting and bootstrapping the workers)")
    per_run = time_reference(args.reference_runs) if args.reference_runs else None
    if per_run is None:
        print("reference: not installed (benchmarks/setup_reference.sh) or not asked")
        return
    print(f"reference: {args.reference_runs} sequential 'rompy pipeline' runs of the 1 s model")
    print(f"  {per_run:.2f} s per run ({(per_run - SLEEP) * 1000:.0f} ms above the model)")
    print(
        f"  {args.members} members one after another: {per_run * args.members:.0f} s "
        "(extrapolated, not measured)"
    )


if __name__ == "__main__":
    main()
