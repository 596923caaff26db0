"""JSON Schema (draft 2020-12) for rompy configs, generated from the plugin registry.

The schema is built by walking attrs fields and their type hints, so plugin classes appear
exactly as the converter reads them: tagged families are a ``oneOf`` of ``$ref``s whose
members fix their tag with ``const``, every object refuses unknown keys, descriptions come
from the ``Attributes:`` section of class docstrings and defaults are written when they are
plain JSON.

Example:
    >>> from rompy.ports.registry import RegistryBuilder, MODEL_CONFIGS
    >>> from rompy.domain.model_config import BaseConfig
    >>> builder = RegistryBuilder()
    >>> builder.add(MODEL_CONFIGS, BaseConfig, "builtin")
    >>> schema = json_schema(builder.freeze())
    >>> schema["$defs"]["BaseConfig"]["properties"]["model_type"]
    {'const': 'base'}
"""

from __future__ import annotations

import enum
import inspect
import json
import re
import types
import typing
from collections import abc
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import attrs
import cattrs

from rompy.domain.model_run import ModelRun
from rompy.domain.time import TimeRange
from rompy.ports.registry import FAMILIES, FamilyInfo, Registry
from rompy.serialization.converter import make_converter
from rompy.serialization.families import RUN_TYPE, TAG_ALIASES, TAG_DEFAULTS
from rompy.serialization.tagged import TAG_KEY, class_tags

DIALECT = "https://json-schema.org/draft/2020-12/schema"
"""The JSON Schema dialect of the generated documents."""

_SCALARS: dict[Any, dict[str, Any]] = {
    str: {"type": "string"},
    bool: {"type": "boolean"},
    int: {"type": "integer"},
    float: {"type": "number"},
    type(None): {"type": "null"},
    Path: {"type": "string"},
    datetime: {"type": "string", "format": "date-time"},
    date: {"type": "string", "format": "date"},
    timedelta: {"type": ["string", "number"]},
}
_SEQUENCES = (list, tuple, set, frozenset)
_ABC_SEQUENCES = (abc.Sequence, abc.MutableSequence, abc.Set, abc.MutableSet)
_ROLE = re.compile(r":\w+:`~?([^`]+)`")
_ENTRY = re.compile(r"(\w+)(?:\s*\([^)]*\))?:\s*(.*)")


def json_schema(registry: Registry, root: type = ModelRun) -> dict[str, Any]:
    """Return the JSON Schema of ``root`` with every class of ``registry`` in ``$defs``.

    Args:
        registry: The frozen plugin registry; all its classes are described, reachable
            from ``root`` or not.
        root: The class the document validates (a model run by default).

    Returns:
        A draft 2020-12 schema document.
    """
    builder = _SchemaBuilder(registry)
    top = builder.schema_for(root)
    for family_name in registry.families:
        for cls in registry.classes(family_name).values():
            builder.schema_for(cls)
    return builder.document(root, top)


def json_schema_for(registry: Registry, cls: type) -> dict[str, Any]:
    """Return the JSON Schema of one class (a backend spec, a model config, ...).

    Only the classes ``cls`` refers to are put in ``$defs``. A family base class (such as
    ``ExecutionSpec``) gives the ``oneOf`` of its registered members.

    Args:
        registry: The frozen plugin registry.
        cls: The attrs class to describe.

    Returns:
        A draft 2020-12 schema document.
    """
    builder = _SchemaBuilder(registry)
    return builder.document(cls, builder.schema_for(cls))


