"""xarray, imported with its backend plugins loaded once and their logging side effects undone.

xarray finds its I/O backends through entry points on the first ``open_dataset``; one of
them (wavespectra) configures the root logger when imported. Every rompy module that
opens data gets xarray from :func:`load_xarray`, so that happens once, inside
:func:`rompy.log.library_logging_undone`, before any file is opened.
"""

from __future__ import annotations

from types import ModuleType

from rompy.log import library_logging_undone

_loaded: ModuleType | None = None


def load_xarray() -> ModuleType:
    """Return the ``xarray`` module with its backends discovered (quietly, once)."""
    global _loaded
    if _loaded is None:
        with library_logging_undone():
            import xarray

            xarray.backends.list_engines()
        _loaded = xarray
    return _loaded
