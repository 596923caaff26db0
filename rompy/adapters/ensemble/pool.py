"""The ``pool`` ensemble engine: members in a bounded pool of local worker processes.

Workers start with ``forkserver`` (safe with the threads of the driver: no fork of a
threaded process) and live for the whole ensemble, so each pays the app's bootstrap once.
The driver waits in short ticks, reporting a member as running when its worker has written
its ``running`` state, and its final state when the future ends. A failing member is a
``failed`` state; it never stops the others.

Ctrl-C: queued members are cancelled; every worker gets SIGTERM, which the worker turns
into KeyboardInterrupt, so the member's executor stops its model's process group (the local
executor starts each model in its own session) and the member's state says ``cancelled``;
workers still alive after :data:`STOP_GRACE` seconds are killed; then the interrupt goes on.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import signal
import socket
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from types import FrameType

from rompy.adapters.ensemble.state import JsonEnsembleFolder
from rompy.adapters.spec_check import require_spec
from rompy.domain.ensemble.engines import EnsembleEngineSpec, PoolEngine
from rompy.log import get_logger
from rompy.ports.ensemble import FAILED, RUNNING, MemberJob, MemberRunner, MemberState

log = get_logger(__name__)
OnState = Callable[[MemberState], None]
TICK = 0.2
"""Seconds between looks at the members' state files while waiting."""
STOP_GRACE = 10.0
"""Seconds a worker gets to stop its member after SIGTERM before it is killed."""


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _worker_start() -> None:
    """Pool worker initializer: SIGTERM becomes KeyboardInterrupt (the member stops cleanly)."""
    signal.signal(signal.SIGTERM, _raise_interrupt)


class PoolEngineAdapter:
    """Runs an ensemble's members in a local process pool (implements ``EnsembleEngine``)."""

    type = "pool"

    def __init__(self, start_method: str = "forkserver") -> None:
        """Choose how workers start (``forkserver`` or ``spawn``)."""
        self._start_method = start_method
        self._folder = JsonEnsembleFolder()

    def run(
        self,
        spec: EnsembleEngineSpec,
        jobs: Sequence[MemberJob],
        runner: MemberRunner,
        on_state: OnState,
    ) -> list[MemberState]:
        """Run every job in the pool; return the final states in the order of ``jobs``.

        Raises:
            KeyboardInterrupt: After stopping the workers and their members.
        """
        engine = require_spec(spec, PoolEngine, "PoolEngineAdapter")
        if not jobs:
            return []
        workers = min(engine.max_workers or os.cpu_count() or 1, len(jobs))
        context = multiprocessing.get_context(self._start_method)
        pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_start)
        log.info("ensemble_pool_started", workers=workers, members=len(jobs))
        try:
            futures = {pool.submit(runner, job): job for job in jobs}
            finals = self._wait_all(futures, on_state)
        except KeyboardInterrupt:
            self._stop(pool)
            raise
        pool.shutdown(wait=True)
        return [finals[job.member_id] for job in jobs]

    def _wait_all(
        self, futures: dict[Future[MemberState], MemberJob], on_state: OnState
    ) -> dict[str, MemberState]:
        """Wait for every future, reporting starts and ends through ``on_state``."""
        finals: dict[str, MemberState] = {}
        started: set[str] = set()
        pending = set(futures)
        while pending:
            done, pending = wait(pending, timeout=TICK, return_when=FIRST_COMPLETED)
            for future in done:
                job = futures[future]
                state = self._final_state(future, job)
                finals[job.member_id] = state
                on_state(state)
            self._report_starts(pending, futures, started, on_state)
        return finals

    def _report_starts(
        self,
        pending: set[Future[MemberState]],
        futures: dict[Future[MemberState], MemberJob],
        started: set[str],
        on_state: OnState,
    ) -> None:
        for future in pending:
            job = futures[future]
            if job.member_id in started or not future.running():
                continue
            state = self._folder.read(job.ensemble_dir, job.member_id)
            if state is not None and state.status == RUNNING:
                started.add(job.member_id)
                on_state(state)

    def _final_state(self, future: Future[MemberState], job: MemberJob) -> MemberState:
        """Return the runner's state, or a ``failed`` one (written) when its worker failed."""
        try:
            return future.result()
        except Exception as error:  # the worker died or the runner broke: record it
            message = f"worker failed: {type(error).__name__}: {error}".strip()
            state = MemberState(
                member_id=job.member_id,
                status=FAILED,
                config_hash=job.config_hash,
                ended_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                message=message,
                host=socket.gethostname(),
                engine=self.type,
            )
            self._folder.write(job.ensemble_dir, state)
            return state

    @staticmethod
    def _stop(pool: ProcessPoolExecutor) -> None:
        """Cancel queued members, stop running ones (SIGTERM, then SIGKILL), end the pool."""
        processes = list(getattr(pool, "_processes", {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive() and process.pid is not None:
                os.kill(process.pid, signal.SIGTERM)
        for process in processes:
            process.join(STOP_GRACE)
            if process.is_alive():
                process.kill()
                process.join(STOP_GRACE)
        log.warning("ensemble_pool_stopped", workers=len(processes))
