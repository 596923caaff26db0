"""Boundary and initial conditions: ``BOUND SHAPESPEC``, ``BOUNDSPEC``, ``INITIAL`` (manual 4.5)."""

from __future__ import annotations

from typing import ClassVar, Literal

import attrs

from rompy import ConfigError
from rompy.models.swan.components.base import (
    join,
    keyword_values,
    non_negative,
    positive,
    quoted,
    tag_aliases,
)
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
    location: Side
    data: ConstantPar

    def __attrs_post_init__(self) -> None:
        """A spread in degrees must be given as degrees; a power must be a power."""
        dd = self.data.dd
        if dd is not None and self.shapespec.dspr_type == "degrees" and dd > 360:
            raise ConfigError(f"dd {dd} is not a spread in degrees", path="data.dd", value=dd)

    def render(self, context: DeckContext) -> list[str]:
        """The BOUND SHAPESPEC and BOUNDSPEC lines."""
        return [self.shapespec.render(), f"BOUNDSPEC {self.location.render()} {self.data.render()}"]


@attrs.frozen(kw_only=True)
class Default:
    """``INITIAL DEFAULT``: the initial spectra SWAN derives from the wind."""

    model_type: ClassVar[str] = "default"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("default")

    def render(self) -> str:
        """``DEFAULT``."""
        return "DEFAULT"


@attrs.frozen(kw_only=True)
class Zero:
    """``INITIAL ZERO``: start from no waves."""

    model_type: ClassVar[str] = "zero"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("zero")

    def render(self) -> str:
        """``ZERO``."""
        return "ZERO"


@attrs.frozen(kw_only=True)
class HotSingle:
    """``INITIAL HOTSTART SINGLE 'fname' FREE|UNFORMATTED``: start from a hotfile.

    Attributes:
        fname: The hotfile, relative to the staging dir.
        format: ``free`` or ``unformatted``.
    """

    model_type: ClassVar[str] = "hotsingle"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("hotsingle")
    fname: str
    format: Literal["free", "unformatted"] = "free"

    def render(self) -> str:
        """``HOTSTART SINGLE fname='...' FREE``."""
        return f"HOTSTART SINGLE fname={quoted(self.fname)} {self.format.upper()}"


@attrs.frozen(kw_only=True)
class Initial:
    """``INITIAL <kind>``.

    Attributes:
        kind: Default, zero or a hotstart file.
    """

    model_type: ClassVar[str] = "initial"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("initial")
    kind: Default | Zero | HotSingle = attrs.field(factory=Default)

    def render(self, context: DeckContext) -> list[str]:
        """The INITIAL line."""
        return [f"INITIAL {self.kind.render()}"]
