"""Hooks for attrs classes, tagged families, the time range and the model run.

Every attrs class is structured by a function cattrs generates, wrapped so that a value that
is not a mapping, or a failure inside the class's own ``__init__`` (an attrs converter or
validator), is reported at the right field. Tagged families (model configs on ``model_type``,
executors and postprocessors on ``type``) are read by looking the tag up in the registry.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import attrs
import cattrs
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn

from rompy.domain.errors import ConfigError, UnknownTagError
from rompy.domain.model_run import ModelRun
from rompy.domain.time import TimeRange, format_interval
from rompy.ports.registry import (
    EXECUTORS,
    FAMILIES,
    MODEL_CONFIGS,
    FamilyInfo,
    Registry,
    family_tag,
)
from rompy.serialization.hooks import structure_bool, unstructure_datetime
from rompy.serialization.messages import ExtraKeysError, first_bug, suggest
from rompy.serialization.tagged import class_tags, with_tag_first, without_own_tag

TAG_DEFAULTS: dict[str, str] = {MODEL_CONFIGS: "base"}
"""Tag assumed when a family member has none (the reference defaults a run's config to base)."""

TAG_ALIASES: dict[str, str] = {EXECUTORS: "backend_type"}
"""Older spelling of a family's tag key, accepted instead of (never beside) the tag key."""

RUN_TYPE = "modelrun"
"""The ``model_type`` the reference writes at the run level; accepted and ignored."""

TIME_RANGE_KEYS = ("start", "end", "duration", "interval", "include_end")
"""The keys a time range mapping accepts."""


class AttrsHooks:
    """Generates (once per class) the structure and unstructure functions of attrs classes.

    Args:
        converter: The converter the generated functions use for field values.
    """

    def __init__(self, converter: cattrs.Converter) -> None:
        self._converter = converter
        self._structure: dict[type, Callable[[Any, Any], Any]] = {}
        self._unstructure: dict[type, Callable[[Any], dict[str, Any]]] = {}

    def structure_fn(self, cls: type) -> Callable[[Any, Any], Any]:
        """Return the wrapped structure function of ``cls``."""
        if cls not in self._structure:
            self._structure[cls] = _checked_structure_fn(
                cls, make_dict_structure_fn(cls, self._converter)
            )
        return self._structure[cls]

    def unstructure_fn(self, cls: type) -> Callable[[Any], dict[str, Any]]:
        """Return the unstructure function of ``cls`` (its fields only, no tag)."""
        if cls not in self._unstructure:
            self._unstructure[cls] = make_dict_unstructure_fn(cls, self._converter)
        return self._unstructure[cls]


def require_mapping(data: Any, cls: type) -> Mapping[str, Any]:
    """Return ``data`` if it is a mapping, else raise a ConfigError naming ``cls``."""
    if not isinstance(data, Mapping):
        raise ConfigError(
            f"expected a mapping of {cls.__name__} fields (key: value pairs), got {data!r}",
            value=data,
        )
    return data


def _checked_structure_fn(
    cls: type, generated: Callable[[Any, Any], Any]
) -> Callable[[Any, Any], Any]:
    def structure(data: Any, _: Any) -> Any:
        mapping = without_own_tag(require_mapping(data, cls), cls)
        try:
            return generated(mapping, cls)
        except ClassValidationError as group:
            located = _locate_init_failure(group, cls, mapping)
            if located is group:
                raise
            raise located from group

    return structure


def _locate_init_failure(
    group: ClassValidationError, cls: type, data: Mapping[str, Any]
) -> ClassValidationError:
    """Point a failure raised by ``cls.__init__`` at the field whose converter raised it."""
    with_notes, without = group.group_exceptions()
    if with_notes or len(without) != 1:
        return group
    failure = without[0]
    if isinstance(failure, ForbiddenExtraKeysError) or _has_located_path(failure):
        return group
    if first_bug(failure) is not None:
        return group  # the class's own bug, not the value's: leave it to be reported as such
    for field in attrs.fields(cls):
        if field.name not in data:
            continue
        value = data[field.name]
        if _names_field(failure, field.name) or _converter_fails_alike(
            field.converter, value, failure
        ):
            return ClassValidationError(group.message, [_at_field(failure, field.name, value)], cls)
    return group


def _names_field(failure: Exception, name: str) -> bool:
    """Whether ``failure`` names the field as attrs' own validators do (``'name' must``)."""
    return re.search(rf"'{re.escape(name)}' must", str(failure)) is not None


def _has_located_path(failure: Exception) -> bool:
    if isinstance(failure, ConfigError):
        return bool(failure.path)
    return len(failure.args) > 1 and isinstance(failure.args[1], attrs.Attribute)


def _converter_fails_alike(converter: Any, value: Any, failure: Exception) -> bool:
    if converter is None or isinstance(converter, attrs.Converter):
        return False
    try:
        converter(value)
    except Exception as error:
        return type(error) is type(failure)
    return False


def _at_field(failure: Exception, name: str, value: Any) -> ConfigError:
    if isinstance(failure, ConfigError):
        return failure.with_path_prefix(name)
    return ConfigError(f"invalid value {value!r}: {failure}", path=name, value=value)


def register_families(converter: cattrs.Converter, registry: Registry, hooks: AttrsHooks) -> None:
    """Register tag-dispatching hooks for every family of ``registry``."""
    for family in _families_of(registry):
        converter.register_structure_hook(
            family.base, _family_structure_hook(registry, family, hooks)
        )
        converter.register_unstructure_hook(family.base, _family_unstructure_hook(family, hooks))


def register_tagged_components(converter: cattrs.Converter, hooks: AttrsHooks) -> None:
    """Write tagged components (outside the families) with their ``model_type`` first."""
    bases = tuple(family.base for family in FAMILIES.values())

    def is_component(cls: Any) -> bool:
        return bool(class_tags(cls)) and not issubclass(cls, bases)

    def unstructure_factory(cls: Any) -> Callable[[Any], dict[str, Any]]:
        fields_only = hooks.unstructure_fn(cls)
        return lambda value: with_tag_first(cls, fields_only(value))

    converter.register_unstructure_hook_factory(is_component, unstructure_factory)


def _families_of(registry: Registry) -> list[FamilyInfo]:
    """The tagged families (with a known tag key) that ``registry`` holds."""
    return [FAMILIES[name] for name in registry.families if name in FAMILIES]


def _family_structure_hook(
    registry: Registry, family: FamilyInfo, hooks: AttrsHooks
) -> Callable[[Any, type], Any]:
    def structure(data: Any, cls: type) -> Any:
        payload = dict(require_mapping(data, cls))
        key, tag = _pop_tag(payload, family)
        if cls is family.base:
            target = _class_for_tag(registry, family, key, tag, payload)
        else:
            _check_tag_matches(cls, family, key, tag)
            target = cls
        return hooks.structure_fn(target)(payload, target)

    return structure


def _pop_tag(payload: dict[str, Any], family: FamilyInfo) -> tuple[str, Any]:
    """Remove the tag (or its alias) from ``payload``; return the key used and the tag."""
    alias = TAG_ALIASES.get(family.name)
    if alias and alias in payload and family.tag_field in payload:
        raise ConfigError(
            f"both {family.tag_field!r} and {alias!r} are given; keep only {family.tag_field!r}",
            path=alias,
            value=payload[alias],
        )
    key = alias if alias and alias in payload else family.tag_field
    tag = payload.pop(key, None)
    if tag is not None and not isinstance(tag, str):
        raise ConfigError(f"{family.label} must be text, got {tag!r}", path=key, value=tag)
    return key, tag


def _class_for_tag(
    registry: Registry, family: FamilyInfo, key: str, tag: str | None, payload: dict[str, Any]
) -> type:
    known = sorted(registry.family(family.name))
    if tag is None:
        tag = TAG_DEFAULTS.get(family.name)
    if tag is None:
        raise _missing_tag(family, known, payload)
    if tag not in known:
        hint = suggest(tag, known)
        did_you_mean = f"; did you mean {hint!r}?" if hint else ""
        raise UnknownTagError(
            f"unknown {family.label} {tag!r}{did_you_mean} (known: {', '.join(known) or 'none'})",
            path=key,
            value=tag,
        )
    cls: type = registry.lookup(family.name, tag).cls
    return cls


def _missing_tag(family: FamilyInfo, known: list[str], payload: dict[str, Any]) -> ConfigError:
    misspelt = suggest(family.tag_field, [str(key) for key in payload])
    note = f" ({misspelt!r} looks like a misspelling of it)" if misspelt else ""
    return ConfigError(
        f"missing {family.tag_field!r}{note}: say which {family.label} this is, "
        f"one of {', '.join(known) or 'none registered'}",
        path=family.tag_field,
    )


def _check_tag_matches(cls: type, family: FamilyInfo, key: str, tag: str | None) -> None:
    expected = family_tag(cls, family)
    if tag is not None and tag != expected:
        raise ConfigError(
            f"{family.label} {tag!r} does not match {cls.__name__}, which is {expected!r}; "
            f"write {key}: {expected}",
            path=key,
            value=tag,
        )


def _family_unstructure_hook(
    family: FamilyInfo, hooks: AttrsHooks
) -> Callable[[Any], dict[str, Any]]:
    def unstructure(obj: Any) -> dict[str, Any]:
        cls = type(obj)
        return {family.tag_field: family_tag(cls, family), **hooks.unstructure_fn(cls)(obj)}

    return unstructure


def register_model_run(converter: cattrs.Converter, hooks: AttrsHooks) -> None:
    """Register the ModelRun hook that accepts the reference's ``model_type: modelrun``."""

    def structure(data: Any, cls: type) -> Any:
        payload = dict(require_mapping(data, cls))
        run_type = payload.pop("model_type", RUN_TYPE)
        if run_type != RUN_TYPE:
            raise ConfigError(
                f"model_type {run_type!r} at the run level must be {RUN_TYPE!r} or left out; "
                "the model's type goes under config.model_type",
                path="model_type",
                value=run_type,
            )
        return hooks.structure_fn(cls)(payload, cls)

    converter.register_structure_hook(ModelRun, structure)


def register_time_range(converter: cattrs.Converter) -> None:
    """Register the TimeRange hooks: any two of start/end/duration in, start/end out."""
    converter.register_structure_hook(TimeRange, structure_time_range)
    converter.register_unstructure_hook(TimeRange, unstructure_time_range)


def structure_time_range(data: Any, cls: type = TimeRange) -> TimeRange:
    """Build a TimeRange from a mapping with any two of start, end and duration."""
    if isinstance(data, TimeRange):
        return data
    mapping = require_mapping(data, TimeRange)
    extra = set(mapping) - set(TIME_RANGE_KEYS)
    if extra:
        raise ExtraKeysError(TimeRange, extra, known_keys=TIME_RANGE_KEYS)
    values = dict(mapping)
    if "include_end" in values:
        try:
            values["include_end"] = structure_bool(values["include_end"])
        except ConfigError as error:
            raise error.with_path_prefix("include_end") from None
    return TimeRange.create(**values)


def unstructure_time_range(period: TimeRange) -> dict[str, Any]:
    """Write a TimeRange as ``start``, ``end``, ``interval`` and ``include_end``."""
    return {
        "start": unstructure_datetime(period.start),
        "end": unstructure_datetime(period.end),
        "interval": format_interval(period.interval),
        "include_end": period.include_end,
    }
