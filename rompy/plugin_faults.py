"""Telling a plugin's bug from the user's mistake.

A plugin's code runs inside rompy's: its hook implementations, the classes it registers
(their converters, validators, ``__attrs_post_init__``, methods the services call) and the
adapters its factories build. When that code raises something that is not a
:class:`~rompy.domain.errors.RompyError` (which plugins raise on purpose for bad input), the
user deserves to hear whose bug it is: :func:`find_fault` walks the traceback from the
deepest frame outwards and names the first plugin whose code it finds, either a hook
implementation (then the hook is named) or a module of the plugin's package.
:func:`plugin_faults_reported` turns such an exception into a
:class:`~rompy.domain.errors.PluginFailedError` (exit code 1). A failure in rompy's own code
(the built-in plugin included) is not blamed on anyone and propagates unchanged.
"""

from __future__ import annotations

import traceback
import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import attrs
import pluggy

from rompy.domain.errors import PluginFailedError, RompyError

BUILTIN = "builtin"
"""The name of rompy's own plugin, which is never blamed."""


@attrs.frozen
class Fault:
    """Where a plugin's code failed.

    Attributes:
        plugin: The plugin's name.
        hook: The hook implementation that failed, or empty when the failing frame is
            another part of the plugin (a class it registered).
        function: The qualified name of the plugin's function in which it failed.
    """

    plugin: str
    hook: str = ""
    function: str = ""


def find_fault(error: BaseException, manager: pluggy.PluginManager) -> Fault | None:
    """Return the plugin whose code raised ``error``, or None when no plugin's code did.

    Args:
        error: The exception, with its traceback.
        manager: The plugin manager that knows the plugins and their hook implementations.
    """
    hooks = _hook_implementations(manager)
    packages = _plugin_packages(manager)
    frames = [frame for frame, _ in traceback.walk_tb(error.__traceback__)]
    for frame in reversed(frames):
        function = frame.f_code.co_qualname
        if frame.f_code in hooks:
            plugin, hook = hooks[frame.f_code]
            return None if plugin == BUILTIN else Fault(plugin, hook, function)
        module = str(frame.f_globals.get("__name__", ""))
        owner = packages.get(module.split(".", 1)[0])
        if owner is not None:
            return Fault(owner, "", function)
    return None


@contextmanager
def plugin_faults_reported(manager: pluggy.PluginManager, during: str) -> Iterator[None]:
    """Report an exception from a plugin's code as a :class:`PluginFailedError`.

    Args:
        manager: The plugin manager.
        during: What rompy was doing (``generate``, ``reading config``), used when the
            failing code is not a hook implementation.

    Raises:
        PluginFailedError: A plugin's code raised something that is not a ``RompyError``.
    """
    try:
        yield
    except RompyError:
        raise
    except Exception as error:
        fault = find_fault(error, manager)
        if fault is None:
            raise
        where = fault.hook or f"{during} ({fault.function})"
        raise PluginFailedError(fault.plugin, where, error) from error


def _hook_implementations(manager: pluggy.PluginManager) -> dict[types.CodeType, tuple[str, str]]:
    found: dict[types.CodeType, tuple[str, str]] = {}
    for name, caller in vars(manager.hook).items():
        for impl in getattr(caller, "get_hookimpls", list)():
            code = getattr(impl.function, "__code__", None)
            if code is not None:
                found[code] = (impl.plugin_name, name)
    return found


def _plugin_packages(manager: pluggy.PluginManager) -> dict[str, str]:
    """Map the top-level package of each third-party plugin to the plugin's name."""
    packages: dict[str, str] = {}
    for name, plugin in manager.list_name_plugin():
        package = _module_of(plugin).split(".", 1)[0]
        if name != BUILTIN and package not in ("", "rompy", "builtins"):
            packages.setdefault(package, name)
    return packages


def _module_of(plugin: Any) -> str:
    if isinstance(plugin, types.ModuleType):
        return plugin.__name__
    return getattr(type(plugin), "__module__", "") or ""
