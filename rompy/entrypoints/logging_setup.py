"""Logging set-up for the command line (the library itself never configures logging)."""

from __future__ import annotations

import logging
import sys
from typing import Any

from rompy.log import before_first_event

_LEVELS = [logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR]


def level_from_flags(verbose: int, quiet: int) -> int:
    """Return the log level for ``-v``/``-q`` counts (default INFO)."""
    index = max(0, min(len(_LEVELS) - 1, 1 - verbose + quiet))
    return _LEVELS[index]


def configure_logging(*, verbose: int, quiet: int, log_format: str) -> None:
    """Send structlog events to stderr, as console lines or JSON lines.

    structlog is set up just before the first event, so commands that log nothing start fast.
    """
    level = level_from_flags(verbose, quiet)
    before_first_event(lambda: _configure_structlog(level, log_format), drop_below=level)


def _configure_structlog(level: int, log_format: str) -> None:
    import structlog

    renderer: Any
    if log_format == "json":
        renderer = structlog.processors.JSONRenderer()
    else:
        renderer = structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
