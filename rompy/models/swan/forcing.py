"""Writes ``swan_grid`` data items (the fields of ``data_interface``) as SWAN reads them.

The crop is rompy's own (:class:`rompy.GriddedHandler`: open lazily, crop to the grid plus
buffer and to the period, check the data covers both). This handler then orders the field
as SWAN's ``idla=3`` layout wants it (x and y ascending, rows from the south), checks the
spacing is regular (SWAN's ``REGULAR`` input grids have one ``dx`` and one ``dy``) and the
times evenly spaced, reports the geometry and times as facts for the deck, and writes the
free-format text file one time and one component at a time::

    time 2023-01-01T00:00:00        <- before each time (only when the data has times)
    u10                             <- before each component (vector fields only)
    <my+1 rows of mx+1 values, from the south-west>
    v10
    ...
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

import attrs
import numpy as np
import xarray as xr

from rompy import DataRequest, DataSourceError, GriddedHandler, PreparedData, get_logger
from rompy.models.swan.components.data_interface import EXCEPTION_VALUE, SwanDataGrid

log = get_logger(__name__)

SPACING_TOLERANCE = 1e-4
"""Largest departure from a regular spacing, as a fraction of the spacing."""


class SwanGridHandler(GriddedHandler):
    """Prepares and writes ``swan_grid`` items; a DataHandler."""

    def key_parts(self, request: DataRequest, opener: Any) -> None:
        """Not keyed: the deck needs the facts that only preparing the data gives."""
        return None

    def prepare(self, request: DataRequest, opener: Any) -> PreparedData:
        """Crop with rompy's gridded handler, order the field for SWAN, find its facts.

        Raises:
            DataSourceError: The data is missing, does not cover the grid or the period,
                or is not on a regular grid with evenly spaced times.
        """
        spec = request.item.spec
        assert isinstance(spec, SwanDataGrid)
        wanted = attrs.evolve(spec, variables=spec.components)
        cropping = attrs.evolve(request, item=attrs.evolve(request.item, spec=wanted))
        ready = super().prepare(cropping, opener)
        field = ordered_for_swan(ready.payload, spec)
        return attrs.evolve(ready, item=request.item, payload=field, facts=field_facts(field, spec))

    def write(self, prepared: PreparedData, folder: Path) -> tuple[Path, ...]:
        """Write the field as SWAN free-format text, atomically."""
        spec = prepared.item.spec
        assert isinstance(spec, SwanDataGrid)
        (output,) = prepared.outputs
        target = folder / output
        partial = target.with_name(f".{target.name}.partial")
        with partial.open("w") as stream:
            write_field(stream, prepared.payload, spec)
        partial.replace(target)
        log.info("data_written", summary=prepared.summary, file=str(output))
        return prepared.outputs


def ordered_for_swan(dataset: xr.Dataset, spec: SwanDataGrid) -> xr.Dataset:
    """The components only, x and y ascending, dims ``(time, y, x)`` (time when present)."""
    x, y, t = spec.coords.x, spec.coords.y, spec.coords.t
    field = dataset[list(spec.components)].sortby([x, y])
    dims = [t, y, x] if t in field.dims else [y, x]
    extra = [dim for dim in field.dims if dim not in dims]
    if extra:
        raise DataSourceError(
            f"{spec.var}: SWAN reads 2-D fields, and {', '.join(map(str, extra))} is left over; "
            "select one level with filter.subset (or crop it with filter.crop)"
        )
    return field.transpose(*dims)


def field_facts(field: xr.Dataset, spec: SwanDataGrid) -> dict[str, Any]:
    """Origin, meshes, spacing, exception value and times of an ordered field."""
    xs = field[spec.coords.x].values.astype(float)
    ys = field[spec.coords.y].values.astype(float)
    facts: dict[str, Any] = {
        "xp": float(xs[0]), "yp": float(ys[0]), "mx": len(xs) - 1, "my": len(ys) - 1,
        "dx": regular_step(xs, f"{spec.var}: {spec.coords.x}"),
        "dy": regular_step(ys, f"{spec.var}: {spec.coords.y}"),
        "excval": EXCEPTION_VALUE if has_gaps(field) else None,
        "times": None,
    }  # fmt: skip
    if spec.coords.t in field.dims:
        facts["times"] = time_facts(field[spec.coords.t].values, spec.var)
    return facts


def regular_step(values: np.ndarray, what: str) -> float:
    """The one spacing of ``values``; refuse an irregular axis or a single point."""
    if len(values) < 2:
        raise DataSourceError(
            f"{what} has one value after cropping; SWAN needs at least two: widen the buffer"
        )
    steps = np.diff(values)
    step = float((values[-1] - values[0]) / (len(values) - 1))
    if np.abs(steps - step).max() > SPACING_TOLERANCE * abs(step):
        raise DataSourceError(
            f"{what} is not evenly spaced (steps from {steps.min():g} to {steps.max():g}); "
            "SWAN's regular input grids need one spacing: regrid the data first"
        )
    return step


def has_gaps(field: xr.Dataset) -> bool:
    """Whether any component has missing values (NaN)."""
    return any(bool(field[name].isnull().any()) for name in field.data_vars)


def time_facts(times: np.ndarray, what: str) -> dict[str, Any]:
    """First time, step (seconds), last time and count; refuse uneven steps."""
    stamps = times.astype("datetime64[s]")
    steps = np.unique(np.diff(stamps).astype(int))
    if len(steps) > 1:
        raise DataSourceError(
            f"{what}: the times are not evenly spaced (steps of {sorted(steps)} s); SWAN reads "
            "input at one fixed step: resample the data first"
        )
    return {
        "tbeg": str(stamps[0]),
        "tend": str(stamps[-1]),
        "delt": float(steps[0]) if len(steps) else 0.0,
        "count": len(stamps),
    }


def write_field(stream: IO[str], field: xr.Dataset, spec: SwanDataGrid) -> None:
    """Write every time (header line first) and component (label first when a vector)."""
    t = spec.coords.t
    times = field[t].values if t in field.dims else [None]
    for moment in times:
        frame = field if moment is None else field.sel({t: moment})
        if moment is not None:
            stream.write(f"time {np.datetime_as_string(moment, unit='s')}\n")
        for name in spec.components:
            if spec.z2 is not None:
                stream.write(f"{name}\n")
            write_values(stream, frame[name].values, spec.fac)


def write_values(stream: IO[str], values: np.ndarray, fac: float) -> None:
    """Rows from the south, missing values as what ``fac`` turns into the exception value."""
    filled = np.where(np.isnan(values), EXCEPTION_VALUE / fac, values)
    np.savetxt(stream, filled, fmt="%.7g")
