"""Time of ``rompy ensemble status`` on a 1,000-member ensemble folder (goal < 1 s).

Writes an ensemble file (a ``product`` sweep of 1,000 members of the ``base`` model) and its
folder: ``ensemble.json`` and one state file per member written by the real state store
(done, failed, running in a process that is gone, and pending members with no state), then
times ``python -m rompy ensemble status FILE`` as a subprocess, start-up included (median of
``--repeat`` runs).

    .venv/bin/python benchmarks/ensemble_status.py [--members 1000] [-n 5]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from _common import BASIC_PIPELINE

from rompy.adapters.ensemble.state import JsonEnsembleFolder
from rompy.application import bootstrap
from rompy.ports.ensemble import DONE, FAILED, RUNNING, MemberState
from rompy.services.ensemble import index_document


def make_folder(folder: Path, members: int) -> Path:
    (folder / "pipeline.yml").write_text(BASIC_PIPELINE.read_text())
    ensemble = {
        "name": "status-bench",
        "output_dir": str(folder / "ensembles"),
        "base": "pipeline.yml",
        "sweep": {
            "kind": "product",
            "parameters": {"config.run_id": [f"r{n}" for n in range(members)]},
        },
    }
    file = folder / "ensemble.yml"
    file.write_text(yaml.safe_dump(ensemble))
    app = bootstrap()
    plan = app.plan_ensemble(app.load_ensemble(file))
    store = JsonEnsembleFolder()
    store.write_index(plan.spec.ensemble_dir, index_document(plan))
    host = socket.gethostname()
    for number, job in enumerate(plan.jobs):
        status = (DONE, FAILED, RUNNING, None)[number % 4]
        if status is not None:
            state = MemberState(
                member_id=job.member_id,
                status=status,
                config_hash=job.config_hash,
                duration=1.0,
                message="exit code 1" if status == FAILED else "",
                host=host,
                pid=2**22 + 1,
            )
            store.write(plan.spec.ensemble_dir, state)
    return file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("-n", "--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        file = make_folder(Path(name), args.members)
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "rompy", "ensemble", "status", str(file)],
                cwd=name,
                capture_output=True,
                text=True,
                check=False,
            )
            times.append(time.perf_counter() - start)
            if done.returncode != 0:
                raise SystemExit(f"status failed ({done.returncode}):\n{done.stderr}")
        print(f"rompy ensemble status, {args.members} members, {args.repeat} runs")
        print(f"  median {statistics.median(times):.3f} s, best {min(times):.3f} s (goal < 1 s)")
        print(f"  {done.stdout.splitlines()[0]}")


if __name__ == "__main__":
    main()
