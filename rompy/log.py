"""One way to get a logger in rompy: the standard :mod:`logging` tree under ``rompy``.

rompy is a library, so it never decides where its events go. Every module logs through
``logging.getLogger("rompy.<module>")`` and the ``rompy`` logger carries a
:class:`logging.NullHandler`:

* a host that configures nothing sees nothing, on stdout or stderr (Python's last-resort
  handler is not used because a handler exists);
* a host that configures logging (``logging.basicConfig(level=logging.INFO)``, a
  ``dictConfig``, a structlog ``ProcessorFormatter``) receives rompy's records in its own
  handlers, with the event name and key-value context on each record.

Events are short snake_case names with keyword context, as structlog writes them::

    log = get_logger(__name__)
    log.info("run_started", run_id="demo", backend="local")

Each record's message reads ``run_started run_id=demo backend=local`` (rendered only when a
handler formats it), and the record carries ``rompy_event`` and ``rompy_context`` attributes
for handlers that want the structure (the CLI's JSON output uses them). An event below the
logger's effective level costs one ``isEnabledFor`` call.

Secrets never reach a record: a context value under a key that names a secret (``token``,
``password``, ``secret``, ``api_key``, ``credential``, ``auth``...) is replaced by ``***``, also
inside nested mappings, and ``NAME=value`` pairs with such a name inside strings and lists
(an environment list, a command line) have their value replaced too.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

ROOT_LOGGER = "rompy"
"""The name of the logger every rompy logger sits under."""

REDACTED = "***"
"""What a secret value is replaced by in log records."""

_SECRET_WORDS = r"token|passw(?:or)?d|passwd|secret|api[_-]?key|credential|auth|private[_-]?key"
_SECRET_KEY = re.compile(_SECRET_WORDS, re.IGNORECASE)
_SECRET_ASSIGNMENT = re.compile(rf"\b(\w*(?:{_SECRET_WORDS})\w*)=(\S+)", re.IGNORECASE)

logging.getLogger(ROOT_LOGGER).addHandler(logging.NullHandler())


def redact(value: Any, key: str = "") -> Any:
    """Return ``value`` with every secret in it replaced by :data:`REDACTED`.

    Args:
        value: A log context value: a scalar, a string, a mapping or a list/tuple of them.
        key: The name the value is logged under; a secret-looking name hides the whole value.

    Returns:
        The value itself when it holds no secret, else a redacted copy.
    """
    if key and _SECRET_KEY.search(key):
        return REDACTED
    if isinstance(value, str):
        return _SECRET_ASSIGNMENT.sub(rf"\1={REDACTED}", value) if "=" in value else value
    if isinstance(value, Mapping):
        return {name: redact(item, str(name)) for name, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(redact(item) for item in value)
    return value


class EventMessage:
    """A record's message: the event name and its context, rendered only when formatted.

    Args:
        event: The event name.
        context: Its key-value context (already redacted).
    """

    __slots__ = ("context", "event")

    def __init__(self, event: str, context: Mapping[str, Any]) -> None:
        self.event = event
        self.context = context

    def __str__(self) -> str:
        pairs = " ".join(f"{key}={value}" for key, value in self.context.items())
        return f"{self.event} {pairs}" if pairs else self.event


class RompyLogger:
    """A logger that writes structured events to a standard :class:`logging.Logger`.

    Args:
        logger: The standard logger the records go to.
        context: Key-value context added to every event of this logger.
    """

    __slots__ = ("_context", "_logger")

    def __init__(self, logger: logging.Logger, context: Mapping[str, Any] | None = None) -> None:
        self._logger = logger
        self._context: dict[str, Any] = dict(context or {})

    @property
    def name(self) -> str:
        """The standard logger's name (``rompy.<module>``)."""
        return self._logger.name

    def bind(self, **context: Any) -> RompyLogger:
        """Return a logger that adds ``context`` to every event (this one is unchanged)."""
        return RompyLogger(self._logger, {**self._context, **context})

    def is_enabled_for(self, level: int) -> bool:
        """Whether an event at ``level`` (``logging.INFO``...) would be handled at all."""
        return self._logger.isEnabledFor(level)

    def debug(self, event: str, **context: Any) -> None:
        """Log ``event`` at DEBUG."""
        self._log(logging.DEBUG, event, context)

    def info(self, event: str, **context: Any) -> None:
        """Log ``event`` at INFO."""
        self._log(logging.INFO, event, context)

    def warning(self, event: str, **context: Any) -> None:
        """Log ``event`` at WARNING."""
        self._log(logging.WARNING, event, context)

    def error(self, event: str, **context: Any) -> None:
        """Log ``event`` at ERROR."""
        self._log(logging.ERROR, event, context)

    def exception(self, event: str, **context: Any) -> None:
        """Log ``event`` at ERROR with the exception being handled."""
        self._log(logging.ERROR, event, context, exc_info=True)

    def _log(
        self, level: int, event: str, context: Mapping[str, Any], exc_info: bool = False
    ) -> None:
        if not self._logger.isEnabledFor(level):
            return
        merged = redact({**self._context, **context})
        self._logger.log(
            level,
            EventMessage(event, merged),
            exc_info=exc_info,
            extra={"rompy_event": event, "rompy_context": merged},
            stacklevel=3,
        )


