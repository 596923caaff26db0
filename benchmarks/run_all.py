"""Run every benchmark script and print all tables, then a summary of the goals.

    .venv/bin/python benchmarks/run_all.py [--quick] [--importtime] [--only core|engines|data]

Without --only, the core group runs (start-up, generate, load/dump).

Exit code 1 if a script failed (an error, not a missed goal).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORE_SCRIPTS = ("startup.py", "generate_base.py", "load_dump.py")
ENGINE_SCRIPTS = ("orchestration_overhead.py", "completion_latency.py")
DATA_SCRIPTS = ("data_crop.py", "data_multifile.py", "data_cache.py")
GROUPS = {"core": CORE_SCRIPTS, "engines": ENGINE_SCRIPTS, "data": DATA_SCRIPTS}


def _summarise(script: str, row: str) -> str:
    """Shorten a verdict line to ``script: what: verdict`` (tables differ between scripts)."""
    cells = re.split(r"\s{2,}", row.strip())
    return f"{script}: {cells[0]}: {cells[-1]}"


def run_script(name: str, options: list[str]) -> tuple[int, list[str]]:
    """Run one script with our interpreter; echo its output; return its code and verdict lines."""
    done = subprocess.run(
        [sys.executable, str(HERE / name), *options],
        capture_output=True,
        text=True,
        check=False,
    )
    print(f"\n######## {name} {' '.join(options)}".rstrip())
    print(done.stdout, end="")
    if done.stderr:
        print(done.stderr, end="", file=sys.stderr)
    verdicts = [
        _summarise(name, line)
        for line in done.stdout.splitlines()
        if line.rstrip().endswith(("GOAL MET", "GOAL MISSED", "no reference"))
    ]
    return done.returncode, verdicts


def main() -> int:
    """Run the scripts; print the verdicts; exit 1 if any script failed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smoke run of every script")
    parser.add_argument("--importtime", action="store_true", help="startup.py --importtime")
    parser.add_argument(
        "--only",
        choices=sorted(GROUPS),
        action="append",
        help="run only these groups (engines need Docker and SLURM; data makes 2 GB files)",
    )
    args = parser.parse_args()
    failed = []
    summary = []
    scripts = [name for group in (args.only or ["core"]) for name in GROUPS[group]]
    for name in scripts:
        options = ["--quick"] if args.quick else []
        if args.importtime and name == "startup.py":
            options.append("--importtime")
        code, verdicts = run_script(name, options)
        summary += verdicts
        if code != 0:
            failed.append(name)
    print("\n######## summary")
    for line in summary:
        print(f"  {line}")
    if failed:
        print(f"FAILED (errors, not goals): {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
