"""Hashing the files of a staging dir: SHA-256, streamed in chunks."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from rompy.ports.provenance import MANIFEST_NAME, FileDigest

CHUNK_BYTES = 1 << 20
"""How much of a file is read at once while hashing."""

TEMP_PREFIX = f".{MANIFEST_NAME}."
"""Names of the manifest's temporary files start with this (they are never inputs)."""


def sha256_of(path: Path) -> str:
    """Return the hex SHA-256 of the file at ``path``, read in chunks of :data:`CHUNK_BYTES`.

    Raises:
        OSError: The file cannot be read.
    """
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def digest_of(root: Path, relative: str) -> FileDigest:
    """Return the digest of ``root / relative`` (``relative`` uses ``/`` separators)."""
    path = root / relative
    return FileDigest(path=relative, sha256=sha256_of(path), size=path.stat().st_size)


def is_manifest_file(relative: str) -> bool:
    """True for the manifest and its temporary files: they are never inputs or outputs."""
    return relative == MANIFEST_NAME or relative.startswith(TEMP_PREFIX)


def list_files(root: Path) -> list[str]:
    """Return every file under ``root`` (links to files included), relative, sorted.

    The manifest and its temporary files are left out; folders are walked without following
    links to folders, so a link cannot make the walk leave the staging dir or loop.
    """
    found: list[str] = []
    for folder, _dirs, names in os.walk(root):
        base = Path(folder).relative_to(root)
        for name in names:
            relative = (base / name).as_posix()
            if not is_manifest_file(relative) and os.path.isfile(os.path.join(folder, name)):
                found.append(relative)
    return sorted(found)


def digest_files(root: Path, relatives: Iterable[str]) -> tuple[FileDigest, ...]:
    """Return the digests of ``relatives`` under ``root``, sorted by path."""
    return tuple(digest_of(root, relative) for relative in sorted(relatives))
