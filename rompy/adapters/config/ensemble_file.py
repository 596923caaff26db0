"""Reading an ensemble file: its keys checked, its base pipeline file read in.

``base:`` may name a pipeline file (a path relative to the ensemble file) or hold the
pipeline inline. ``output_dir`` is made absolute against the current folder (as a pipeline's
``output_dir`` is), so members and their workers agree on one folder. Dates the YAML loader
typed become ISO strings: a member's document must survive JSON (job files, hashes).
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rompy.adapters.config.files import load_document
from rompy.domain.ensemble.spec import ENSEMBLE_KEYS
from rompy.domain.errors import ConfigError

REQUIRED_KEYS = ("name", "output_dir", "base", "sweep")


def load_ensemble_document(source: str | Path) -> dict[str, Any]:
    """Return the ensemble file's data with ``base`` as a mapping and paths absolute.

    Raises:
        ConfigError: The file is not an ensemble file (a key unknown or missing, a base
            that is neither a file nor a mapping).
    """
    source = Path(source)
    data = load_document(source)
    if not isinstance(data, Mapping):
        raise ConfigError("an ensemble file is a mapping with name, output_dir, base, sweep")
    _check_keys(data)
    document = dict(data)
    document["base"] = plain(_base(document["base"], source.parent))
    document["output_dir"] = str(Path(str(document["output_dir"])).expanduser().absolute())
    return document


def _check_keys(data: Mapping[str, Any]) -> None:
    for key in data:
        if key not in ENSEMBLE_KEYS:
            close = difflib.get_close_matches(str(key), ENSEMBLE_KEYS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ConfigError(
                f"unknown key {key!r} in the ensemble file{hint} (known keys: "
                f"{', '.join(ENSEMBLE_KEYS)})",
                path=str(key),
            )
    for key in REQUIRED_KEYS:
        if key not in data:
            raise ConfigError(f"the ensemble file needs {key!r}", path=key)


def _base(value: Any, folder: Path) -> Mapping[str, Any]:
    if isinstance(value, str):
        path = Path(value).expanduser()
        path = path if path.is_absolute() else folder / path
        value = load_document(path)
    if not isinstance(value, Mapping):
        raise ConfigError(
            "give a pipeline file (relative to the ensemble file) or an inline pipeline "
            "mapping with config and backend",
            path="base",
            value=value,
        )
    return value


def plain(value: Any) -> Any:
    """Return ``value`` with dates and times as ISO strings, tuples as lists (JSON-ready)."""
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return value
