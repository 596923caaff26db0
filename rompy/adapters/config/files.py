"""Configuration files in and out: YAML/JSON text to plain Python data and back.

This is the loading edge: it turns files into dicts, lists and scalars, expanding
``!include`` and ``${VAR}`` placeholders on the way. Turning that data into domain objects
is the converter's job, not this module's.

Rules:

- YAML is read like ``yaml.SafeLoader`` reads it, on libyaml's C parser when PyYAML has it
  (YAML 1.1 types, as PyYAML gives them:
  an unquoted ``2023-01-01T00:00:00`` becomes a datetime, ``yes`` a bool, ``007`` the int 7).
  Files ending in ``.json`` are read as strict JSON. A mapping with the same key twice is an
  error.
- ``key: !include other.yml`` is replaced by the data of ``other.yml`` (a path relative to
  the including file; ``~`` and ``${VAR}`` work in it). The included file must hold exactly
  one document; include cycles and chains deeper than :data:`MAX_INCLUDE_DEPTH` are errors.
- ``${VAR}`` placeholders (see :mod:`rompy.adapters.config.env_substitution`) are replaced in every
  scalar, keys included, before the scalar is typed. The text of an unquoted scalar is then
  typed as if it had been written in the file: with ``N=3`` ``count: ${N}`` is the int 3,
  with ``F=true`` ``flag: ${F}`` is True, with ``V=007`` ``x: ${V}`` is the int 7 (YAML 1.1
  octal), an empty value gives None. A quoted scalar (``"${ID}"``) is always a string. A
  scalar that is exactly one placeholder whose filters end on a datetime
  (``${CYCLE|as_datetime|shift:+1d}``) is the ISO string ``2023-01-02T00:00:00``.
- :func:`dump_yaml` and :func:`dump_json` write ``${`` in strings as ``$${`` so that loading
  their output gives back the same data.
"""

from __future__ import annotations

import difflib
import json
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, cast

import attrs
import yaml

from rompy.adapters.config.env_substitution import (
    has_placeholders,
    substitute,
    substitute_in,
)
from rompy.domain.errors import ConfigError
from rompy.log import get_logger

__all__ = [
    "INCLUDE_TAG",
    "MAX_INCLUDE_DEPTH",
    "STDIN_SOURCE",
    "load_document",
    "load_documents",
    "loads_documents",
]

log = get_logger(__name__)

INCLUDE_TAG = "!include"
"""The YAML tag that replaces a node by the content of another file."""

MAX_INCLUDE_DEPTH = 20
"""How many files deep ``!include`` may nest before loading stops with an error."""

STDIN_SOURCE = "-"
"""The source name that means: read YAML from standard input."""

_MERGE_TAG = "tag:yaml.org,2002:merge"


@attrs.frozen(kw_only=True)
class _Source:
    """One text being loaded: where it comes from and which files include it."""

    name: str
    base_dir: Path
    env: Mapping[str, str]
    chain: tuple[Path, ...] = ()
    chain_names: tuple[str, ...] = ()

    def where(self, line: int) -> str:
        return f"{self.name} line {line}"

    def included(self, written: str, *, line: int) -> _Source:
        target = Path(os.path.expanduser(written))
        path = target if target.is_absolute() else self.base_dir / target
        name = os.path.normpath(
            os.path.join(os.path.dirname(self.name), os.path.expanduser(written))
        )
        names = (*self.chain_names, name)
        resolved = path.resolve()
        if resolved in self.chain:
            raise ConfigError(f"!include cycle in {self.name} line {line}: {' → '.join(names)}")
        if len(self.chain) >= MAX_INCLUDE_DEPTH:
            raise ConfigError(
                f"!include nested deeper than {MAX_INCLUDE_DEPTH} files in {self.name} "
                f"line {line}: {' → '.join(names)}"
            )
        if not path.is_file():
            raise ConfigError(
                f"!include target not found: {name} (included from {self.name} line {line})"
                f"{_suggestion(path, name)}",
                value=written,
            )
        return _Source(
            name=name,
            base_dir=path.parent,
            env=self.env,
            chain=(*self.chain, resolved),
            chain_names=names,
        )


