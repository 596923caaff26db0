"""Physics: GEN1/2/3 and their source terms, QUADRUPL, BREAKING, FRICTION, TRIAD, OFF (4.5).

The wind-drag keyword (``DRAG WU|FIT``) exists from SWAN 41.4x on; for 41.01 (what
``scripts/engines/swan.sh`` builds) it is left out, and asking for a drag formula other
than the default is refused naming the version.
"""

from __future__ import annotations

from typing import ClassVar, Literal

import attrs

from rompy import ConfigError
from rompy.models.swan.components.base import join, keyword_values, positive, tag_aliases
from rompy.models.swan.context import DeckContext
from rompy.models.swan.versions import SwanVersion


def _drag(wind_drag: str, version: SwanVersion) -> str:
    if version.knows("DRAG"):
        return f"DRAG {wind_drag.upper()}"
    if wind_drag != "wu":
        raise ConfigError(
            f"wind_drag {wind_drag!r} needs SWAN 41.41 or later (DRAG); swan_version is "
            f"{version}: leave wind_drag out or raise swan_version",
            path="wind_drag",
            value=wind_drag,
        )
    return ""


@attrs.frozen(kw_only=True)
class Komen:
    """Komen et al. (1984) whitecapping with Snyder wind input.

    Attributes:
        cds2: Whitecapping rate coefficient.
        stpm: Wave steepness of a Pierson-Moskowitz spectrum.
        wind_drag: ``wu`` or ``fit`` (SWAN 41.41 and later).
    """

    model_type: ClassVar[str] = "komen"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("komen")
    cds2: float | None = None
    stpm: float | None = None
    wind_drag: Literal["wu", "fit"] = "wu"

    def render(self, version: SwanVersion) -> str:
        """``KOMEN cds2=... stpm=...``."""
        values = keyword_values([("cds2", self.cds2), ("stpm", self.stpm)])
        return join("KOMEN", values, _drag(self.wind_drag, version))


@attrs.frozen(kw_only=True)
class Janssen:
    """Janssen (1989, 1991) wind input and whitecapping.

    Attributes:
        cds1: Whitecapping coefficient.
        delta: Weight of the wave-number terms.
        wind_drag: ``wu`` or ``fit`` (SWAN 41.41 and later).
    """

    model_type: ClassVar[str] = "janssen"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("janssen")
    cds1: float | None = None
    delta: float | None = None
    wind_drag: Literal["wu", "fit"] = "wu"

    def render(self, version: SwanVersion) -> str:
        """``JANSSEN cds1=... delta=...``."""
        values = keyword_values([("cds1", self.cds1), ("delta", self.delta)])
        return join("JANSSEN", values, _drag(self.wind_drag, version))


@attrs.frozen(kw_only=True)
class Westhuysen:
    """Van der Westhuysen et al. (2007) saturation-based whitecapping and Yan wind input.

    Attributes:
        cds2: Whitecapping rate coefficient.
        br: Saturation threshold.
        wind_drag: ``wu`` or ``fit`` (SWAN 41.41 and later).
    """

    model_type: ClassVar[str] = "westhuysen"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("westhuysen")
    cds2: float | None = None
    br: float | None = None
    wind_drag: Literal["wu", "fit"] = "wu"

    def render(self, version: SwanVersion) -> str:
        """``WESTHUYSEN cds2=... br=...``."""
        values = keyword_values([("cds2", self.cds2), ("br", self.br)])
        return join("WESTHUYSEN", values, _drag(self.wind_drag, version))


@attrs.frozen(kw_only=True)
class Gen1:
    """``GEN1``: first-generation physics (coefficients left to SWAN)."""

    model_type: ClassVar[str] = "gen1"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("gen1")

    def render(self, version: SwanVersion) -> str:
        """``GEN1``."""
        return "GEN1"


@attrs.frozen(kw_only=True)
class Gen2:
    """``GEN2``: second-generation physics (coefficients left to SWAN)."""

    model_type: ClassVar[str] = "gen2"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("gen2")

    def render(self, version: SwanVersion) -> str:
        """``GEN2``."""
        return "GEN2"


@attrs.frozen(kw_only=True)
class Gen3:
    """``GEN3 <source terms>``: third-generation physics.

    Attributes:
        source_terms: Komen (SWAN's default), Janssen or Westhuysen.
    """

    model_type: ClassVar[str] = "gen3"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("gen3")
    source_terms: Komen | Janssen | Westhuysen = attrs.field(factory=Komen)

    def render(self, version: SwanVersion) -> str:
        """``GEN3 KOMEN|JANSSEN|WESTHUYSEN ...``."""
        return f"GEN3 {self.source_terms.render(version)}"


