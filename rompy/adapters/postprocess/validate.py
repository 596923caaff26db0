"""The ``validate`` postprocessor: expected outputs exist and are not empty.

Each expected name or glob pattern must match at least one file of the staging dir and,
with ``non_empty``, every file it matches must hold at least one byte. The result's
message names every missing pattern and every empty file at once. Nothing is written.
"""

from __future__ import annotations

from pathlib import Path

import attrs

from rompy.adapters.postprocess.noop import outputs_problem
from rompy.adapters.postprocess.selection import list_files
from rompy.adapters.spec_check import require_spec
from rompy.domain.postprocess.file_outputs import ValidatePostprocess, select_paths
from rompy.log import get_logger
from rompy.ports.postprocessing import PostprocessRequest, PostprocessResult

log = get_logger(__name__)


@attrs.frozen(kw_only=True)
class ValidationReport:
    """What the staging dir holds of the expected outputs.

    Attributes:
        matched: The files each expected pattern matched, by pattern.
        missing: Patterns that matched no file.
        empty: Matched files holding no bytes (only when empty files count as problems).
    """

    matched: dict[str, list[str]]
    missing: tuple[str, ...]
    empty: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when nothing is missing or empty."""
        return not self.missing and not self.empty

    def message(self) -> str:
        """Return a one-line summary naming every problem."""
        if self.ok:
            files = {file for found in self.matched.values() for file in found}
            return f"all {len(self.matched)} expected patterns found ({len(files)} files)"
        problems = []
        if self.missing:
            problems.append(f"missing (no file matches): {', '.join(self.missing)}")
        if self.empty:
            problems.append(f"empty: {', '.join(self.empty)}")
        return "; ".join(problems)


def check_outputs(staging_dir: Path, spec: ValidatePostprocess) -> ValidationReport:
    """Compare the files of an existing ``staging_dir`` with what ``spec`` expects."""
    files = list_files(staging_dir)
    matched = {pattern: select_paths(files, [pattern]) for pattern in spec.expected}
    missing = tuple(pattern for pattern, found in matched.items() if not found)
    empty: list[str] = []
    if spec.non_empty:
        every_match = sorted({file for found in matched.values() for file in found})
        empty = [file for file in every_match if (staging_dir / file).stat().st_size == 0]
    return ValidationReport(matched=matched, missing=missing, empty=tuple(empty))


class ValidatePostprocessor:
    """Checks that a run produced the outputs its spec expects; never writes anything.

    Example:
        >>> ValidatePostprocessor().process(request).message  # doctest: +SKIP
        'missing (no file matches): *.nc'
    """

    def process(self, request: PostprocessRequest) -> PostprocessResult:
        """Check the outputs of ``request``; missing or empty outputs give ``ok=False``.

        Raises:
            TypeError: The request's spec is not a :class:`ValidatePostprocess`.
        """
        spec = require_spec(request.spec, ValidatePostprocess, "ValidatePostprocessor")
        if not request.staging_dir.is_dir():
            problem = outputs_problem(request.staging_dir)
            log.warning("postprocess_failed", run_id=request.run_id, message=problem)
            return PostprocessResult(ok=False, message=problem)
        report = check_outputs(request.staging_dir, spec)
        details = {
            "matched": report.matched,
            "missing": list(report.missing),
            "empty": list(report.empty),
        }
        if not report.ok:
            log.warning(
                "postprocess_failed",
                run_id=request.run_id,
                postprocessor="validate",
                missing=list(report.missing),
                empty=list(report.empty),
            )
        else:
            log.info("postprocess_finished", run_id=request.run_id, postprocessor="validate")
        return PostprocessResult(ok=report.ok, message=report.message(), details=details)
