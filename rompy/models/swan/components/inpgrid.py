"""Input grids read from files: ``INPGRID ... REGULAR`` + ``READINP`` (manual 4.4.3), ``WIND``.

A stationary input grid reads no time header: ``nhedt`` is only written for
non-stationary input, and ``nhedvec`` only for vector fields (current, wind), because SWAN
41.01 refuses them elsewhere ("Illegal keyword: NHEDVEC").
"""

from __future__ import annotations

from typing import ClassVar, Literal

import attrs

from rompy.models.swan.components.base import (
    join,
    keyword_values,
    non_negative,
    number,
    positive,
    quoted,
    tag_aliases,
)
from rompy.models.swan.context import DeckContext, Times

GridType = Literal[
    "bottom", "wlevel", "current", "vx", "vy", "friction", "wind", "wx", "wy", "npls",
    "turbvisc", "mudlayer", "aice", "hice", "hss", "tss",
]  # fmt: skip
"""The quantities SWAN reads on input grids."""

VECTOR_GRIDS = frozenset({"current", "wind"})
"""Input grids holding two components (``nhedvec`` header lines between them)."""


@attrs.frozen(kw_only=True)
class ReadInp:
    """``READINP <grid_type> fac 'fname1' idla nhedf [nhedt] nhedvec FREE|UNFORMATTED``.

    Attributes:
        fac: Factor the values are multiplied by (``-1`` turns elevation into depth).
        fname1: The file, relative to the staging dir.
        idla: Layout of the values in the file (1: rows from the north-west, 3: from the
            south-west; see the manual).
        nhedf: Header lines at the start of the file.
        nhedt: Header lines before each time (non-stationary input only).
        nhedvec: Header lines before each vector component (current and wind grids).
        format: ``free`` or ``unformatted``.
    """

    model_type: ClassVar[str] = "readinp"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("readinp")
    fac: float = 1.0
    fname1: str
    idla: Literal[1, 2, 3, 4, 5, 6] = 1
    nhedf: int = attrs.field(default=0, validator=non_negative)
    nhedt: int = attrs.field(default=0, validator=non_negative)
    nhedvec: int = attrs.field(default=0, validator=non_negative)
    format: Literal["free", "unformatted"] = "free"

    def render(self, grid_type: str, *, nonstationary: bool) -> str:
        """The READINP line for ``grid_type``."""
        headers = [("nhedf", self.nhedf)]
        if nonstationary:
            headers.append(("nhedt", self.nhedt))
        if grid_type in VECTOR_GRIDS:
            headers.append(("nhedvec", self.nhedvec))
        return join(
            f"READINP {grid_type.upper()}",
            keyword_values([("fac", self.fac)]),
            f"fname1={quoted(self.fname1)}",
            keyword_values([("idla", self.idla), *headers]),
            self.format.upper(),
        )


@attrs.frozen(kw_only=True)
class InpgridRegular:
    """``INPGRID <grid_type> REGULAR xpinp ypinp alpinp mxinp myinp dxinp dyinp [EXCEPTION]``.

    Attributes:
        grid_type: What the grid holds (``bottom``, ``wind``, ``wlevel``, ``current``...).
        xpinp: x of the grid's origin.
        ypinp: y of the grid's origin.
        alpinp: Direction of the grid's x-axis (degrees).
        mxinp: Number of meshes along x.
        myinp: Number of meshes along y.
        dxinp: Mesh size along x.
        dyinp: Mesh size along y.
        excval: Value marking points without data (land in a bottom grid).
        readinp: How the values are read.
        nonstationary: The times of a field that changes in time (``NONSTATIONARY tbeginp
            deltinp tendinp``); the run's period fills what is left out.
    """

    model_type: ClassVar[str] = "regular"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("regular")
    grid_type: GridType
    xpinp: float
    ypinp: float
    alpinp: float = 0.0
    mxinp: int = attrs.field(validator=positive)
    myinp: int = attrs.field(validator=positive)
    dxinp: float = attrs.field(validator=positive)
    dyinp: float = attrs.field(validator=positive)
    excval: float | None = None
    readinp: ReadInp
    nonstationary: Times | None = None

    def render(self, context: DeckContext) -> list[str]:
        """The INPGRID and READINP lines.

        With times the values are written without names: SWAN 41.01 reads no unnamed
        value (the times) after a named one ("No value for variable DELTINP").
        """
        times = self.nonstationary
        named = times is None
        exception = ""
        if self.excval is not None:
            exception = f"EXCEPTION {'excval=' if named else ''}{number(self.excval)}"
        inpgrid = join(
            f"INPGRID {self.grid_type.upper()} REGULAR",
            self._geometry(named),
            exception,
            f"NONSTATIONARY {times.render_closed(context)}" if times else "",
        )
        return [inpgrid, self.readinp.render(self.grid_type, nonstationary=not named)]

    def _geometry(self, named: bool) -> str:
        names = ("xpinp", "ypinp", "alpinp", "mxinp", "myinp", "dxinp", "dyinp")
        if named:
            return keyword_values((name, getattr(self, name)) for name in names)
        return " ".join(number(getattr(self, name)) for name in names)

    def extent(self) -> tuple[float, float, float, float]:
        """``(minx, miny, maxx, maxy)`` of the grid's points (unrotated grids)."""
        return (
            self.xpinp, self.ypinp,
            self.xpinp + self.mxinp * self.dxinp, self.ypinp + self.myinp * self.dyinp,
        )  # fmt: skip


@attrs.frozen(kw_only=True)
class Wind:
    """``WIND vel dir``: a constant wind.

    Attributes:
        vel: Wind speed at 10 m (m/s).
        dir: Wind direction (degrees, in the SET convention).
    """

    model_type: ClassVar[str] = "wind"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("wind")
    vel: float = attrs.field(validator=non_negative)
    dir: float

    def render(self, context: DeckContext) -> list[str]:
        """The WIND line."""
        return [f"WIND {keyword_values([('vel', self.vel), ('dir', self.dir)])}"]


@attrs.frozen(kw_only=True)
class Inpgrids:
    """Several input grids, each with its READINP (and constant winds).

    Attributes:
        inpgrids: The input grids.
    """

    model_type: ClassVar[str] = "inpgrids"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("inpgrids")
    inpgrids: list[InpgridRegular | Wind] = attrs.field(factory=list)

    def render(self, context: DeckContext) -> list[str]:
        """Every grid's lines, in order."""
        return [line for grid in self.inpgrids for line in grid.render(context)]
