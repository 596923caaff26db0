"""Data specs: the input files a model run needs. A tagged family on ``model_type``.

The tags are those of the reference rompy: ``data_blob``/``data_link`` (copy or link a file),
``point`` (a time series), ``grid`` (a gridded field cropped to the model grid and period)
and ``boundary`` (a gridded field sampled along the grid boundary). A spec is a value; the
adapter registered for its class (``rompy_register_data``) prepares and writes it, as a pure
function of (spec, grid, period). The windows it crops to are computed here as plain values.

Example:
    >>> from rompy.domain.data.sources import FileSource
    >>> spec = DataGrid(source=FileSource(uri="wind.nc"), variables=["u10", "v10"])
    >>> DataItem(name="wind", spec=spec).output_name
    'wind.nc'
"""

from __future__ import annotations

import math
import numbers
from pathlib import PurePosixPath
from typing import Any, ClassVar, Literal

import attrs

from rompy.domain.data.filters import Filter, to_names
from rompy.domain.data.sources import SourceSpec, is_local, to_uri
from rompy.domain.errors import ConfigError
from rompy.domain.grid import Bbox
from rompy.domain.grid_protocol import Grid
from rompy.domain.time import TimeRange, TimeWindow

__all__ = [
    "BoundaryWaveStation",
    "CropWindow",
    "DataBlob",
    "DataBoundary",
    "DataGrid",
    "DataItem",
    "DataLink",
    "DataPoint",
    "DataSpec",
    "DatasetCoords",
    "TimeWindow",
    "crop_window",
]


@attrs.frozen(kw_only=True)
class DatasetCoords:
    """Names of the axes in a source dataset.

    Attributes:
        t: Time coordinate.
        x: x (longitude) coordinate.
        y: y (latitude) coordinate.
        z: Vertical coordinate, if any.
        s: Site coordinate of station data, if any.
    """

    t: str = "time"
    x: str = "longitude"
    y: str = "latitude"
    z: str | None = None
    s: str | None = None


@attrs.frozen(kw_only=True)
class DataSpec:
    """Base class of every data spec; subclasses set ``model_type``.

    Attributes:
        id: Name of the written file without extension; the item's name when empty.
    """

    model_type: ClassVar[str] = ""
    requires: ClassVar[tuple[str, ...]] = ()
    """Optional modules the handler of this spec needs (shown by ``rompy plugins``)."""

    id: str = ""

    def default_filename(self, name: str) -> str:
        """The file written for an item called ``name`` (``{id or name}.nc``)."""
        return f"{self.id or name}.nc"


def _check_link(instance: DataBlob, attribute: attrs.Attribute[bool], value: bool) -> None:
    if value and not is_local(instance.source):
        raise ConfigError(
            f"link is only possible for local files, and {instance.source!r} is remote; "
            "set link: false to download a copy",
            path="link",
            value=value,
        )


@attrs.frozen(kw_only=True)
class DataBlob(DataSpec):
    """A file or folder copied (or, for local paths, linked) into the staging dir.

    Attributes:
        source: Path or fsspec URL of the file or folder.
        link: Make a symbolic link instead of a copy (local paths only).
    """

    model_type: ClassVar[str] = "data_blob"

    source: str = attrs.field(converter=to_uri)
    link: bool = attrs.field(default=False, validator=_check_link)

    def default_filename(self, name: str) -> str:
        """The source's own base name (``id`` when given)."""
        base = PurePosixPath(self.source.split("::", 1)[0].rstrip("/")).name
        return self.id or base or name


@attrs.frozen(kw_only=True)
class DataLink(DataBlob):
    """A :class:`DataBlob` that links by default (tag ``data_link``)."""

    model_type: ClassVar[str] = "data_link"

    link: bool = attrs.field(default=True, validator=_check_link)


