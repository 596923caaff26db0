"""The ``dask`` ensemble engine: every member as one future on a Dask distributed cluster.

With an ``address`` the engine connects to that running scheduler; otherwise it starts a
cluster for the run and closes it afterwards: a ``LocalCluster`` of worker processes (one
thread each) or, with ``cluster: slurm``, a ``dask_jobqueue.SLURMCluster`` scaled to
``n_workers`` jobs. Each future calls ``runner(job)`` on a worker; the runner records the
member's state there. ``distributed`` (and ``dask_jobqueue``) are imported only here.
"""

from __future__ import annotations

import os
import signal
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from rompy.adapters.ensemble.files import write_state
from rompy.adapters.spec_check import require_spec
from rompy.domain.ensemble.engines import DaskEngine, EnsembleEngineSpec
from rompy.domain.errors import ExecutorUnavailableError
from rompy.log import get_logger
from rompy.ports.ensemble import FAILED, MemberJob, MemberRunner, MemberState

log = get_logger(__name__)

INSTALL_HINT = "pip install rompy[ensemble]"
CONNECT_TIMEOUT = "30s"
"""How long connecting to a scheduler may take before the engine counts as unusable."""

OnState = Callable[[MemberState], None]


def _import(module: str) -> Any:
    """Import an optional dependency, or raise one message with the install hint."""
    try:
        return __import__(module, fromlist=["_"])
    except ImportError as error:
        raise ExecutorUnavailableError(
            f"the dask ensemble engine needs {module.split('.')[0]}: {INSTALL_HINT}"
        ) from error


def _import_jobqueue() -> Any:
    """Import dask_jobqueue, keeping this process's Ctrl-C handler.

    Importing ``dask_jobqueue`` replaces the SIGINT handler with one that exits the
    process, which would turn Ctrl-C into ``SystemExit`` instead of a clean cancel.
    """
    handler = signal.getsignal(signal.SIGINT)
    try:
        return _import("dask_jobqueue")
    finally:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, handler)


def start_cluster(engine: DaskEngine) -> Any:
    """Start the cluster ``engine`` asks for (no address given); the caller closes it."""
    options = dict(engine.cluster_options)
    if engine.cluster == "slurm":
        cluster = _import_jobqueue().SLURMCluster(**options)
        cluster.scale(jobs=engine.n_workers or 1)
        return cluster
    options.setdefault("dashboard_address", None)
    return _import("distributed").LocalCluster(
        n_workers=engine.n_workers or os.cpu_count() or 1,
        threads_per_worker=1,
        processes=True,
        **options,
    )


@contextmanager
def connect(engine: DaskEngine) -> Iterator[Any]:
    """Yield a client of the scheduler ``engine`` names (or of a cluster started for it).

    The client, and any cluster started here, are closed on every way out.

    Raises:
        ExecutorUnavailableError: distributed is missing or no scheduler answers.
    """
    distributed = _import("distributed")
    cluster = None if engine.address else start_cluster(engine)
    try:
        target = engine.address or cluster
        try:
            client = distributed.Client(target, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as error:
            raise ExecutorUnavailableError(
                f"no Dask scheduler answers at {engine.address or 'the started cluster'}: {error}"
            ) from error
        try:
            yield client
        finally:
            client.close()
    finally:
        if cluster is not None:
            cluster.close()


def failed_member(job: MemberJob, reason: str) -> MemberState:
    """Record and return the ``failed`` state of a member whose future gave no state."""
    state = MemberState(
        member_id=job.member_id,
        status=FAILED,
        config_hash=job.config_hash,
        message=reason,
        engine=DaskEngineAdapter.type,
    )
    write_state(job.ensemble_dir, state)
    return state


class DaskEngineAdapter:
    """Runs an ensemble's members as Dask futures (implements ``EnsembleEngine``)."""

    type = "dask"

    def run(
        self,
        spec: EnsembleEngineSpec,
        jobs: Sequence[MemberJob],
        runner: MemberRunner,
        on_state: OnState,
    ) -> list[MemberState]:
        """Submit one future per member, report each as it ends; return states in order.

        Raises:
            KeyboardInterrupt: After cancelling the unfinished futures (and closing a
                started cluster, which stops its workers).
            ExecutorUnavailableError: distributed is missing or no scheduler answers.
        """
        engine = require_spec(spec, DaskEngine, "DaskEngineAdapter")
        if not jobs:
            return []
        with connect(engine) as client:
            tag = uuid.uuid4().hex[:8]
            futures = {
                client.submit(
                    runner, job, key=f"rompy-member-{job.member_id}-{tag}", pure=False
                ): job
                for job in jobs
            }
            log.info(
                "ensemble_dask_submitted", members=len(jobs), scheduler=client.scheduler.address
            )
            states: dict[str, MemberState] = {}
            try:
                _collect(futures, states, on_state)
            except KeyboardInterrupt:
                _cancel(client, futures, states, on_state)
                raise
        return [states[job.member_id] for job in jobs]


def _collect(
    futures: dict[Any, MemberJob], states: dict[str, MemberState], on_state: OnState
) -> None:
    """Record and report each member's state as its future ends."""
    for future in _import("distributed").as_completed(list(futures)):
        job = futures[future]
        error = future.exception()
        if error is None:
            state = future.result()
        else:
            state = failed_member(job, f"{type(error).__name__}: {error}")
        states[job.member_id] = state
        on_state(state)


def _cancel(
    client: Any, futures: dict[Any, MemberJob], states: dict[str, MemberState], on_state: OnState
) -> None:
    """Cancel the unfinished futures and report their members as cancelled."""
    unfinished = [future for future, job in futures.items() if job.member_id not in states]
    log.warning("ensemble_dask_interrupted", cancelling=len(unfinished))
    client.cancel(unfinished)
    for future in unfinished:
        state = failed_member(futures[future], "cancelled: the ensemble run was interrupted")
        states[state.member_id] = state
        on_state(state)
