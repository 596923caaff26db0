"""The model run: one value that describes a whole run."""

from __future__ import annotations

import functools
from datetime import datetime
from pathlib import Path

import attrs

from rompy.domain.errors import ConfigError
from rompy.domain.model_config import BaseConfig, ModelConfig
from rompy.domain.time import TimeRange

DATE_FORMAT = "%Y%m%d.%H%M%S"
"""The date format model templates use for compute start/stop (as the reference rompy)."""


def _default_period() -> TimeRange:
    return TimeRange(start=datetime(2020, 2, 21, 4), end=datetime(2020, 2, 24, 4), interval="15M")


def _check_run_id(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not value or value.strip() != value or "/" in value or value in {".", ".."}:
        raise ConfigError(
            f"{value!r} is not a usable run id; use a non-empty name without '/' or spaces "
            "at either end",
            path=attribute.name,
            value=value,
        )


@attrs.frozen(kw_only=True)
class ModelRun:
    """A model run described once: what, when, where the files go.

    Attributes:
        run_id: Name of the run; the staging dir is ``output_dir/run_id`` by default.
        period: The simulated period.
        output_dir: Folder under which the staging dir lives.
        config: The model configuration (tagged on ``model_type``).
        delete_existing: Allow replacing an existing staging dir when generating.
        run_id_subdir: Put the staging dir in a ``run_id`` sub-folder of ``output_dir``.

    Example:
        >>> ModelRun(run_id="demo", output_dir=Path("out")).staging_dir
        PosixPath('out/demo')
    """

    run_id: str = attrs.field(default="run_id", validator=_check_run_id)
    period: TimeRange = attrs.field(factory=_default_period)
    output_dir: Path = attrs.field(default=Path("./simulations"), converter=Path)
    config: ModelConfig = attrs.field(factory=BaseConfig)
    delete_existing: bool = False
    run_id_subdir: bool = True

    @functools.cached_property
    def staging_dir(self) -> Path:
        """The folder the model's input files are rendered into (computed once; never created)."""
        return self.output_dir / self.run_id if self.run_id_subdir else self.output_dir
