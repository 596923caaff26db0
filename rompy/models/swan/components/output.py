"""Output: ``POINTS`` locations, ``BLOCK`` maps and ``TABLE`` series (manual 4.7).

In a non-stationary run every BLOCK and TABLE gets an ``OUTPUT tbeg delt UNIT`` time
specification (from its ``times``, or the run's period); a stationary run writes none.
"""

from __future__ import annotations

from typing import ClassVar, Literal

import attrs

from rompy import ConfigError
from rompy.models.swan.components.base import join, number, quoted, tag_aliases
from rompy.models.swan.context import DeckContext, Times

COMPUTATIONAL_GRID = "COMPGRID"
"""The point set SWAN defines itself: every point of the computational grid."""

OutputQuantity = Literal[
    "hsign", "hswell", "dir", "pdir", "tdir", "tm01", "rtm01", "rtp", "tm02", "fspr", "dspr",
    "vel", "frcoef", "wind", "dissip", "qb", "transp", "force", "ubot", "urms", "wlen",
    "steepness", "dhsign", "drtm01", "leak", "xp", "yp", "dist", "setup", "tps", "tmm10",
    "rtmm10", "depth", "botlev", "watlev", "time", "tsec", "lwavp", "per", "rper", "period",
]  # fmt: skip
"""The output quantities supported (SWAN's names, lower case)."""


@attrs.frozen(kw_only=True)
class Points:
    """``POINTS 'sname' xp yp xp yp ...``: a named set of output locations.

    Attributes:
        sname: Name of the set (up to 8 characters).
        xp: x of each point.
        yp: y of each point.
    """

    model_type: ClassVar[str] = "points"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("points")
    sname: str = attrs.field(validator=attrs.validators.max_len(8))
    xp: list[float]
    yp: list[float]

    def __attrs_post_init__(self) -> None:
        """Every point has both coordinates."""
        if len(self.xp) != len(self.yp) or not self.xp:
            raise ConfigError(
                f"xp and yp must list the same number of points (at least one); got "
                f"{len(self.xp)} and {len(self.yp)}",
                path="yp",
            )

    def render(self) -> list[str]:
        """The POINTS line."""
        pairs = " ".join(f"{number(x)} {number(y)}" for x, y in zip(self.xp, self.yp, strict=True))
        return [f"POINTS {quoted(self.sname)} {pairs}"]


@attrs.frozen(kw_only=True)
class Block:
    """``BLOCK 'sname' HEADER|NOHEADER 'fname' LAYOUT idla <quantities> [OUTPUT times]``.

    A file name ending in ``.nc`` makes SWAN write NetCDF; others are text.

    Attributes:
        sname: The point set (``COMPGRID``: the computational grid).
        header: Write a header (text files).
        fname: The file, relative to the staging dir.
        idla: Layout of text output (1 or 3, see the manual).
        output: The quantities.
        times: When to write, in a non-stationary run.
    """

    model_type: ClassVar[str] = "block"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("block")
    sname: str = COMPUTATIONAL_GRID
    header: bool = False
    fname: str
    idla: Literal[1, 3, 4] | None = None
    output: list[OutputQuantity] = attrs.field(validator=attrs.validators.min_len(1))
    times: Times = attrs.field(factory=Times)

    def render(self, context: DeckContext) -> list[str]:
        """The BLOCK line."""
        return [
            join(
                f"BLOCK {quoted(self.sname)}",
                "HEADER" if self.header else "NOHEADER",
                quoted(self.fname),
                f"LAYOUT {self.idla}" if self.idla else "",
                " ".join(quantity.upper() for quantity in self.output),
                _output_times(self.times, context),
            )
        ]


@attrs.frozen(kw_only=True)
class Table:
    """``TABLE 'sname' HEADER|NOHEADER|INDEXED 'fname' <quantities> [OUTPUT times]``.

    Attributes:
        sname: The point set (a ``points`` sname).
        format: ``header``, ``noheader`` or ``indexed``.
        fname: The file, relative to the staging dir.
        output: The quantities.
        times: When to write, in a non-stationary run.
    """

    model_type: ClassVar[str] = "table"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("table")
    sname: str
    format: Literal["header", "noheader", "indexed"] = "header"
    fname: str
    output: list[OutputQuantity] = attrs.field(validator=attrs.validators.min_len(1))
    times: Times = attrs.field(factory=Times)

    def render(self, context: DeckContext) -> list[str]:
        """The TABLE line."""
        return [
            join(
                f"TABLE {quoted(self.sname)}",
                self.format.upper(),
                quoted(self.fname),
                " ".join(quantity.upper() for quantity in self.output),
                _output_times(self.times, context),
            )
        ]


def _output_times(times: Times, context: DeckContext) -> str:
    return f"OUTPUT {times.render_open(context)}" if context.nonstationary else ""


@attrs.frozen(kw_only=True)
class Output:
    """The output group: locations first, then what is written.

    Attributes:
        points: An output point set.
        block: A map of the computational grid (or another set).
        table: A table at a point set.
    """

    points: Points | None = None
    block: Block | None = None
    table: Table | None = None

    def __attrs_post_init__(self) -> None:
        """Each write command refers to a defined point set."""
        defined = {COMPUTATIONAL_GRID, *([self.points.sname] if self.points else [])}
        for name, write in (("block", self.block), ("table", self.table)):
            if write is not None and write.sname not in defined:
                raise ConfigError(
                    f"{name} refers to point set {write.sname!r}, which is not defined; "
                    f"define it with output.points (sname: {write.sname}) or use one of: "
                    f"{', '.join(sorted(defined))}",
                    path=f"{name}.sname",
                    value=write.sname,
                )

    def render(self, context: DeckContext) -> list[str]:
        """The group's lines."""
        lines = self.points.render() if self.points else []
        for write in (self.block, self.table):
            if write is not None:
                lines += write.render(context)
        return lines

    def files(self) -> list[str]:
        """The files SWAN writes for these commands."""
        return [write.fname for write in (self.block, self.table) if write is not None]
