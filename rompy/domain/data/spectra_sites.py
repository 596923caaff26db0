"""Which spectra sites make the spectrum at a boundary point, and with what weight (pure).

Distances are in coordinate units (degrees), longitudes taken the short way round the
globe, as wavespectra does. ``nearest`` takes the closest site; ``idw`` blends up to
``max_sites`` sites within ``tolerance`` by inverse distance, a site at the point taking all
the weight. Used by :mod:`rompy.adapters.data.handlers.spectra_boundary`.

Example:
    >>> import numpy as np
    >>> weights = site_weights(np.array([0.0, 2.0]), np.array([0.0, 0.0]),
    ...                        np.array([0.5]), np.array([0.0]), method="idw")
    >>> weights.matrix.round(2).tolist()
    [[0.75, 0.25]]
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt

from rompy.domain.errors import ConfigError, DataSourceError
from rompy.domain.grid import Bbox

METHODS = ("idw", "nearest")
"""The ways sites are chosen for a boundary point."""

_EXACT = 1e-9

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


@attrs.frozen(kw_only=True)
class SiteWeights:
    """How the spectra at boundary points are made from spectra at sites.

    Attributes:
        sites: Indices (into the source's site dimension) of the sites used, ascending.
        matrix: Weights of shape ``(points, len(sites))``; each row sums to one.
    """

    sites: IntArray
    matrix: FloatArray


def site_distances(
    site_x: FloatArray,
    site_y: FloatArray,
    point_x: FloatArray,
    point_y: FloatArray,
    *,
    geographic: bool = True,
) -> FloatArray:
    """Return the ``(points, sites)`` distances, in coordinate units.

    With ``geographic`` the longitude difference is taken the short way round the globe
    (``359`` and ``1`` are 2 degrees apart), as wavespectra does.
    """
    dx = np.subtract.outer(np.asarray(point_x, float), np.asarray(site_x, float))
    dy = np.subtract.outer(np.asarray(point_y, float), np.asarray(site_y, float))
    if geographic:
        dx = (dx + 180.0) % 360.0 - 180.0
    distances: FloatArray = np.hypot(dx, dy)
    return distances


def _check_method(method: str, max_sites: int, tolerance: float) -> None:
    if method not in METHODS:
        raise ConfigError(
            f"unknown spectral selection method {method!r}; use one of {', '.join(METHODS)}",
            path="sel_method",
            value=method,
        )
    if max_sites < 1:
        raise ConfigError(f"max_sites must be at least 1, got {max_sites}", path="max_sites")
    if not tolerance > 0:
        raise ConfigError(f"tolerance must be positive, got {tolerance}", path="tolerance")


def _out_of_range_error(
    distances: FloatArray, point_x: FloatArray, point_y: FloatArray, tolerance: float
) -> DataSourceError:
    nearest = distances.min(axis=1)
    far = np.flatnonzero(nearest > tolerance)
    shown = ", ".join(
        f"({point_x[i]:g}, {point_y[i]:g}) nearest site {nearest[i]:g} away" for i in far[:5]
    )
    more = f" and {far.size - 5} more" if far.size > 5 else ""
    return DataSourceError(
        f"{far.size} boundary point(s) have no spectra site within tolerance {tolerance:g}: "
        f"{shown}{more}; raise the tolerance or use a source that covers the boundary"
    )


def site_weights(
    site_x: FloatArray,
    site_y: FloatArray,
    point_x: FloatArray,
    point_y: FloatArray,
    *,
    method: str = "idw",
    tolerance: float = 2.0,
    max_sites: int = 4,
    power: float = 1.0,
    geographic: bool = True,
) -> SiteWeights:
    """Return the weights that make spectra at the points from spectra at the sites.

    Args:
        site_x: Longitude (or x) of each site.
        site_y: Latitude (or y) of each site.
        point_x: Longitude (or x) of each boundary point.
        point_y: Latitude (or y) of each boundary point.
        method: ``nearest`` (the closest site) or ``idw`` (up to ``max_sites`` sites within
            ``tolerance``, weighted by ``1 / distance**power``; a site at the point wins).
        tolerance: Farthest a site may be from a point, in coordinate units.
        max_sites: Most sites blended into one point (``idw``).
        power: Exponent of the inverse distance (``idw``).
        geographic: Coordinates are degrees of longitude and latitude.

    Raises:
        ConfigError: Unknown method, ``max_sites`` below 1 or a tolerance not positive.
        DataSourceError: There are no sites, or a point has no site within ``tolerance``.
    """
    _check_method(method, max_sites, tolerance)
    if np.size(site_x) == 0:
        raise DataSourceError("the spectra source has no sites (after cropping)")
    distances = site_distances(site_x, site_y, point_x, point_y, geographic=geographic)
    if (distances.min(axis=1) > tolerance).any():
        raise _out_of_range_error(distances, np.asarray(point_x), np.asarray(point_y), tolerance)
    keep = 1 if method == "nearest" else min(max_sites, distances.shape[1])
    order = np.argsort(distances, axis=1, kind="stable")[:, :keep]
    near = np.take_along_axis(distances, order, axis=1)
    exact = near[:, :1] <= _EXACT
    with np.errstate(divide="ignore"):
        weights = np.where(near <= tolerance, 1.0 / np.maximum(near, _EXACT) ** power, 0.0)
    weights = np.where(exact, np.eye(keep)[0], weights)
    weights = weights / weights.sum(axis=1, keepdims=True)
    full = np.zeros_like(distances)
    np.put_along_axis(full, order, weights, axis=1)
    used = np.flatnonzero(full.any(axis=0))
    return SiteWeights(sites=used.astype(np.intp), matrix=full[:, used])


def sites_within(site_x: FloatArray, site_y: FloatArray, box: Bbox) -> IntArray:
    """Indices of the sites inside ``box`` (edges included; longitudes modulo 360)."""
    east = (np.asarray(site_x, float) - box.minx) % 360.0
    north = np.asarray(site_y, float)
    inside = (east <= box.maxx - box.minx) & (north >= box.miny) & (north <= box.maxy)
    return np.flatnonzero(inside).astype(np.intp)
