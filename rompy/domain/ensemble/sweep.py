"""Sweeps: how an ensemble's members differ from the base, as lists of parameter sets.

A sweep turns into a list of parameter sets, each a mapping of field path to value, in a
stable order. Four kinds, tagged on ``kind``:

- ``list``: the members written out, ``members: [{path: value, ...}, ...]``.
- ``product``: every combination of ``parameters: {path: [values]}`` (the first path
  varies slowest).
- ``zip``: the i-th values of every path together; the lists must have equal lengths.
- ``latin_hypercube``: ``samples`` points in ``ranges: {path: [low, high]}``, seeded with
  ``seed``; along each path exactly one sample falls in each of ``samples`` equal strata.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import attrs

from rompy.domain.errors import ConfigError

Parameters = dict[str, Any]


@attrs.frozen(kw_only=True)
class ListSweep:
    """Members written out one by one.

    Attributes:
        members: One mapping of field path to value per member.
    """

    kind: ClassVar[str] = "list"
    members: tuple[Mapping[str, Any], ...]

    def expand(self) -> list[Parameters]:
        """Return the members' parameter sets, in the order written."""
        return [dict(member) for member in self.members]


@attrs.frozen(kw_only=True)
class ProductSweep:
    """Every combination of the values of each path.

    Attributes:
        parameters: Field path to its values.
    """

    kind: ClassVar[str] = "product"
    parameters: Mapping[str, tuple[Any, ...]]

    def expand(self) -> list[Parameters]:
        """Return every combination; the first path varies slowest."""
        paths = list(self.parameters)
        values = [self.parameters[path] for path in paths]
        return [dict(zip(paths, combo, strict=True)) for combo in itertools.product(*values)]


@attrs.frozen(kw_only=True)
class ZipSweep:
    """The i-th values of every path together.

    Attributes:
        parameters: Field path to its values; every list has the same length.
    """

    kind: ClassVar[str] = "zip"
    parameters: Mapping[str, tuple[Any, ...]]

    def expand(self) -> list[Parameters]:
        """Return one parameter set per position."""
        paths = list(self.parameters)
        columns = [self.parameters[path] for path in paths]
        return [dict(zip(paths, row, strict=True)) for row in zip(*columns, strict=True)]


@attrs.frozen(kw_only=True)
class LatinHypercubeSweep:
    """A seeded Latin hypercube sample over ranges.

    Attributes:
        ranges: Field path to ``(low, high)``.
        samples: Number of members.
        seed: Seed of the stdlib random generator (the same members on every machine).
    """

    kind: ClassVar[str] = "latin_hypercube"
    ranges: Mapping[str, tuple[float, float]]
    samples: int
    seed: int = 0

    def expand(self) -> list[Parameters]:
        """Return ``samples`` parameter sets; each path has one value in each stratum."""
        rng = random.Random(self.seed)
        columns: dict[str, list[float]] = {}
        for path, (low, high) in self.ranges.items():
            width = (high - low) / self.samples
            column = [low + (i + rng.random()) * width for i in range(self.samples)]
            rng.shuffle(column)
            columns[path] = column
        return [{path: columns[path][i] for path in columns} for i in range(self.samples)]


Sweep = ListSweep | ProductSweep | ZipSweep | LatinHypercubeSweep
SWEEP_KINDS = ("list", "product", "zip", "latin_hypercube")
_KEYS = {
    "list": {"kind", "members"},
    "product": {"kind", "parameters"},
    "zip": {"kind", "parameters"},
    "latin_hypercube": {"kind", "ranges", "samples", "seed"},
}


