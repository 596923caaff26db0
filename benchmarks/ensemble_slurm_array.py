"""How many ``sbatch`` calls a 50-member ensemble costs on SLURM, and how long it takes.

Runs 50 members of a trivial runner (each task records a ``done`` state, nothing else)
through the ``slurm`` ensemble engine on the real cluster, with ``sbatch`` on PATH replaced
by a shim that logs each call and runs the real one. Prints the number of calls (goal: 1,
the whole ensemble is one job array) and the wall time from submission to the last state.

Usage: ``PYTHONPATH=. .venv/bin/python benchmarks/ensemble_slurm_array.py [--members 50]``
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import sys
import tempfile
import time
from pathlib import Path

from rompy.adapters.ensemble.files import write_state
from rompy.adapters.ensemble.slurm_array import SlurmArrayRunner
from rompy.domain.ensemble.engines import SlurmArrayEngine
from rompy.domain.execution.slurm import SlurmExecution
from rompy.ports.ensemble import DONE, MemberJob, MemberState, job_from_document


class TrivialRunner:
    """A member runner that only records its member as done."""

    def __call__(self, job: MemberJob) -> MemberState:
        """Record ``job`` as done and return its state."""
        state = MemberState(
            member_id=job.member_id,
            status=DONE,
            config_hash=job.config_hash,
            host=socket.gethostname(),
            pid=os.getpid(),
            engine="slurm",
        )
        write_state(job.ensemble_dir, state)
        return state

    def command(self, job_file: Path) -> list[str]:
        """Return the argv running this script's member mode on ``job_file``."""
        return [sys.executable, str(Path(__file__).absolute()), "--member", str(job_file)]


def sbatch_shim(folder: Path) -> Path:
    """Put a counting ``sbatch`` first on PATH; return the file it logs calls to."""
    real = shutil.which("sbatch")
    if real is None:
        raise SystemExit("no sbatch on PATH: run scripts/engines/slurm.sh first")
    counter = folder / "sbatch-calls"
    shim = folder / "sbatch"
    shim.write_text(f'#!/bin/sh\necho "$*" >> "{counter}"\nexec "{real}" "$@"\n')
    shim.chmod(0o755)
    os.environ["PATH"] = f"{folder}{os.pathsep}{os.environ['PATH']}"
    return counter


def run(members: int, max_parallel: int | None) -> None:
    """Run ``members`` trivial members as one array and print the figures."""
    with tempfile.TemporaryDirectory(prefix="rompy-bench-array-") as scratch:
        root = Path(scratch)
        counter = sbatch_shim(root)
        jobs = [
            MemberJob(
                ensemble_dir=root / "ensemble",
                member_id=f"m-{index:03d}",
                index=index,
                parameters={"i": index},
                pipeline={},
                config_hash=str(index),
            )
            for index in range(members)
        ]
        spec = SlurmArrayEngine(
            max_parallel=max_parallel, job=SlurmExecution(time_limit="5", poll_interval=0.5)
        )
        start = time.perf_counter()
        states = SlurmArrayRunner().run(spec, jobs, TrivialRunner(), lambda state: None)
        elapsed = time.perf_counter() - start
        done = sum(state.status == DONE for state in states)
        calls = len(counter.read_text().splitlines()) if counter.exists() else 0
        print(f"members: {members}  done: {done}  sbatch calls: {calls}  wall: {elapsed:.1f} s")


def main() -> None:
    """Parse the arguments; run one member (task mode) or the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--max-parallel", type=int, default=None)
    parser.add_argument("--member", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.member:
        TrivialRunner()(job_from_document(json.loads(Path(args.member).read_text())))
        return
    run(args.members, args.max_parallel)


if __name__ == "__main__":
    main()
