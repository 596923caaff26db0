"""Telling config documents apart: a model-run file or a pipeline file.

A pipeline document has only the keys ``config``, ``backend`` and ``postprocessor``, with the
model run under ``config``. A model-run document also has a ``config`` key (the model
configuration), so the two are told apart by what the ``config`` mapping holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from rompy.domain.errors import ConfigError

PIPELINE_KEYS = frozenset({"config", "backend", "postprocessor"})
RUN_KEYS = frozenset({"run_id", "period", "output_dir", "config", "delete_existing"})


def classify_document(document: Any) -> Literal["pipeline", "run"]:
    """Return ``pipeline`` or ``run`` for a loaded document.

    Raises:
        ConfigError: The document is not a mapping.
    """
    if not isinstance(document, Mapping):
        raise ConfigError(
            f"a config file must hold a mapping of keys, got {type(document).__name__}",
            value=document,
        )
    if not set(document) <= PIPELINE_KEYS:
        return "run"
    if "backend" in document or "postprocessor" in document:
        return "pipeline"
    inner = document.get("config")
    if not isinstance(inner, Mapping) or "model_type" in inner:
        return "run"
    return "pipeline" if set(inner) & RUN_KEYS else "run"


def pipeline_data(document: Any, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Return pipeline data from a pipeline or model-run document plus CLI overrides.

    ``overrides`` maps ``backend``/``postprocessor`` to a loaded document or None (keep).
    """
    is_pipeline = classify_document(document) == "pipeline"
    data = dict(document) if is_pipeline else {"config": document}
    data.update({key: value for key, value in overrides.items() if value is not None})
    return data
