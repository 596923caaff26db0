"""The ensemble part of :class:`rompy.application.App`: load, plan, run and report ensembles.

A mixin so that ``application.py`` stays one readable page; it uses the app's converter
(``structure``, ``pipeline_from``), plugins and service context.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from rompy.adapters.config.ensemble_file import load_ensemble_document
from rompy.adapters.ensemble.state import JsonEnsembleFolder
from rompy.domain.ensemble.engines import EnsembleEngineSpec
from rompy.domain.ensemble.results import ResultsSpec
from rompy.domain.ensemble.spec import EnsembleSpec
from rompy.domain.ensemble.sweep import sweep_from_data
from rompy.plugin_faults import plugin_faults_reported
from rompy.ports.ensemble import MemberRunner, MemberState
from rompy.ports.provenance import ManifestStore
from rompy.services import ensemble as ensembles
from rompy.services.ensemble_results import gather_results

if TYPE_CHECKING:
    from rompy.plugins import LoadedPlugins
    from rompy.services.context import ServiceContext

Source = str | Path


class EnsembleMethods:
    """Ensemble methods of the app (see :class:`rompy.application.App`)."""

    plugins: LoadedPlugins
    context: ServiceContext

    def structure(self, data: Any, cls: Any, *, path: str = "") -> Any:
        """Turn plain data into ``cls`` (the app's converter; see ``App.structure``)."""
        raise NotImplementedError

    def pipeline_from(self, document: Any) -> Any:
        """Structure a pipeline document (see ``App.pipeline_from``)."""
        raise NotImplementedError

    def load_ensemble(self, source: Source) -> EnsembleSpec:
        """Load an ensemble file (its ``base`` pipeline file read relative to it)."""
        return self.ensemble_from(load_ensemble_document(source))

    def ensemble_from(self, document: Mapping[str, Any]) -> EnsembleSpec:
        """Structure an ensemble from its document (``base`` already a mapping).

        Raises:
            ConfigError: A field is wrong; the message names it (``sweep.parameters``).
        """
        engine = document.get("engine") or {"type": "pool"}
        results = document.get("results")
        return EnsembleSpec(
            name=document["name"],
            output_dir=Path(document["output_dir"]),
            base=document["base"],
            sweep=sweep_from_data(document["sweep"]),
            engine=self.structure(engine, EnsembleEngineSpec, path="engine"),
            results=None
            if results is None
            else self.structure(results, ResultsSpec, path="results"),
        )

    def plan_ensemble(self, spec: EnsembleSpec) -> ensembles.EnsemblePlan:
        """Expand the sweep and validate every member's pipeline (before any runs).

        Raises:
            ConfigError: A member is invalid; the message names the member and the field.
        """
        return ensembles.plan_ensemble(spec, self.pipeline_from)

    def ensemble_run(
        self,
        spec: EnsembleSpec,
        *,
        plan: ensembles.EnsemblePlan | None = None,
        on_state: Callable[[MemberState], None] | None = None,
        manifests: ManifestStore | None = None,
        runner: MemberRunner | None = None,
    ) -> ensembles.EnsembleReport:
        """Run the ensemble's unfinished members on its engine; return every member's state.

        Members whose state is ``done`` with the same config (and, given ``manifests``,
        whose manifest verifies) are skipped. Workers bootstrap their own app with the
        installed plugins (``runner`` replaces the default
        :class:`rompy.worker.PipelineMemberRunner`). ``plan`` is ``plan_ensemble(spec)``
        when the caller made it already.

        Raises:
            ConfigError: A member is invalid, or the folder belongs to something else.
            KeyboardInterrupt: After the engine stopped the running members.
        """
        plan = plan or self.plan_ensemble(spec)
        if runner is None:
            from rompy.worker import PipelineMemberRunner  # the worker layer sits on App

            runner = PipelineMemberRunner(engine=spec.engine.type)
        with plugin_faults_reported(self.plugins.manager, "ensemble"):
            report = ensembles.run_ensemble(
                self.context,
                plan,
                folder=JsonEnsembleFolder(),
                runner=runner,
                manifests=manifests if manifests is not None else self.context.manifests,
                on_state=on_state,
            )
        return self.gather_ensemble(plan, report)

    def gather_ensemble(
        self, plan: ensembles.EnsemblePlan, report: ensembles.EnsembleReport
    ) -> ensembles.EnsembleReport:
        """Gather the ``results`` output of the done members; the report gains the files.

        Nothing happens when the ensemble file has no ``results:``.

        Raises:
            DataSourceError: A done member lacks the output or one of its variables.
        """
        if plan.spec.results is None:
            return report
        from rompy.adapters.ensemble.gather import XarrayResultsGatherer  # xarray: only now

        with plugin_faults_reported(self.plugins.manager, "gathering results"):
            files = gather_results(
                self.context,
                plan,
                report,
                gatherer=XarrayResultsGatherer(),
                member_run=lambda document: self.pipeline_from(document).config,
            )
        return attrs.evolve(report, results=files)

    def ensemble_status(self, spec: EnsembleSpec) -> ensembles.EnsembleReport:
        """Return every member's state as on disk (no member is validated or run)."""
        plan = ensembles.plan_ensemble(spec, lambda document: None)
        return ensembles.ensemble_status(plan, JsonEnsembleFolder())
