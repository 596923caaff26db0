"""Version checks of physics commands, reported at the field that asks for the keyword."""

from __future__ import annotations

from rompy import ConfigError
from rompy.models.swan.versions import SwanVersion


def check_at(path: str, part: object, version: SwanVersion) -> None:
    """Check ``part`` when it has a ``check_version(version)``, placing errors under ``path``.

    Raises:
        ConfigError: ``version`` does not read ``part``; its path starts with ``path``.
    """
    check = getattr(part, "check_version", None)
    if check is None:
        return
    try:
        check(version)
    except ConfigError as error:
        raise error.with_path_prefix(path) from error
