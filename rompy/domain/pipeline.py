"""A pipeline: a model run plus where it executes and how its outputs are processed."""

from __future__ import annotations

import attrs

from rompy.domain.execution.spec import ExecutionSpec, LocalExecution
from rompy.domain.model_run import ModelRun
from rompy.domain.postprocess.spec import NoopPostprocess, PostprocessSpec


@attrs.frozen(kw_only=True)
class PipelineSpec:
    """Everything ``rompy pipeline`` needs, as one value.

    Attributes:
        config: The model run.
        backend: Where and how it executes.
        postprocessor: What happens to its outputs.
    """

    config: ModelRun
    backend: ExecutionSpec = attrs.field(factory=LocalExecution)
    postprocessor: PostprocessSpec = attrs.field(factory=NoopPostprocess)
