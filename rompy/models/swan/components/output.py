"""Output: ``POINTS``, ``QUANTITY``, ``BLOCK`` maps, ``TABLE`` series, ``SPECOUT`` (4.7).

In a non-stationary run every BLOCK, TABLE and SPECOUT gets an ``OUTPUT tbeg delt UNIT``
time specification (from its ``times``, or the run's period); a stationary run writes none.
"""

from __future__ import annotations

from typing import ClassVar, Literal

import attrs

from rompy import ConfigError, TimeRange
from rompy.models.swan.components.base import continued, join, number, quoted, tag_aliases
from rompy.models.swan.components.quantity import OutputQuantity, Quantities, check_known
from rompy.models.swan.components.specout import SpecOut
from rompy.models.swan.context import DeckContext, Times
from rompy.models.swan.versions import SwanVersion

__all__ = ["Block", "Output", "OutputQuantity", "Points", "Table"]

COMPUTATIONAL_GRID = "COMPGRID"
"""The point set SWAN defines itself: every point of the computational grid."""

GRID_SETS = frozenset({COMPUTATIONAL_GRID, "BOTTGRID"})
"""The sets SWAN defines itself (the computational and the bottom grid), for BLOCK only."""


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
        """The POINTS command (continued over lines when long)."""
        pairs = (f"{number(x)} {number(y)}" for x, y in zip(self.xp, self.yp, strict=True))
        return continued(f"POINTS {quoted(self.sname)}", *pairs)


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
    return times.render_output(context)


Write = Block | Table | SpecOut
"""A command that writes a file at a point set."""


@attrs.frozen(kw_only=True)
class Output:
    """The output group: locations first, then how quantities are written, then files.

    Attributes:
        points: An output point set.
        quantity: Options of output quantities (QUANTITY lines).
        block: A map of the computational grid (or another set).
        table: A table at a point set.
        specout: Spectra at a point set.
    """

    points: Points | None = None
    quantity: Quantities | None = None
    block: Block | None = None
    table: Table | None = None
    specout: SpecOut | None = None

    def __attrs_post_init__(self) -> None:
        """Each write command refers to a defined point set (BLOCK also to a grid)."""
        points = [self.points.sname] if self.points else []
        for name, write in self._writes():
            defined = sorted({*points, *(GRID_SETS if name == "block" else ())})
            if write.sname not in defined:
                choices = ", ".join(defined) or "none yet"
                raise ConfigError(
                    f"{name} refers to point set {write.sname!r}, which is not defined; "
                    f"define it with output.points (sname: {write.sname}) or use one of: "
                    f"{choices}",
                    path=f"{name}.sname",
                    value=write.sname,
                )

    def _writes(self) -> list[tuple[str, Write]]:
        writes = (("block", self.block), ("table", self.table), ("specout", self.specout))
        return [(name, write) for name, write in writes if write is not None]

    def render(self, context: DeckContext) -> list[str]:
        """The group's lines."""
        lines = self.points.render() if self.points else []
        lines += self.quantity.render(context) if self.quantity else []
        for _, write in self._writes():
            lines += write.render(context)
        return lines

    def files(self) -> list[str]:
        """The files SWAN writes for these commands."""
        return [write.fname for _, write in self._writes()]

    def check_version(self, version: SwanVersion) -> None:
        """Refuse quantities ``version`` does not know (paths ``block.output[k]``...)."""
        if self.quantity is not None:
            try:
                self.quantity.check_version(version)
            except ConfigError as error:
                raise error.with_path_prefix("quantity") from None
        for name, write in (("block", self.block), ("table", self.table)):
            if write is not None:
                check_known(write.output, version, f"{name}.output")

    def check(self, period: TimeRange) -> None:
        """Refuse output times outside the run's period (paths ``<command>.times.tbeg``)."""
        for name, write in self._writes():
            write.times.check(period, f"{name}.times", closed=False)