def _to_buffer(value: Any) -> float:
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        number = float(value)
        if math.isfinite(number) and number >= 0:
            return number
    raise ConfigError(
        f"buffer must be a distance of at least 0 in grid units, got {value!r}", value=value
    )


def _to_time_buffer(value: Any) -> tuple[int, int]:
    if isinstance(value, list | tuple) and len(value) == 2:
        steps = tuple(value)
        if all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in steps):
            return (int(steps[0]), int(steps[1]))
    raise ConfigError(
        f"time_buffer must be [steps before, steps after], two whole numbers of at least 0, "
        f"got {value!r}",
        value=value,
    )


@attrs.frozen(kw_only=True)
class DataPoint(DataSpec):
    """A time series read from a source and cropped to the run period.

    Attributes:
        source: Where the data comes from (tagged on ``model_type``).
        variables: Variables to keep; all when empty.
        filter: Filters applied after opening.
        coords: Names of the time, x, y (and z, site) axes in the source.
        crop_data: Crop to the run period (and, for gridded data, the grid's box).
        buffer: Distance added around the grid's box before cropping (grid units).
        time_buffer: Source time steps kept before the start and after the end.
    """

    model_type: ClassVar[str] = "point"
    crops_space: ClassVar[bool] = False
    """Whether the grid's bounding box crops this data."""

    source: SourceSpec
    variables: tuple[str, ...] = attrs.field(default=(), converter=to_names)
    filter: Filter = attrs.field(factory=Filter)
    coords: DatasetCoords = attrs.field(factory=DatasetCoords)
    crop_data: bool = True
    buffer: float = attrs.field(default=0.0, converter=_to_buffer)
    time_buffer: tuple[int, int] = attrs.field(default=(0, 0), converter=_to_time_buffer)


@attrs.frozen(kw_only=True)
class DataGrid(DataPoint):
    """A gridded field cropped to the model grid's box (plus ``buffer``) and the period."""

    model_type: ClassVar[str] = "grid"
    crops_space: ClassVar[bool] = True


def _to_spacing(value: Any) -> float | Literal["parent"] | None:
    if value is None or value == "parent":
        return value  # type: ignore[no-any-return]
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        number = float(value)
        if math.isfinite(number) and number > 0:
            return number
    raise ConfigError(
        f"spacing must be a positive distance, 'parent' or left out, got {value!r}", value=value
    )


@attrs.frozen(kw_only=True)
class DataBoundary(DataGrid):
    """A gridded field sampled at points along the model grid's boundary.

    Attributes:
        spacing: Distance between boundary points; the grid's own perimeter nodes when
            omitted; ``parent`` uses the source's finest spacing.
        sel_method: ``sel`` takes the nearest source point, ``interp`` interpolates linearly.
        sel_method_kwargs: Keyword arguments for the selection (``tolerance``, ...).
    """

    model_type: ClassVar[str] = "boundary"

    spacing: float | Literal["parent"] | None = attrs.field(default=None, converter=_to_spacing)
    sel_method: Literal["sel", "interp"] = "sel"
    sel_method_kwargs: dict[str, Any] = attrs.field(factory=dict)


def _to_positive_int(value: Any) -> int:
    if isinstance(value, numbers.Integral) and not isinstance(value, bool) and int(value) >= 1:
        return int(value)
    raise ConfigError(f"expected a whole number of at least 1, got {value!r}", value=value)


def _to_tolerance(value: Any) -> float:
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        number = float(value)
        if math.isfinite(number) and number > 0:
            return number
    raise ConfigError(f"tolerance must be a positive distance, got {value!r}", value=value)


def _to_optional_spacing(value: Any) -> float | None:
    spacing = _to_spacing(value)
    if spacing == "parent":
        raise ConfigError("spacing 'parent' is not available here; give a distance", value=value)
    return spacing


