"""Small picklable member runners for the pool engine's tests (real worker processes)."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import attrs

from rompy.adapters.ensemble.state import JsonEnsembleFolder
from rompy.ports.ensemble import DONE, RUNNING, MemberJob, MemberState


@attrs.frozen
class FileRunner:
    """Writes its member's ``value`` parameter to ``<ensemble>/out/<id>`` and its pid.

    A member whose value is ``"boom"`` raises; ``"sleep"`` sleeps for ``pause`` seconds.
    """

    pause: float = 0.0

    def __call__(self, job: MemberJob) -> MemberState:
        folder = JsonEnsembleFolder()
        running = MemberState(
            member_id=job.member_id, status=RUNNING, pid=os.getpid(), host=socket.gethostname()
        )
        folder.write(job.ensemble_dir, running)
        value = job.parameters["value"]
        if value == "boom":
            raise RuntimeError("the member blew up")
        if value == "sleep":
            time.sleep(self.pause)
        out = job.ensemble_dir / "out"
        out.mkdir(exist_ok=True)
        (out / job.member_id).write_text(f"{value} {os.getpid()}")
        done = attrs.evolve(running, status=DONE)
        folder.write(job.ensemble_dir, done)
        return done

    def command(self, job_file: Path) -> list[str]:
        return ["true", str(job_file)]
