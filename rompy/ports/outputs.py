"""The output-reader port: a model's outputs in its staging dir, read into datasets.

A model plugin registers an :class:`OutputReader` for its config class
(``rompy_register_output_readers``); ``App.read_outputs(run)`` finds it and returns the
run's outputs as ``xarray.Dataset`` objects by name, ready for checks, plots and ensembles.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

import attrs

from rompy.domain.model_config import ModelConfig


@attrs.frozen(kw_only=True)
class OutputRequest:
    """Ask for the outputs of one run.

    Attributes:
        run_id: The run's id.
        staging_dir: Where the model ran and wrote its outputs.
        config: The run's model config (what the model was told to write).
    """

    run_id: str
    staging_dir: Path
    config: ModelConfig


class OutputReader(Protocol):
    """Reads a model's outputs into datasets."""

    def read(self, request: OutputRequest) -> Mapping[str, Any]:
        """Return each output as an ``xarray.Dataset``, by output name.

        Raises:
            DataSourceError: An output the config asked for is missing or cannot be read.
        """
        ...