def _safe_loader_base() -> type[Any]:
    """SafeLoader's composer, constructor and resolver, on libyaml's C parser if PyYAML has it.

    The C parser makes the events (most of the loading time); PyYAML's own composer builds
    the nodes from them, so :meth:`_ConfigLoader.compose_scalar_node` still sees every scalar.
    """
    if not getattr(yaml, "__with_libyaml__", False):
        return yaml.SafeLoader
    from yaml._yaml import CParser

    class SafeOnCParser(
        yaml.composer.Composer, CParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver
    ):
        def __init__(self, text: str) -> None:
            CParser.__init__(self, text)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)

    return SafeOnCParser


class _ConfigLoader(_safe_loader_base()):  # type: ignore[misc]
    """A safe YAML loader that substitutes placeholders, expands includes, refuses duplicates."""

    def __init__(self, text: str, source: _Source) -> None:
        super().__init__(text)
        self.source = source

    def compose_scalar_node(self, anchor: Any) -> yaml.ScalarNode:
        """Compose a scalar node, substituting placeholders before the tag is resolved."""
        event: yaml.ScalarEvent = self.get_event()
        mark, end_mark = cast(Any, event.start_mark), cast(Any, event.end_mark)
        value, tag, implicit = event.value, event.tag, event.implicit
        if has_placeholders(value):
            where = self.source.where(mark.line + 1)
            substituted = substitute(value, self.source.env, where=where)
            value = substituted.text
            implicit = (False, True) if substituted.is_datetime else implicit
        if tag is None or tag == "!":
            tag = self.resolve(yaml.ScalarNode, value, implicit)
        node = yaml.ScalarNode(tag, value, mark, end_mark, style=event.style)
        if anchor is not None:
            self.anchors[anchor] = node
        return node

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """Construct a mapping, refusing a key written twice."""
        first_lines: dict[Any, int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE_TAG:
                continue
            key = self.construct_object(key_node)
            line = key_node.start_mark.line + 1
            if key in first_lines:
                raise ConfigError(
                    f"duplicate key {key!r} in {self.source.name} line {line} (first at line "
                    f"{first_lines[key]}); keep only one",
                    value=key,
                )
            first_lines[key] = line
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


def _construct_include(loader: _ConfigLoader, node: yaml.Node) -> Any:
    line = node.start_mark.line + 1
    if not isinstance(node, yaml.ScalarNode) or not node.value:
        raise ConfigError(
            f"!include needs a file path in {loader.source.name} line {line}; "
            "write key: !include other.yml"
        )
    included = loader.source.included(node.value, line=line)
    log.debug("config_include_expanded", source=loader.source.name, include=included.name)
    documents = _load_text(_read_text(included.chain[-1], included.name), included)
    if len(documents) != 1:
        raise ConfigError(
            f"{included.name} (included from {loader.source.name} line {line}) holds "
            f"{len(documents)} YAML documents; an !include target must hold exactly one"
        )
    return documents[0]


_ConfigLoader.add_constructor(INCLUDE_TAG, _construct_include)


def load_documents(source: str | Path, *, env: Mapping[str, str] | None = None) -> list[Any]:
    """Load every document of a YAML or JSON file, with includes and placeholders expanded.

    Args:
        source: Path of the file, or ``"-"`` to read YAML from standard input.
        env: Variables for ``${VAR}`` placeholders; ``os.environ`` when not given.

    Returns:
        The documents in file order (a JSON file gives one).

    Raises:
        ConfigError: The file is missing or unreadable, the text is not valid YAML/JSON, an
            include fails, or a placeholder cannot be substituted.

    """
    variables = os.environ if env is None else env
    if str(source) == STDIN_SOURCE:
        root = _Source(name="<stdin>", base_dir=Path.cwd(), env=variables)
        text = sys.stdin.read()
    else:
        path, name = Path(source), str(source)
        root = _Source(
            name=name,
            base_dir=path.parent,
            env=variables,
            chain=(path.resolve(),),
            chain_names=(name,),
        )
        text = _read_text(path, name)
    documents = _load_text(text, root)
    log.debug("config_file_loaded", source=root.name, documents=len(documents))
    return documents


def load_document(source: str | Path, *, env: Mapping[str, str] | None = None) -> Any:
    """Load a YAML or JSON file that holds exactly one document.

    Args:
        source: Path of the file, or ``"-"`` for standard input.
        env: Variables for ``${VAR}`` placeholders; ``os.environ`` when not given.

    Returns:
        The data of the single document.

    Raises:
        ConfigError: As :func:`load_documents`, or when the file holds no document or more
            than one.
    """
    documents = load_documents(source, env=env)
    if len(documents) != 1:
        name = "<stdin>" if str(source) == STDIN_SOURCE else str(source)
        raise ConfigError(
            f"{name} holds {len(documents)} YAML documents; expected exactly one "
            "(documents are separated by lines of ---)"
        )
    return documents[0]


def loads_documents(
    text: str, *, base_dir: Path, env: Mapping[str, str] | None = None, name: str = "<string>"
) -> list[Any]:
    """Load every document of YAML ``text``, with includes and placeholders expanded.

    Args:
        text: YAML text, or JSON text when ``name`` ends in ``.json``.
        base_dir: The folder ``!include`` paths are relative to.
        env: Variables for ``${VAR}`` placeholders; ``os.environ`` when not given.
        name: What to call the text in error messages.

    Returns:
        The documents in order.

    Raises:
        ConfigError: As :func:`load_documents`.
    """
    variables = os.environ if env is None else env
    return _load_text(text, _Source(name=name, base_dir=Path(base_dir), env=variables))


def _load_text(text: str, source: _Source) -> list[Any]:
    if source.name.lower().endswith(".json"):
        return [_load_json(text, source)]
    loader = _ConfigLoader(text, source)
    try:
        documents = []
        while loader.check_data():
            documents.append(loader.get_data())
        return documents
    except yaml.MarkedYAMLError as error:
        raise ConfigError(_describe_yaml_error(error, source)) from error
    except yaml.YAMLError as error:
        raise ConfigError(f"invalid YAML in {source.name}: {error}") from error
    finally:
        loader.dispose()


def _describe_yaml_error(error: yaml.MarkedYAMLError, source: _Source) -> str:
    mark = error.problem_mark or error.context_mark
    location = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown line"
    problem = error.problem or error.context or "unreadable text"
    context = f" ({error.context})" if error.context and error.problem else ""
    return f"invalid YAML in {source.name} {location}: {problem}{context}"


def _load_json(text: str, source: _Source) -> Any:
    def refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        mapping: dict[str, Any] = {}
        for key, value in pairs:
            if key in mapping:
                raise ConfigError(
                    f"duplicate key {key!r} in {source.name}; keep only one", value=key
                )
            mapping[key] = value
        return mapping

    try:
        data = json.loads(text, object_pairs_hook=refuse_duplicates)
    except json.JSONDecodeError as error:
        raise ConfigError(
            f"invalid JSON in {source.name} line {error.lineno}, column {error.colno}: {error.msg}"
        ) from error
    return substitute_in(data, source.env, where=_json_location(text, source))


def _json_location(text: str, source: _Source) -> Callable[[str], str]:
    def where(string: str) -> str:
        index = text.find(string)  # the first place the string is written unescaped, if any
        return source.where(text.count("\n", 0, index) + 1) if index >= 0 else source.name

    return where


def _read_text(path: Path, name: str) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        problem = f"config file not found: {name}{_suggestion(path, name)}"
    except IsADirectoryError:
        problem = f"config path is a folder, not a file: {name}"
    except UnicodeDecodeError as error:
        problem = f"config file {name} is not UTF-8 text: {error.reason}"
    except OSError as error:
        problem = f"cannot read config file {name}: {error.strerror}"
    raise ConfigError(problem, value=name)


def _suggestion(path: Path, name: str) -> str:
    try:
        neighbours = [entry.name for entry in path.parent.iterdir() if entry.is_file()]
    except OSError:
        return ""
    close = difflib.get_close_matches(path.name, neighbours, n=1)
    return f"; did you mean {os.path.join(os.path.dirname(name), close[0])}?" if close else ""
