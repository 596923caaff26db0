"""The ensemble spec: a base pipeline, a sweep, an engine and what to gather."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from rompy.domain.ensemble.engines import EnsembleEngineSpec, PoolEngine
from rompy.domain.ensemble.results import ResultsSpec
from rompy.domain.ensemble.sweep import Sweep
from rompy.domain.errors import ConfigError

ENSEMBLE_KEYS = ("name", "output_dir", "base", "sweep", "engine", "results")


def _check_name(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Validate (for attrs) that the name is usable as one folder name."""
    bad = not isinstance(value, str) or not value.strip() or "/" in value or value in (".", "..")
    if bad:
        raise ConfigError(
            f"{value!r} is not a valid ensemble name; give one folder name such as gamma-sweep",
            path="name",
            value=value,
        )


@attrs.frozen(kw_only=True)
class EnsembleSpec:
    """An ensemble: many members of one base pipeline.

    Attributes:
        name: The ensemble's name; its folder is ``output_dir / name``.
        output_dir: The folder holding the ensemble's folder.
        base: The base pipeline document (plain data: ``config``, ``backend``, ...).
        sweep: How members differ from the base.
        engine: Where the members run (default: a local process pool).
        results: What to gather across members once done, if anything.
    """

    name: str = attrs.field(validator=_check_name)
    output_dir: Path
    base: Mapping[str, Any]
    sweep: Sweep
    engine: EnsembleEngineSpec = attrs.field(factory=PoolEngine)
    results: ResultsSpec | None = None

    @property
    def ensemble_dir(self) -> Path:
        """The ensemble's own folder (members, states and results live under it)."""
        return self.output_dir / self.name
