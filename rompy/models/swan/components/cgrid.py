"""The computational grid: ``CGRID REGULAR`` with its spectral resolution (manual 4.4.2)."""

from __future__ import annotations

from typing import ClassVar

import attrs

from rompy import Bbox, ConfigError, RegularGrid
from rompy.models.swan.components.base import join, keyword_values, positive, tag_aliases
from rompy.models.swan.context import DeckContext


@attrs.frozen(kw_only=True)
class Spectrum:
    """Directional and frequency resolution: ``CIRCLE|SECTOR mdc flow fhigh msc``.

    Attributes:
        mdc: Number of directional meshes (bins).
        flow: Lowest discrete frequency (Hz).
        fhigh: Highest discrete frequency (Hz).
        msc: Number of frequency meshes (one less than frequencies); SWAN derives it when
            left out.
        dir1: First direction of a sector (degrees); a full circle when left out.
        dir2: Last direction of a sector (degrees).
    """

    model_type: ClassVar[str] = "spectrum"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("spectrum")
    mdc: int = attrs.field(validator=positive)
    flow: float | None = attrs.field(default=None, validator=positive)
    fhigh: float | None = attrs.field(default=None, validator=positive)
    msc: int | None = attrs.field(default=None, validator=positive)
    dir1: float | None = None
    dir2: float | None = None

    def __attrs_post_init__(self) -> None:
        """Check the frequencies and the sector."""
        given = [value for value in (self.flow, self.fhigh, self.msc) if value is not None]
        if len(given) < 2:
            raise ConfigError(
                "give two of flow, fhigh and msc (SWAN derives the third)", path="flow"
            )
        if self.flow and self.fhigh and self.flow >= self.fhigh:
            raise ConfigError(
                f"flow {self.flow} must be below fhigh {self.fhigh}", path="fhigh", value=self.fhigh
            )
        if (self.dir1 is None) != (self.dir2 is None):
            raise ConfigError("give both dir1 and dir2 for a sector, or neither", path="dir2")

    def render(self) -> str:
        """The spectral part of CGRID."""
        sector = (
            "CIRCLE" if self.dir1 is None else f"SECTOR {keyword_values([('dir1', self.dir1)])}"
        )
        if self.dir2 is not None:
            sector += f" {keyword_values([('dir2', self.dir2)])}"
        frequencies = [("flow", self.flow), ("fhigh", self.fhigh), ("msc", self.msc)]
        return join(sector, keyword_values([("mdc", self.mdc), *frequencies]))


@attrs.frozen(kw_only=True)
class GridRegular:
    """A regular grid as SWAN counts it: origin, rotation, lengths and numbers of meshes.

    Attributes:
        xp: x of the origin.
        yp: y of the origin.
        alp: Direction of the grid's x-axis (degrees, counter-clockwise from east).
        xlen: Length along the grid's x-axis.
        ylen: Length along the grid's y-axis.
        mx: Number of meshes along x (one less than the points).
        my: Number of meshes along y.
    """

    model_type: ClassVar[str] = "gridregular"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("gridregular")
    xp: float
    yp: float
    alp: float = 0.0
    xlen: float = attrs.field(validator=positive)
    ylen: float = attrs.field(validator=positive)
    mx: int = attrs.field(validator=positive)
    my: int = attrs.field(validator=positive)

    def render(self, suffix: str) -> str:
        """``xp<suffix>=... my<suffix>=...`` (suffix ``c`` for CGRID, ``inp`` for INPGRID)."""
        names = ("xp", "yp", "alp", "xlen", "ylen", "mx", "my")
        return keyword_values((f"{name}{suffix}", getattr(self, name)) for name in names)

    def as_regular_grid(self, crs: str = "EPSG:4326") -> RegularGrid:
        """The same grid as a rompy ``RegularGrid`` (points, not meshes)."""
        return RegularGrid(
            x0=self.xp, y0=self.yp, dx=self.xlen / self.mx, dy=self.ylen / self.my,
            nx=self.mx + 1, ny=self.my + 1, rot=self.alp, crs=crs,
        )  # fmt: skip


@attrs.frozen(kw_only=True)
class CgridRegular:
    """``CGRID REGULAR xpc ypc alpc xlenc ylenc mxc myc CIRCLE|SECTOR ...``.

    Attributes:
        grid: The computational grid.
        spectrum: The spectral resolution.
    """

    model_type: ClassVar[str] = "regular"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("regular")
    grid: GridRegular
    spectrum: Spectrum

    def render(self, context: DeckContext) -> list[str]:
        """The CGRID line."""
        return [f"CGRID REGULAR {self.grid.render('c')} {self.spectrum.render()}"]

    def model_grid(self, spherical: bool) -> RegularGrid:
        """The grid forcing is cropped to and boundaries are checked against."""
        return self.grid.as_regular_grid("EPSG:4326" if spherical else "cartesian")

    def bbox(self) -> Bbox:
        """The box around the grid's points."""
        return self.model_grid(spherical=True).bbox()
