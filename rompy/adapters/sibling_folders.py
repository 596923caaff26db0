"""Temporary folders next to a staging dir, so that moving them into place is a rename.

Both the template renderer and the data stager build their output beside the staging dir
and rename it in only when complete; this module names and creates those siblings.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from rompy.domain.errors import StagingError


def sibling_name(staging: Path, purpose: str) -> Path:
    """Return an unused-looking name ``<staging>.rompy-<purpose>-<random>`` beside ``staging``."""
    return staging.with_name(f"{staging.name}.rompy-{purpose}-{secrets.token_hex(4)}")


def new_sibling_folder(staging: Path, purpose: str) -> Path:
    """Create and return a new empty folder beside ``staging``.

    Raises:
        StagingError: The folder cannot be created, or no free name was found.
    """
    for _ in range(100):
        candidate = sibling_name(staging, purpose)
        try:
            candidate.mkdir()
        except FileExistsError:
            continue
        except OSError as exc:
            raise StagingError(f"cannot create a folder next to {staging}: {exc}") from exc
        return candidate
    raise StagingError(f"cannot find a free temporary name next to {staging}")
