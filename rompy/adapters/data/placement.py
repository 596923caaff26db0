"""Putting files in place: hard links where possible, copies otherwise, read-only entries.

The cache hands its entries to staging dirs with :func:`place`; a producer's work folder is
removed with :func:`remove_tree` even when its files were made read-only.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import uuid
from collections.abc import Iterator
from pathlib import Path

__all__ = ["exclusive_lock", "make_read_only", "place", "remove_tree", "tree_size"]


def tree_size(path: Path) -> int:
    """Return the bytes used by a file or by every file under a folder (0 when missing)."""
    if path.is_dir():
        return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file())
    return path.lstat().st_size if path.exists() else 0


def make_read_only(path: Path) -> None:
    """Remove the write bits of a file, or of every file under a folder."""
    targets = [path, *path.rglob("*")] if path.is_dir() else [path]
    for target in targets:
        if target.is_file():
            target.chmod(stat.S_IMODE(target.stat().st_mode) & ~0o222)


def remove_tree(path: Path) -> None:
    """Remove a file or folder, read-only files included; a missing path is fine."""
    if path.is_dir() and not path.is_symlink():
        for target in path.rglob("*"):
            if target.is_dir() and not target.is_symlink():
                target.chmod(0o700)
        path.chmod(0o700)
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _link_or_copy_file(source: Path, target: Path) -> bool:
    """Hard-link ``source`` to ``target`` (replacing it); copy when linking fails.

    Returns:
        True when linked, False when copied.
    """
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.part")
    try:
        os.link(source, temporary)
        linked = True
    except OSError:
        shutil.copy2(source, temporary)
        temporary.chmod(0o644)
        linked = False
    os.replace(temporary, target)
    return linked


def place(source: Path, destination: Path) -> bool:
    """Put ``source`` (a file or folder) at ``destination`` by hard links, else by copying.

    An existing destination is replaced. Returns True when every file was linked.
    """
    destination.parent.mkdir(parents=True, exist_ok=True)
    if not source.is_dir():
        if destination.is_dir():
            remove_tree(destination)
        return _link_or_copy_file(source, destination)
    staging = destination.with_name(f".{destination.name}.{uuid.uuid4().hex}.part")
    outcomes: list[bool] = []

    def link_one(src: str, dst: str) -> None:
        outcomes.append(_link_or_copy_file(Path(src), Path(dst)))

    shutil.copytree(source, staging, copy_function=link_one)
    remove_tree(destination)
    os.replace(staging, destination)
    return all(outcomes)


@contextlib.contextmanager
def exclusive_lock(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``lock_path`` (a no-op where fcntl is missing)."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: rename-wins still keeps entries whole
        yield
        return
    with lock_path.open("a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
