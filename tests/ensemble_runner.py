"""A tiny member runner for the ensemble engine tests, importable by workers and SLURM tasks.

It stands in for the real member runner: it records ``running`` then ``done`` state files
like the real one and writes ``result.json`` (twice the member's ``x``, and the SLURM array
job id it ran under, if any) into the member's run dir. Parameters steer it: ``sleep``
(seconds), ``crash`` (the process dies before a final state, as a killed SLURM task does),
``raise`` (the call raises, with that message).

Run a job file with ``python -m tests.ensemble_runner JOB_FILE``.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import attrs

from rompy.adapters.ensemble.files import write_state
from rompy.ports.ensemble import DONE, RUNNING, MemberJob, MemberState, job_from_document


def result_file(job: MemberJob) -> Path:
    """Return the file the runner writes the member's result to."""
    return job.ensemble_dir / "members" / job.member_id / "result.json"


def _record(job: MemberJob, state: MemberState) -> None:
    write_state(job.ensemble_dir, state)


@attrs.frozen
class DoublingRunner:
    """Runs a member by writing twice its ``x`` parameter (a picklable ``MemberRunner``)."""

    engine: str = "test"

    def __call__(self, job: MemberJob) -> MemberState:
        """Run ``job`` in this process; return its final state."""
        started = datetime.now(UTC).isoformat()
        running = MemberState(
            member_id=job.member_id,
            status=RUNNING,
            config_hash=job.config_hash,
            started_at=started,
            host=socket.gethostname(),
            pid=os.getpid(),
            engine=self.engine,
        )
        _record(job, running)
        time.sleep(float(job.parameters.get("sleep", 0)))
        if job.parameters.get("crash"):
            os._exit(3)
        if "raise" in job.parameters:
            raise RuntimeError(str(job.parameters["raise"]))
        path = result_file(job)
        path.parent.mkdir(parents=True, exist_ok=True)
        array_job = os.environ.get("SLURM_ARRAY_JOB_ID")
        path.write_text(json.dumps({"value": 2 * job.parameters["x"], "array_job": array_job}))
        done = attrs.evolve(running, status=DONE, ended_at=datetime.now(UTC).isoformat())
        _record(job, done)
        return done

    def command(self, job_file: Path) -> list[str]:
        """Return the argv running the member written in ``job_file``."""
        return [sys.executable, "-m", "tests.ensemble_runner", str(job_file)]


def make_jobs(ensemble_dir: Path, parameters: list[dict[str, object]]) -> list[MemberJob]:
    """Return one job per parameter set, with ids ``m-000``, ``m-001``, ..."""
    return [
        MemberJob(
            ensemble_dir=ensemble_dir,
            member_id=f"m-{index:03d}",
            index=index,
            parameters=values,
            pipeline={},
            config_hash=f"hash-{index}",
        )
        for index, values in enumerate(parameters)
    ]


def main(argv: list[str]) -> int:
    """Run the member whose job file is ``argv[0]``; exit 0 when it is done."""
    job = job_from_document(json.loads(Path(argv[0]).read_text()))
    return 0 if DoublingRunner(engine="slurm")(job).status == DONE else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
