"""Picking a run's output files and hashing them, for the postprocessors.

Files are named by their path relative to the staging dir with ``/`` separators, the form
the glob patterns of :mod:`rompy.domain.postprocess.file_outputs` match. Nothing here writes.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from rompy.domain.postprocess.file_outputs import select_paths

CHUNK_BYTES = 1024 * 1024
"""How much is read at a time when hashing or copying."""


def list_files(staging_dir: Path) -> list[str]:
    """Return the sorted relative paths of every file under ``staging_dir``.

    Symbolic links to files count as files; links to folders are not followed.

    Args:
        staging_dir: The run's staging dir (must exist).
    """
    found: list[str] = []
    for folder, _, names in os.walk(staging_dir):
        base = Path(folder).relative_to(staging_dir)
        for name in names:
            if (Path(folder) / name).is_file():
                found.append((base / name).as_posix())
    return sorted(found)


def selected_files(staging_dir: Path, include: Iterable[str], exclude: Iterable[str]) -> list[str]:
    """Return the sorted relative paths of the files the patterns pick.

    Args:
        staging_dir: The run's staging dir (must exist).
        include: Patterns a file must match (one of them).
        exclude: Patterns a file must not match (any of them).
    """
    return select_paths(list_files(staging_dir), include, exclude)


def file_sha256(path: Path) -> str:
    """Return the SHA-256 hex digest of the file at ``path``, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def manifest_text(digests: dict[str, str]) -> str:
    """Return ``SHA256SUMS`` text (``<sha256>  <relative path>`` lines, sorted by path).

    Example:
        >>> manifest_text({"b.nc": "2" * 64, "a.nc": "1" * 64}).splitlines()[0][-6:]
        '  a.nc'
    """
    return "".join(f"{digests[path]}  {path}\n" for path in sorted(digests))


class HashingReader:
    """A binary stream that hashes (SHA-256) and counts what is read through it.

    Args:
        stream: The stream to read from.
    """

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._digest = hashlib.sha256()
        self.bytes_read = 0

    def read(self, size: int = -1) -> bytes:
        """Read up to ``size`` bytes (all when negative), hashing them."""
        data = self._stream.read(size)
        self._digest.update(data)
        self.bytes_read += len(data)
        return data

    def hexdigest(self) -> str:
        """Return the SHA-256 hex digest of everything read so far."""
        return self._digest.hexdigest()


def is_inside(path: Path, folder: Path) -> bool:
    """Return True when ``path`` is ``folder`` or lies under it (after resolving links)."""
    resolved, root = path.resolve(), folder.resolve()
    return resolved == root or root in resolved.parents
