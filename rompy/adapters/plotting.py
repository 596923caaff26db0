"""Plots of forcing data over the model domain, saved as PNG.

:func:`plot_data_grid` draws one field of a (cropped) gridded dataset, the model grid's
outline and the boundary points. It uses matplotlib's object API with the Agg canvas, so it
needs no display and touches no global pyplot state (safe from threads). When cartopy is
installed the map gets coastlines; when it is not, or its coastline data cannot be loaded,
the plot is drawn without them.

Example:
    >>> points = grid.boundary_points(0.5)  # doctest: +SKIP
    >>> plot_data_grid(ds, "u10", grid, points, Path("wind.png"))  # doctest: +SKIP
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rompy.domain.errors import DataSourceError, RompyError
from rompy.domain.grid_protocol import Grid
from rompy.log import get_logger

log = get_logger(__name__)

INSTALL_HINT = "pip install 'rompy[plot]'"
X_NAMES = ("longitude", "lon", "x", "xc")
Y_NAMES = ("latitude", "lat", "y", "yc")


def _listed(names: Any) -> str:
    return ", ".join(sorted(str(name) for name in names)) or "none"


def _pick_axis(field: Any, given: str | None, candidates: Sequence[str], axis: str) -> str:
    if given is not None:
        if given not in field.coords:
            raise DataSourceError(
                f"{axis} coordinate {given!r} not in the data; it has {_listed(field.coords)}"
            )
        return given
    for name in candidates:
        if name in field.coords:
            return name
    raise DataSourceError(
        f"cannot tell the {axis} coordinate of the data (tried {', '.join(candidates)}); "
        f"it has {_listed(field.coords)}: pass {axis}= explicitly"
    )


def field_to_plot(
    dataset: Any, variable: str, *, x: str | None = None, y: str | None = None
) -> tuple[Any, str, str]:
    """Return the 2-D field of ``variable`` to draw, with the names of its x and y coordinates.

    Every dimension other than the horizontal ones (time, depth, ...) is reduced to its first
    index.

    Raises:
        DataSourceError: The variable is missing (the message lists the present ones) or its
            horizontal coordinates cannot be found.
    """
    if variable not in dataset.data_vars:
        raise DataSourceError(
            f"variable {variable!r} not in the data; it has {_listed(dataset.data_vars)}"
        )
    field = dataset[variable]
    x_name = _pick_axis(field, x, X_NAMES, "x")
    y_name = _pick_axis(field, y, Y_NAMES, "y")
    horizontal = set(field[x_name].dims) | set(field[y_name].dims)
    others = {dim: 0 for dim in field.dims if dim not in horizontal}
    return field.isel(others), x_name, y_name


def _mesh_arrays(field: Any, x_name: str, y_name: str) -> tuple[Any, Any, Any]:
    """Return x, y and values shaped for ``pcolormesh`` (1-D axes or 2-D curvilinear)."""
    x_coord, y_coord = field[x_name], field[y_name]
    if x_coord.ndim == 1 and y_coord.ndim == 1:
        values = field.transpose(y_coord.dims[0], x_coord.dims[0])
    else:
        values = field.transpose(*x_coord.dims)
    return np.asarray(x_coord), np.asarray(y_coord), np.asarray(values)


def _grid_outline(grid: Grid) -> tuple[list[float], list[float]]:
    """The closed outline of any grid, through its boundary points."""
    xs, ys = (list(map(float, values)) for values in grid.boundary_points())
    return [*xs, xs[0]], [*ys, ys[0]]


def _new_axes(figure: Any) -> tuple[Any, dict[str, Any]]:
    """Return map axes (cartopy when importable) and the keywords to draw in lon/lat."""
    try:
        import cartopy.crs as ccrs
    except ImportError:
        return figure.add_subplot(1, 1, 1), {}
    plate = ccrs.PlateCarree()
    return figure.add_subplot(1, 1, 1, projection=plate), {"transform": plate}


def _add_coastlines(axes: Any) -> None:
    if not hasattr(axes, "coastlines"):
        return
    try:
        axes.coastlines(resolution="10m", linewidth=0.8)
    except Exception as error:  # no Natural Earth data offline: the plot is still useful
        log.warning("plot_coastlines_skipped", error=str(error))


def plot_data_grid(
    dataset: Any,
    variable: str,
    grid: Grid | None,
    boundary_points: tuple[Any, Any] | None,
    path: Path,
    *,
    x: str | None = None,
    y: str | None = None,
    size: tuple[int, int] = (800, 600),
    dpi: int = 100,
    title: str | None = None,
) -> Path:
    """Draw ``variable`` with the model grid outline and the boundary points; save a PNG.

    Args:
        dataset: An ``xarray.Dataset`` (normally the cropped one a DataGrid writes).
        variable: The variable to colour; non-horizontal dimensions show their first index.
        grid: The model grid whose outline is drawn, or None.
        boundary_points: ``(xs, ys)`` of boundary points to mark, or None.
        path: The PNG to write (written atomically).
        x: Name of the x coordinate; guessed (``longitude``, ``lon``, ``x``) when None.
        y: Name of the y coordinate; guessed (``latitude``, ``lat``, ``y``) when None.
        size: Width and height of the image, in pixels.
        dpi: Pixels per inch of the image.
        title: Title over the plot; defaults to the variable's name and units.

    Returns:
        ``path``.

    Raises:
        RompyError: matplotlib is not installed (the message gives the pip command).
        DataSourceError: The variable or its coordinates are missing.
    """
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as error:
        raise RompyError(f"plots need matplotlib: {INSTALL_HINT}") from error
    field, x_name, y_name = field_to_plot(dataset, variable, x=x, y=y)
    figure = Figure(figsize=(size[0] / dpi, size[1] / dpi), dpi=dpi)
    FigureCanvasAgg(figure)
    axes, geo = _new_axes(figure)
    mesh = axes.pcolormesh(*_mesh_arrays(field, x_name, y_name), shading="auto", **geo)
    figure.colorbar(mesh, ax=axes, label=field.attrs.get("units", ""))
    if grid is not None:
        outline_x, outline_y = _grid_outline(grid)
        axes.plot(outline_x, outline_y, color="black", linewidth=1.5, label="model grid", **geo)
    if boundary_points is not None:
        axes.scatter(*boundary_points, s=12, color="red", label="boundary points", **geo)
    _add_coastlines(axes)
    if grid is not None or boundary_points is not None:
        axes.legend(loc="upper right", fontsize="small")
    axes.set_title(title or f"{variable} {field.attrs.get('units', '')}".strip())
    axes.set_xlabel(x_name)
    axes.set_ylabel(y_name)
    return _save_png(figure, path, dpi)


def _save_png(figure: Any, path: Path, dpi: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{uuid.uuid4().hex}.{path.name}")
    try:
        figure.savefig(temporary, format="png", dpi=dpi)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    log.debug("plot_saved", path=str(path))
    return path
