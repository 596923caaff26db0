"""Adapter factories that import their adapter's module at the first build, not before.

Plugins register a factory per spec class. Importing the adapter inside the factory keeps
loading a plugin cheap (``rompy --help`` never imports docker-py), but an ``import``
statement in a function runs at every call; a :class:`LazyFactory` imports once and then
only calls the class.
"""

from __future__ import annotations

import importlib
from typing import Any


class LazyFactory:
    """Builds instances of ``module:name``, importing ``module`` at the first build only.

    Args:
        target: Where the adapter class lives, as ``"package.module:ClassName"``.

    Example:
        >>> factory = LazyFactory("rompy.adapters.execution.local.executor:LocalExecutor")
        >>> type(factory()).__name__
        'LocalExecutor'
    """

    def __init__(self, target: str) -> None:
        """Remember ``target``; nothing is imported yet."""
        module, _, name = target.partition(":")
        if not module or not name:
            raise ValueError(f"expected 'package.module:ClassName', got {target!r}")
        self.target = target
        self._module = module
        self._name = name
        self._class: Any = None

    def __call__(self) -> Any:
        """Return a new instance of the adapter class (imported the first time)."""
        cls = self._class
        if cls is None:
            cls = self._class = getattr(importlib.import_module(self._module), self._name)
        return cls()

    def __repr__(self) -> str:
        """Show the target, as in ``LazyFactory('rompy.adapters.x:X')``."""
        return f"LazyFactory({self.target!r})"
