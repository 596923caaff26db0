"""Obstacles: ``OBSTACLE`` and ``OBSTACLE FIG`` lines, one per obstacle (4.5).

An obstacle is a line of corner points with a transmission (SWAN's default: none, the
obstacle blocks), a reflection and, from SWAN 41.31, a freeboard dependency. ``OBSTACLE FIG``
(infragravity generation at an obstacle) is refused for 41.01, which crashes on it.
The ``Kt^2 + Kr^2 <= 1`` rule SWAN 41.01 applies to a constant transmission with reflection is
checked at load time.
"""

from __future__ import annotations

from typing import ClassVar

import attrs

from rompy import ConfigError
from rompy.models.swan.components.base import join, keyword_values, non_negative, tag_aliases
from rompy.models.swan.components.obstacle_parts import (
    Freeboard,
    Line,
    Rdiff,
    Refl,
    Rspec,
    Trans1d,
    Trans2d,
    Transm,
    Transmission,
)
from rompy.models.swan.components.physics_checks import check_at
from rompy.models.swan.versions import SwanVersion


@attrs.frozen(kw_only=True)
class Obstacle:
    """``OBSTACLE [transmission] [REFL reflc [RSPEC|RDIFF pown]] [FREEBOARD ...] LINE ...``.

    Attributes:
        transmission: ``transm``, ``trans1d``, ``trans2d``, ``goda`` or ``dangremond``
            (SWAN's default: no transmission).
        reflection: Reflect waves off the obstacle (SWAN's default: no reflection).
        reflection_type: ``rspec`` (specular, SWAN's default) or ``rdiff`` (diffuse); needs
            ``reflection``.
        freeboard: Freeboard-dependent transmission and reflection (SWAN 41.31 and later).
        line: The obstacle's corner points.
    """

    model_type: ClassVar[str] = "obstacle"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("obstacle")
    transmission: Transmission | None = None
    reflection: Refl | None = None
    reflection_type: Rspec | Rdiff | None = None
    freeboard: Freeboard | None = None
    line: Line

    def __attrs_post_init__(self) -> None:
        """A reflection type needs a reflection; energy is not created."""
        if self.reflection_type is not None and self.reflection is None:
            raise ConfigError(
                "reflection_type says how waves reflect: add a reflection (reflc) or leave "
                "reflection_type out",
                path="reflection_type",
            )
        self._check_energy()

    def _check_energy(self) -> None:
        if self.reflection is None:
            return
        if isinstance(self.transmission, Transm):
            kt = self.transmission.trcoef or 0.0
        elif self.transmission is None:
            kt = 0.0
        else:
            return  # the dams' coefficients are computed by SWAN as it runs
        kr = 1.0 if self.reflection.reflc is None else self.reflection.reflc
        if kt**2 + kr**2 > 1.0:
            raise ConfigError(
                f"transmitted and reflected energy exceed the incoming energy: trcoef^2 + "
                f"reflc^2 = {kt**2 + kr**2:g} > 1 (reflc defaults to 1); lower reflc or trcoef",
                path="reflection.reflc",
            )

    def check_version(self, version: SwanVersion) -> None:
        """Refuse the parts ``version`` does not read, at their fields."""
        if isinstance(self.transmission, (Trans1d, Trans2d)):
            check_at("transmission", self.transmission, version)
        if self.freeboard is not None:
            check_at("freeboard", self.freeboard, version)

    def render(self, version: SwanVersion) -> str:
        """The OBSTACLE line."""
        self.check_version(version)
        parts = [
            self.transmission.render(version) if self.transmission else "",
            self.reflection.render() if self.reflection else "",
            self.reflection_type.render() if self.reflection_type else "",
            self.freeboard.render(version) if self.freeboard else "",
        ]
        return join("OBSTACLE", *parts, self.line.render())


@attrs.frozen(kw_only=True)
class ObstacleFig:
    """``OBSTACLE FIG alpha1 hss tss [REFL reflc] LINE ...``: infragravity waves at an obstacle.

    Attributes:
        alpha1: Calibration coefficient of the infragravity energy.
        hss: Sea-swell significant wave height (m).
        tss: Sea-swell mean period (s).
        reflection: Reflect waves off the obstacle.
        line: The obstacle's corner points.
    """

    model_type: ClassVar[str] = "fig"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("fig")
    alpha1: float
    hss: float = attrs.field(validator=non_negative)
    tss: float = attrs.field(validator=non_negative)
    reflection: Refl | None = None
    line: Line

    def check_version(self, version: SwanVersion) -> None:
        """Refuse FIG for a version that does not read it."""
        version.require("OBSTACLE FIG", path="model_type", fix="leave this obstacle out")

    def render(self, version: SwanVersion) -> str:
        """The OBSTACLE FIG line."""
        self.check_version(version)
        values = keyword_values([("alpha1", self.alpha1), ("hss", self.hss), ("tss", self.tss)])
        reflection = self.reflection.render() if self.reflection else ""
        return join("OBSTACLE FIG", values, reflection, self.line.render())


@attrs.frozen(kw_only=True)
class Obstacles:
    """The obstacles, one OBSTACLE line each.

    Attributes:
        obstacles: ``obstacle`` or ``fig`` entries.
    """

    model_type: ClassVar[str] = "obstacles"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("obstacles")
    obstacles: list[Obstacle | ObstacleFig]

    def check_version(self, version: SwanVersion) -> None:
        """Refuse what ``version`` does not read, at ``obstacles[i]``."""
        for index, obstacle in enumerate(self.obstacles):
            check_at(f"obstacles[{index}]", obstacle, version)

    def render_lines(self, version: SwanVersion) -> list[str]:
        """One line per obstacle."""
        self.check_version(version)
        return [obstacle.render(version) for obstacle in self.obstacles]