def sweep_from_data(data: Any, *, path: str = "sweep") -> Sweep:
    """Build a sweep from plain data (the ``sweep:`` mapping of an ensemble file).

    Raises:
        ConfigError: The data is not a valid sweep; the error names the field path.
    """
    if not isinstance(data, Mapping):
        raise ConfigError(
            "give a mapping with a 'kind' (list, product, zip, latin_hypercube)",
            path=path,
            value=data,
        )
    kind = data.get("kind")
    if kind not in SWEEP_KINDS:
        raise ConfigError(
            f"{kind!r} is not a sweep kind; give one of {', '.join(SWEEP_KINDS)}",
            path=f"{path}.kind",
            value=kind,
        )
    unknown = sorted(set(data) - _KEYS[kind])
    if unknown:
        allowed = ", ".join(sorted(_KEYS[kind]))
        raise ConfigError(
            f"unknown key {unknown[0]!r} for a {kind} sweep; allowed: {allowed}",
            path=f"{path}.{unknown[0]}",
            value=data[unknown[0]],
        )
    if kind == "list":
        return ListSweep(members=_members(data.get("members"), f"{path}.members"))
    if kind == "latin_hypercube":
        return _latin_hypercube(data, path)
    parameters = _value_lists(data.get("parameters"), f"{path}.parameters")
    if kind == "zip":
        _check_equal_lengths(parameters, f"{path}.parameters")
        return ZipSweep(parameters=parameters)
    return ProductSweep(parameters=parameters)


def _members(value: Any, path: str) -> tuple[Mapping[str, Any], ...]:
    if not isinstance(value, Sequence) or isinstance(value, str) or not value:
        raise ConfigError(
            "give a non-empty list of members, each a mapping {field path: value}",
            path=path,
            value=value,
        )
    for index, member in enumerate(value):
        if not isinstance(member, Mapping) or not member:
            raise ConfigError(
                "a member is a non-empty mapping {field path: value}",
                path=f"{path}.{index}",
                value=member,
            )
        _check_paths(member, f"{path}.{index}")
    return tuple(dict(member) for member in value)


def _check_paths(mapping: Mapping[Any, Any], path: str) -> None:
    for key in mapping:
        if not isinstance(key, str) or not key or any(not part for part in key.split(".")):
            raise ConfigError(
                f"{key!r} is not a field path; write one like config.run_id", path=path, value=key
            )


def _value_lists(value: Any, path: str) -> dict[str, tuple[Any, ...]]:
    if not isinstance(value, Mapping) or not value:
        raise ConfigError("give a non-empty mapping {field path: [values]}", path=path, value=value)
    _check_paths(value, path)
    lists: dict[str, tuple[Any, ...]] = {}
    for key, values in value.items():
        if not isinstance(values, Sequence) or isinstance(values, str) or not values:
            raise ConfigError("give a non-empty list of values", path=f"{path}.{key}", value=values)
        lists[key] = tuple(values)
    return lists


def _check_equal_lengths(parameters: Mapping[str, tuple[Any, ...]], path: str) -> None:
    lengths = {key: len(values) for key, values in parameters.items()}
    if len(set(lengths.values())) > 1:
        listed = ", ".join(f"{key}: {length}" for key, length in lengths.items())
        raise ConfigError(
            f"a zip sweep needs lists of equal lengths; got {listed}", path=path, value=lengths
        )


def _latin_hypercube(data: Mapping[str, Any], path: str) -> LatinHypercubeSweep:
    ranges = _value_lists(data.get("ranges"), f"{path}.ranges")
    bounds: dict[str, tuple[float, float]] = {}
    for key, pair in ranges.items():
        numbers = len(pair) == 2 and all(_is_number(v) for v in pair)
        if not numbers or not pair[0] < pair[1]:
            raise ConfigError(
                "give a range [low, high] of two numbers with low < high",
                path=f"{path}.ranges.{key}",
                value=list(pair),
            )
        bounds[key] = (float(pair[0]), float(pair[1]))
    samples: Any = data.get("samples")
    seed: Any = data.get("seed", 0)
    if not _is_whole(samples) or samples < 1:
        raise ConfigError(
            "give the number of samples, a whole number of at least 1",
            path=f"{path}.samples",
            value=samples,
        )
    if not _is_whole(seed):
        raise ConfigError("give a whole-number seed", path=f"{path}.seed", value=seed)
    return LatinHypercubeSweep(ranges=bounds, samples=samples, seed=seed)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
