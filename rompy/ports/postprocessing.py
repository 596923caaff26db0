"""The postprocessing port."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

import attrs

from rompy.domain.postprocess.spec import PostprocessSpec


@attrs.frozen(kw_only=True)
class PostprocessRequest:
    """Ask a postprocessor to process one run's outputs.

    Attributes:
        run_id: The run's id.
        staging_dir: The folder holding the run's outputs.
        spec: The postprocessor spec, of the class the postprocessor was registered for.
    """

    run_id: str
    staging_dir: Path
    spec: PostprocessSpec


@attrs.frozen(kw_only=True)
class PostprocessResult:
    """What a postprocessor did.

    Attributes:
        ok: True when postprocessing succeeded.
        message: A one-line explanation (why it failed, or a summary).
        outputs: Files or URLs produced (archives, copies, manifests).
        details: Postprocessor-specific facts.
    """

    ok: bool
    message: str = ""
    outputs: tuple[str, ...] = ()
    details: Mapping[str, Any] = attrs.field(factory=dict)


class Postprocessor(Protocol):
    """Does something with a run's outputs."""

    def process(self, request: PostprocessRequest) -> PostprocessResult:
        """Process the outputs of ``request``; a failure is a result with ``ok=False``."""
        ...
