"""Parametric boundaries: ``BOUND SHAPESPEC`` and ``BOUNDSPEC`` (manual 4.5.1).

A BOUNDSPEC applies along a SIDE or a SEGMENT, with CONSTANT or VARIABLE parameters; a
command that outgrows a line is continued over several (SWAN reads 120 characters a line).
"""

from __future__ import annotations

from typing import ClassVar, Literal

import attrs

from rompy import ConfigError
from rompy.models.swan.components.base import (
    continued,
    join,
    keyword_values,
    non_negative,
    positive,
    tag_aliases,
)
from rompy.models.swan.components.cgrid import GridRegular
from rompy.models.swan.components.locations import Segment, side_length
from rompy.models.swan.context import DeckContext


@attrs.frozen(kw_only=True)
class Jonswap:
    """A JONSWAP spectrum. Attributes: gamma: peak enhancement factor."""

    model_type: ClassVar[str] = "jonswap"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("jonswap")
    gamma: float = attrs.field(default=3.3, validator=positive)

    def render(self) -> str:
        """``JONSWAP gamma=...``."""
        return f"JONSWAP gamma={self.gamma!r}"


@attrs.frozen(kw_only=True)
class Tma:
    """A TMA spectrum. Attributes: gamma: peak enhancement factor. d: reference depth (m)."""

    model_type: ClassVar[str] = "tma"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("tma")
    gamma: float = attrs.field(default=3.3, validator=positive)
    d: float = attrs.field(validator=positive)

    def render(self) -> str:
        """``TMA gamma=... d=...``."""
        return f"TMA {keyword_values([('gamma', self.gamma), ('d', self.d)])}"


@attrs.frozen(kw_only=True)
class Gauss:
    """A Gaussian spectrum. Attributes: sigfr: width (Hz)."""

    model_type: ClassVar[str] = "gauss"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("gauss")
    sigfr: float = attrs.field(validator=positive)

    def render(self) -> str:
        """``GAUSS sigfr=...``."""
        return f"GAUSS sigfr={self.sigfr!r}"


@attrs.frozen(kw_only=True)
class Pm:
    """A Pierson-Moskowitz spectrum."""

    model_type: ClassVar[str] = "pm"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("pm")

    def render(self) -> str:
        """``PM``."""
        return "PM"


@attrs.frozen(kw_only=True)
class ShapeSpec:
    """``BOUND SHAPESPEC <shape> PEAK|MEAN DSPR POWER|DEGREES``.

    Attributes:
        shape: The spectral shape.
        per_type: Whether ``per`` is the peak or the mean period.
        dspr_type: Whether ``dd`` is a cosine power or a spread in degrees.
    """

    model_type: ClassVar[str] = "shapespec"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("shapespec")
    shape: Jonswap | Tma | Gauss | Pm = attrs.field(factory=Jonswap)
    per_type: Literal["peak", "mean"] = "peak"
    dspr_type: Literal["power", "degrees"] = "power"

    def render(self) -> str:
        """The BOUND SHAPESPEC line."""
        return join(
            "BOUND SHAPESPEC", self.shape.render(), self.per_type.upper(),
            f"DSPR {self.dspr_type.upper()}",
        )  # fmt: skip


@attrs.frozen(kw_only=True)
class Side:
    """``SIDE NORTH|...|WEST CCW|CLOCKWISE``: a whole side of the computational grid.

    Attributes:
        side: The side.
        direction: The direction along it in which distances count.
    """

    model_type: ClassVar[str] = "side"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("side")
    side: Literal["north", "nw", "west", "sw", "south", "se", "east", "ne"]
    direction: Literal["ccw", "clockwise"] = "ccw"

    def render(self) -> str:
        """The location part of BOUNDSPEC."""
        return f"SIDE {self.side.upper()} {self.direction.upper()}"

    def parts(self) -> list[str]:
        """The location part of BOUNDSPEC, as one part."""
        return [self.render()]

    def length(self, grid: GridRegular) -> float:
        """The side's length, along which VARIABLE values are placed."""
        return side_length(grid, self.side)

    def check_on(self, grid: GridRegular) -> None:
        """A side of the grid is always on the grid."""


