"""Where a boundary applies: ``SEGMENT XY|IJ`` point lists, and where they lie on the grid.

SWAN takes a segment point to the nearest grid point and refuses it ("invalid boundary
point") unless that point is on the grid's perimeter; the checks here refuse a point more
than half a mesh off the perimeter before SWAN runs, naming the point.
"""

from __future__ import annotations

import itertools
import math
from typing import ClassVar

import attrs

from rompy import ConfigError
from rompy.models.swan.components.base import number, tag_aliases
from rompy.models.swan.components.cgrid import GridRegular

SIDE_NORMALS = {
    "east": 0.0, "ne": 45.0, "north": 90.0, "nw": 135.0,
    "west": 180.0, "sw": 225.0, "south": 270.0, "se": 315.0,
}  # fmt: skip
"""The direction (degrees counter-clockwise from the x-axis) each side of SIDE faces."""


def grid_local(grid: GridRegular, x: float, y: float) -> tuple[float, float]:
    """``(u, v)``: a point along the grid's own axes, from its origin."""
    angle = math.radians(grid.alp)
    dx, dy = x - grid.xp, y - grid.yp
    return dx * math.cos(angle) + dy * math.sin(angle), -dx * math.sin(angle) + dy * math.cos(angle)


def off_perimeter(grid: GridRegular, u: float, v: float) -> float:
    """How far (in meshes) a point in grid axes lies from the grid's perimeter."""
    i, j = u / (grid.xlen / grid.mx), v / (grid.ylen / grid.my)
    outside = max(-i, i - grid.mx, -j, j - grid.my, 0.0)
    if outside > 0:
        return outside
    return min(i, grid.mx - i, j, grid.my - j)


def side_length(grid: GridRegular, side: str) -> float:
    """The length of the grid side SWAN picks for ``side``: the one facing that way."""
    normals = {"bottom": grid.alp - 90, "right": grid.alp, "top": grid.alp + 90}
    normals["left"] = grid.alp + 180
    wanted = SIDE_NORMALS[side]
    facing = max(normals, key=lambda name: math.cos(math.radians(normals[name] - wanted)))
    return grid.ylen if facing in ("left", "right") else grid.xlen


@attrs.frozen(kw_only=True)
class XY:
    """Points in problem coordinates (m, or degrees in spherical coordinates).

    Attributes:
        x: x of each point.
        y: y of each point.
        fmt: A Python format for the numbers (``0.2f``); shortest exact form if left out.
    """

    model_type: ClassVar[str] = "xy"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("xy")
    x: list[float] = attrs.field(validator=attrs.validators.min_len(2))
    y: list[float]
    fmt: str | None = None

    def __attrs_post_init__(self) -> None:
        """Every point has both coordinates."""
        if len(self.x) != len(self.y):
            raise ConfigError(
                f"x and y must list the same number of points; got {len(self.x)} and {len(self.y)}",
                path="y",
            )

    def parts(self) -> list[str]:
        """``XY`` and one ``x y`` part per point."""
        write = number if self.fmt is None else (lambda value: f"{value:{self.fmt}}")
        return ["XY", *(f"{write(x)} {write(y)}" for x, y in zip(self.x, self.y, strict=True))]

    def coordinates(self, grid: GridRegular) -> list[tuple[float, float]]:
        """The points as ``(x, y)``."""
        return list(zip(self.x, self.y, strict=True))

    def check_on(self, grid: GridRegular) -> None:
        """Refuse a point more than half a mesh off the grid's perimeter (path ``x[k]``)."""
        for index, (x, y) in enumerate(zip(self.x, self.y, strict=True)):
            distance = off_perimeter(grid, *grid_local(grid, x, y))
            if distance > 0.5:
                raise ConfigError(
                    f"segment point {index} ({x:g}, {y:g}) lies {distance:.3g} meshes off the "
                    "computational grid's perimeter (more than half a mesh); move it onto "
                    "the grid's edge",
                    path=f"x[{index}]",
                    value=x,
                )


@attrs.frozen(kw_only=True)
class IJ:
    """Points as grid indices (0 to mx, 0 to my).

    Attributes:
        i: Index along the grid's x-axis of each point.
        j: Index along the grid's y-axis of each point.
    """

    model_type: ClassVar[str] = "ij"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("ij")
    i: list[int] = attrs.field(validator=attrs.validators.min_len(2))
    j: list[int]

    def __attrs_post_init__(self) -> None:
        """Every point has both indices."""
        if len(self.i) != len(self.j):
            raise ConfigError(
                f"i and j must list the same number of points; got {len(self.i)} and {len(self.j)}",
                path="j",
            )

    def parts(self) -> list[str]:
        """``IJ`` and one ``i j`` part per point."""
        return ["IJ", *(f"{i} {j}" for i, j in zip(self.i, self.j, strict=True))]

    def coordinates(self, grid: GridRegular) -> list[tuple[float, float]]:
        """The points as ``(x, y)`` on ``grid``."""
        angle = math.radians(grid.alp)
        dx, dy = grid.xlen / grid.mx, grid.ylen / grid.my
        return [
            (
                grid.xp + i * dx * math.cos(angle) - j * dy * math.sin(angle),
                grid.yp + i * dx * math.sin(angle) + j * dy * math.cos(angle),
            )
            for i, j in zip(self.i, self.j, strict=True)
        ]

    def check_on(self, grid: GridRegular) -> None:
        """Refuse a point that is not on the grid's perimeter (path ``i[k]``)."""
        for index, (i, j) in enumerate(zip(self.i, self.j, strict=True)):
            inside = 0 <= i <= grid.mx and 0 <= j <= grid.my
            if not (inside and (i in (0, grid.mx) or j in (0, grid.my))):
                raise ConfigError(
                    f"segment point {index} (i={i}, j={j}) is not on the computational grid's "
                    f"perimeter; use i = 0 or {grid.mx}, or j = 0 or {grid.my}, within the "
                    "grid",
                    path=f"i[{index}]",
                    value=i,
                )


@attrs.frozen(kw_only=True)
class Segment:
    """``SEGMENT XY < x y > | IJ < i j >``: a boundary along a polyline on the perimeter.

    Attributes:
        points: The polyline's points, as coordinates or grid indices.
    """

    model_type: ClassVar[str] = "segment"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("segment")
    points: XY | IJ

    def parts(self) -> list[str]:
        """The location part of BOUNDSPEC, a point per part."""
        return ["SEGMENT", *self.points.parts()]

    def length(self, grid: GridRegular) -> float:
        """The polyline's length, along which VARIABLE values are placed."""
        points = self.points.coordinates(grid)
        return sum(math.dist(a, b) for a, b in itertools.pairwise(points))

    def check_on(self, grid: GridRegular) -> None:
        """Refuse points off the grid's perimeter (path ``points.x[k]`` or ``points.i[k]``)."""
        try:
            self.points.check_on(grid)
        except ConfigError as error:
            raise error.with_path_prefix("points") from None
