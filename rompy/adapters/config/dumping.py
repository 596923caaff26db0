"""Plain data out as configuration text: block-style YAML and indented JSON.

What is written here reads back equal through :mod:`rompy.adapters.config.files`: keys keep
their order, dates become ISO strings, tuples lists, paths strings, and ``${`` is escaped so
that a dumped value is never substituted when it is loaded again.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import PurePath
from typing import Any

import yaml

from rompy.adapters.config.env_substitution import escape_placeholders, escape_placeholders_in

__all__ = ["dump_json", "dump_yaml"]

_FOLDED_BREAKS = "\x85\u2028\u2029"  # line breaks PyYAML folds unless double-quoted


def dump_yaml(data: Any) -> str:
    """Write plain data as block-style YAML that :func:`loads_documents` reads back equal.

    Keys keep their order, datetimes and dates are written as ISO strings, tuples as lists,
    paths as strings, and strings that would read as another type are quoted.

    Example:
        >>> print(dump_yaml({"run_id": "demo", "count": 3, "code": "007"}), end="")
        run_id: demo
        count: 3
        code: '007'
    """
    return yaml.dump(
        data,
        Dumper=_ConfigDumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=1 << 20,
    )


def dump_json(data: Any) -> str:
    """Write plain data as indented JSON that :func:`load_documents` reads back equal.

    Datetimes and dates are written as ISO strings, paths as strings, ``${`` as ``$${``.
    """
    escaped = escape_placeholders_in(data)
    return json.dumps(escaped, indent=2, ensure_ascii=False, default=_json_default) + "\n"


class _ConfigDumper(yaml.SafeDumper):
    """A safe YAML dumper for plain data, datetimes, tuples and paths."""


def _represent_str(dumper: _ConfigDumper, text: str) -> yaml.ScalarNode:
    escaped = escape_placeholders(text)
    if any(character in _FOLDED_BREAKS for character in escaped):
        return dumper.represent_scalar("tag:yaml.org,2002:str", escaped, style='"')
    return dumper.represent_str(escaped)


def _represent_moment(dumper: _ConfigDumper, moment: date) -> yaml.ScalarNode:
    return dumper.represent_str(moment.isoformat())


def _represent_tuple(dumper: _ConfigDumper, items: tuple[Any, ...]) -> yaml.SequenceNode:
    return dumper.represent_list(list(items))


def _represent_path(dumper: _ConfigDumper, path: PurePath) -> yaml.ScalarNode:
    return _represent_str(dumper, str(path))


_ConfigDumper.add_representer(str, _represent_str)
_ConfigDumper.add_representer(datetime, _represent_moment)
_ConfigDumper.add_representer(date, _represent_moment)
_ConfigDumper.add_representer(tuple, _represent_tuple)
_ConfigDumper.add_multi_representer(PurePath, _represent_path)


def _json_default(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, PurePath):
        return escape_placeholders(str(value))
    raise TypeError(f"cannot write {type(value).__name__} as JSON: {value!r}")