@attrs.frozen(kw_only=True)
class ConstantPar:
    """``CONSTANT PAR hs per dir dd``: the same parameters along the whole location.

    Attributes:
        hs: Significant wave height (m).
        per: Period (s), peak or mean as the SHAPESPEC says.
        dir: Mean direction (degrees, in the SET convention).
        dd: Directional spreading (cosine power, or degrees).
    """

    model_type: ClassVar[str] = "constantpar"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("constantpar")
    hs: float = attrs.field(validator=non_negative)
    per: float = attrs.field(validator=positive)
    dir: float
    dd: float | None = attrs.field(default=None, validator=positive)

    def render(self) -> str:
        """The data part of BOUNDSPEC."""
        values = [("hs", self.hs), ("per", self.per), ("dir", self.dir), ("dd", self.dd)]
        return f"CONSTANT PAR {keyword_values(values)}"

    def parts(self) -> list[str]:
        """The data part of BOUNDSPEC, as one part."""
        return [self.render()]

    def spreads(self) -> list[float]:
        """The directional spreads given."""
        return [] if self.dd is None else [self.dd]


@attrs.frozen(kw_only=True)
class VariablePar:
    """``VARIABLE PAR < len hs per dir dd >``: parameters at points along the location.

    Attributes:
        hs: Significant wave height at each point (m).
        per: Period at each point (s).
        dir: Mean direction at each point (degrees).
        dd: Directional spreading at each point (SWAN's default if left out).
        len: Distance of each point from the location's start (m, or degrees in spherical
            coordinates), ascending; along a SIDE counted CCW or CLOCKWISE as it says.
    """

    model_type: ClassVar[str] = "variablepar"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("variablepar")
    hs: list[float] = attrs.field(validator=attrs.validators.min_len(1))
    per: list[float]
    dir: list[float]
    dd: list[float] | None = None
    len: list[float]

    def __attrs_post_init__(self) -> None:
        """The lists are as long as ``len``, which ascends from zero or more."""
        count = len(self.len)
        for name in ("hs", "per", "dir", "dd"):
            values = getattr(self, name)
            if values is not None and len(values) != count:
                raise ConfigError(
                    f"{name} lists {len(values)} values but len lists {count} points; give "
                    "one value per point",
                    path=name,
                )
        if self.len[0] < 0 or any(b <= a for a, b in zip(self.len, self.len[1:], strict=False)):
            raise ConfigError(
                f"len must ascend from zero or more, got {self.len}", path="len", value=self.len
            )

    def parts(self) -> list[str]:
        """``VARIABLE PAR`` and one ``len= hs= per= dir= dd=`` part per point."""
        dd: list[float | None] = list(self.dd) if self.dd else [None] * len(self.len)
        rows = zip(self.len, self.hs, self.per, self.dir, dd, strict=True)
        points = [
            keyword_values([("len", at), ("hs", hs), ("per", per), ("dir", dir_), ("dd", dd_)])
            for at, hs, per, dir_, dd_ in rows
        ]
        return ["VARIABLE PAR", *points]

    def spreads(self) -> list[float]:
        """The directional spreads given."""
        return list(self.dd or [])


@attrs.frozen(kw_only=True)
class BoundSpec:
    """A parametric boundary: its spectral shape, where it applies and its parameters.

    Attributes:
        shapespec: The spectral shape.
        location: The side it applies to.
        data: The wave parameters.
    """

    model_type: ClassVar[str] = "boundspec"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("boundspec")
    shapespec: ShapeSpec = attrs.field(factory=ShapeSpec)
    location: Side | Segment
    data: ConstantPar | VariablePar

    def __attrs_post_init__(self) -> None:
        """A spread in degrees must be given as degrees; a power must be a power."""
        for dd in self.data.spreads():
            if self.shapespec.dspr_type == "degrees" and dd > 360:
                raise ConfigError(f"dd {dd} is not a spread in degrees", path="data.dd", value=dd)

    def render(self, context: DeckContext) -> list[str]:
        """The BOUND SHAPESPEC and BOUNDSPEC lines."""
        return [
            self.shapespec.render(),
            *continued("BOUNDSPEC", *self.location.parts(), *self.data.parts()),
        ]

    def check_on(self, grid: GridRegular) -> None:
        """Refuse a location off the grid, or values placed beyond the location's end.

        Raises:
            ConfigError: Naming ``location...`` or ``data.len[k]``.
        """
        try:
            self.location.check_on(grid)
        except ConfigError as error:
            raise error.with_path_prefix("location") from None
        if not isinstance(self.data, VariablePar):
            return
        length = self.location.length(grid)
        for index, at in enumerate(self.data.len):
            if at > length * (1 + 1e-6):
                raise ConfigError(
                    f"len {at:g} lies beyond the end of the boundary location, which is "
                    f"{length:g} long; give distances from 0 to {length:g}",
                    path=f"data.len[{index}]",
                    value=at,
                )
