"""The ``transfer`` postprocessor: copy chosen outputs to local folders or fsspec URLs.

Files keep their path relative to the staging dir under each destination. Before copying
anything to a destination, every file there is checked: without ``overwrite`` a
destination already holding one of the files is refused untouched. Each copy is checked
after writing: its size everywhere, and its SHA-256 on a local disk. With
``on_failure: fail`` the transfer stops at the first failing destination; with
``continue`` every destination is tried. The staging dir is only read.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import attrs

from rompy.adapters.postprocess.noop import outputs_problem
from rompy.adapters.postprocess.selection import file_sha256, is_inside, selected_files
from rompy.adapters.postprocess.targets import (
    DestinationExistsError,
    DestinationUnavailableError,
    OutputTarget,
    redact,
)
from rompy.adapters.spec_check import require_spec
from rompy.domain.errors import PostprocessError
from rompy.domain.postprocess.file_outputs import TransferPostprocess, render_destination
from rompy.log import get_logger
from rompy.ports.postprocessing import PostprocessRequest, PostprocessResult

log = get_logger(__name__)

DestinationStatus = Literal["ok", "failed", "skipped"]
"""How a destination fared: every file copied, a failure, or not tried."""


class CopyCheckError(PostprocessError):
    """A copied file differs from its source (size or SHA-256)."""


@attrs.frozen(kw_only=True)
class SourceFile:
    """One file to copy.

    Attributes:
        relative: Its path relative to the staging dir (``/``-separated).
        path: Its path on disk.
        size: Its size in bytes.
        sha256: Its SHA-256 hex digest.
    """

    relative: str
    path: Path
    size: int
    sha256: str

    @classmethod
    def read(cls, staging_dir: Path, relative: str) -> SourceFile:
        """Measure and hash ``relative`` under ``staging_dir``."""
        path = staging_dir / relative
        return cls(relative=relative, path=path, size=path.stat().st_size, sha256=file_sha256(path))


@attrs.frozen(kw_only=True)
class DestinationReport:
    """What happened at one destination.

    Attributes:
        destination: The destination (``{run_id}`` replaced, password hidden).
        status: ``ok``, ``failed`` or ``skipped`` (not tried after an earlier failure).
        written: The files written there, as paths or URLs.
        bytes: How many bytes were written there.
        error: Why it failed, if it did.
    """

    destination: str
    status: DestinationStatus
    written: tuple[str, ...] = ()
    bytes: int = 0
    error: str = ""

    def as_dict(self) -> dict[str, Any]:
        """Return the report as plain data for the result's details."""
        return {
            "status": self.status,
            "files": len(self.written),
            "bytes": self.bytes,
            "error": self.error,
        }


def check_copy(target: OutputTarget, source: SourceFile) -> None:
    """Check a copy against its source: the size, and on a local disk the SHA-256.

    Raises:
        CopyCheckError: The copy differs.
    """
    size = target.size()
    if size != source.size:
        raise CopyCheckError(
            f"{target.display} holds {size} bytes after copying, {source.size} expected"
        )
    local = target.local_path
    if local is not None and file_sha256(local) != source.sha256:
        raise CopyCheckError(f"{target.display} differs from {source.relative} after copying")


def transfer_to(
    destination: str, staging_dir: Path, sources: Sequence[SourceFile], *, overwrite: bool
) -> DestinationReport:
    """Copy ``sources`` under ``destination``, checking each copy.

    Returns:
        The destination's report; a failure is a report with status ``failed``.
    """
    shown = redact(destination)
    written: list[str] = []
    try:
        root = OutputTarget.resolve(destination)
        local = root.local_path
        if local is not None and is_inside(local, staging_dir):
            raise DestinationUnavailableError(
                f"{local} lies inside the staging dir {staging_dir}; copy to a path outside it"
            )
        targets = [(root.child(source.relative), source) for source in sources]
        if not overwrite:
            _refuse_existing([target for target, _ in targets])
        for target, source in targets:
            target.upload(source.path, overwrite=overwrite)
            written.append(target.display)
            check_copy(target, source)
    except (DestinationExistsError, DestinationUnavailableError, CopyCheckError, OSError) as error:
        return DestinationReport(
            destination=shown,
            status="failed",
            written=tuple(written),
            bytes=sum(source.size for source in sources[: len(written)]),
            error=str(error),
        )
    total = sum(source.size for source in sources)
    return DestinationReport(destination=shown, status="ok", written=tuple(written), bytes=total)


