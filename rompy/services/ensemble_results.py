"""Gather one output of every done member into one dataset with a ``member`` dimension.

Runs after the members (``App.ensemble_run`` calls it when the ensemble file has
``results:``): each done member's outputs are read with its model's output reader, then the
:class:`~rompy.ports.ensemble.ResultsGatherer` stacks the chosen output and writes
``<ensemble>/results/<output>.nc`` (and the spread PNG). Failed members are left out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from rompy.domain.model_run import ModelRun
from rompy.log import get_logger
from rompy.ports.ensemble import DONE, GatherInput, ResultsGatherer
from rompy.services.context import ServiceContext
from rompy.services.ensemble import EnsemblePlan, EnsembleReport
from rompy.services.outputs import read_outputs

log = get_logger(__name__)

RESULTS_FOLDER = "results"


def gather_results(
    ctx: ServiceContext,
    plan: EnsemblePlan,
    report: EnsembleReport,
    *,
    gatherer: ResultsGatherer,
    member_run: Callable[[Mapping[str, Any]], ModelRun],
) -> tuple[Path, ...]:
    """Gather the ``results`` output of every done member; return the files written.

    Args:
        ctx: The ports (the members' output readers come from its registry).
        plan: The planned ensemble (its spec's ``results`` says what to gather).
        report: The states after the run; only ``done`` members are gathered.
        gatherer: Stacks and writes the output.
        member_run: Turns a member's pipeline document into its model run.

    Returns:
        The NetCDF file (and PNG), or nothing when there is no ``results`` or no done member.

    Raises:
        DataSourceError: A done member lacks the output or one of its variables.
    """
    spec = plan.spec.results
    if spec is None:
        return ()
    done = {member.member_id for member in report.members if member.state.status == DONE}
    jobs = [job for job in plan.jobs if job.member_id in done]
    if not jobs:
        log.warning("ensemble_results_skipped", name=plan.spec.name, reason="no member is done")
        return ()
    members = [
        GatherInput(
            member_id=job.member_id,
            parameters=job.parameters,
            outputs=read_outputs(ctx, member_run(job.pipeline)),
        )
        for job in jobs
    ]
    return gatherer.gather(spec, members, plan.spec.ensemble_dir / RESULTS_FOLDER)
