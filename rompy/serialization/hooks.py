"""Structure and unstructure hooks for plain values: scalars, dates, paths and containers.

The hooks are strict where cattrs is lenient in surprising ways (``bool("false")`` is true,
``list("abc")`` is three letters) and raise :class:`ConfigError` naming the bad value. Text
that clearly spells a number or a boolean is accepted, as the reference rompy did.
"""

from __future__ import annotations

import os
import types
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import attrs
import cattrs
from cattrs.cols import homogenous_tuple_structure_factory, list_structure_factory

from rompy.domain.errors import ConfigError
from rompy.domain.time import parse_datetime, parse_interval
from rompy.serialization.tagged import TAG_KEY, member_for, tagged_members

StructureHook = Callable[[Any, Any], Any]

_TRUE_WORDS = frozenset({"true", "yes", "on", "1"})
_FALSE_WORDS = frozenset({"false", "no", "off", "0"})


def structure_str(value: Any, _: Any = str) -> str:
    """Read text; numbers are accepted and written as text (``4`` → ``'4'``)."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise ConfigError(f"expected text, got {value!r}; quote it in YAML", value=value)


def structure_bool(value: Any, _: Any = bool) -> bool:
    """Read a boolean; ``true``/``false`` (also ``yes``/``no``/``on``/``off``/``1``/``0``)."""
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower() if isinstance(value, (str, int)) else None
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    raise ConfigError(f"expected true or false, got {value!r}", value=value)


def structure_int(value: Any, _: Any = int) -> int:
    """Read a whole number (a whole float or digits in text are accepted)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise ConfigError(f"expected a whole number, got {value!r}", value=value)


def structure_float(value: Any, _: Any = float) -> float:
    """Read a number (numeric text is accepted)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            pass
    raise ConfigError(f"expected a number, got {value!r}", value=value)


def structure_path(value: Any, _: Any = Path) -> Path:
    """Read a file-system path from text."""
    if isinstance(value, (str, os.PathLike)):
        return Path(value)
    raise ConfigError(f"expected a path (text), got {value!r}", value=value)


def structure_datetime(value: Any, _: Any = datetime) -> datetime:
    """Read a date-time with :func:`~rompy.domain.time.parse_datetime`."""
    return parse_datetime(value)


def structure_timedelta(value: Any, _: Any = timedelta) -> timedelta:
    """Read an interval with :func:`~rompy.domain.time.parse_interval`."""
    return parse_interval(value)


def unstructure_datetime(value: date) -> str:
    """Write a date or date-time as ISO 8601 text."""
    return value.isoformat()


def literal_structure_factory(literal_type: Any) -> StructureHook:
    """Build a hook accepting exactly the values of a ``Literal[...]``."""
    allowed = get_args(literal_type)

    def structure_literal(value: Any, _: Any) -> Any:
        for candidate in allowed:
            if value == candidate and type(value) is type(candidate):
                return candidate
        choices = ", ".join(repr(choice) for choice in allowed)
        raise ConfigError(f"expected one of {choices}, got {value!r}", value=value)

    return structure_literal


def mapping_structure_factory(mapping_type: Any, converter: cattrs.Converter) -> StructureHook:
    """Build a hook for ``dict[K, V]`` that refuses values that are not mappings."""
    structure_items = converter.gen_structure_mapping(mapping_type)

    def structure_mapping(value: Any, target: Any) -> Any:
        if not isinstance(value, Mapping):
            raise ConfigError(f"expected a mapping (key: value pairs), got {value!r}", value=value)
        return structure_items(value, target)

    return structure_mapping


def sequence_structure_factory(sequence_type: Any, converter: cattrs.Converter) -> StructureHook:
    """Build a hook for ``list[T]``/``tuple[T, ...]`` that refuses text and mappings."""
    if get_origin(sequence_type) is tuple or sequence_type is tuple:
        structure_items = homogenous_tuple_structure_factory(sequence_type, converter)
    elif get_origin(sequence_type) in (list, None):
        structure_items = list_structure_factory(sequence_type, converter)
    else:
        structure_items = homogenous_tuple_structure_factory(sequence_type, converter)

    def structure_sequence(value: Any, target: Any) -> Any:
        if isinstance(value, (str, bytes, Mapping)) or not hasattr(value, "__iter__"):
            raise ConfigError(f"expected a list, got {value!r}", value=value)
        return structure_items(value, target)

    return structure_sequence


def union_structure_factory(union_type: Any, converter: cattrs.Converter) -> StructureHook:
    """Build a hook for ``A | B | None``: exact type matches first, then each member in turn.

    A union of tagged components picks its member by the value's ``model_type``.
    """
    members = get_args(union_type)
    optional = type(None) in members
    choices = [member for member in members if member is not type(None)]
    if len(choices) == 1:
        only = choices[0]

        def structure_optional(value: Any, _: Any) -> Any:
            return None if value is None else converter.structure(value, only)

        return structure_optional

    tagged = tagged_members(choices)

    def structure_union(value: Any, _: Any) -> Any:
        if value is None and optional:
            return None
        if tagged is not None and isinstance(value, Mapping) and TAG_KEY in value:
            return converter.structure(value, member_for(value, tagged))
        ordered = sorted(choices, key=lambda member: not _fits(member, value))
        failures: list[Exception] = []
        for member in ordered:
            try:
                return converter.structure(value, member)
            except Exception as error:
                failures.append(error)
        raise _union_failure(union_type, value, ordered, failures)

    return structure_union


def _fits(member: Any, value: Any) -> bool:
    """Whether ``value`` has the shape of ``member`` (same scalar type, mapping, list)."""
    origin = get_origin(member) or member
    if origin is Literal:
        return any(value == arg and type(value) is type(arg) for arg in get_args(member))
    if origin in (bool, int, float, str):
        return type(value) is origin
    if isinstance(value, Mapping):
        return origin is dict or attrs.has(origin)
    if isinstance(value, (list, tuple)):
        return origin in (list, tuple)
    return False


def _union_failure(
    union_type: Any, value: Any, ordered: list[Any], failures: list[Exception]
) -> Exception:
    """The error of the only member shaped like ``value``, or a summary of all members."""
    fitting = [
        failure for member, failure in zip(ordered, failures, strict=True) if _fits(member, value)
    ]
    if len(fitting) == 1:
        return fitting[0]
    return ConfigError(f"expected {describe_type(union_type)}, got {value!r}", value=value)


def describe_type(type_hint: Any) -> str:
    """Describe a type hint in words for messages (``text or a list of text``).

    Example:
        >>> describe_type(int | None)
        'a whole number or null'
    """
    if get_origin(type_hint) in (Union, types.UnionType):
        return " or ".join(describe_type(member) for member in get_args(type_hint))
    origin = get_origin(type_hint) or type_hint
    words = {
        str: "text",
        int: "a whole number",
        float: "a number",
        bool: "true or false",
        type(None): "null",
        Path: "a path",
        datetime: "a date-time",
        timedelta: "an interval",
        list: "a list",
        tuple: "a list",
        dict: "a mapping",
    }
    if origin in (list, tuple) and get_args(type_hint):
        return f"a list of {describe_type(get_args(type_hint)[0])}"
    if origin is Literal:
        return "one of " + ", ".join(repr(arg) for arg in get_args(type_hint))
    if origin in words:
        return words[origin]
    return getattr(origin, "__name__", repr(origin))
