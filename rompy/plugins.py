"""Building the plugin manager and collecting what plugins register.

One plugin manager per application object; nothing global and nothing at import time. The
built-in plugin is registered first, then the ``rompy`` entry-point group is loaded unless
told not to. ``ROMPY_DISABLED_PLUGINS`` (comma-separated names) blocks plugins by name. A
plugin that fails to import is a warning naming it; two plugins claiming one tag is an error
naming both.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import os
from collections.abc import Callable, Iterable
from typing import Any

import attrs
import pluggy

from rompy import hookspecs
from rompy.domain.errors import PluginError, PluginFailedError, RompyError
from rompy.log import get_logger
from rompy.ports.registry import (
    DATA,
    ENGINES,
    EXECUTORS,
    FAMILIES,
    MODEL_ADAPTERS,
    MODEL_CONFIGS,
    OUTPUT_READERS,
    POSTPROCESSORS,
    RENDERERS,
    SOURCES,
    LazyClass,
    Registry,
    RegistryBuilder,
    registered_tag,
)

log = get_logger(__name__)

BUILTIN_PLUGIN = "rompy.adapters.builtin_plugin"
DISABLED_ENV = "ROMPY_DISABLED_PLUGINS"

_REGISTRATION_HOOKS = {
    "rompy_register_model_configs": MODEL_CONFIGS,
    "rompy_register_executors": EXECUTORS,
    "rompy_register_postprocessors": POSTPROCESSORS,
    "rompy_register_sources": SOURCES,
    "rompy_register_data": DATA,
    "rompy_register_renderers": RENDERERS,
    "rompy_register_output_readers": OUTPUT_READERS,
    "rompy_register_ensemble_engines": ENGINES,
}


@attrs.frozen(kw_only=True)
class PluginInfo:
    """What ``rompy plugins`` shows about one plugin.

    Attributes:
        name: The plugin's name (entry-point name, or ``builtin``).
        version: The version of the distribution that provides it.
        registers: ``family: tag`` strings of what it registered.
        missing: Optional modules its classes need that are not installed.
    """

    name: str
    version: str
    registers: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class LoadedPlugins:
    """The plugin manager, its frozen registry and facts about each plugin."""

    manager: pluggy.PluginManager
    registry: Registry
    plugins: tuple[PluginInfo, ...]
    warnings: tuple[str, ...] = ()


def disabled_from_env(environ: dict[str, str] | None = None) -> set[str]:
    """Return the plugin names blocked by ``ROMPY_DISABLED_PLUGINS``."""
    text = (environ if environ is not None else os.environ).get(DISABLED_ENV, "")
    return {name.strip() for name in text.split(",") if name.strip()}


def load_plugins(
    *,
    load_entry_points: bool = True,
    extra_plugins: Iterable[tuple[str, object]] = (),
    disabled: Iterable[str] | None = None,
) -> LoadedPlugins:
    """Build a plugin manager, load plugins and freeze their registrations.

    Args:
        load_entry_points: Load the ``rompy`` entry-point group.
        extra_plugins: ``(name, module_or_object)`` pairs registered directly (tests, embedding).
        disabled: Plugin names to block; defaults to ``ROMPY_DISABLED_PLUGINS``.

    Raises:
        PluginError: Two plugins register the same tag, or a hook implementation is invalid.
    """
    blocked = set(disabled) if disabled is not None else disabled_from_env()
    manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    versions: dict[str, str] = {}
    warnings: list[str] = []
    _register(manager, "builtin", importlib.import_module(BUILTIN_PLUGIN), blocked)
    versions["builtin"] = _distribution_version("rompy")
    if load_entry_points:
        _load_entry_points(manager, blocked, versions, warnings)
    for name, plugin in extra_plugins:
        _register(manager, name, plugin, blocked)
    _check_pending(manager)
    builder = RegistryBuilder()
    registered = _collect_registrations(manager, builder)
    registry = builder.freeze()
    infos = tuple(
        _plugin_info(name, versions.get(name, ""), registered.get(name, []), registry)
        for name, _ in manager.list_name_plugin()
    )
    return LoadedPlugins(
        manager=manager, registry=registry, plugins=infos, warnings=tuple(warnings)
    )


def _register(manager: pluggy.PluginManager, name: str, plugin: object, blocked: set[str]) -> None:
    if name in blocked:
        manager.set_blocked(name)
        log.debug("plugin_blocked", plugin=name)
        return
    try:
        manager.register(plugin, name=name)
    except pluggy.PluginValidationError as error:
        raise PluginError(f"plugin {name!r} has an invalid hook implementation: {error}") from None


def _check_pending(manager: pluggy.PluginManager) -> None:
    try:
        manager.check_pending()
    except pluggy.PluginValidationError as error:
        raise PluginError(f"a plugin implements an unknown hook: {error}") from None


def _load_entry_points(
    manager: pluggy.PluginManager,
    blocked: set[str],
    versions: dict[str, str],
    warnings: list[str],
) -> None:
    for entry_point in importlib.metadata.entry_points(group=hookspecs.ENTRY_POINT_GROUP):
        if entry_point.value == BUILTIN_PLUGIN or manager.has_plugin(entry_point.name):
            continue
        if entry_point.name in blocked:
            manager.set_blocked(entry_point.name)
            continue
        try:
            plugin = entry_point.load()
        except Exception as error:
            message = f"plugin {entry_point.name!r} ({entry_point.value}) failed to load: {error}"
            warnings.append(message)
            log.warning("plugin_failed_to_load", plugin=entry_point.name, error=str(error))
            continue
        _register(manager, entry_point.name, plugin, blocked)
        dist = entry_point.dist
        versions[entry_point.name] = dist.version if dist is not None else ""


def _collect_registrations(
    manager: pluggy.PluginManager, builder: RegistryBuilder
) -> dict[str, list[str]]:
    registered: dict[str, list[str]] = {}
    for hook_name, family_name in _REGISTRATION_HOOKS.items():
        caller = getattr(manager.hook, hook_name)
        for impl in caller.get_hookimpls():
            register = _registering_callback(builder, family_name, impl.plugin_name, registered)
            try:
                impl.function(register=register)
            except RompyError:
                raise
            except Exception as error:
                if impl.plugin_name == "builtin":
                    raise
                raise PluginFailedError(impl.plugin_name, hook_name, error) from error
    return registered


def _registering_callback(
    builder: RegistryBuilder, family_name: str, plugin: str, registered: dict[str, list[str]]
) -> Callable[..., None]:
    if family_name in MODEL_ADAPTERS:
        label, models = MODEL_ADAPTERS[family_name], FAMILIES[MODEL_CONFIGS]

        def register_adapter(cls: type | LazyClass, factory: Any = None) -> None:
            builder.add_model_adapter(family_name, cls, plugin, factory)
            registered.setdefault(plugin, []).append(f"{label}: {registered_tag(cls, models)}")

        return register_adapter
    family = FAMILIES[family_name]

    def register(cls: type | LazyClass, factory: Any = None) -> None:
        builder.add(family_name, cls, plugin, factory)
        registered.setdefault(plugin, []).append(f"{family.label}: {registered_tag(cls, family)}")

    return register


def _plugin_info(name: str, version: str, registers: list[str], registry: Registry) -> PluginInfo:
    needed: set[str] = set()
    for family_name in FAMILIES:
        for registration in registry.family(family_name).values():
            if registration.plugin == name:
                needed.update(registration.requires)
    missing = sorted(module for module in needed if importlib.util.find_spec(module) is None)
    return PluginInfo(
        name=name, version=version, registers=tuple(registers), missing=tuple(missing)
    )


def _distribution_version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return ""
