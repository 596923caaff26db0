"""``${VAR}`` substitution in configuration text, with defaults and datetime filters.

The grammar of a placeholder::

    ${NAME}                       the value of NAME in the environment
    ${NAME:-default}              ``default`` when NAME is not set (``${NAME:-}`` gives "")
    ${NAME|filter|filter:arg}     the value passed through a chain of filters
    ${NAME:-default|filter}       both
    $${                           a literal ``${`` (no substitution)

Filters:

- ``as_datetime`` / ``as_datetime:%Y%m%d%H`` — parse the text as a datetime (ISO 8601,
  compact ``20230101T000000``/``2023010100``, or the given ``strptime`` format).
- ``strftime:%Y%m%d`` — format a datetime (text is parsed as by ``as_datetime`` first).
- ``shift:+1d`` / ``shift:-6h`` — move a datetime by whole days, hours, minutes or seconds.
- ``upper`` / ``lower`` — change the case of the text.

A datetime that reaches the end of a chain is written as ISO 8601 text
(``2023-01-02T00:00:00``). This module knows nothing of YAML: the loader decides how the
substituted text is typed.

Example:
    >>> env = {"CYCLE": "2023-01-01"}
    >>> substitute("run_${CYCLE|strftime:%Y%m%d}", env, where="x.yml line 1").text
    'run_20230101'
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

import attrs

from rompy.domain.errors import ConfigError

__all__ = [
    "KNOWN_FILTERS",
    "Substituted",
    "escape_placeholders",
    "escape_placeholders_in",
    "has_placeholders",
    "parse_datetime",
    "shift_datetime",
    "substitute",
    "substitute_in",
]

_TOKEN = re.compile(r"\$\$\{|\$\{")
_PLACEHOLDER = re.compile(
    r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"(?::-(?P<default>[^|}]*))?"
    r"(?P<filters>(?:\|[^|}]*)*)\}"
)
_SHIFT = re.compile(r"(?P<sign>[+-]?)(?P<amount>\d+)(?P<unit>[dhms])")
_SHIFT_UNITS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}
_COMPACT_FORMATS = ("%Y%m%d%H", "%Y%m%d%H%M", "%Y%m%d%H%M%S")

Value = str | datetime


class _FilterError(Exception):
    """Why a filter could not be applied; turned into a ConfigError with its location."""


@attrs.frozen(kw_only=True)
class Substituted:
    """The result of substituting the placeholders of one piece of text.

    Attributes:
        text: The text with every placeholder replaced and every ``$${`` unescaped.
        is_datetime: True when the whole text was one placeholder whose filter chain ended
            on a datetime (the loader keeps such a value as an ISO string).
    """

    text: str
    is_datetime: bool = False


@attrs.frozen(kw_only=True)
class _Placeholder:
    source: str
    name: str
    default: str | None
    filters: tuple[str, ...]


def has_placeholders(text: str) -> bool:
    """Return True when ``text`` may hold a placeholder or an escaped ``$${``."""
    return "${" in text


def escape_placeholders(text: str) -> str:
    """Return ``text`` written so that :func:`substitute` gives it back unchanged.

    Example:
        >>> escape_placeholders("echo ${HOME}")
        'echo $${HOME}'
    """
    return text.replace("${", "$${")


def escape_placeholders_in(data: Any) -> Any:
    """Return ``data`` with :func:`escape_placeholders` applied to every string in it.

    Dicts (keys and values), lists and tuples are walked; tuples become lists.
    """
    if isinstance(data, dict):
        return {
            escape_placeholders_in(key): escape_placeholders_in(item) for key, item in data.items()
        }
    if isinstance(data, list | tuple):
        return [escape_placeholders_in(item) for item in data]
    if isinstance(data, str):
        return escape_placeholders(data)
    return data


def substitute(text: str, env: Mapping[str, str], *, where: str) -> Substituted:
    """Replace every placeholder of ``text`` with its value from ``env``.

    Args:
        text: Text that may contain placeholders.
        env: The variables (usually ``os.environ``).
        where: Where the text comes from (``run.yml line 9``), for error messages.

    Returns:
        The substituted text, and whether it is a single datetime value.

    Raises:
        ConfigError: A variable is not set and has no default, a placeholder is malformed,
            or a filter is unknown or fails.
    """
    parts = _parse(text, where=where)
    if len(parts) == 1 and isinstance(parts[0], _Placeholder):
        value = _evaluate(parts[0], env, where=where)
        return Substituted(text=_as_text(value), is_datetime=isinstance(value, datetime))
    pieces = [
        part if isinstance(part, str) else _as_text(_evaluate(part, env, where=where))
        for part in parts
    ]
    return Substituted(text="".join(pieces))


def substitute_in(data: Any, env: Mapping[str, str], *, where: Callable[[str], str]) -> Any:
    """Return ``data`` with :func:`substitute` applied to every string in it.

    Dicts (keys and values) and lists are walked; results are always strings.

    Args:
        data: Plain data (dicts, lists, scalars).
        env: The variables.
        where: Gives, for a string holding placeholders, where it comes from.
    """
    if isinstance(data, dict):
        return {
            substitute_in(key, env, where=where): substitute_in(item, env, where=where)
            for key, item in data.items()
        }
    if isinstance(data, list):
        return [substitute_in(item, env, where=where) for item in data]
    if isinstance(data, str) and has_placeholders(data):
        return substitute(data, env, where=where(data)).text
    return data


def parse_datetime(text: str, fmt: str | None = None) -> datetime:
    """Parse ``text`` as a datetime.

    Args:
        text: ISO 8601 text (``2023-01-01T00:00:00``, ``20230101T000000``, ``2023-01-01``)
            or compact text (``2023010100``, ``202301010030``), or text in format ``fmt``.
        fmt: A ``strptime`` format; when given, only this format is tried.

    Returns:
        The parsed datetime.

    Raises:
        ValueError: The text is not a datetime.
    """
    if fmt:
        return datetime.strptime(text, fmt)
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    for compact in _COMPACT_FORMATS:
        try:
            return datetime.strptime(text, compact)
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not an ISO 8601 or compact (YYYYMMDDHH) datetime")


def shift_datetime(moment: datetime, delta: str) -> datetime:
    """Move ``moment`` by ``delta``: ``+1d``, ``-6h``, ``30m``, ``+15s``.

    Raises:
        ValueError: ``delta`` is not a signed whole number followed by d, h, m or s.
    """
    match = _SHIFT.fullmatch(delta.strip())
    if match is None:
        raise ValueError(f"bad shift {delta!r}; write [+|-]<number><d|h|m|s>, e.g. +1d or -6h")
    amount = int(match["amount"]) * (-1 if match["sign"] == "-" else 1)
    return moment + timedelta(**{_SHIFT_UNITS[match["unit"]]: amount})


def _parse(text: str, *, where: str) -> list[str | _Placeholder]:
    parts: list[str | _Placeholder] = []
    position = 0
    while (token := _TOKEN.search(text, position)) is not None:
        parts.append(text[position : token.start()])
        if token.group() == "$${":
            parts.append("${")
            position = token.end()
            continue
        match = _PLACEHOLDER.match(text, token.start())
        if match is None:
            raise ConfigError(
                f"malformed placeholder in {text!r} ({where}); write ${{NAME}}, "
                "${NAME:-default} or ${NAME|filter}, or $${ for a literal ${",
                value=text,
            )
        parts.append(_placeholder_from(match))
        position = match.end()
    parts.append(text[position:])
    return [part for part in parts if part != ""]


def _placeholder_from(match: re.Match[str]) -> _Placeholder:
    filters = tuple(spec.strip() for spec in match["filters"].split("|")[1:])
    return _Placeholder(
        source=match.group(), name=match["name"], default=match["default"], filters=filters
    )


def _evaluate(placeholder: _Placeholder, env: Mapping[str, str], *, where: str) -> Value:
    value: Value
    if placeholder.name in env:
        value = env[placeholder.name]
    elif placeholder.default is not None:
        value = placeholder.default
    else:
        name = placeholder.name
        raise ConfigError(
            f"environment variable {name} is not set (used in {where}); "
            f"set it or write ${{{name}:-default}}",
            value=placeholder.source,
        )
    for spec in placeholder.filters:
        value = _apply_filter(value, spec, placeholder, where=where)
    return value


def _apply_filter(value: Value, spec: str, placeholder: _Placeholder, *, where: str) -> Value:
    name, _, argument = spec.partition(":")
    name = name.strip()
    filter_function = _FILTERS.get(name)
    if filter_function is None:
        close = difflib.get_close_matches(name, KNOWN_FILTERS, n=1)
        hint = f"did you mean {close[0]}? " if close else ""
        raise ConfigError(
            f"unknown filter {name!r} in {placeholder.source} ({where}); {hint}"
            f"known filters: {', '.join(KNOWN_FILTERS)}",
            value=placeholder.source,
        )
    try:
        return filter_function(value, argument)
    except (_FilterError, ValueError) as problem:
        raise ConfigError(
            f"filter {spec!r} failed in {placeholder.source} ({where}): {problem}",
            value=placeholder.source,
        ) from problem


def _as_text(value: Value) -> str:
    return value.isoformat() if isinstance(value, datetime) else value


def _as_datetime(value: Value) -> datetime:
    return value if isinstance(value, datetime) else parse_datetime(value)


def _require(argument: str, example: str) -> str:
    if not argument:
        raise _FilterError(f"an argument is needed, e.g. {example}")
    return argument


def _refuse(argument: str) -> None:
    if argument:
        raise _FilterError(f"takes no argument, got {argument!r}")


def _filter_as_datetime(value: Value, argument: str) -> Value:
    if isinstance(value, datetime):
        return value
    return parse_datetime(value, argument or None)


def _filter_strftime(value: Value, argument: str) -> Value:
    return _as_datetime(value).strftime(_require(argument, "strftime:%Y%m%d"))


def _filter_shift(value: Value, argument: str) -> Value:
    return shift_datetime(_as_datetime(value), _require(argument, "shift:+1d"))


def _filter_upper(value: Value, argument: str) -> Value:
    _refuse(argument)
    return _as_text(value).upper()


def _filter_lower(value: Value, argument: str) -> Value:
    _refuse(argument)
    return _as_text(value).lower()


_FILTERS: Mapping[str, Callable[[Value, str], Value]] = {
    "as_datetime": _filter_as_datetime,
    "lower": _filter_lower,
    "shift": _filter_shift,
    "strftime": _filter_strftime,
    "upper": _filter_upper,
}

KNOWN_FILTERS: tuple[str, ...] = tuple(sorted(_FILTERS))
"""The names of the filters a placeholder may use."""
