"""The ``archive`` postprocessor: chosen outputs into one deterministic tar.gz or zip.

Entries are sorted by path and carry fixed times, owners and modes, and the gzip header
carries no name or time, so the same files always give the same archive bytes. With
``manifest`` the archive ends with a ``SHA256SUMS`` entry (``<sha256>  <relative path>``
per file) and the archive's own digest is written next to it in ``<destination>.sha256``.
The staging dir is only read.
"""

from __future__ import annotations

import gzip
import io
import stat
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import attrs

from rompy.adapters.postprocess.noop import outputs_problem
from rompy.adapters.postprocess.selection import (
    CHUNK_BYTES,
    HashingReader,
    file_sha256,
    is_inside,
    manifest_text,
    selected_files,
)
from rompy.adapters.postprocess.targets import (
    DestinationExistsError,
    DestinationUnavailableError,
    OutputTarget,
    redact,
)
from rompy.adapters.spec_check import require_spec
from rompy.domain.postprocess.file_outputs import (
    DIGEST_SUFFIX,
    MANIFEST_NAME,
    ArchiveFormat,
    ArchivePostprocess,
    render_destination,
)
from rompy.log import get_logger
from rompy.ports.postprocessing import PostprocessRequest, PostprocessResult

log = get_logger(__name__)

FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)
"""The time of every entry (the earliest a zip can hold), as a date-time tuple."""

FIXED_MTIME = 315532800
"""The time of every entry, in seconds since the epoch (1980-01-01T00:00:00Z)."""

_EXECUTABLE = stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH

WriteArchive = Callable[[Path, Path, list[str], bool], dict[str, str]]
"""Write ``files`` of a staging dir into an archive file; return each file's digest."""


@attrs.frozen(kw_only=True)
class _Written:
    outputs: tuple[str, ...]
    digests: dict[str, str]
    archive_digest: str
    archive_bytes: int


def entry_mode(source_mode: int) -> int:
    """Return the permission bits an entry gets: 0o755 if executable, else 0o644."""
    return 0o755 if source_mode & _EXECUTABLE else 0o644


