"""What every SWAN command object shares: a tag, a rendered line, number formatting.

A command class is an ``attrs`` class with a ``model_type`` class constant (the tag
rompy-swan YAML writes, with its upper-case alias) and a ``render()`` method returning the
command's line(s) in SWAN's own syntax.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from rompy import ConfigError


def number(value: float | int) -> str:
    """Format a number for SWAN: integers bare, floats without needless digits.

    Example:
        >>> number(2.0), number(0.05), number(12)
        ('2.0', '0.05', '12')
    """
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, int):
        return str(value)
    return repr(float(value))


def keyword_values(pairs: Iterable[tuple[str, Any]]) -> str:
    """Render ``name=value`` pairs, skipping the values left unset (None).

    Example:
        >>> keyword_values([("level", 0.5), ("nor", None), ("maxerr", 1)])
        'level=0.5 maxerr=1'
    """
    return " ".join(f"{name}={number(value)}" for name, value in pairs if value is not None)


def quoted(text: str) -> str:
    """Quote text for SWAN (single quotes; a quote inside is refused)."""
    if "'" in text:
        raise ConfigError(f"SWAN text cannot hold a single quote: {text!r}", value=text)
    return f"'{text}'"


def join(*parts: str | None) -> str:
    """Join the non-empty parts of a command with single spaces."""
    return " ".join(part for part in parts if part)


def tag_aliases(tag: str) -> tuple[str, ...]:
    """The upper-case alias rompy-swan accepts next to a lower-case tag."""
    return (tag.upper(),) if tag.upper() != tag else ()


def positive(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Validate (for attrs) a positive number (or None when the field is optional)."""
    if value is not None and not value > 0:
        raise ConfigError(
            f"{attribute.name} must be positive, got {value!r}",
            path=attribute.name,
            value=value,
        )


def non_negative(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Validate (for attrs) zero or more (or None when the field is optional)."""
    if value is not None and value < 0:
        raise ConfigError(
            f"{attribute.name} must be zero or more, got {value!r}",
            path=attribute.name,
            value=value,
        )


LINE_WIDTH = 100
"""Longest line written; SWAN 41.01 reads only the first 120 characters of a line."""


def continued(*parts: str | None, width: int = LINE_WIDTH) -> list[str]:
    """One command over as many lines as it needs, each continued by a trailing ``&``.

    Parts are never split; empty ones are left out.

    Example:
        >>> continued("NUMERIC", "STOPC drel=0.01", "DIRIMPL cdd=0.5", width=26)
        ['NUMERIC STOPC drel=0.01 &', 'DIRIMPL cdd=0.5']
    """
    lines: list[str] = []
    current = ""
    for part in (part for part in parts if part):
        if current and len(current) + 1 + len(part) > width - 2:
            lines.append(f"{current} &")
            current = part
        else:
            current = join(current, part)
    return [*lines, current] if current else lines