class _SchemaBuilder:
    """Collects ``$defs`` while turning type hints into schemas."""

    def __init__(self, registry: Registry) -> None:
        self._registry = registry
        self._converter = make_converter(registry)
        self._defs: dict[str, dict[str, Any]] = {}
        self._names: dict[type, str] = {}
        self._families = {
            FAMILIES[name].base: FAMILIES[name] for name in registry.families if name in FAMILIES
        }

    def document(self, root: type, top: dict[str, Any]) -> dict[str, Any]:
        ordered_defs = dict(sorted(self._defs.items()))
        return {"$schema": DIALECT, "title": root.__name__, **top, "$defs": ordered_defs}

    def schema_for(self, hint: Any) -> dict[str, Any]:
        if hint is Any or hint is object:
            return {}
        if hint in _SCALARS:
            return dict(_SCALARS[hint])
        if hint in self._families:
            return self._family_schema(self._families[hint])
        if hint is TimeRange or (isinstance(hint, type) and attrs.has(hint)):
            return {"$ref": f"#/$defs/{self._define(hint)}"}
        if isinstance(hint, type) and issubclass(hint, enum.Enum):
            return {"enum": [member.value for member in hint]}
        return self._generic_schema(hint)

    def _generic_schema(self, hint: Any) -> dict[str, Any]:
        origin, args = get_origin(hint), get_args(hint)
        if origin is Literal:
            return {"const": args[0]} if len(args) == 1 else {"enum": list(args)}
        if origin in (Union, types.UnionType):
            return {"anyOf": [self.schema_for(arg) for arg in args]}
        if origin is tuple and args and args[-1] is not Ellipsis:
            items = [self.schema_for(arg) for arg in args]
            count = len(items)
            return {"type": "array", "prefixItems": items, "minItems": count, "maxItems": count}
        if _is_sequence_hint(hint, origin):
            return _with_items({"type": "array"}, "items", self._item_schema(args))
        if _is_mapping_hint(hint, origin):
            value = self.schema_for(args[1]) if len(args) == 2 else {}
            return _with_items({"type": "object"}, "additionalProperties", value)
        return {}

    def _item_schema(self, args: tuple[Any, ...]) -> dict[str, Any]:
        return self.schema_for(args[0]) if args else {}

    def _family_schema(self, family: FamilyInfo) -> dict[str, Any]:
        members = self._registry.classes(family.name)
        if not members:
            return {"not": {}, "description": f"no {family.label} is registered"}
        return {"oneOf": [self.schema_for(members[tag]) for tag in sorted(members)]}

    def _define(self, cls: type) -> str:
        if cls in self._names:
            return self._names[cls]
        name = cls.__name__
        if name in self._defs:
            name = f"{cls.__module__}.{cls.__qualname__}"
        self._names[cls] = name
        self._defs[name] = {}
        self._defs[name] = self._time_range_def() if cls is TimeRange else self._class_def(cls)
        return name

    def _class_def(self, cls: type) -> dict[str, Any]:
        docs = attribute_docs(cls)
        properties: dict[str, Any] = {}
        required: list[str] = []
        extra = self._tag_properties(cls, properties, required)
        hints = _type_hints(cls)
        for field in attrs.fields(cls):
            if not field.init:
                continue
            prop = self.schema_for(hints.get(field.name, Any))
            if field.name in docs:
                prop["description"] = docs[field.name]
            if field.default is attrs.NOTHING:
                required.append(field.name)
            else:
                prop.update(self._default_of(field))
            properties[field.name] = prop
        definition: dict[str, Any] = {"type": "object", "title": cls.__name__}
        summary = class_summary(cls)
        if summary:
            definition["description"] = summary
        definition.update(properties=properties, additionalProperties=False, **extra)
        if required:
            definition["required"] = required
        return definition

    def _tag_properties(
        self, cls: type, properties: dict[str, Any], required: list[str]
    ) -> dict[str, Any]:
        """Add the tag (and its alias) of a family member; return extra schema keywords."""
        if issubclass(cls, ModelRun):
            properties["model_type"] = {"const": RUN_TYPE}
            return {}
        for family in self._families.values():
            tag = getattr(cls, family.tag_field, "")
            if not (issubclass(cls, family.base) and isinstance(tag, str) and tag):
                continue
            properties[family.tag_field] = {"const": tag}
            alias = TAG_ALIASES.get(family.name)
            if alias:
                properties[alias] = {"const": tag, "deprecated": True}
                return {"oneOf": [{"required": [family.tag_field]}, {"required": [alias]}]}
            if TAG_DEFAULTS.get(family.name) != tag:
                required.append(family.tag_field)
            return {}
        component_tags = class_tags(cls)
        if component_tags:
            properties[TAG_KEY] = {"enum": list(component_tags)}
        return {}

    def _default_of(self, field: attrs.Attribute[Any]) -> dict[str, Any]:
        default: Any = field.default
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            factory: Any = default
            if factory.takes_self:
                return {}
            default = factory.factory()
        try:
            value = self._converter.unstructure(default)
            json.dumps(value)
        except (TypeError, ValueError, cattrs.errors.CattrsError):
            return {}
        return {"default": value}

    def _time_range_def(self) -> dict[str, Any]:
        docs = attribute_docs(TimeRange)
        interval = {"type": ["string", "number"]}
        properties = {
            "start": {**_SCALARS[datetime], "description": docs.get("start", "")},
            "end": {**_SCALARS[datetime], "description": docs.get("end", "")},
            "duration": {**interval, "description": "Length of the range (instead of end)."},
            "interval": {**interval, "description": docs.get("interval", ""), "default": "1h"},
            "include_end": {
                "type": "boolean",
                "description": docs.get("include_end", ""),
                "default": True,
            },
        }
        pairs = (("start", "end"), ("start", "duration"), ("end", "duration"))
        return {
            "type": "object",
            "title": "TimeRange",
            "description": class_summary(TimeRange) + " Give any two of start, end and duration.",
            "properties": properties,
            "additionalProperties": False,
            "anyOf": [{"required": list(pair)} for pair in pairs],
        }


