"""The physics group: generation, dissipation, interactions, obstacles, OFF, in SWAN's order.

The commands live in their own modules (``physics_sources``: GEN1/2/3 and the source terms;
``physics_dissipation``: SSWELL, NEGATINP, WCAPPING, BREAKING, FRICTION, VEGETATION, MUD,
TURBULENCE; ``physics_nonlinear``: QUADRUPL, TRIAD, LIMITER; ``physics_extra``: SICE, BRAGG,
SETUP, DIFFRACTION, SURFBEAT, SCAT; ``obstacles``: OBSTACLE) and are re-exported here.

:meth:`Physics.check` runs when the SWAN config is made: keywords the target version does
not read are refused then, at their field (``physics.gen.source_terms.model_type``), before
any deck is written or run.
"""

from __future__ import annotations

from typing import ClassVar, Literal

import attrs

from rompy import ConfigError
from rompy.models.swan.components.base import tag_aliases
from rompy.models.swan.components.obstacles import Obstacle, ObstacleFig, Obstacles
from rompy.models.swan.components.physics_checks import check_at
from rompy.models.swan.components.physics_dissipation import (
    BreakingConstant,
    FrictionCollins,
    FrictionJonswap,
    FrictionMadsen,
    Mud,
    Negatinp,
    SswellArdhuin,
    SswellRogers,
    SswellZieger,
    Turbulence,
    Vegetation,
    WcappingAb,
    WcappingKomen,
)
from rompy.models.swan.components.physics_extra import (
    Bragg,
    BraggFile,
    BraggFt,
    Diffraction,
    Scat,
    Setup,
    Sice,
    SiceD15,
    SiceM18,
    SiceR19,
    SiceR21b,
    Surfbeat,
)
from rompy.models.swan.components.physics_nonlinear import (
    Limiter,
    Quadrupl,
    Triad,
    TriadDcta,
    TriadLta,
    TriadSpb,
)
from rompy.models.swan.components.physics_sources import (
    Gen1,
    Gen2,
    Gen3,
    Janssen,
    Komen,
    St6,
    St6C1,
    St6C2,
    St6C3,
    St6C4,
    St6C5,
    Westhuysen,
)
from rompy.models.swan.context import DeckContext
from rompy.models.swan.versions import SwanVersion

__all__ = [
    "Bragg", "BraggFile", "BraggFt", "BreakingConstant", "Diffraction", "FrictionCollins",
    "FrictionJonswap", "FrictionMadsen", "Gen1", "Gen2", "Gen3", "Janssen", "Komen", "Limiter",
    "Mud", "Negatinp", "Obstacle", "ObstacleFig", "Obstacles", "OffItem", "Offs", "Physics",
    "Quadrupl", "Scat", "Setup", "Sice", "SiceD15", "SiceM18", "SiceR19", "SiceR21b",
    "SswellArdhuin", "SswellRogers", "SswellZieger", "St6", "St6C1", "St6C2", "St6C3", "St6C4",
    "St6C5", "Surfbeat", "Triad", "TriadDcta", "TriadLta", "TriadSpb", "Turbulence",
    "Vegetation", "WcappingAb", "WcappingKomen", "Westhuysen",
]  # fmt: skip


@attrs.frozen(kw_only=True)
class OffItem:
    """One process switched off. Attributes: physics: the process."""

    model_type: ClassVar[str] = "off"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("off")
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


_ONE_LINE = (
    "gen", "sswell", "negatinp", "wcapping", "quadrupl", "breaking", "friction", "triad",
    "vegetation", "mud", "sice", "turbulence", "bragg", "limiter",
)  # fmt: skip
_AFTER_OBSTACLES = ("setup", "diffraction", "surfbeat", "scat")


@attrs.frozen(kw_only=True)
class Physics:
    """The physics group, written in SWAN's order (the order of these attributes).

    Attributes:
        gen: GEN1, GEN2 or GEN3 (with its source terms).
        sswell: Swell dissipation (``rogers``, ``ardhuin``, ``zieger``).
        negatinp: Negative wind input.
        wcapping: Whitecapping (``komen``, ``ab``).
        quadrupl: Quadruplets.
        breaking: Depth-induced breaking.
        friction: Bottom friction.
        triad: Triads (``triad``, ``dcta``, ``lta``, ``spb``).
        vegetation: Damping by vegetation.
        mud: Damping by fluid mud.
        sice: Damping by sea ice (``sice``, ``r19``, ``d15``, ``m18``, ``r21b``).
        turbulence: Damping by turbulent viscosity.
        bragg: Bragg scattering (``bragg``, ``ft``, ``file``).
        limiter: The quadruplets' limiter.
        obstacle: Obstacles (``obstacles``), one line each.
        setup: Wave-induced set-up.
        diffraction: Diffraction.
        surfbeat: Infragravity waves.
        scat: Quasi-coherent scattering.
        deactivate: Processes switched off (``offs``).
    """

    gen: Gen1 | Gen2 | Gen3 | None = None
    sswell: SswellRogers | SswellArdhuin | SswellZieger | None = None
    negatinp: Negatinp | None = None
    wcapping: WcappingKomen | WcappingAb | None = None
    quadrupl: Quadrupl | None = None
    breaking: BreakingConstant | None = None
    friction: FrictionJonswap | FrictionCollins | FrictionMadsen | None = None
    triad: Triad | TriadDcta | TriadLta | TriadSpb | None = None
    vegetation: Vegetation | None = None
    mud: Mud | None = None
    sice: Sice | SiceR19 | SiceD15 | SiceM18 | SiceR21b | None = None
    turbulence: Turbulence | None = None
    bragg: Bragg | BraggFt | BraggFile | None = None
    limiter: Limiter | None = None
    obstacle: Obstacles | None = None
    setup: Setup | None = None
    diffraction: Diffraction | None = None
    surfbeat: Surfbeat | None = None
    scat: Scat | None = None
    deactivate: Offs | None = None

    def check(self, version: SwanVersion, *, spherical: bool = False) -> None:
        """Refuse what ``version`` does not read, and set-up in spherical coordinates.

        Raises:
            ConfigError: The path names the field (``gen.source_terms.model_type``).
        """
        for name in (*_ONE_LINE, "obstacle", *_AFTER_OBSTACLES):
            check_at(name, getattr(self, name), version)
        if spherical and self.setup is not None:
            raise ConfigError(
                "SWAN computes no correct wave-induced set-up in spherical coordinates (41.01 "
                "reports it as an error): leave setup out or use cartesian coordinates",
                path="setup",
            )

    def render(self, context: DeckContext) -> list[str]:
        """The group's lines."""
        self.check(context.version)
        version = context.version
        lines = [getattr(self, name) for name in _ONE_LINE]
        rendered = [part.render(version) for part in lines if part is not None]
        rendered += self.obstacle.render_lines(version) if self.obstacle else []
        after = [getattr(self, name) for name in _AFTER_OBSTACLES]
        rendered += [part.render(version) for part in after if part is not None]
        return rendered + (self.deactivate.render_lines() if self.deactivate else [])
