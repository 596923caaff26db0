"""Members: parameters applied to the base pipeline document, ids and hashes.

Everything here works on plain data (dicts, lists, numbers, strings), before any config is
structured. A field path is dotted; a part made of digits indexes a list
(``config.config.output.points.xp.0``).

Rule for paths: every part but the last must exist in the base document. The last part may
name a key the base does not have, in an existing mapping (so a default the base leaves out
can be swept); a list index must exist.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from rompy.domain.errors import ConfigError

MEMBERS_FOLDER = "members"


def canonical_json(data: Any) -> str:
    """Return ``data`` as JSON with sorted keys and no spaces (the same text everywhere)."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)


def digest(data: Any) -> str:
    """Return the hex SHA-256 of ``data``'s canonical JSON."""
    return hashlib.sha256(canonical_json(data).encode()).hexdigest()


def member_id(parameters: Mapping[str, Any]) -> str:
    """Return the stable id of a member: ``m-`` and 12 hex digits of its parameters' hash."""
    return "m-" + digest(dict(parameters))[:12]


def apply_parameters(document: Mapping[str, Any], parameters: Mapping[str, Any]) -> dict[str, Any]:
    """Return a copy of ``document`` with each field path set to its value.

    Raises:
        ConfigError: A path does not exist in the document (the error names it).
    """
    result = copy.deepcopy(dict(document))
    for path, value in parameters.items():
        _set(result, path, copy.deepcopy(value))
    return result


def _set(document: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    parent: Any = document
    for depth, part in enumerate(parts[:-1]):
        parent = _child(parent, part, path, ".".join(parts[: depth + 1]))
    last = parts[-1]
    if isinstance(parent, Mapping):
        parent[last] = value  # type: ignore[index]
    elif isinstance(parent, list) and last.isdigit() and int(last) < len(parent):
        parent[int(last)] = value
    else:
        raise _missing(path, ".".join(parts))


def _child(parent: Any, part: str, path: str, reached: str) -> Any:
    if isinstance(parent, Mapping) and part in parent:
        return parent[part]
    if isinstance(parent, list) and part.isdigit() and int(part) < len(parent):
        return parent[int(part)]
    raise _missing(path, reached)


def _missing(path: str, reached: str) -> ConfigError:
    return ConfigError(
        f"the base pipeline has no field {reached!r}; sweep a field that exists in the base "
        "(only the last part may be a new key of an existing mapping)",
        path=f"sweep.parameters.{path}",
        value=path,
    )


def unique_parameter_sets(sets: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Return ``sets`` without repeats (by member id), first occurrence kept, order kept."""
    seen: set[str] = set()
    unique = []
    for parameters in sets:
        key = member_id(parameters)
        if key not in seen:
            seen.add(key)
            unique.append(dict(parameters))
    return unique


def member_document(
    base: Mapping[str, Any], parameters: Mapping[str, Any], ensemble_dir: Path
) -> dict[str, Any]:
    """Return the member's pipeline document: the base, its parameters, its own run dir.

    The member runs in ``<ensemble_dir>/members/<id>/``: ``config.output_dir``,
    ``config.run_id`` and ``config.delete_existing: true`` are set (that folder belongs to
    the ensemble, so a re-run may replace it).

    Raises:
        ConfigError: The base has no ``config`` mapping, or a path does not exist.
    """
    document = apply_parameters(base, parameters)
    config = document.get("config")
    if not isinstance(config, dict):
        raise ConfigError(
            "the base must be a pipeline document with a 'config' mapping (and a 'backend')",
            path="base.config",
            value=config,
        )
    config["output_dir"] = str(ensemble_dir / MEMBERS_FOLDER)
    config["run_id"] = member_id(parameters)
    config["run_id_subdir"] = True
    config["delete_existing"] = True
    return document
