"""The handler of ``data_blob`` and ``data_link``: copy, download or link a file or folder.

Local sources are copied (or symbolically linked, with an absolute target, when ``link`` is
set); remote sources (any fsspec URL) are downloaded with retries. Everything appears under
its final name only when complete.

Example:
    >>> BlobHandler().prepare(DataRequest(item=item), opener)  # doctest: +SKIP
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from typing import Any

from rompy._version import __version__
from rompy.adapters.data.parallel_fetch import download, with_retries
from rompy.adapters.data.sources.identity import source_identity
from rompy.domain.data.sources import is_local
from rompy.domain.data.specs import DataBlob
from rompy.domain.errors import ConfigError, DataSourceError
from rompy.log import get_logger
from rompy.ports.data import DataRequest, PreparedData, SourceOpener

log = get_logger(__name__)


def _local_path(uri: str) -> Path:
    return Path(uri.removeprefix("file://")).expanduser().resolve()


def _partial(target: Path) -> Path:
    return target.with_name(f".{target.name}.{uuid.uuid4().hex}.part")


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _copy_local(source: Path, target: Path) -> None:
    partial = _partial(target)
    try:
        if source.is_dir():
            shutil.copytree(source, partial, symlinks=True)
        else:
            shutil.copy2(source, partial)
        os.replace(partial, target)
    finally:
        _remove(partial)


def _link_local(source: Path, target: Path) -> None:
    partial = _partial(target)
    try:
        partial.symlink_to(source, target_is_directory=source.is_dir())
        os.replace(partial, target)
    finally:
        _remove(partial)


def _download_tree(uri: str, target: Path) -> None:
    import fsspec

    filesystem, _, (path,) = fsspec.get_fs_token_paths(uri)
    if not filesystem.isdir(path):
        download(uri, target)
        return
    partial = _partial(target)
    try:
        with_retries(lambda: filesystem.get(path, str(partial), recursive=True), url=uri)
        os.replace(partial, target)
    finally:
        _remove(partial)


class BlobHandler:
    """Copies, downloads or links ``data_blob``/``data_link`` items; a DataHandler."""

    def prepare(self, request: DataRequest, opener: SourceOpener[Any]) -> PreparedData:
        """Check the source exists (or answers); nothing is copied yet.

        Raises:
            DataSourceError: The source is missing or unreachable.
        """
        item = request.item
        spec = item.spec
        if not isinstance(spec, DataBlob):
            raise ConfigError(f"{item.name}: {type(spec).__name__} is not a data blob")
        parts = None
        if is_local(spec.source):
            if not _local_path(spec.source).exists():
                raise DataSourceError(f"{item.name}: {spec.source} does not exist")
        else:
            identity = source_identity(spec.source)
            if identity:
                parts = {
                    "source": identity,
                    "handler": type(self).__qualname__,
                    "code": __version__,
                }
        action = "link" if spec.link else "copy"
        return PreparedData(
            item=item,
            payload=spec.source,
            outputs=(Path(item.output_name),),
            cache_parts=parts,
            summary=f"{item.name}: {action} {spec.source}",
        )

    def key_parts(self, request: DataRequest, opener: SourceOpener[Any]) -> dict[str, str] | None:
        """A remote file's identity (URL and validators); local blobs are never cached."""
        spec = request.item.spec
        assert isinstance(spec, DataBlob)
        if is_local(spec.source):
            return None
        identity = source_identity(spec.source)
        if not identity:
            return None
        return {"source": identity, "handler": type(self).__qualname__, "code": __version__}

    def write(self, prepared: PreparedData, folder: Path) -> tuple[Path, ...]:
        """Copy, download or link the source to its output path under ``folder``."""
        spec = prepared.item.spec
        assert isinstance(spec, DataBlob)
        (output,) = prepared.outputs
        target = folder / output
        target.parent.mkdir(parents=True, exist_ok=True)
        if not is_local(spec.source):
            _download_tree(spec.source, target)
        elif spec.link:
            _link_local(_local_path(spec.source), target)
        else:
            _copy_local(_local_path(spec.source), target)
        log.info("data_written", summary=prepared.summary, file=str(output))
        return prepared.outputs
