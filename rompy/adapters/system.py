"""Facts about this machine and read-only views of local staging dirs."""

from __future__ import annotations

import getpass
import os
import platform
import posixpath
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from rompy.domain.errors import StagingError

UNKNOWN = "unknown"
"""Reported when the user or host name cannot be found."""


class SystemRuntimeInfo:
    """Who, where and when, read from this machine (implements ``RuntimeInfo``)."""

    def now(self) -> datetime:
        """Return the current UTC time, without time zone."""
        return datetime.now(UTC).replace(tzinfo=None)

    def user(self) -> str:
        """Return the login name (``getpass``, then ``$USER``, then ``unknown``)."""
        try:
            return getpass.getuser()
        except (KeyError, OSError):
            return os.environ.get("USER") or UNKNOWN

    def host(self) -> str:
        """Return this machine's network name (``unknown`` when it has none)."""
        return platform.node() or UNKNOWN


class LocalFileView:
    """A read-only view of one local folder (implements ``FileView``).

    Paths are relative to the folder and may not leave it: absolute paths and ``..`` that
    climb out are refused. Symbolic links inside the folder are followed.

    Args:
        root: The folder to view (usually a staging dir); it need not exist.

    Example:
        >>> view = LocalFileView(Path("staging"))  # doctest: +SKIP
        >>> view.glob("*.nc")  # doctest: +SKIP
        ['out.nc']
    """

    def __init__(self, root: Path) -> None:
        """View ``root``."""
        self.root = root

    def _inside(self, relative_path: str) -> Path:
        """Return the absolute path of ``relative_path``, refusing paths that leave the root."""
        normal = posixpath.normpath(PurePosixPath(relative_path).as_posix())
        if PurePosixPath(relative_path).is_absolute() or normal == ".." or normal.startswith("../"):
            raise StagingError(
                f"{relative_path!r} is outside the staging dir {self.root}; give a path "
                "relative to it without '..' climbing out"
            )
        return self.root / normal

    def exists(self, relative_path: str) -> bool:
        """Return True when ``relative_path`` exists in the folder."""
        return self._inside(relative_path).exists()

    def read_text(self, relative_path: str) -> str:
        """Return the text of ``relative_path`` (empty when missing; bad bytes replaced)."""
        path = self._inside(relative_path)
        try:
            return path.read_text(encoding="utf-8", errors="replace")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return ""

    def glob(self, pattern: str) -> list[str]:
        """Return the relative POSIX paths matching ``pattern`` (``**`` recurses), sorted."""
        self._inside(pattern)
        if ".." in PurePosixPath(pattern).parts:
            raise StagingError(
                f"glob pattern {pattern!r} may not contain '..'; give a pattern inside the "
                f"staging dir {self.root}"
            )
        if not self.root.is_dir():
            return []
        return sorted(path.relative_to(self.root).as_posix() for path in self.root.glob(pattern))


class LocalStagingInspector:
    """Gives read-only views of local staging dirs (implements ``StagingInspector``)."""

    def view(self, staging_dir: Path) -> LocalFileView:
        """Return a read-only view of ``staging_dir``."""
        return LocalFileView(staging_dir)

    def exists(self, staging_dir: Path) -> bool:
        """Return True when ``staging_dir`` exists as a folder."""
        return os.path.isdir(staging_dir)  # cheaper than Path.is_dir, the same answer
