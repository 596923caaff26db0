"""One way to get a logger in rompy.

The library only *uses* structlog; it never configures logging globally. The CLI (or the
embedding application) decides where events go and how they look.
"""

from __future__ import annotations

from typing import Any

import structlog


def get_logger(name: str, **initial_values: Any) -> Any:
    """Return a structlog logger bound to ``logger=name``.

    Args:
        name: Usually ``__name__`` of the calling module.
        **initial_values: Context bound to every event of this logger.

    Returns:
        A lazy structlog logger; events are short snake_case names with key-value context.

    Example:
        >>> log = get_logger(__name__)
        >>> log.debug("run_started", run_id="demo")
    """
    return structlog.get_logger(name, **initial_values)
