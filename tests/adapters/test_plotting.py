"""Tests of the data plots: real PNG files drawn with matplotlib's Agg canvas."""

from __future__ import annotations

import builtins
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import xarray as xr

from rompy.adapters.plotting import field_to_plot, plot_data_grid
from rompy.domain.errors import DataSourceError, RompyError
from rompy.domain.grid import RegularGrid

pytest.importorskip("matplotlib")

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
GRID = RegularGrid(x0=111.0, y0=-34.0, dx=0.5, dy=0.5, nx=6, ny=5, rot=10.0)


def _wind() -> xr.Dataset:
    return xr.Dataset(
        {"u10": (("time", "latitude", "longitude"), np.random.default_rng(1).random((2, 10, 12)))},
        coords={
            "time": [0, 1],
            "latitude": np.linspace(-35.0, -30.0, 10),
            "longitude": np.linspace(110.0, 116.0, 12),
        },
    )


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")


def test_the_plot_is_a_png_of_the_asked_size(tmp_path: Path) -> None:
    path = plot_data_grid(
        _wind(), "u10", GRID, GRID.boundary_points(0.5), tmp_path / "wind.png", size=(640, 480)
    )

    assert (PNG_SIGNATURE, (640, 480)) == (path.read_bytes()[:8], _png_size(path))


def test_the_default_size_is_800_by_600(tmp_path: Path) -> None:
    path = plot_data_grid(_wind(), "u10", GRID, None, tmp_path / "wind.png")

    assert (800, 600) == _png_size(path)


def test_the_outline_and_points_change_the_picture(tmp_path: Path) -> None:
    bare = plot_data_grid(_wind(), "u10", None, None, tmp_path / "bare.png")
    drawn = plot_data_grid(_wind(), "u10", GRID, GRID.boundary_points(), tmp_path / "grid.png")

    assert bare.read_bytes() != drawn.read_bytes()


def test_a_curvilinear_field_is_drawn(tmp_path: Path) -> None:
    lon, lat = np.meshgrid(np.linspace(110, 116, 12), np.linspace(-35, -30, 10))
    curvilinear = xr.Dataset(
        {"hs": (("y", "x"), np.ones((10, 12)))},
        coords={"lon": (("y", "x"), lon), "lat": (("y", "x"), lat)},
    )

    path = plot_data_grid(curvilinear, "hs", GRID, None, tmp_path / "hs.png")

    assert PNG_SIGNATURE == path.read_bytes()[:8]


def test_extra_dimensions_show_their_first_index() -> None:
    field, x_name, y_name = field_to_plot(_wind(), "u10")

    assert (("latitude", "longitude"), "longitude", "latitude") == (field.dims, x_name, y_name)


def test_a_missing_variable_lists_the_present_ones(tmp_path: Path) -> None:
    with pytest.raises(DataSourceError, match="variable 'v10' not in the data; it has u10"):
        plot_data_grid(_wind(), "v10", GRID, None, tmp_path / "v.png")
    assert not (tmp_path / "v.png").exists()


def test_unknown_coordinates_ask_for_them_explicitly(tmp_path: Path) -> None:
    odd = _wind().rename(longitude="east", latitude="north")

    with pytest.raises(DataSourceError, match="pass x= explicitly"):
        plot_data_grid(odd, "u10", GRID, None, tmp_path / "u.png")


def test_named_coordinates_are_used(tmp_path: Path) -> None:
    odd = _wind().rename(longitude="east", latitude="north")

    path = plot_data_grid(odd, "u10", GRID, None, tmp_path / "u.png", x="east", y="north")

    assert PNG_SIGNATURE == path.read_bytes()[:8]


def test_without_matplotlib_the_error_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = builtins.__import__

    def no_matplotlib(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("matplotlib"):
            raise ImportError("No module named 'matplotlib'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)

    with pytest.raises(RompyError, match=r"pip install 'rompy\[plot\]'"):
        plot_data_grid(_wind(), "u10", GRID, None, tmp_path / "u.png")
