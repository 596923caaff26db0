"""Start-up commands: PROJECT, SET, MODE, COORDINATES (SWAN manual, section 4.3)."""

from __future__ import annotations

from typing import ClassVar, Literal

import attrs

from rompy.models.swan.components.base import join, keyword_values, quoted, tag_aliases
from rompy.models.swan.context import DeckContext


@attrs.frozen(kw_only=True)
class Project:
    """``PROJECT 'name' 'nr' 'title1' 'title2' 'title3'``.

    Attributes:
        name: Project name (up to 16 characters).
        nr: Run identification (up to 4 characters).
        title1: First line of the run's title.
        title2: Second line of the title.
        title3: Third line of the title.
    """

    model_type: ClassVar[str] = "project"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("project")
    name: str | None = None
    nr: str = attrs.field(validator=attrs.validators.max_len(4))
    title1: str | None = None
    title2: str | None = None
    title3: str | None = None

    def render(self) -> str:
        """The PROJECT line."""
        texts = [self.name or "", self.nr, self.title1, self.title2, self.title3]
        while texts and texts[-1] is None:
            texts.pop()
        return join("PROJECT", *(quoted(text or "") for text in texts))


@attrs.frozen(kw_only=True)
class Set:
    """``SET level nor depmin maxmes maxerr grav rho cdcap inrhog hsrerr NAUTICAL|CARTESIAN``.

    Attributes:
        level: Water level increase over the bottom datum (m).
        nor: Direction of north relative to the x-axis (degrees).
        depmin: Depth below which points are dry (m).
        maxmes: Most error messages printed.
        maxerr: Error level that stops the computation (1 warnings, 2 errors, 3 severe).
        grav: Gravity (m/s2).
        rho: Water density (kg/m3).
        cdcap: Largest wind drag coefficient.
        inrhog: 0 for variance, 1 for energy output.
        hsrerr: Relative error of Hs within which SWAN warns.
        direction_convention: ``nautical`` or ``cartesian``.
        pwtail: Power of the spectral tail.
        froudmax: Largest Froude number of currents.
        icewind: 1 scales wind input by the ice-free fraction.
    """

    model_type: ClassVar[str] = "set"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("set")
    level: float | None = None
    nor: float | None = None
    depmin: float | None = None
    maxmes: int | None = None
    maxerr: Literal[1, 2, 3] | None = None
    grav: float | None = None
    rho: float | None = None
    cdcap: float | None = None
    inrhog: Literal[0, 1] | None = None
    hsrerr: float | None = None
    direction_convention: Literal["nautical", "cartesian"] = "nautical"
    pwtail: int | None = None
    froudmax: float | None = None
    icewind: Literal[0, 1] | None = None

    def render(self) -> str:
        """The SET line."""
        head = keyword_values(
            (name, getattr(self, name))
            for name in (
                "level", "nor", "depmin", "maxmes", "maxerr", "grav", "rho", "cdcap",
                "inrhog", "hsrerr",
            )
        )  # fmt: skip
        tail = keyword_values(
            (name, getattr(self, name)) for name in ("pwtail", "froudmax", "icewind")
        )
        return join("SET", head, self.direction_convention.upper(), tail)


@attrs.frozen(kw_only=True)
class Mode:
    """``MODE STATIONARY|NONSTATIONARY TWODIMENSIONAL|ONEDIMENSIONAL``.

    Attributes:
        kind: ``stationary`` or ``nonstationary``.
        dim: ``twodimensional`` or ``onedimensional``.
    """

    model_type: ClassVar[str] = "mode"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("mode")
    kind: Literal["stationary", "nonstationary"] = "stationary"
    dim: Literal["onedimensional", "twodimensional"] = "twodimensional"

    def render(self) -> str:
        """The MODE line."""
        return f"MODE {self.kind.upper()} {self.dim.upper()}"


@attrs.frozen(kw_only=True)
class Cartesian:
    """Cartesian coordinates (metres)."""

    model_type: ClassVar[str] = "cartesian"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("cartesian")

    def render(self) -> str:
        """``CARTESIAN``."""
        return "CARTESIAN"


@attrs.frozen(kw_only=True)
class Spherical:
    """Spherical coordinates (degrees), with a projection for the computations.

    Attributes:
        projection: ``ccm`` (central conformal Mercator) or ``qc`` (quasi-cartesian).
    """

    model_type: ClassVar[str] = "spherical"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("spherical")
    projection: Literal["ccm", "qc"] = "ccm"

    def render(self) -> str:
        """``SPHERICAL CCM|QC``."""
        return f"SPHERICAL {self.projection.upper()}"


@attrs.frozen(kw_only=True)
class Coordinates:
    """``COORDINATES CARTESIAN|SPHERICAL [REPEATING]``.

    Attributes:
        kind: Cartesian or spherical coordinates.
        reapeating: Repeating (periodic) in x (rompy-swan spells it so).
    """

    model_type: ClassVar[str] = "coordinates"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("coordinates")
    kind: Cartesian | Spherical = attrs.field(factory=Cartesian)
    reapeating: bool = False

    def render(self) -> str:
        """The COORDINATES line."""
        return join("COORDINATES", self.kind.render(), "REPEATING" if self.reapeating else "")


@attrs.frozen(kw_only=True)
class Startup:
    """The start-up group, in SWAN's order.

    Attributes:
        project: PROJECT.
        set: SET.
        mode: MODE.
        coordinates: COORDINATES.
    """

    project: Project | None = None
    set: Set | None = None
    mode: Mode | None = None
    coordinates: Coordinates | None = None

    def render(self, context: DeckContext) -> list[str]:
        """The group's lines."""
        parts = (self.project, self.set, self.mode, self.coordinates)
        return [part.render() for part in parts if part is not None]
