"""Gathering one output of every done member into one dataset with a ``member`` dimension.

The gathered dataset holds the chosen variables of each member's output (SWAN: ``sites``,
the TABLE at the output points), stacked along ``member``. Its ``member`` coordinate holds
the member ids, and each swept parameter is a coordinate along ``member`` named by the
last segment of its field path (the full path is in its ``parameter`` attribute). The
NetCDF goes to ``<results_dir>/<output>.nc``, and the spread plot to ``<output>.png``.
xarray is imported only here, when gathering.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from rompy.domain.ensemble.results import ResultsSpec
from rompy.domain.errors import DataSourceError
from rompy.log import get_logger
from rompy.ports.ensemble import GatherInput

log = get_logger(__name__)

MEMBER_DIM = "member"
INSTALL_HINT = "pip install rompy[ensemble]"


def parameter_names(paths: Sequence[str]) -> dict[str, str]:
    """Name each parameter path by its shortest unique tail of segments, joined by ``_``.

    ``config.config.physics.breaking.gamma`` becomes ``gamma``; two paths ending in
    ``gamma`` become ``breaking_gamma`` and ``other_gamma``; ``...xp.0`` becomes ``xp_0``.
    """
    names: dict[str, str] = {}
    for path in paths:
        segments = path.split(".")
        for size in range(1, len(segments) + 1):
            tail = segments[-size:]
            if size == 1 and tail[0].isdigit() and len(segments) > 1:
                continue
            others = [p.split(".")[-size:] for p in paths if p != path]
            if tail not in others and "_".join(tail) != MEMBER_DIM:
                names[path] = "_".join(tail)
                break
        else:
            names[path] = "_".join(segments)
    return names


def _selected(spec: ResultsSpec, member: GatherInput) -> Any:
    """Return the member's chosen output, reduced to the chosen variables."""
    if spec.output not in member.outputs:
        raise DataSourceError(
            f"member {member.member_id} has no output {spec.output!r} to gather "
            f"(its outputs: {', '.join(sorted(member.outputs)) or 'none'}); "
            "set results.output to one of them"
        )
    dataset = member.outputs[spec.output]
    missing = [name for name in spec.variables if name not in dataset.data_vars]
    if missing:
        raise DataSourceError(
            f"member {member.member_id}'s output {spec.output!r} lacks "
            f"{', '.join(missing)} (it has: {', '.join(sorted(map(str, dataset.data_vars)))}); "
            "fix results.variables"
        )
    return dataset[list(spec.variables)] if spec.variables else dataset


def _parameter_values(paths: Sequence[str], members: Sequence[GatherInput]) -> dict[str, list[Any]]:
    """Return each parameter path's values across members (None where a member lacks it)."""
    return {path: [member.parameters.get(path) for member in members] for path in paths}


def _coordinate(values: list[Any]) -> list[Any]:
    """Make a parameter's values NetCDF-ready: numbers stay (NaN if absent), else text."""
    if all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in values if v is not None
    ):
        return [float("nan") if v is None else v for v in values]
    return ["" if v is None else str(v) for v in values]


def gathered_dataset(spec: ResultsSpec, members: Sequence[GatherInput]) -> Any:
    """Return the chosen output of ``members`` stacked along a ``member`` dimension.

    Raises:
        DataSourceError: No member, a member lacks the output or a variable, or the
            members' outputs do not share their coordinates.
    """
    import xarray as xr

    if not members:
        raise DataSourceError(f"no done member has an output {spec.output!r} to gather")
    datasets = [_selected(spec, member) for member in members]
    try:
        combined = xr.concat(datasets, dim=MEMBER_DIM, join="exact", coords="minimal")
    except ValueError as error:
        raise DataSourceError(
            f"the members' {spec.output!r} outputs do not line up ({error}); "
            "gather an output whose points and times are the same in every member"
        ) from error
    paths = sorted({path for member in members for path in member.parameters})
    names = parameter_names(paths)
    coords: dict[str, Any] = {MEMBER_DIM: [member.member_id for member in members]}
    for path, values in _parameter_values(paths, members).items():
        coords[names[path]] = (MEMBER_DIM, _coordinate(values), {"parameter": path})
    combined = combined.assign_coords(coords)
    combined.attrs["ensemble_output"] = spec.output
    return combined


def _write_netcdf(dataset: Any, path: Path) -> None:
    """Write ``dataset`` to ``path`` through a temporary file (no half-written file)."""
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        dataset.to_netcdf(temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


class XarrayResultsGatherer:
    """Gathers with xarray and plots with matplotlib (implements ``ResultsGatherer``)."""

    def gather(
        self, spec: ResultsSpec, members: Sequence[GatherInput], results_dir: Path
    ) -> tuple[Path, ...]:
        """Write ``<output>.nc`` (and ``<output>.png`` when ``spec.plot``); return the files.

        Raises:
            DataSourceError: A member lacks the output or a variable.
        """
        dataset = gathered_dataset(spec, members)
        results_dir.mkdir(parents=True, exist_ok=True)
        netcdf = results_dir / f"{spec.output}.nc"
        _write_netcdf(dataset, netcdf)
        files = [netcdf]
        if spec.plot:
            from rompy.adapters.ensemble.spread_plot import plot_spread

            files.append(plot_spread(dataset, results_dir / f"{spec.output}.png"))
        log.info("ensemble_results_gathered", output=spec.output, members=len(members))
        return tuple(files)


def swept_parameters(dataset: Any) -> Mapping[str, str]:
    """Return the gathered dataset's parameter coordinates: name -> field path."""
    return {
        str(name): coord.attrs["parameter"]
        for name, coord in dataset.coords.items()
        if "parameter" in coord.attrs
    }