def write_tar_gz(
    archive: Path, staging_dir: Path, files: list[str], manifest: bool
) -> dict[str, str]:
    """Write ``files`` of ``staging_dir`` into a new deterministic tar.gz at ``archive``.

    Returns:
        The SHA-256 digest of each file, by relative path, as read while packing.
    """
    digests: dict[str, str] = {}
    with (
        archive.open("xb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as packed,
        tarfile.open(fileobj=packed, mode="w", format=tarfile.PAX_FORMAT) as tar,
    ):
        for relative in files:
            source = staging_dir / relative
            info = _tar_info(relative, source.stat().st_size, entry_mode(source.stat().st_mode))
            with source.open("rb") as stream:
                reader = HashingReader(stream)
                tar.addfile(info, reader)
            digests[relative] = reader.hexdigest()
        if manifest:
            data = manifest_text(digests).encode()
            tar.addfile(_tar_info(MANIFEST_NAME, len(data), 0o644), io.BytesIO(data))
    return digests


def _tar_info(name: str, size: int, mode: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, mode, FIXED_MTIME
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def write_zip(archive: Path, staging_dir: Path, files: list[str], manifest: bool) -> dict[str, str]:
    """Write ``files`` of ``staging_dir`` into a new deterministic zip at ``archive``.

    Returns:
        The SHA-256 digest of each file, by relative path, as read while packing.
    """
    digests: dict[str, str] = {}
    with zipfile.ZipFile(archive, mode="x", compression=zipfile.ZIP_DEFLATED) as bundle:
        for relative in files:
            source = staging_dir / relative
            info = _zip_info(relative, source.stat().st_size, entry_mode(source.stat().st_mode))
            with source.open("rb") as stream, bundle.open(info, mode="w") as entry:
                reader = HashingReader(stream)
                _copy(reader, entry)
            digests[relative] = reader.hexdigest()
        if manifest:
            data = manifest_text(digests).encode()
            bundle.writestr(_zip_info(MANIFEST_NAME, len(data), 0o644), data)
    return digests


def _zip_info(name: str, size: int, mode: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=FIXED_DATE_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = (stat.S_IFREG | mode) << 16
    info.file_size = size
    return info


def _copy(reader: HashingReader, entry: IO[bytes]) -> None:
    while chunk := reader.read(CHUNK_BYTES):
        entry.write(chunk)


WRITERS: dict[ArchiveFormat, WriteArchive] = {"tar.gz": write_tar_gz, "zip": write_zip}
"""The archive writer of each format."""


class ArchivePostprocessor:
    """Packs a run's chosen outputs into one archive at a local path or fsspec URL.

    Example:
        >>> ArchivePostprocessor().process(request).outputs  # doctest: +SKIP
        ('/data/archives/demo.tar.gz', '/data/archives/demo.tar.gz.sha256')
    """

    def process(self, request: PostprocessRequest) -> PostprocessResult:
        """Archive the outputs of ``request``; a failure is a result with ``ok=False``.

        Raises:
            TypeError: The request's spec is not an :class:`ArchivePostprocess`.
        """
        spec = require_spec(request.spec, ArchivePostprocess, "ArchivePostprocessor")
        destination = redact(render_destination(spec.destination, request.run_id))
        problem, files = _choose_files(request.staging_dir, spec)
        if problem:
            return _failed(request.run_id, problem, destination=destination)
        try:
            target = OutputTarget.resolve(render_destination(spec.destination, request.run_id))
            written = _archive(target, request.staging_dir, files, spec)
        except (DestinationExistsError, DestinationUnavailableError) as error:
            return _failed(request.run_id, str(error), destination=destination)
        except (OSError, tarfile.TarError, zipfile.BadZipFile) as error:
            message = f"cannot write the archive {destination}: {error}"
            return _failed(request.run_id, message, destination=destination)
        log.info(
            "postprocess_finished",
            run_id=request.run_id,
            postprocessor="archive",
            files=len(files),
            destination=written.outputs[0],
        )
        return PostprocessResult(
            ok=True,
            message=f"archived {len(files)} files to {written.outputs[0]}",
            outputs=written.outputs,
            details=_details(spec, written, files),
        )


def _choose_files(staging_dir: Path, spec: ArchivePostprocess) -> tuple[str, list[str]]:
    """Return (problem, files): the files to pack, or why there are none."""
    problem = outputs_problem(staging_dir)
    if problem:
        return problem, []
    files = selected_files(staging_dir, spec.include, spec.exclude)
    if not files:
        return (
            f"no file in {staging_dir} matches include {list(spec.include)} and not exclude "
            f"{list(spec.exclude)}; nothing to archive",
            [],
        )
    if spec.manifest and MANIFEST_NAME in files:
        return (
            f"the outputs hold a file named {MANIFEST_NAME}, the manifest's name in the "
            "archive; exclude it or set manifest: false",
            [],
        )
    return "", files


def _archive(
    target: OutputTarget, staging_dir: Path, files: list[str], spec: ArchivePostprocess
) -> _Written:
    local = target.local_path
    if local is not None and is_inside(local, staging_dir):
        raise DestinationUnavailableError(
            f"the destination {local} lies inside the staging dir {staging_dir}; "
            "archive to a path outside it"
        )
    digest_target = target.with_suffix_added(DIGEST_SUFFIX) if spec.manifest else None
    if not spec.overwrite:
        for each in (target, digest_target):
            if each is not None:
                each.refuse_existing()
    with target.writing(overwrite=spec.overwrite) as temporary:
        digests = WRITERS[spec.archive_format](temporary, staging_dir, files, spec.manifest)
        archive_digest = file_sha256(temporary)
        archive_bytes = temporary.stat().st_size
    outputs = [target.display]
    if digest_target is not None:
        name = Path(target.path).name
        with digest_target.writing(overwrite=spec.overwrite) as temporary:
            temporary.write_text(f"{archive_digest}  {name}\n", encoding="utf-8")
        outputs.append(digest_target.display)
    return _Written(
        outputs=tuple(outputs),
        digests=digests,
        archive_digest=archive_digest,
        archive_bytes=archive_bytes,
    )


def _details(spec: ArchivePostprocess, written: _Written, files: list[str]) -> dict[str, Any]:
    return {
        "format": spec.archive_format,
        "destination": written.outputs[0],
        "files": len(files),
        "archive_bytes": written.archive_bytes,
        "sha256": written.archive_digest,
        "file_sha256": dict(written.digests),
    }


def _failed(run_id: str, message: str, *, destination: str) -> PostprocessResult:
    log.warning("postprocess_failed", run_id=run_id, postprocessor="archive", message=message)
    return PostprocessResult(ok=False, message=message, details={"destination": destination})