def _refuse_existing(targets: list[OutputTarget]) -> None:
    existing = [target.display for target in targets if target.exists()]
    if existing:
        shown = ", ".join(existing[:3]) + (
            f" and {len(existing) - 3} more" if len(existing) > 3 else ""
        )
        raise DestinationExistsError(
            f"files are already there ({shown}); set overwrite: true to replace them "
            "(nothing was copied)"
        )


class TransferPostprocessor:
    """Copies a run's chosen outputs to one or more destinations.

    Example:
        >>> TransferPostprocessor().process(request).message  # doctest: +SKIP
        'copied 3 files to 2 destinations'
    """

    def process(self, request: PostprocessRequest) -> PostprocessResult:
        """Copy the outputs of ``request``; a failure is a result with ``ok=False``.

        Raises:
            TypeError: The request's spec is not a :class:`TransferPostprocess`.
        """
        spec = require_spec(request.spec, TransferPostprocess, "TransferPostprocessor")
        problem, sources = _choose_sources(request.staging_dir, spec)
        if problem:
            log.warning("postprocess_failed", run_id=request.run_id, message=problem)
            return PostprocessResult(ok=False, message=problem)
        reports = _transfer_all(request, spec, sources)
        return _result(request.run_id, spec, sources, reports)


def _choose_sources(staging_dir: Path, spec: TransferPostprocess) -> tuple[str, list[SourceFile]]:
    problem = outputs_problem(staging_dir)
    if problem:
        return problem, []
    files = selected_files(staging_dir, spec.include, spec.exclude)
    if not files:
        return (
            f"no file in {staging_dir} matches include {list(spec.include)} and not exclude "
            f"{list(spec.exclude)}; nothing to transfer",
            [],
        )
    try:
        return "", [SourceFile.read(staging_dir, relative) for relative in files]
    except OSError as error:
        return f"cannot read the outputs in {staging_dir}: {error}", []


def _transfer_all(
    request: PostprocessRequest, spec: TransferPostprocess, sources: list[SourceFile]
) -> list[DestinationReport]:
    reports: list[DestinationReport] = []
    for template in spec.destinations:
        destination = render_destination(template, request.run_id)
        if spec.on_failure == "fail" and any(r.status == "failed" for r in reports):
            reports.append(DestinationReport(destination=redact(destination), status="skipped"))
            continue
        report = transfer_to(destination, request.staging_dir, sources, overwrite=spec.overwrite)
        log_event = log.info if report.status == "ok" else log.warning
        log_event(
            "transfer_destination_finished",
            run_id=request.run_id,
            destination=report.destination,
            status=report.status,
            files=len(report.written),
            error=report.error,
        )
        reports.append(report)
    return reports


def _result(
    run_id: str,
    spec: TransferPostprocess,
    sources: list[SourceFile],
    reports: list[DestinationReport],
) -> PostprocessResult:
    succeeded = [report for report in reports if report.status == "ok"]
    failed = [report for report in reports if report.status == "failed"]
    ok = not failed or (spec.allow_partial and bool(succeeded))
    files = f"{len(sources)} file{'s' if len(sources) != 1 else ''}"
    message = f"copied {files} to {len(succeeded)} of {len(reports)} destinations"
    if failed:
        reasons = "; ".join(f"{report.destination}: {report.error}" for report in failed)
        message += f"; failed: {reasons}"
    skipped = [report.destination for report in reports if report.status == "skipped"]
    if skipped:
        message += f"; not tried: {', '.join(skipped)}"
    details = {
        "files": len(sources),
        "bytes": sum(source.size for source in sources),
        "sha256": {source.relative: source.sha256 for source in sources},
        "destinations": {report.destination: report.as_dict() for report in reports},
    }
    event = log.info if ok else log.warning
    event("postprocess_finished", run_id=run_id, postprocessor="transfer", ok=ok)
    outputs = tuple(path for report in reports for path in report.written)
    return PostprocessResult(ok=ok, message=message, outputs=outputs, details=details)
