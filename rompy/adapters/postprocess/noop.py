"""The ``noop`` postprocessor: leave the outputs alone, optionally checking they exist."""

from __future__ import annotations

from pathlib import Path

from rompy.adapters.spec_check import require_spec
from rompy.domain.postprocess.spec import NoopPostprocess
from rompy.log import get_logger
from rompy.ports.postprocessing import PostprocessRequest, PostprocessResult

log = get_logger(__name__)

NOTHING_TO_DO = "nothing to do"
"""The message of a successful no-op."""


def outputs_problem(staging_dir: Path) -> str:
    """Return why ``staging_dir`` holds no outputs, or an empty string when it has some.

    Args:
        staging_dir: The run's staging dir.
    """
    if not staging_dir.exists():
        return f"staging dir {staging_dir} does not exist; the run produced no outputs"
    if not staging_dir.is_dir():
        return f"staging dir {staging_dir} is not a folder; the run produced no outputs"
    if not any(staging_dir.iterdir()):
        return f"staging dir {staging_dir} is empty; the run produced no outputs"
    return ""


class NoopPostprocessor:
    """Does nothing with a run's outputs; never modifies anything.

    With ``validate_outputs`` (the default) it fails when the staging dir is missing or empty,
    which catches a run that silently produced nothing.

    Example:
        >>> NoopPostprocessor().process(request).message  # doctest: +SKIP
        'nothing to do'
    """

    def process(self, request: PostprocessRequest) -> PostprocessResult:
        """Check the outputs of ``request`` when asked to, and otherwise do nothing.

        Raises:
            TypeError: The request's spec is not a :class:`NoopPostprocess`.
        """
        spec = require_spec(request.spec, NoopPostprocess, "NoopPostprocessor")
        details = {"staging_dir": str(request.staging_dir)}
        if spec.validate_outputs:
            problem = outputs_problem(request.staging_dir)
            if problem:
                log.warning("postprocess_failed", run_id=request.run_id, message=problem)
                return PostprocessResult(ok=False, message=problem, details=details)
        log.info("postprocess_skipped", run_id=request.run_id, postprocessor="noop")
        return PostprocessResult(ok=True, message=NOTHING_TO_DO, details=details)
