"""What identifies a data source's content, and canonical JSON for cache keys.

A source's identity is a text that changes whenever the data behind it changes: a local path
with its size and modification time (every file of a folder), or a URL with the validators
its server reports (ETag, Last-Modified, Content-MD5, version id). The data cache keys
entries on it, so a changed source never reuses a stale entry.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs

from rompy.domain.errors import DataSourceError
from rompy.log import get_logger

log = get_logger(__name__)

_REMOTE_VALIDATORS = ("ETag", "etag", "Content-MD5", "Digest", "Last-Modified", "LastModified")


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    if attrs.has(type(value)):
        return {"__class__": type(value).__qualname__, **attrs.asdict(value, recurse=False)}
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"cannot put {type(value).__qualname__} into a cache key: {value!r}")


def canonical_json(value: Any) -> str:
    """Return ``value`` as JSON with sorted keys and no spaces (the same value, the same text).

    Datetimes become ISO text, timedeltas seconds, paths strings, attrs objects their fields.
    """
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=_json_default)


def source_identity(uri: str | Path, *, storage_options: Mapping[str, Any] | None = None) -> str:
    """Return a text that changes whenever the data at ``uri`` changes.

    A local file gives its absolute path, size and ``mtime_ns``; a local folder (a Zarr
    store) the same for every file in it. A remote URL gives the URL with the validators its
    server reports (ETag, Last-Modified, Content-MD5, version id) from a HEAD request through
    fsspec's ``info``.

    Returns:
        The identity, or ``""`` when a remote server reports nothing that would reveal a
        change (then nothing from it may be cached).

    Raises:
        DataSourceError: The path does not exist or the server cannot be reached.
    """
    text = os.fspath(uri)
    protocol, _, rest = text.partition("://")
    if not rest or protocol == "file":
        return _local_identity(Path(rest if rest else text))
    return _remote_identity(text, protocol, dict(storage_options or {}))


def _local_identity(path: Path) -> str:
    path = path.expanduser().resolve()
    try:
        info = path.stat()
    except FileNotFoundError as error:
        raise DataSourceError(f"{path} does not exist") from error
    except OSError as error:
        raise DataSourceError(f"cannot read {path}: {error.strerror or error}") from error
    if not stat.S_ISDIR(info.st_mode):
        return f"file:{path}:{info.st_size}:{info.st_mtime_ns}"
    digest = hashlib.sha256()
    for child in sorted(p for p in path.rglob("*") if p.is_file()):
        child_info = child.stat()
        relative = child.relative_to(path).as_posix()
        digest.update(f"{relative}:{child_info.st_size}:{child_info.st_mtime_ns}\n".encode())
    return f"dir:{path}:{digest.hexdigest()}"


def _remote_identity(url: str, protocol: str, storage_options: dict[str, Any]) -> str:
    import fsspec

    try:
        info = fsspec.filesystem(protocol, **storage_options).info(url)
    except FileNotFoundError as error:
        raise DataSourceError(f"{url} does not exist (the server answered not found)") from error
    except Exception as error:
        raise DataSourceError(f"cannot reach {url}: {error}") from error
    validators = {
        name: str(info[name])
        for name in (*_REMOTE_VALIDATORS, "version_id", "VersionId", "generation", "mtime")
        if info.get(name)
    }
    if not validators:
        log.info("cache_no_validator", url=url)
        return ""
    validators["size"] = str(info.get("size"))
    return f"url:{url}:{canonical_json(validators)}"
