"""Facts about the machine a run is generated on, and reading a staging dir."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Protocol

from rompy.domain.success import FileView


class RuntimeInfo(Protocol):
    """Who, where and when: the provenance stamped into rendered files."""

    def now(self) -> datetime:
        """Return the current UTC time (naive)."""
        ...

    def user(self) -> str:
        """Return the user generating the run."""
        ...

    def host(self) -> str:
        """Return the host name generating the run."""
        ...


class StagingInspector(Protocol):
    """Gives read-only views of staging dirs (for model success checks)."""

    def view(self, staging_dir: Path) -> FileView:
        """Return a read-only view of ``staging_dir``."""
        ...

    def exists(self, staging_dir: Path) -> bool:
        """Return True when ``staging_dir`` exists as a folder."""
        ...
