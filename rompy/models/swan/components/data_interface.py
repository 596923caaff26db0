"""Forcing through rompy's data layer: ``inpgrid: {model_type: data_interface, ...}``.

rompy-swan's ``data_interface`` names a bottom and input fields (wind, current, water level,
...) by their data source. Each field becomes a data item (a :class:`SwanDataGrid`): the
data layer opens the source, crops it to the computational grid plus ``buffer`` and to the
run's period, checks it covers both, and the SWAN handler (:mod:`rompy.models.swan.forcing`)
writes it in the layout SWAN reads. That handler also reports the written grid's geometry
and times as *facts*; the deck renders each field's ``INPGRID`` + ``READINP`` from them:

- the file holds rows from the south-west (``idla=3``), free format;
- a field with times has one header line before each time: a non-stationary run reads it
  with ``nhedt=1`` and ``INPGRID ... NONSTATIONARY tbeg delt tend``; a stationary run
  reads the first time, skipping that line with ``nhedf=1``;
- a vector field (wind, current) has one header line before each component (``nhedvec=1``);
- cells without data are written so that, after SWAN multiplies them by ``fac``, they equal
  the ``EXCEPTION`` value.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, ClassVar

import attrs

from rompy import ConfigError, DataGrid, DataItem
from rompy.models.swan.components.base import tag_aliases
from rompy.models.swan.components.inpgrid import VECTOR_GRIDS, GridType, InpgridRegular, ReadInp
from rompy.models.swan.context import DeckContext, Times, TimeUnit

EXCEPTION_VALUE = -99.0
"""What cells without data read as in SWAN (after ``fac``)."""

WIND_GRIDS = frozenset({"wind", "wx", "wy"})
"""Input grids that give SWAN a wind."""


@attrs.frozen(kw_only=True)
class SwanDataGrid(DataGrid):
    """A gridded field from a data source, written for SWAN's ``READINP`` (tag ``swan_grid``).

    Attributes:
        var: The SWAN input grid it fills (``bottom``, ``wind``, ``current``, ``wlevel``...).
        z1: The variable holding the field (the x component of a vector).
        z2: The variable holding the y component of a vector field (wind, current).
        fac: SWAN multiplies the values by it (``-1`` turns elevation into depth).
    """

    model_type: ClassVar[str] = "swan_grid"
    var: GridType
    z1: str
    z2: str | None = None
    fac: float = 1.0

    def __attrs_post_init__(self) -> None:
        """A vector field needs ``z2``; a scalar field must not have one; ``fac`` is not 0."""
        if self.fac == 0:
            raise ConfigError("fac 0 would make every value 0; give another factor", path="fac")
        vector = self.var in VECTOR_GRIDS
        if vector and self.z2 is None:
            raise ConfigError(
                f"the {self.var} grid is a vector: give z2, the variable of its y component",
                path="z2",
            )
        if not vector and self.z2 is not None:
            raise ConfigError(
                f"the {self.var} grid is a scalar: leave z2 out (it is {self.z2!r})",
                path="z2",
                value=self.z2,
            )

    @property
    def components(self) -> tuple[str, ...]:
        """The variables written, in SWAN's order (x then y for vectors)."""
        return (self.z1,) if self.z2 is None else (self.z1, self.z2)

    def default_filename(self, name: str) -> str:
        """``{id or var}.grd``."""
        return f"{self.id or self.var}.grd"


@attrs.frozen(kw_only=True)
class DataInterface:
    """Input grids taken from data sources.

    Attributes:
        bottom: The bottom (its ``var`` is ``bottom``).
        input: The other fields: wind, current, water level, friction...
    """

    model_type: ClassVar[str] = "data_interface"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("data_interface")
    bottom: SwanDataGrid | None = None
    input: list[SwanDataGrid] = attrs.field(factory=list)

    def __attrs_post_init__(self) -> None:
        """The bottom is a bottom; each input field appears once."""
        if self.bottom is not None and self.bottom.var != "bottom":
            raise ConfigError(
                f"bottom holds the bottom: its var must be 'bottom', not {self.bottom.var!r}; "
                "move other fields to input",
                path="bottom.var",
                value=self.bottom.var,
            )
        seen = {"bottom"} if self.bottom is not None else set()
        for index, grid in enumerate(self.input):
            if grid.var in seen:
                raise ConfigError(
                    f"the {grid.var} grid is given twice; keep one", path=f"input[{index}].var"
                )
            seen.add(grid.var)

    def fields(self) -> list[tuple[str, SwanDataGrid]]:
        """Each field with its place under ``inpgrid``, bottom first."""
        placed = [("bottom", self.bottom)] if self.bottom is not None else []
        return placed + [(f"input[{index}]", grid) for index, grid in enumerate(self.input)]

    def data_items(self) -> tuple[DataItem, ...]:
        """One data item per field, named by its ``var``."""
        return tuple(
            DataItem(name=grid.var, spec=grid, path=f"config.inpgrid.{place}")
            for place, grid in self.fields()
        )

    def has_wind(self) -> bool:
        """Whether a field gives SWAN a wind."""
        return any(grid.var in WIND_GRIDS for _, grid in self.fields())

    def render(self, context: DeckContext) -> list[str]:
        """Each field's INPGRID and READINP, from the facts its data item reported."""
        lines: list[str] = []
        for place, grid in self.fields():
            facts = context.staged.get(grid.var)
            if not facts:
                raise ConfigError(
                    f"no staged data for the {grid.var} grid: the deck is rendered from the "
                    "written data, so generate the run (rompy generate) rather than its deck",
                    path=f"config.inpgrid.{place}",
                )
            lines += inpgrid_from_facts(grid, facts, context).render(context)
        return lines


def inpgrid_from_facts(
    grid: SwanDataGrid, facts: Mapping[str, Any], context: DeckContext
) -> InpgridRegular:
    """The INPGRID + READINP of a written field, from its handler's facts."""
    times = facts.get("times")
    nonstationary = context.nonstationary and times is not None and times["count"] > 1
    has_time_lines = times is not None
    readinp = ReadInp(
        fac=grid.fac,
        fname1=grid.default_filename(grid.var),
        idla=3,
        nhedf=1 if has_time_lines and not nonstationary else 0,
        nhedt=1 if nonstationary else 0,
        nhedvec=1 if grid.z2 is not None else 0,
    )
    return InpgridRegular(
        grid_type=grid.var,
        xpinp=facts["xp"], ypinp=facts["yp"], mxinp=facts["mx"], myinp=facts["my"],
        dxinp=facts["dx"], dyinp=facts["dy"], excval=facts.get("excval"),
        readinp=readinp,
        nonstationary=input_times(times) if times and nonstationary else None,
    )  # fmt: skip


def input_times(times: Mapping[str, Any]) -> Times:
    """The ``NONSTATIONARY tbeg delt tend`` of a field, in the largest unit dividing its step."""
    step = timedelta(seconds=times["delt"])
    units: tuple[tuple[TimeUnit, int], ...] = (("day", 86400), ("hr", 3600), ("min", 60))
    seconds = step.total_seconds()
    unit: TimeUnit = next((name for name, size in units if seconds % size == 0), "sec")
    return Times(
        tbeg=datetime.fromisoformat(times["tbeg"]),
        delt=step,
        tend=datetime.fromisoformat(times["tend"]),
        dfmt=unit,
    )
