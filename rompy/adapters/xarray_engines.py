"""xarray, imported quietly, with its backend plugins discovered only when needed.

xarray finds third-party I/O backends through entry points; one of them (wavespectra)
imports scipy and configures the root logger when loaded, which costs a cold ``rompy
generate`` about 0.3 s. rompy therefore opens files with xarray's built-in backends named
explicitly (:func:`engine_for` gives the backend class, so no discovery runs) and runs the
discovery, inside :func:`rompy.log.library_logging_undone`, only before a source that may
need a third-party backend (an unknown engine name, a guessed engine, intake, wavespectra).
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from rompy.log import library_logging_undone

_loaded: ModuleType | None = None
_discovered = False


def load_xarray() -> ModuleType:
    """Return the ``xarray`` module, imported once with its logging side effects undone."""
    global _loaded
    if _loaded is None:
        with library_logging_undone():
            import xarray
        _loaded = xarray
    return _loaded


def discover_engines() -> None:
    """Find xarray's backend plugins once, quietly (their logging side effects undone)."""
    global _discovered
    xarray = load_xarray()
    if not _discovered:
        with library_logging_undone():
            xarray.backends.list_engines()
        _discovered = True


def engine_for(name: str | None) -> Any:
    """Return what to pass as ``open_dataset(engine=...)`` for the engine ``name``.

    A built-in engine (``netcdf4``, ``h5netcdf``, ``scipy``, ``zarr``, ...) gives its backend
    class, which xarray uses without looking at plugins; any other name, or None (let xarray
    guess), runs :func:`discover_engines` first and is returned as it is.
    """
    load_xarray()
    from xarray.backends.common import BACKEND_ENTRYPOINTS

    if name is not None and name in BACKEND_ENTRYPOINTS:
        return BACKEND_ENTRYPOINTS[name][1]
    discover_engines()
    return name