@attrs.frozen(kw_only=True)
class Quadrupl:
    """``QUADRUPL iquad lambda cnl4 csh1 csh2 csh3``: quadruplet interactions (DIA).

    Attributes:
        iquad: Numerical scheme (SWAN's default 2).
        lambd: The DIA's lambda.
        cnl4: Proportionality coefficient.
        csh1: Shallow-water coefficient 1.
        csh2: Shallow-water coefficient 2.
        csh3: Shallow-water coefficient 3.
    """

    model_type: ClassVar[str] = "quadrupl"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("quadrupl")
    iquad: Literal[1, 2, 3, 8, 4, 51, 52, 53] | None = None
    lambd: float | None = None
    cnl4: float | None = None
    csh1: float | None = None
    csh2: float | None = None
    csh3: float | None = None

    def render(self, version: SwanVersion) -> str:
        """The QUADRUPL line."""
        names = ("iquad", "lambd", "cnl4", "csh1", "csh2", "csh3")
        pairs = [(name.replace("lambd", "lambda"), getattr(self, name)) for name in names]
        return join("QUADRUPL", keyword_values(pairs))


@attrs.frozen(kw_only=True)
class BreakingConstant:
    """``BREAKING CONSTANT alpha gamma``: depth-induced breaking with a constant index.

    Attributes:
        alpha: Dissipation rate coefficient.
        gamma: Breaker index (largest Hs over depth).
    """

    model_type: ClassVar[str] = "constant"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("constant")
    alpha: float | None = attrs.field(default=None, validator=positive)
    gamma: float | None = attrs.field(default=None, validator=positive)

    def render(self, version: SwanVersion) -> str:
        """The BREAKING line."""
        return join(
            "BREAKING CONSTANT", keyword_values([("alpha", self.alpha), ("gamma", self.gamma)])
        )


@attrs.frozen(kw_only=True)
class FrictionJonswap:
    """``FRICTION JONSWAP CONSTANT cfjon``. Attributes: cfjon: coefficient (m2/s3)."""

    model_type: ClassVar[str] = "jonswap"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("jonswap")
    cfjon: float | None = attrs.field(default=None, validator=positive)

    def render(self, version: SwanVersion) -> str:
        """The FRICTION line."""
        return join("FRICTION JONSWAP CONSTANT", keyword_values([("cfjon", self.cfjon)]))


@attrs.frozen(kw_only=True)
class FrictionCollins:
    """``FRICTION COLLINS cfw``. Attributes: cfw: friction coefficient."""

    model_type: ClassVar[str] = "collins"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("collins")
    cfw: float | None = attrs.field(default=None, validator=positive)

    def render(self, version: SwanVersion) -> str:
        """The FRICTION line."""
        return join("FRICTION COLLINS", keyword_values([("cfw", self.cfw)]))


@attrs.frozen(kw_only=True)
class FrictionMadsen:
    """``FRICTION MADSEN kn``. Attributes: kn: bottom roughness length (m)."""

    model_type: ClassVar[str] = "madsen"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("madsen")
    kn: float | None = attrs.field(default=None, validator=positive)

    def render(self, version: SwanVersion) -> str:
        """The FRICTION line."""
        return join("FRICTION MADSEN", keyword_values([("kn", self.kn)]))


@attrs.frozen(kw_only=True)
class Triad:
    """``TRIAD itriad trfac cutfr``: triad interactions (LTA).

    Attributes:
        itriad: Method (1 or 2).
        trfac: Proportionality coefficient.
        cutfr: Cut-off frequency over the mean frequency.
    """

    model_type: ClassVar[str] = "triad"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("triad")
    itriad: Literal[1, 2] | None = None
    trfac: float | None = None
    cutfr: float | None = None

    def render(self, version: SwanVersion) -> str:
        """The TRIAD line."""
        pairs = [("itriad", self.itriad), ("trfac", self.trfac), ("cutfr", self.cutfr)]
        return join("TRIAD", keyword_values(pairs))


@attrs.frozen(kw_only=True)
class OffItem:
    """One process switched off. Attributes: physics: the process."""

    physics: Literal["windgrowth", "quadrupl", "wcapping", "breaking", "refrac", "fshift", "bndchk"]


@attrs.frozen(kw_only=True)
class Offs:
    """``OFF <process>`` lines. Attributes: offs: the processes switched off."""

    model_type: ClassVar[str] = "offs"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("offs")
    offs: list[OffItem] = attrs.field(factory=list)

    def render_lines(self) -> list[str]:
        """One OFF line per process."""
        return [f"OFF {item.physics.upper()}" for item in self.offs]


@attrs.frozen(kw_only=True)
class Physics:
    """The physics group, in SWAN's order.

    Attributes:
        gen: GEN1, GEN2 or GEN3.
        quadrupl: Quadruplets.
        breaking: Depth-induced breaking.
        friction: Bottom friction.
        triad: Triads.
        deactivate: Processes switched off.
    """

    gen: Gen1 | Gen2 | Gen3 | None = None
    quadrupl: Quadrupl | None = None
    breaking: BreakingConstant | None = None
    friction: FrictionJonswap | FrictionCollins | FrictionMadsen | None = None
    triad: Triad | None = None
    deactivate: Offs | None = None

    def render(self, context: DeckContext) -> list[str]:
        """The group's lines."""
        parts = (self.gen, self.quadrupl, self.breaking, self.friction, self.triad)
        lines = [part.render(context.version) for part in parts if part is not None]
        return lines + (self.deactivate.render_lines() if self.deactivate else [])
