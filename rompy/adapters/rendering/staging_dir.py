"""Writing a staging dir atomically, for every renderer.

Files are written into a temporary sibling of the staging dir, which is renamed into place
only when everything was written: a failure never leaves a half-written staging dir, and an
existing staging dir is replaced only when asked (and then only after the new one is ready).
Folders that must never be replaced (the current directory, the home directory, anything
holding them) are refused.

Example:
    >>> def write(folder: Path) -> list[Path]:  # doctest: +SKIP
    ...     (folder / "INPUT").write_text("...")
    ...     return [Path("INPUT")]
    >>> write_staging_dir(request, write)  # doctest: +SKIP
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from rompy.adapters.sibling_folders import new_sibling_folder, sibling_name
from rompy.domain.errors import StagingError
from rompy.log import get_logger
from rompy.ports.rendering import RenderRequest

log = get_logger(__name__)

WriteFiles = Callable[[Path], list[Path]]
"""Writes the files into the folder it is given; returns them relative to it."""


def check_staging_target(request: RenderRequest) -> None:
    """Refuse a protected staging dir, or an existing one that may not be replaced.

    Raises:
        StagingError: The staging dir is or holds the current or home directory, or it exists
            and ``request.delete_existing`` is false.
    """
    _refuse_protected(request.staging_dir)
    if _exists(request.staging_dir) and not request.delete_existing:
        raise _already_exists(request.staging_dir)


def write_staging_dir(request: RenderRequest, write_files: WriteFiles) -> list[Path]:
    """Write the staging dir of ``request`` with ``write_files``, atomically.

    Args:
        request: Says where the staging dir is and whether an existing one is replaced.
        write_files: Writes the files into a temporary folder; returns their relative paths.

    Returns:
        The files written, relative to the staging dir.

    Raises:
        StagingError: As :func:`check_staging_target`, or the folder cannot be written.
    """
    staging = request.staging_dir
    check_staging_target(request)
    with _created_parents(staging.parent), _temporary_sibling(staging) as workdir:
        files = write_files(workdir)
        _move_into_place(workdir, staging, replace=request.delete_existing)
    return files


def _exists(path: Path) -> bool:
    return path.exists() or path.is_symlink()


def _already_exists(staging: Path) -> StagingError:
    return StagingError(
        f"staging dir {staging} already exists; pass delete_existing=True "
        "(--delete-existing on the command line) to replace it, or choose another "
        "run_id or output_dir"
    )


def _refuse_protected(staging: Path) -> None:
    target = staging.resolve()
    protected = {"the current directory": Path.cwd().resolve()}
    with suppress(RuntimeError):  # no HOME and no password entry: nothing to protect
        protected["your home directory"] = Path.home().resolve()
    for label, place in protected.items():
        if place == target or place.is_relative_to(target):
            raise StagingError(
                f"refusing to render into {staging}: it is or contains {label} ({place}); "
                "choose a dedicated staging dir such as output_dir/run_id"
            )


@contextmanager
def _created_parents(folder: Path) -> Iterator[None]:
    """Create ``folder`` and missing ancestors; remove the ones created if the body fails."""
    missing = [folder, *folder.parents]
    missing = [path for path in missing if not _exists(path)]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StagingError(f"cannot create output dir {folder}: {exc}") from exc
    try:
        yield
    except BaseException:
        for path in missing:
            _remove_quietly(path, only_if_empty=True)
        raise


@contextmanager
def _temporary_sibling(staging: Path) -> Iterator[Path]:
    """Yield a new empty folder next to ``staging``; remove it unless it was moved away."""
    workdir = new_sibling_folder(staging, "tmp")
    try:
        yield workdir
    except OSError as exc:
        raise StagingError(f"cannot write staging dir {staging}: {exc}") from exc
    finally:
        if _exists(workdir):
            _remove_quietly(workdir)


def _move_into_place(workdir: Path, staging: Path, *, replace: bool) -> None:
    if not _exists(staging):
        os.rename(workdir, staging)
        return
    if not replace:
        raise _already_exists(staging)
    aside = sibling_name(staging, "old")
    os.rename(staging, aside)
    try:
        os.rename(workdir, staging)
    except OSError:
        os.rename(aside, staging)
        raise
    _remove_quietly(aside)


def _remove_quietly(path: Path, *, only_if_empty: bool = False) -> None:
    try:
        if only_if_empty:
            path.rmdir()
        elif path.is_symlink() or not path.is_dir():
            path.unlink()
        else:
            shutil.rmtree(path)
    except OSError as exc:
        if not only_if_empty:
            log.warning("staging_cleanup_failed", path=str(path), error=str(exc))
