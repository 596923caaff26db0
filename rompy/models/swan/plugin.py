"""The SWAN plugin's hooks: the model config, its renderer (the deck in code), its reader."""

from __future__ import annotations

from typing import Any

from rompy import FilesRenderer, LazyFactory, hookimpl
from rompy.models.swan.components.data_interface import SwanDataGrid
from rompy.models.swan.components.nesting import Boundnest1
from rompy.models.swan.config import SwanConfig, SwanConfigComponents, deck_files
from rompy.models.swan.summary import SwanSummarySpec


@hookimpl
def rompy_register_model_configs(register: Any) -> None:
    """Add ``model_type: swan`` and ``swanconfig``."""
    register(SwanConfig)
    register(SwanConfigComponents)


@hookimpl
def rompy_register_renderers(register: Any) -> None:
    """Write the deck in code (subclasses inherit it)."""
    register(SwanConfig, lambda: FilesRenderer(deck_files))


@hookimpl
def rompy_register_output_readers(register: Any) -> None:
    """Read BLOCK and TABLE outputs into datasets."""
    register(SwanConfig, LazyFactory("rompy.models.swan.outputs:SwanOutputReader"))


@hookimpl
def rompy_register_postprocessors(register: Any) -> None:
    """Add ``swan_summary``: a summary and PNG plots of a run."""
    register(SwanSummarySpec, LazyFactory("rompy.models.swan.summary:SwanSummary"))


@hookimpl
def rompy_register_data(register: Any) -> None:
    """Add ``swan_grid`` (fields for READINP) and ``boundnest1`` (spectra for BOUNDNEST1)."""
    register(SwanDataGrid, LazyFactory("rompy.models.swan.forcing:SwanGridHandler"))
    register(Boundnest1, LazyFactory("rompy:SpectralBoundaryHandler"))
