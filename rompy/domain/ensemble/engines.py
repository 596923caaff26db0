"""Ensemble engine specs: *where* an ensemble's members run, a tagged family on ``type``.

Only the description lives here; the engines acting on a spec (a process pool, a SLURM job
array, a Dask cluster) are registered against the spec class through
``rompy_register_ensemble_engines``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from rompy.domain.errors import ConfigError
from rompy.domain.execution.slurm import SlurmExecution
from rompy.domain.execution.spec import check_optional_count


def _check_cluster(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Validate (for attrs) the kind of Dask cluster to start."""
    if value not in CLUSTERS:
        raise ConfigError(
            f"{value!r} is not a cluster rompy can start; give one of {', '.join(CLUSTERS)} "
            "(or an address of a running scheduler)",
            path=attribute.name,
            value=value,
        )


CLUSTERS = ("local", "slurm")


@attrs.frozen(kw_only=True)
class EnsembleEngineSpec:
    """Base of every ensemble engine spec; subclasses set the ``type`` tag."""

    type: ClassVar[str] = ""


@attrs.frozen(kw_only=True)
class PoolEngine(EnsembleEngineSpec):
    """Run members in a pool of local worker processes.

    Attributes:
        max_workers: Members running at once; None means the number of cores.
    """

    type: ClassVar[str] = "pool"
    max_workers: int | None = attrs.field(default=None, validator=check_optional_count)


@attrs.frozen(kw_only=True)
class SlurmArrayEngine(EnsembleEngineSpec):
    """Run members as the tasks of one SLURM job array (one ``sbatch`` for all).

    Attributes:
        max_parallel: Tasks running at once (``--array=0-N%max_parallel``); None: no cap.
        job: The SLURM options of every task (partition, time limit, cpus, ...); its
            ``command`` is ignored: each task runs its member's pipeline.
    """

    type: ClassVar[str] = "slurm"
    max_parallel: int | None = attrs.field(default=None, validator=check_optional_count)
    job: SlurmExecution = attrs.field(factory=SlurmExecution)


@attrs.frozen(kw_only=True)
class DaskEngine(EnsembleEngineSpec):
    """Run members as futures on a Dask distributed cluster.

    Attributes:
        address: A running scheduler's address (``tcp://host:8786``); None starts a cluster.
        cluster: The cluster started when there is no address: ``local`` (a
            ``LocalCluster``) or ``slurm`` (``dask_jobqueue.SLURMCluster``).
        n_workers: Workers of a started cluster; None means the number of cores (local)
            or 1 job (slurm).
        cluster_options: More keyword arguments for the started cluster (``queue``,
            ``cores``, ``memory``, ``walltime`` for SLURMCluster).
    """

    type: ClassVar[str] = "dask"
    address: str | None = None
    cluster: str = attrs.field(default="local", validator=_check_cluster)
    n_workers: int | None = attrs.field(default=None, validator=check_optional_count)
    cluster_options: Mapping[str, Any] = attrs.field(factory=dict)
