"""The SWAN plugin's hooks: the model config and its renderer (the deck written in code)."""

from __future__ import annotations

from typing import Any

from rompy import FilesRenderer, hookimpl
from rompy.models.swan.config import SwanConfig, SwanConfigComponents, deck_files


@hookimpl
def rompy_register_model_configs(register: Any) -> None:
    """Add ``model_type: swan`` and ``swanconfig``."""
    register(SwanConfig)
    register(SwanConfigComponents)


@hookimpl
def rompy_register_renderers(register: Any) -> None:
    """Write the deck in code (subclasses inherit it)."""
    register(SwanConfig, lambda: FilesRenderer(deck_files))
