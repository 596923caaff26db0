"""Spectral wave boundaries from spectra sites (wavespectra).

A source of wave spectra at scattered sites (``efth(time, site, freq, dir)`` with ``lon`` and
``lat`` per site, as wavespectra reads them) is turned into spectra at the model's boundary
points, by taking the nearest site or by inverse-distance weighting (IDW) of nearby sites,
and written with wavespectra's writers (``.spec.to_netcdf``, ``.spec.to_swan``, ...).

With ``crop_data`` (the default) only the sites within the grid's bounding box grown by the
spec's ``buffer`` are candidates, as in the reference rompy; the time is cropped to the run
period plus ``time_buffer``.

The weights are computed once, as a plain ``(points, sites)`` matrix over the sites actually
used, and applied with one lazy ``xarray.dot``: only the spectra of those sites are read.
Unlike wavespectra's own ``sel(method="idw")``, a boundary point with a single neighbour in
range takes that neighbour's spectrum (so one site conserves Hs exactly), and a point with no
site in range is an error rather than a silent gap in an open boundary.

Example:
    >>> boundary = spectral_boundary(spectra, xs, ys, method="idw", tolerance=1.0)  # doctest: +SKIP
    >>> write_spectra(boundary, Path("boundary.bnd"), "swan")  # doctest: +SKIP
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

import numpy as np

from rompy._version import __version__
from rompy.adapters.data.filters import apply_filter
from rompy.adapters.data.netcdf_io import NETCDF_LOCK
from rompy.adapters.data.sources.files import open_within
from rompy.adapters.xarray_engines import load_xarray
from rompy.domain.data.coverage import resolve_time_bounds
from rompy.domain.data.filters import Slice
from rompy.domain.data.specs import BoundaryWaveStation, crop_window
from rompy.domain.data.spectra_sites import (
    METHODS,
    FloatArray,
    SiteWeights,
    site_distances,
    site_weights,
    sites_within,
)
from rompy.domain.errors import ConfigError, DataSourceError
from rompy.log import get_logger
from rompy.ports.data import DataRequest, PreparedData, SourceOpener

log = get_logger(__name__)

__all__ = [
    "METHODS",
    "SiteWeights",
    "SpectralBoundaryHandler",
    "site_distances",
    "site_weights",
    "sites_within",
    "spectral_boundary",
    "write_spectra",
]

WRITERS = {"netcdf": "to_netcdf", "swan": "to_swan", "ww3": "to_ww3"}
SITE_DIM = "site"
LON = "lon"
LAT = "lat"
SPECTRA_VARIABLE = "efth"
INSTALL_HINT = "pip install 'rompy[wavespectra]'"


def _crop_sites(dataset: Any, spec: BoundaryWaveStation, grid: Any, names: tuple[str, ...]) -> Any:
    """Keep the sites within the grid's box grown by ``spec.buffer`` (as the reference does).

    Raises:
        DataSourceError: No site is in that box.
    """
    site_dim, lon, lat, what = names
    box = grid.bbox(buffer=spec.buffer)
    kept = sites_within(dataset[lon].values, dataset[lat].values, box)
    if kept.size == 0:
        raise DataSourceError(
            f"{what}: no spectra site lies within the grid's box grown by buffer "
            f"{spec.buffer:g}, ({box.minx:g}, {box.miny:g}) to ({box.maxx:g}, {box.maxy:g}); "
            "raise buffer or use spectra with sites near the grid"
        )
    return dataset if kept.size == dataset.sizes[site_dim] else dataset.isel({site_dim: kept})


def _require_layout(spectra: Any, site_dim: str, lon: str, lat: str) -> None:
    missing = [name for name in (lon, lat) if name not in spectra.variables]
    if site_dim not in spectra.dims or missing:
        raise DataSourceError(
            f"spectra must have a {site_dim!r} dimension with {lon!r} and {lat!r} per site "
            f"(wavespectra's station layout); got dimensions {sorted(map(str, spectra.dims))} "
            f"and variables {sorted(map(str, spectra.variables))}"
        )


def spectral_boundary(
    spectra: Any,
    point_x: FloatArray,
    point_y: FloatArray,
    *,
    method: str = "idw",
    tolerance: float = 2.0,
    max_sites: int = 4,
    site_dim: str = SITE_DIM,
    lon: str = LON,
    lat: str = LAT,
) -> Any:
    """Return spectra at the boundary points, made from spectra at sites.

    Args:
        spectra: An ``xarray.Dataset`` of spectra by site (``efth(time, site, freq, dir)``
            with ``lon(site)`` and ``lat(site)``), lazy or loaded.
        point_x: Longitude of each boundary point.
        point_y: Latitude of each boundary point.
        method: ``idw`` or ``nearest`` (see :func:`site_weights`).
        tolerance: Farthest a site may be from a point, in degrees.
        max_sites: Most sites blended into one point.
        site_dim: Name of the site dimension.
        lon: Name of the site longitude variable.
        lat: Name of the site latitude variable.

    Returns:
        A Dataset of the same layout, one site per boundary point, with ``lon``/``lat`` the
        points; every variable along ``site`` is weighted the same way, others are kept.

    Raises:
        DataSourceError: The layout is not wavespectra's, or a point has no site in range.
    """
    xr = load_xarray()

    _require_layout(spectra, site_dim, lon, lat)
    xs, ys = np.asarray(point_x, float).ravel(), np.asarray(point_y, float).ravel()
    weights = site_weights(
        np.asarray(spectra[lon].values, float),
        np.asarray(spectra[lat].values, float),
        xs,
        ys,
        method=method,
        tolerance=tolerance,
        max_sites=max_sites,
    )
    used = spectra.drop_vars([lon, lat]).isel({site_dim: weights.sites})
    matrix = xr.DataArray(weights.matrix, dims=("rompy_point", site_dim))
    blended = {}
    for name, variable in used.data_vars.items():
        if site_dim not in variable.dims:
            blended[name] = variable
        elif np.issubdtype(variable.dtype, np.number):
            combined = xr.dot(matrix, variable, dim=site_dim).rename(rompy_point=site_dim)
            blended[name] = combined.transpose(*variable.dims).assign_attrs(variable.attrs)
    result = xr.Dataset(blended, attrs=spectra.attrs)
    result = result.assign_coords(
        {
            site_dim: np.arange(xs.size),
            lon: ((site_dim,), xs, spectra[lon].attrs),
            lat: ((site_dim,), ys, spectra[lat].attrs),
        }
    )
    log.debug("spectral_boundary", points=xs.size, sites=weights.sites.size, method=method)
    return result


def write_spectra(dataset: Any, path: Path, output_format: str = "netcdf") -> Path:
    """Write spectra with wavespectra's writer for ``output_format``, atomically.

    Args:
        dataset: Spectra in wavespectra's layout.
        path: The file to produce; it appears only once complete.
        output_format: ``netcdf``, ``swan`` or ``ww3``.

    Raises:
        ConfigError: Unknown format (the message lists the known ones).
        DataSourceError: wavespectra is not installed (the message gives the pip command).
    """
    if output_format not in WRITERS:
        raise ConfigError(
            f"unknown spectra output format {output_format!r}; use one of "
            f"{', '.join(sorted(WRITERS))}",
            path="output_format",
            value=output_format,
        )
    try:
        import wavespectra  # noqa: F401  (registers the .spec accessor)
    except ImportError as error:
        raise DataSourceError(f"writing spectra needs wavespectra: {INSTALL_HINT}") from error
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{uuid.uuid4().hex}.{path.name}")
    try:
        with NETCDF_LOCK:
            getattr(dataset.spec, WRITERS[output_format])(str(temporary))
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def _time_range(dataset: Any, spec: BoundaryWaveStation, request: DataRequest) -> dict[str, Slice]:
    """The time crop of the run period plus ``time_buffer`` (empty when not cropping)."""
    import pandas as pd

    window = crop_window(spec, request.grid, request.period).time
    name = spec.coords.t
    if window is None or name not in dataset.coords:
        return {}
    try:
        times = list(pd.DatetimeIndex(np.unique(dataset[name].values)).to_pydatetime())
    except (TypeError, ValueError) as error:
        raise DataSourceError(
            f"{request.item.name}: time coordinate {name!r} is not made of standard date-times"
        ) from error
    first, last = resolve_time_bounds(times, window, what=request.item.name)
    return {name: Slice(start=first, stop=last)}


def _keep_variables(dataset: Any, spec: BoundaryWaveStation, lon: str, lat: str, what: str) -> Any:
    wanted = list(spec.variables) or [str(name) for name in dataset.data_vars]
    if SPECTRA_VARIABLE not in wanted:
        wanted.append(SPECTRA_VARIABLE)
    missing = [name for name in wanted if name not in dataset.data_vars]
    if missing:
        raise DataSourceError(
            f"{what}: variable(s) {', '.join(missing)} not in the spectra; it has "
            f"{', '.join(sorted(map(str, dataset.data_vars))) or 'no variables'}"
        )
    position = [name for name in (lon, lat) if name in dataset.data_vars and name not in wanted]
    return dataset[wanted + position]


def _cropped_spectra(
    request: DataRequest, opener: SourceOpener[Any]
) -> tuple[Any, dict[str, Slice], tuple[str, str, str]]:
    """Open the spectra; with ``crop_data``, crop them in time and to the sites near the grid.

    Returns:
        The spectra, the time range kept and the names of the site dimension, lon and lat.
    """
    item, spec = request.item, request.item.spec
    assert isinstance(spec, BoundaryWaveStation)
    window = crop_window(spec, request.grid, request.period).time
    dataset = open_within(opener, spec.source, window)
    site_dim = spec.coords.s or SITE_DIM
    lon = spec.coords.x if spec.coords.x in dataset.variables else LON
    lat = spec.coords.y if spec.coords.y in dataset.variables else LAT
    dataset = _keep_variables(dataset, spec, lon, lat, item.name)
    ranges = _time_range(dataset, spec, request)
    dataset = apply_filter(dataset, spec.filter.with_crop(ranges), item.name)
    if spec.crop_data:
        dataset = _crop_sites(dataset, spec, request.grid, (site_dim, lon, lat, item.name))
    return dataset, ranges, (site_dim, lon, lat)


class SpectralBoundaryHandler:
    """Prepares and writes ``boundary_wave_station`` data; a DataHandler."""

    def prepare(self, request: DataRequest, opener: SourceOpener) -> PreparedData:
        """Open the spectra, crop them and weight them onto the boundary points.

        With ``crop_data`` the spectra are cropped to the period (plus ``time_buffer``) and
        to the sites within the grid's box grown by ``buffer``. Nothing is loaded beyond
        coordinates, and nothing is written.

        Raises:
            DataSourceError: No model grid, missing spectra or variables, a period the
                spectra do not cover, no site near the grid, or a boundary point with no
                site within tolerance.
        """
        item, spec = request.item, request.item.spec
        if not isinstance(spec, BoundaryWaveStation):
            raise ConfigError(f"{item.name}: {type(spec).__name__} is not a spectral boundary")
        if request.grid is None:
            raise DataSourceError(
                f"{item.name}: a spectral boundary needs the model grid, and the model "
                "config gives none"
            )
        dataset, ranges, (site_dim, lon, lat) = _cropped_spectra(request, opener)
        xs, ys = request.grid.boundary_points(spacing=spec.spacing)
        boundary = spectral_boundary(
            dataset, xs, ys, method=spec.sel_method, tolerance=spec.tolerance,
            max_sites=spec.max_sites, site_dim=site_dim, lon=lon, lat=lat,
        )  # fmt: skip
        identity = opener.identity(spec.source)
        return PreparedData(
            item=item,
            payload=boundary,
            outputs=(Path(item.output_name),),
            cache_parts=self.cache_parts(request, identity, ranges) if identity else None,
            summary=f"{item.name}: {xs.size} boundary points x "
            f"{boundary.sizes.get(spec.coords.t, 1)} times from {spec.source.describe()}",
        )

    def key_parts(self, request: DataRequest, opener: SourceOpener[Any]) -> dict[str, str] | None:
        """What decides the output, known before opening the spectra; ``None``: not cacheable.

        The source's content (identity), the spec, the grid (boundary points) and, when
        cropping in time, the period: a cache hit then never opens the source.
        """
        spec = request.item.spec
        identity = opener.identity(spec.source) if isinstance(spec, BoundaryWaveStation) else ""
        if not identity:
            return None
        period = repr(request.period) if getattr(spec, "crop_data", True) else ""
        return self.cache_parts(request, identity, {}) | {"ranges": "", "period": period}

    @staticmethod
    def cache_parts(
        request: DataRequest, identity: str, ranges: dict[str, Slice]
    ) -> dict[str, str]:
        """What decides the written bytes: source, spec, grid, time range, code version."""
        return {
            "source": identity,
            "spec": repr(request.item.spec),
            "grid": repr(request.grid),
            "ranges": repr(sorted(ranges.items())),
            "handler": SpectralBoundaryHandler.__qualname__,
            "code": __version__,
        }

    def write(self, prepared: PreparedData, folder: Path) -> tuple[Path, ...]:
        """Write the boundary spectra with wavespectra's writer for the spec's format."""
        spec = prepared.item.spec
        output_format = getattr(spec, "output_format", "netcdf")
        (output,) = prepared.outputs
        write_spectra(prepared.payload, folder / output, output_format)
        log.info("data_written", summary=prepared.summary, file=str(output))
        return prepared.outputs
