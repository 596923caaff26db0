"""The ports a service needs, bundled as one value."""

from __future__ import annotations

import attrs

from rompy.ports.data import DataStager, NoDataStager
from rompy.ports.lifecycle import LifecycleHooks, NoHooks
from rompy.ports.provenance import ManifestStore, NoManifests, NoProvenanceFacts, ProvenanceFacts
from rompy.ports.registry import Registry
from rompy.ports.rendering import TemplateRenderer
from rompy.ports.system import RuntimeInfo, StagingInspector


@attrs.frozen(kw_only=True)
class ServiceContext:
    """Everything services may use to cause effects.

    Attributes:
        registry: Tagged classes and the adapters acting on them.
        renderer: Renders template trees into staging dirs.
        runtime_info: Who/where/when, for provenance in rendered files.
        inspector: Read-only views of staging dirs (for model success checks).
        hooks: Lifecycle observers.
        stager: Fetches, crops and writes the run's input data (refuses data by default).
        manifests: Writes and reads run manifests (by default none are written).
        provenance: Versions, executables and plain configs for manifests (none by default).
    """

    registry: Registry
    renderer: TemplateRenderer
    runtime_info: RuntimeInfo
    inspector: StagingInspector
    hooks: LifecycleHooks = attrs.field(factory=NoHooks)
    stager: DataStager = attrs.field(factory=NoDataStager)
    manifests: ManifestStore = attrs.field(factory=NoManifests)
    provenance: ProvenanceFacts = attrs.field(factory=NoProvenanceFacts)