def _with_items(schema: dict[str, Any], key: str, items: dict[str, Any]) -> dict[str, Any]:
    return {**schema, key: items} if items else schema


def _is_sequence_hint(hint: Any, origin: Any) -> bool:
    return hint in _SEQUENCES or origin in _SEQUENCES or origin in _ABC_SEQUENCES


def _is_mapping_hint(hint: Any, origin: Any) -> bool:
    return hint is dict or origin is dict or origin in (abc.Mapping, abc.MutableMapping)


def _type_hints(cls: type) -> dict[str, Any]:
    try:
        return typing.get_type_hints(cls)
    except (NameError, TypeError):
        return {field.name: field.type or Any for field in attrs.fields(cls)}


def class_summary(cls: type) -> str:
    """Return the first paragraph of ``cls``'s own docstring, on one line."""
    doc = inspect.cleandoc(cls.__dict__.get("__doc__") or "")
    return _plain(doc.split("\n\n", 1)[0])


def attribute_docs(cls: type) -> dict[str, str]:
    """Return field descriptions from the ``Attributes:`` sections of ``cls`` and its bases.

    Example:
        >>> attribute_docs(FamilyInfo)["tag_field"]
        'The YAML key carrying the tag (`type` or `model_type`).'
    """
    docs: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        docs.update(_parse_attributes(inspect.cleandoc(klass.__dict__.get("__doc__") or "")))
    return docs


def _parse_attributes(doc: str) -> dict[str, str]:
    lines = doc.splitlines()
    starts = [index for index, line in enumerate(lines) if line.strip() == "Attributes:"]
    if not starts:
        return {}
    section_indent = _indent(lines[starts[0]])
    entries: dict[str, list[str]] = {}
    entry_indent: int | None = None
    current: list[str] = []
    for line in lines[starts[0] + 1 :]:
        if not line.strip():
            continue
        indent = _indent(line)
        if indent <= section_indent:
            break
        match = _ENTRY.fullmatch(line.strip())
        if match and (entry_indent is None or indent == entry_indent):
            entry_indent = indent
            current = entries.setdefault(match.group(1), [])
            current.append(match.group(2))
        else:
            current.append(line.strip())
    return {name: _plain(" ".join(parts)) for name, parts in entries.items()}


def _plain(text: str) -> str:
    """Collapse whitespace and turn reST markup (``:func:`x```, double backticks) into plain."""
    text = _ROLE.sub(r"`\1`", text).replace("``", "`")
    return " ".join(text.split())


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())
