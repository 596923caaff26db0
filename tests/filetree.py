"""Small helpers that build file trees for tests."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path


def write_tree(folder: Path, files: Mapping[str, bytes]) -> Path:
    """Write ``files`` (relative path → bytes) under ``folder`` and return the folder."""
    for relative, data in files.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_bytes(data)
    return folder
