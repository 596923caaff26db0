"""How a model checks that a run really succeeded, without touching the disk itself.

A model can exit with status 0 and still have failed (SWAN does). Each model config can say what
success looks like by reading its staging directory through a :class:`FileView`, a read-only
window an adapter provides. The domain only describes the check; adapters do the reading.
"""

from __future__ import annotations

from typing import Protocol

import attrs


class FileView(Protocol):
    """A read-only view of a run's staging directory, given by an adapter."""

    def exists(self, relative_path: str) -> bool:
        """Return True when ``relative_path`` exists in the staging directory."""
        ...

    def read_text(self, relative_path: str) -> str:
        """Return the text of ``relative_path`` (empty string when it is missing)."""
        ...

    def glob(self, pattern: str) -> list[str]:
        """Return the relative paths matching ``pattern``, sorted."""
        ...


@attrs.frozen(kw_only=True)
class SuccessCheck:
    """The verdict of a model's own success check.

    Attributes:
        ok: True when the model's outputs show a successful run.
        reason: Why the run is judged failed (empty when ``ok``).
    """

    ok: bool
    reason: str = ""

    @classmethod
    def passed(cls) -> SuccessCheck:
        """Return a passing verdict."""
        return cls(ok=True)

    @classmethod
    def failed(cls, reason: str) -> SuccessCheck:
        """Return a failing verdict with its ``reason``."""
        return cls(ok=False, reason=reason)
