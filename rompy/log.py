"""One way to get a logger in rompy.

The library only *uses* structlog; it never configures logging globally. The CLI (or the
embedding application) decides where events go and how they look. structlog itself is
imported on a logger's first event, so importing rompy stays cheap.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

_before_first_event: list[Callable[[], None]] = []
_METHOD_LEVELS = {"debug": 10, "info": 20, "warning": 30, "warn": 30, "error": 40}
_dropped_below = 0


def before_first_event(setup: Callable[[], None], *, drop_below: int = 0) -> None:
    """Run ``setup`` just before the first rompy log event (or now, if one was logged).

    Applications use it to configure structlog without paying for its import when a
    command logs nothing worth showing.

    Args:
        setup: Configures structlog.
        drop_below: Events under this :mod:`logging` level (``logging.INFO`` = 20) are
            dropped without loading structlog, as the configuration would filter them.
    """
    global _dropped_below
    _dropped_below = drop_below
    if _LazyLogger.started:
        _forget_kept_methods()
        setup()
    else:
        _before_first_event.append(setup)


def ignore_event(*args: Any, **kwargs: Any) -> None:
    """The logging method handed out for events dropped before structlog is loaded."""
    return None


class _LazyLogger:
    """A structlog logger created on its first use.

    When structlog is configured to cache loggers on first use (as the CLI does), the
    logger's methods cannot change any more, so each one is kept on the instance at its
    first look-up: later ``log.info`` calls skip two layers of proxies.
    """

    started = False

    def __init__(self, name: str, initial_values: dict[str, Any]) -> None:
        self._name = name
        self._initial_values = initial_values
        self._logger: Any = None
        self._keep_methods = False
        _loggers.add(self)

    def __getattr__(self, attribute: str) -> Any:
        if _METHOD_LEVELS.get(attribute, 100) < _dropped_below:
            return ignore_event
        if self._logger is None:
            import structlog

            _start()
            self._logger = structlog.get_logger(self._name, **self._initial_values)
            self._keep_methods = bool(structlog.get_config()["cache_logger_on_first_use"])
        method = getattr(self._logger, attribute)
        if self._keep_methods:
            setattr(self, attribute, method)
        return method


_loggers: weakref.WeakSet[_LazyLogger] = weakref.WeakSet()


def _forget_kept_methods() -> None:
    """Make every logger look its methods up again (the configuration is about to change)."""
    for logger in list(_loggers):
        for method in _METHOD_LEVELS:
            logger.__dict__.pop(method, None)
        logger._logger = None


def _start() -> None:
    if not _LazyLogger.started:
        _LazyLogger.started = True
        while _before_first_event:
            _before_first_event.pop(0)()


def get_logger(name: str, **initial_values: Any) -> Any:
    """Return a structlog logger bound to ``logger=name``, created on its first event.

    Args:
        name: Usually ``__name__`` of the calling module.
        **initial_values: Context bound to every event of this logger.

    Returns:
        A logger; events are short snake_case names with key-value context.

    Example:
        >>> log = get_logger(__name__)
        >>> log.debug("run_started", run_id="demo")
    """
    return _LazyLogger(name, initial_values)
