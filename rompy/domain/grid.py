"""Bounding boxes and regular (optionally rotated) model grids.

Coordinates are plain floats in the grid's coordinate reference system; nothing here
knows about map projections beyond carrying the ``crs`` name along.

Example:
    >>> grid = RegularGrid(x0=110.0, y0=-35.0, dx=0.5, dy=0.5, nx=5, ny=3)
    >>> grid.bbox().as_tuple()
    (110.0, -35.0, 112.0, -34.0)
"""

from __future__ import annotations

import math
import numbers
from typing import TYPE_CHECKING, ClassVar

import attrs

from rompy.domain.errors import ConfigError

if TYPE_CHECKING:  # numpy is imported where arrays are built, so the domain imports fast
    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]
    """A numpy array of float64 coordinates."""

Point = tuple[float, float]
"""An ``(x, y)`` pair."""


def _as_float(value: float) -> float:
    """Turn numbers (ints, numpy scalars) into floats; leave anything else to the validator."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    return value


def _as_int(value: int) -> int:
    """Turn whole numbers (numpy integers too) into ints; leave anything else to the validator."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    return value


def _finite(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not (isinstance(value, float) and math.isfinite(value)):
        raise ConfigError(
            f"{attribute.name} must be a finite number, got {value!r}",
            path=attribute.name,
            value=value,
        )


def _positive(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not (isinstance(value, float) and math.isfinite(value) and value > 0):
        raise ConfigError(
            f"{attribute.name} must be a positive spacing, got {value!r}",
            path=attribute.name,
            value=value,
        )


def _at_least_two(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if not isinstance(value, int) or value < 2:
        raise ConfigError(
            f"{attribute.name} must be a whole number of grid points of at least 2, got {value!r}",
            path=attribute.name,
            value=value,
        )


@attrs.frozen(kw_only=True)
class Bbox:
    """An axis-aligned bounding box, edges included.

    Attributes:
        minx: Western (left) edge.
        miny: Southern (bottom) edge.
        maxx: Eastern (right) edge, not less than ``minx``.
        maxy: Northern (top) edge, not less than ``miny``.

    Example:
        >>> Bbox(minx=0, miny=0, maxx=2, maxy=1).center
        (1.0, 0.5)
    """

    minx: float = attrs.field(converter=_as_float, validator=_finite)
    miny: float = attrs.field(converter=_as_float, validator=_finite)
    maxx: float = attrs.field(converter=_as_float, validator=_finite)
    maxy: float = attrs.field(converter=_as_float, validator=_finite)

    def __attrs_post_init__(self) -> None:
        """Check that the box is not inverted."""
        for axis in ("x", "y"):
            low, high = getattr(self, f"min{axis}"), getattr(self, f"max{axis}")
            if low > high:
                raise ConfigError(
                    f"min{axis} {low} is greater than max{axis} {high}; "
                    f"swap them so that min{axis} <= max{axis}",
                    path=f"max{axis}",
                    value=high,
                )

    @property
    def width(self) -> float:
        """Extent along x, ``maxx - minx``."""
        return self.maxx - self.minx

    @property
    def height(self) -> float:
        """Extent along y, ``maxy - miny``."""
        return self.maxy - self.miny

    @property
    def center(self) -> Point:
        """The ``(x, y)`` middle of the box."""
        return ((self.minx + self.maxx) / 2, (self.miny + self.maxy) / 2)

    def as_tuple(self) -> tuple[float, float, float, float]:
        """Return ``(minx, miny, maxx, maxy)``."""
        return (self.minx, self.miny, self.maxx, self.maxy)

    def contains(self, x: float, y: float) -> bool:
        """Whether the point ``(x, y)`` lies in the box or on its edge."""
        return self.minx <= x <= self.maxx and self.miny <= y <= self.maxy

    def contains_bbox(self, other: Bbox) -> bool:
        """Whether ``other`` lies entirely in this box (shared edges allowed)."""
        return self.contains(other.minx, other.miny) and self.contains(other.maxx, other.maxy)

    def intersects(self, other: Bbox) -> bool:
        """Whether the two boxes share at least one point (touching edges count)."""
        return (
            self.minx <= other.maxx
            and other.minx <= self.maxx
            and self.miny <= other.maxy
            and other.miny <= self.maxy
        )

    def intersection(self, other: Bbox) -> Bbox | None:
        """The box both boxes cover, or ``None`` if they do not intersect.

        Boxes that only touch give a box of zero width or height.
        """
        if not self.intersects(other):
            return None
        return Bbox(
            minx=max(self.minx, other.minx),
            miny=max(self.miny, other.miny),
            maxx=min(self.maxx, other.maxx),
            maxy=min(self.maxy, other.maxy),
        )

    def union(self, other: Bbox) -> Bbox:
        """The smallest box covering both boxes."""
        return Bbox(
            minx=min(self.minx, other.minx),
            miny=min(self.miny, other.miny),
            maxx=max(self.maxx, other.maxx),
            maxy=max(self.maxy, other.maxy),
        )

    def expand(self, buffer: float) -> Bbox:
        """Return the box grown by ``buffer`` on every side (shrunk if negative).

        Args:
            buffer: Distance to move each edge outwards.

        Returns:
            The expanded box.

        Raises:
            ConfigError: If a negative buffer would turn the box inside out.
        """
        smallest = -min(self.width, self.height) / 2
        if buffer < smallest:
            raise ConfigError(
                f"buffer {buffer} would invert a box of width {self.width} and height "
                f"{self.height}; use a buffer of at least {smallest}",
                path="buffer",
                value=buffer,
            )
        return Bbox(
            minx=self.minx - buffer,
            miny=self.miny - buffer,
            maxx=max(self.maxx + buffer, self.minx - buffer),
            maxy=max(self.maxy + buffer, self.miny - buffer),
        )


def _cos_sin(degrees: float) -> Point:
    """Cosine and sine of an angle, exact for multiples of 90 degrees."""
    quarter_turns, remainder = divmod(degrees, 90.0)
    if remainder == 0.0:
        return ((1.0, 0.0), (0.0, 1.0), (-1.0, 0.0), (0.0, -1.0))[int(quarter_turns) % 4]
    radians = math.radians(degrees)
    return (math.cos(radians), math.sin(radians))


@attrs.frozen(kw_only=True)
class RegularGrid:
    """A regular grid of ``nx`` by ``ny`` points, rotated about its origin.

    Point ``(i, j)`` is at ``(x0, y0) + R(rot) · (i * dx, j * dy)`` where ``R`` turns
    counter-clockwise by ``rot`` degrees (SWAN's ``alpc`` in ``CGRID``).

    Attributes:
        x0: x of the origin corner (point ``i = j = 0``).
        y0: y of the origin corner.
        dx: Spacing between points along the grid's x axis (positive).
        dy: Spacing between points along the grid's y axis (positive).
        nx: Number of points along x (at least 2).
        ny: Number of points along y (at least 2).
        rot: Counter-clockwise rotation in degrees about the origin.
        crs: Name of the coordinate reference system.

    Example:
        >>> RegularGrid(x0=0, y0=0, dx=1, dy=1, nx=3, ny=2, rot=90).corners()[1]
        (0.0, 2.0)
    """

    model_type: ClassVar[str] = "regular"

    x0: float = attrs.field(converter=_as_float, validator=_finite)
    y0: float = attrs.field(converter=_as_float, validator=_finite)
    dx: float = attrs.field(converter=_as_float, validator=_positive)
    dy: float = attrs.field(converter=_as_float, validator=_positive)
    nx: int = attrs.field(converter=_as_int, validator=_at_least_two)
    ny: int = attrs.field(converter=_as_int, validator=_at_least_two)
    rot: float = attrs.field(default=0.0, converter=_as_float, validator=_finite)
    crs: str = attrs.field(default="EPSG:4326", validator=attrs.validators.min_len(1))

    @property
    def shape(self) -> tuple[int, int]:
        """Shape of the coordinate arrays, ``(ny, nx)``."""
        return (self.ny, self.nx)

    @property
    def xlen(self) -> float:
        """Length of the grid along its own x axis, ``dx * (nx - 1)``."""
        return self.dx * (self.nx - 1)

    @property
    def ylen(self) -> float:
        """Length of the grid along its own y axis, ``dy * (ny - 1)``."""
        return self.dy * (self.ny - 1)

    @property
    def x(self) -> FloatArray:
        """The x coordinate of every point, shape ``(ny, nx)``."""
        return self._world_coordinates()[0]

    @property
    def y(self) -> FloatArray:
        """The y coordinate of every point, shape ``(ny, nx)``."""
        return self._world_coordinates()[1]

    def _world_coordinates(self) -> tuple[FloatArray, FloatArray]:
        import numpy as np

        along_x = np.arange(self.nx, dtype=np.float64) * self.dx
        along_y = np.arange(self.ny, dtype=np.float64) * self.dy
        local_x, local_y = np.meshgrid(along_x, along_y)
        return self._to_world(local_x, local_y)

    def _to_world(self, local_x: FloatArray, local_y: FloatArray) -> tuple[FloatArray, FloatArray]:
        cos, sin = _cos_sin(self.rot)
        world_x = self.x0 + local_x * cos - local_y * sin
        world_y = self.y0 + local_x * sin + local_y * cos
        return world_x, world_y

    def _to_local(self, x: float, y: float) -> Point:
        cos, sin = _cos_sin(self.rot)
        east, north = x - self.x0, y - self.y0
        return (east * cos + north * sin, -east * sin + north * cos)

    def corners(self) -> tuple[Point, Point, Point, Point]:
        """The four corners, anticlockwise from the origin.

        Returns:
            Points ``(0, 0)``, ``(nx-1, 0)``, ``(nx-1, ny-1)`` and ``(0, ny-1)`` in index terms.
        """
        import numpy as np

        local_x = np.array([0.0, self.xlen, self.xlen, 0.0])
        local_y = np.array([0.0, 0.0, self.ylen, self.ylen])
        xs, ys = self._to_world(local_x, local_y)
        origin, right, far, top = zip(xs.tolist(), ys.tolist(), strict=True)
        return (origin, right, far, top)

    def bbox(self, buffer: float = 0.0) -> Bbox:
        """The axis-aligned box around all grid points, grown by ``buffer``.

        Args:
            buffer: Distance added on every side.

        Returns:
            The bounding box.
        """
        xs, ys = zip(*self.corners(), strict=True)
        tight = Bbox(minx=min(xs), miny=min(ys), maxx=max(xs), maxy=max(ys))
        return tight.expand(buffer)

    def boundary_points(self, spacing: float | None = None) -> tuple[FloatArray, FloatArray]:
        """Points along the perimeter, anticlockwise from the origin.

        Every corner appears exactly once; the origin is not repeated at the end.

        Args:
            spacing: Largest distance between consecutive points along a side. ``None``
                gives the grid's own nodes on the perimeter.

        Returns:
            Arrays of x and y.

        Raises:
            ConfigError: If ``spacing`` is not positive.
        """
        if spacing is None:
            steps_x, steps_y = self.nx - 1, self.ny - 1
        elif math.isfinite(spacing) and spacing > 0:
            steps_x = max(1, math.ceil(self.xlen / spacing))
            steps_y = max(1, math.ceil(self.ylen / spacing))
        else:
            raise ConfigError(
                f"spacing must be a positive distance, got {spacing!r}",
                path="spacing",
                value=spacing,
            )
        local_x, local_y = _rectangle_walk(self.xlen, self.ylen, steps_x, steps_y)
        return self._to_world(local_x, local_y)

    def contains(self, x: float, y: float) -> bool:
        """Whether ``(x, y)`` lies inside the rotated grid or on its edge.

        A tolerance of a billionth of the grid's scale absorbs rounding.
        """
        along, across = self._to_local(x, y)
        scale = max(1.0, self.xlen, self.ylen, abs(self.x0), abs(self.y0))
        tolerance = 1e-9 * scale
        return (
            -tolerance <= along <= self.xlen + tolerance
            and -tolerance <= across <= self.ylen + tolerance
        )


def _rectangle_walk(
    width: float, height: float, steps_x: int, steps_y: int
) -> tuple[FloatArray, FloatArray]:
    """Points walking anticlockwise round ``[0, width] x [0, height]`` from the origin.

    Each side is split into equal steps; each side's last point is the next side's first,
    so it is left out, and the walk stops before returning to the origin.
    """
    import numpy as np

    fraction_x = np.arange(steps_x, dtype=np.float64) / steps_x
    fraction_y = np.arange(steps_y, dtype=np.float64) / steps_y
    zeros_x, zeros_y = np.zeros(steps_x), np.zeros(steps_y)
    walk_x = np.concatenate(
        [fraction_x * width, zeros_y + width, (1 - fraction_x) * width, zeros_y]
    )
    walk_y = np.concatenate(
        [zeros_x, fraction_y * height, zeros_x + height, (1 - fraction_y) * height]
    )
    return walk_x, walk_y