def get_logger(name: str, **initial_values: Any) -> RompyLogger:
    """Return a rompy logger writing to the standard logger ``name``.

    Args:
        name: Usually ``__name__`` of the calling module (a name under ``rompy``, so the
            ``rompy`` logger's handlers and level apply; plugins may pass their own).
        **initial_values: Context bound to every event of this logger.

    Returns:
        A :class:`RompyLogger`.

    Example:
        >>> log = get_logger(__name__)
        >>> log.debug("run_started", run_id="demo")
    """
    return RompyLogger(logging.getLogger(name), initial_values)


def event_of(record: logging.LogRecord) -> tuple[str, Mapping[str, Any]]:
    """The event name and context of a record (a foreign record: its message, no context)."""
    event = getattr(record, "rompy_event", None) or record.getMessage()
    return event, getattr(record, "rompy_context", None) or {}


class _EventList(logging.Handler):
    """A handler that keeps each record as an event dict (see :func:`capture_events`)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.events: list[dict[str, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the record's event, context, level and logger name."""
        event, context = event_of(record)
        level = record.levelname.lower()
        self.events.append({"event": event, **context, "log_level": level, "logger": record.name})


@contextmanager
def capture_events(level: int = logging.DEBUG) -> Iterator[list[dict[str, Any]]]:
    """Collect rompy's events at ``level`` and above while the block runs (for tests).

    Args:
        level: The lowest level kept; the ``rompy`` logger's level is set to it meanwhile.

    Yields:
        The list the events are appended to, each a dict with ``event``, the context,
        ``log_level`` and ``logger``.

    Example:
        >>> with capture_events() as events:
        ...     get_logger("rompy.demo").info("run_started", run_id="r1")
        >>> events[0]["event"], events[0]["run_id"]
        ('run_started', 'r1')
    """
    root = logging.getLogger(ROOT_LOGGER)
    handler = _EventList()
    handler.setLevel(level)
    previous = root.level
    root.addHandler(handler)
    root.setLevel(level)
    try:
        yield handler.events
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)


@contextmanager
def library_logging_undone() -> Iterator[None]:
    """Undo what libraries imported meanwhile did to an unconfigured root logger.

    Some libraries call ``logging.basicConfig`` when imported (wavespectra's output
    modules, loaded as an xarray backend, do); in a host that configured no logging that
    would suddenly print every library's INFO records, rompy's included, on stderr. When
    the root logger had no handler before the block, the handlers and level added during
    it are removed again; a host's own configuration is never touched.
    """
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        yield
    finally:
        if not handlers:
            for handler in [handler for handler in root.handlers if handler not in handlers]:
                root.removeHandler(handler)
            root.setLevel(level)
