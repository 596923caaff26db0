"""The SWAN plugin's hooks: the model config, its renderer (the deck in code), its reader.

Every class is registered by name (:class:`rompy.LazyClass`), so loading this plugin imports
none of SWAN's hundred-odd command classes: ``rompy --help`` and ``rompy validate`` of
another model's config never pay for them; the first SWAN config read imports them.
"""

from __future__ import annotations

from typing import Any

from rompy import LazyClass, LazyFactory, hookimpl

SWAN_CONFIG = LazyClass(target="rompy.models.swan.config:SwanConfig", tag="swan")
SWAN_CONFIG_COMPONENTS = LazyClass(
    target="rompy.models.swan.config:SwanConfigComponents", tag="swanconfig"
)


def _deck_renderer() -> Any:
    """The renderer writing SWAN's files in code (imported on the first SWAN render)."""
    from rompy import FilesRenderer
    from rompy.models.swan.config import deck_files

    return FilesRenderer(deck_files)


@hookimpl
def rompy_register_model_configs(register: Any) -> None:
    """Add ``model_type: swan`` and ``swanconfig``."""
    register(SWAN_CONFIG)
    register(SWAN_CONFIG_COMPONENTS)


@hookimpl
def rompy_register_renderers(register: Any) -> None:
    """Write the deck in code (subclasses inherit it)."""
    register(SWAN_CONFIG, _deck_renderer)


@hookimpl
def rompy_register_output_readers(register: Any) -> None:
    """Read BLOCK and TABLE outputs into datasets."""
    register(SWAN_CONFIG, LazyFactory("rompy.models.swan.outputs:SwanOutputReader"))


@hookimpl
def rompy_register_postprocessors(register: Any) -> None:
    """Add ``swan_summary``: a summary and PNG plots of a run."""
    register(
        LazyClass(target="rompy.models.swan.summary:SwanSummarySpec", tag="swan_summary"),
        LazyFactory("rompy.models.swan.summary:SwanSummary"),
    )


@hookimpl
def rompy_register_data(register: Any) -> None:
    """Add ``swan_grid`` (fields for READINP) and ``boundnest1`` (spectra for BOUNDNEST1)."""
    register(
        LazyClass(
            target="rompy.models.swan.components.data_interface:SwanDataGrid", tag="swan_grid"
        ),
        LazyFactory("rompy.models.swan.forcing:SwanGridHandler"),
    )
    register(
        LazyClass(target="rompy.models.swan.components.nesting:Boundnest1", tag="boundnest1"),
        LazyFactory("rompy:SpectralBoundaryHandler"),
    )
