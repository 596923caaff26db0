"""The cattrs converter of rompy, built from the plugin registry, and its front door.

Tagged unions need the final set of classes, so the converter is built by
:func:`make_converter` once plugins are known, never at import and never the global cattrs
converter. :func:`structure` and :func:`unstructure` wrap it so that every failure comes
out as one :class:`~rompy.domain.errors.ConfigError` naming the field path.

Example:
    >>> from rompy.ports.registry import RegistryBuilder, MODEL_CONFIGS
    >>> from rompy.domain.model_config import BaseConfig
    >>> from rompy.domain.model_run import ModelRun
    >>> builder = RegistryBuilder()
    >>> builder.add(MODEL_CONFIGS, BaseConfig, "builtin")
    >>> converter = make_converter(builder.freeze())
    >>> run = structure(converter, {"run_id": "demo"}, ModelRun)
    >>> unstructure(converter, run)["run_id"]
    'demo'
"""

from __future__ import annotations

import types
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, TypeVar, Union, get_args, get_origin, overload

import attrs
import cattrs
from cattrs.cols import is_any_set, is_mapping, is_sequence

from rompy.domain.time import format_interval
from rompy.ports.registry import Registry
from rompy.serialization import hooks
from rompy.serialization.families import (
    AttrsHooks,
    register_families,
    register_model_run,
    register_tagged_components,
    register_time_range,
)
from rompy.serialization.messages import INPUT_ERRORS, first_bug, to_config_error

__all__ = ["make_converter", "structure", "unstructure"]

T = TypeVar("T")

_STRUCTURING_ERRORS: tuple[type[BaseException], ...] = (cattrs.BaseValidationError, *INPUT_ERRORS)


def make_converter(registry: Registry) -> cattrs.Converter:
    """Build the converter for the classes in ``registry``.

    Unknown keys are refused, fields with an attrs converter receive the raw value, and
    every tagged family of the registry is read through its tag.

    Args:
        registry: The frozen plugin registry.

    Returns:
        A new converter (never the global one).
    """
    converter = cattrs.Converter(
        forbid_extra_keys=True, prefer_attrib_converters=True, detailed_validation=True
    )
    _register_scalar_hooks(converter)
    _register_container_hooks(converter)
    attrs_hooks = AttrsHooks(converter)
    converter.register_structure_hook_factory(attrs.has, attrs_hooks.structure_fn)
    register_time_range(converter)
    register_model_run(converter, attrs_hooks)
    register_families(converter, registry, attrs_hooks)
    register_tagged_components(converter, attrs_hooks)
    return converter


def _register_scalar_hooks(converter: cattrs.Converter) -> None:
    structure_hooks: dict[type, Any] = {
        str: hooks.structure_str,
        bool: hooks.structure_bool,
        int: hooks.structure_int,
        float: hooks.structure_float,
        Path: hooks.structure_path,
        datetime: hooks.structure_datetime,
        timedelta: hooks.structure_timedelta,
    }
    for cls, hook in structure_hooks.items():
        converter.register_structure_hook(cls, hook)
    converter.register_unstructure_hook(datetime, hooks.unstructure_datetime)
    converter.register_unstructure_hook(date, hooks.unstructure_datetime)
    converter.register_unstructure_hook(timedelta, format_interval)
    converter.register_unstructure_hook(Path, str)


def _register_container_hooks(converter: cattrs.Converter) -> None:
    converter.register_structure_hook_factory(_is_literal, hooks.literal_structure_factory)
    converter.register_structure_hook_factory(
        is_mapping, lambda cls: hooks.mapping_structure_factory(cls, converter)
    )
    converter.register_structure_hook_factory(
        lambda cls: is_sequence(cls) and not _is_fixed_tuple(cls),
        lambda cls: hooks.sequence_structure_factory(cls, converter),
    )
    converter.register_structure_hook_factory(
        _is_union, lambda cls: hooks.union_structure_factory(cls, converter)
    )
    converter.register_unstructure_hook_factory(
        lambda cls: is_sequence(cls) or is_any_set(cls),
        lambda cls: converter.gen_unstructure_iterable(cls, unstructure_to=list),
    )


def _is_literal(cls: Any) -> bool:
    return get_origin(cls) is Literal


def _is_union(cls: Any) -> bool:
    return get_origin(cls) in (Union, types.UnionType)


def _is_fixed_tuple(cls: Any) -> bool:
    """``tuple[int, str]`` (fixed length) rather than ``tuple[int, ...]``."""
    args = get_args(cls)
    return get_origin(cls) is tuple and bool(args) and args[-1] is not Ellipsis


@overload
def structure(converter: cattrs.Converter, data: Any, cls: type[T], *, path: str = "") -> T: ...


@overload
def structure(converter: cattrs.Converter, data: Any, cls: Any, *, path: str = "") -> Any: ...


def structure(converter: cattrs.Converter, data: Any, cls: Any, *, path: str = "") -> Any:
    """Build a ``cls`` from plain data (mappings, lists, text, numbers).

    Args:
        converter: A converter from :func:`make_converter`.
        data: The plain data, as loaded from YAML or JSON.
        cls: The class to build (``ModelRun``, ``PipelineSpec``, an execution spec, ...)
            or any type hint the converter reads (``int | None``).
        path: Dotted path of ``data`` inside a larger document, prefixed to error paths.

    Returns:
        The structured value.

    Raises:
        ConfigError: Anything is wrong; one error lists every problem, first one first,
            each with its full dotted path. An unknown tag gives an ``UnknownTagError``.
        Exception: A class's own code failed with something other than an input error
            (see :data:`~rompy.serialization.messages.INPUT_ERRORS`); it propagates as it
            is, so the application can name the plugin at fault.
    """
    try:
        result = converter.structure(data, cls)
    except _STRUCTURING_ERRORS as error:
        bug = first_bug(error)
        if bug is not None:
            raise bug from None  # a class's own failure, with its traceback: not the input's
        raise to_config_error(error, path=path) from error
    return result


def unstructure(converter: cattrs.Converter, obj: Any) -> dict[str, Any]:
    """Turn an attrs value into plain data that YAML and JSON can write.

    Args:
        converter: A converter from :func:`make_converter`.
        obj: An attrs value (a model run, a pipeline, a spec).

    Returns:
        A dict of plain values; tagged family members carry their tag first.

    Raises:
        TypeError: ``obj`` does not unstructure to a mapping.
    """
    data = converter.unstructure(obj)
    if not isinstance(data, dict):
        raise TypeError(f"{type(obj).__name__} does not unstructure to a mapping")
    return data