@attrs.frozen(kw_only=True)
class BoundaryWaveStation(DataGrid):
    """Wave spectra at sites blended onto points along the model grid's boundary.

    The source is a wavespectra-compatible dataset: ``efth(time, site, freq, dir)`` with
    ``lon(site)`` and ``lat(site)``.

    Attributes:
        sel_method: ``idw`` (inverse-distance weighting) or ``nearest``.
        tolerance: Farthest a site may be from a boundary point (coordinate units).
        max_sites: Most sites blended into one point (``idw``).
        spacing: Distance between boundary points; the grid's perimeter nodes when omitted.
        output_format: ``netcdf`` or ``swan`` (written with wavespectra's writers).
    """

    model_type: ClassVar[str] = "boundary_wave_station"
    requires: ClassVar[tuple[str, ...]] = ("wavespectra",)

    buffer: float = attrs.field(default=2.0, converter=_to_buffer)
    sel_method: Literal["idw", "nearest"] = "idw"
    tolerance: float = attrs.field(default=2.0, converter=_to_tolerance)
    max_sites: int = attrs.field(default=4, converter=_to_positive_int)
    spacing: float | None = attrs.field(default=None, converter=_to_optional_spacing)
    output_format: Literal["netcdf", "swan"] = "netcdf"

    def default_filename(self, name: str) -> str:
        """``{id or name}.nc``, or ``.bnd`` for the SWAN format."""
        suffix = "bnd" if self.output_format == "swan" else "nc"
        return f"{self.id or name}.{suffix}"


def _check_relative(value: str, field: str) -> None:
    path = PurePosixPath(value)
    if path.is_absolute() or ".." in path.parts or "\\" in value or not path.name:
        raise ConfigError(
            f"{value!r} must be a relative file path inside the staging dir",
            path=field,
            value=value,
        )


@attrs.frozen(kw_only=True)
class DataItem:
    """One named data spec of a model config, and where it goes in the staging dir.

    Attributes:
        name: The item's name (the key under ``data``, or the model's field name).
        spec: What to fetch.
        filename: Path relative to the staging dir; the spec's default when empty.
        path: Where the item is in the config, for messages (``config.inpgrid.bottom``);
            ``config.data.<name>`` when empty.
    """

    name: str
    spec: DataSpec
    filename: str = ""
    path: str = ""

    def __attrs_post_init__(self) -> None:
        """Refuse output paths that would leave the staging dir."""
        _check_relative(self.output_name, "filename" if self.filename else "name")

    @property
    def config_path(self) -> str:
        """Where the item is in the config (``config.data.<name>`` unless told)."""
        return self.path or f"config.data.{self.name}"

    @property
    def output_name(self) -> str:
        """The relative path the item is written to."""
        return self.filename or self.spec.default_filename(self.name)


@attrs.frozen(kw_only=True)
class CropWindow:
    """Where and when a data item is cropped; ``None`` parts are not cropped.

    Attributes:
        bbox: The grid's box grown by the buffer (what is kept, where the data has it).
        needed: The grid's box itself (what the data must cover).
        time: The run period and time buffer.
    """

    bbox: Bbox | None = None
    needed: Bbox | None = None
    time: TimeWindow | None = None


def crop_window(spec: DataPoint, grid: Grid | None, period: TimeRange | None) -> CropWindow:
    """Compute the crop window of ``spec`` for a grid and a period (pure).

    Args:
        spec: The data spec.
        grid: The model grid; no spatial crop without one (or for point data).
        period: The run period; no time crop without one.

    Returns:
        The window; empty when ``spec.crop_data`` is false.
    """
    if not spec.crop_data:
        return CropWindow()
    bbox = needed = None
    if grid is not None and spec.crops_space:
        bbox, needed = grid.bbox(buffer=spec.buffer), grid.bbox()
    time = None
    if period is not None:
        before, after = spec.time_buffer
        time = TimeWindow(
            start=period.start, end=period.end, steps_before=before, steps_after=after
        )
    return CropWindow(bbox=bbox, needed=needed, time=time)
