"""The guard every adapter puts first: is the spec it was handed one of its own class?

The registry hands each adapter the specs of the class it was registered for, so a wrong
class is a programming error (a plugin's bad registration, a test), never a user's.
"""

from __future__ import annotations

from typing import TypeVar

SpecT = TypeVar("SpecT")


def require_spec(spec: object, expected: type[SpecT], adapter: str) -> SpecT:
    """Return ``spec``, typed as ``expected``.

    Args:
        spec: The spec the adapter was handed.
        expected: The spec class the adapter handles.
        adapter: The adapter's name, for the message.

    Raises:
        TypeError: ``spec`` is not an ``expected``; the message names both classes.

    Example:
        >>> require_spec(LocalExecution(), LocalExecution, "LocalExecutor")  # doctest: +SKIP
    """
    if not isinstance(spec, expected):
        raise TypeError(f"{adapter} handles {expected.__name__} specs, not {type(spec).__name__}")
    return spec
