"""Logging set-up for the command line (the library itself never configures logging).

The CLI is rompy's own host: it puts one handler on the ``rompy`` logger that writes each
event to stderr, as a console line (structlog's console renderer, loaded on the first
record) or as a JSON line, at the level the ``-v``/``-q`` flags choose.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from rompy.log import ROOT_LOGGER, event_of

_LEVELS = [logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR]


def level_from_flags(verbose: int, quiet: int) -> int:
    """Return the log level for ``-v``/``-q`` counts (default INFO)."""
    index = max(0, min(len(_LEVELS) - 1, 1 - verbose + quiet))
    return _LEVELS[index]


def configure_logging(*, verbose: int, quiet: int, log_format: str) -> None:
    """Send rompy's events to stderr, as console lines or JSON lines.

    Calling it again replaces the handler an earlier call installed.

    Args:
        verbose: How many ``-v`` flags were given.
        quiet: How many ``-q`` flags were given.
        log_format: ``"console"`` or ``"json"``.
    """
    logger = logging.getLogger(ROOT_LOGGER)
    for handler in list(logger.handlers):
        if isinstance(handler, _CliHandler):
            logger.removeHandler(handler)
    handler = _CliHandler(sys.stderr)
    handler.setFormatter(EventFormatter(log_format))
    logger.addHandler(handler)
    logger.setLevel(level_from_flags(verbose, quiet))
    logger.propagate = False


class _CliHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The stderr handler the CLI installs (a class of its own, so it can be found again)."""


def event_dict(record: logging.LogRecord) -> dict[str, Any]:
    """Return a record as a structlog-style event dict (event, context, level, timestamp)."""
    event, context = event_of(record)
    stamp = datetime.fromtimestamp(record.created, UTC).isoformat().replace("+00:00", "Z")
    fields: dict[str, Any] = {"event": event, **context}
    fields.update(level=record.levelname.lower(), timestamp=stamp, logger=record.name)
    if record.exc_info:
        fields["exception"] = logging.Formatter().formatException(record.exc_info)
    return fields


class EventFormatter(logging.Formatter):
    """Formats rompy's records as console lines or JSON lines.

    Args:
        log_format: ``"console"`` or ``"json"``.
    """

    def __init__(self, log_format: str) -> None:
        super().__init__()
        self._log_format = log_format
        self._console: Any = None

    def format(self, record: logging.LogRecord) -> str:
        """Render one record."""
        fields = event_dict(record)
        if self._log_format == "json":
            return json.dumps(fields, default=str)
        if self._console is None:
            import structlog

            self._console = structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
        return str(self._console(None, fields["level"], fields))
