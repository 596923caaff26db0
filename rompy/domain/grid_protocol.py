"""What rompy needs to know about a model grid, whatever its kind.

:class:`~rompy.domain.grid.RegularGrid` (rectangular, optionally rotated) is one kind; a
model plugin brings its own (a curvilinear SWAN grid, an unstructured SCHISM mesh) by
writing a class with these four members. The data layer crops forcing to ``bbox``, writes
spectral boundaries at ``boundary_points`` and checks coverage with ``contains``; plots draw
the ``boundary_points`` outline and the ``x``/``y`` nodes. The data cache keys cropped
data on the grid's ``repr``, so it must identify the grid (an attrs class's does).

Example:
    >>> from rompy.domain.grid import RegularGrid
    >>> isinstance(RegularGrid(x0=0, y0=0, dx=1, dy=1, nx=2, ny=2), Grid)
    True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from rompy.domain.grid import Bbox


@runtime_checkable
class Grid(Protocol):
    """A model grid: its extent, its outline, a point test and its node coordinates."""

    @property
    def x(self) -> Any:
        """The x coordinate of every node (a numpy array, of any shape)."""
        ...

    @property
    def y(self) -> Any:
        """The y coordinate of every node (same shape as :attr:`x`)."""
        ...

    def bbox(self, buffer: float = 0.0) -> Bbox:
        """The axis-aligned box around every node, grown by ``buffer`` on each side."""
        ...

    def boundary_points(self, spacing: float | None = None) -> tuple[Any, Any]:
        """Arrays of x and y along the outer boundary, anticlockwise, not closed.

        Args:
            spacing: Largest distance between consecutive points (None: the grid's nodes).
        """
        ...

    def contains(self, x: float, y: float) -> bool:
        """Whether ``(x, y)`` lies inside the grid or on its edge."""
        ...
