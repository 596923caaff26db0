"""Dissipation: swell, whitecapping, breaking, friction, vegetation, mud, turbulence (4.5).

SSWELL and NEGATINP (the ST6 companions) and the current-dependent whitecapping of
``WCAPPING AB`` are not read by SWAN 41.01 and are refused for it, naming the version; so is
the Jacobsen et al. (2019) vegetation formulation (``iveg: 2``). The original vegetation
formulation (``iveg: 1``) is what 41.01 computes, so its ``iveg`` is left out there.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

import attrs

from rompy import ConfigError
from rompy.models.swan.components.base import (
    join,
    keyword_values,
    non_negative,
    positive,
    tag_aliases,
)
from rompy.models.swan.versions import SwanVersion


def _fraction(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not 0.0 <= value <= 1.0:
        raise ConfigError(
            f"{attribute.name} must lie between 0 and 1, got {value!r}",
            path=attribute.name,
            value=value,
        )


@attrs.frozen(kw_only=True)
class SswellRogers:
    """``SSWELL ROGERS cdsv feswell``: swell dissipation of Rogers et al. (2012).

    Attributes:
        cdsv: Coefficient of the viscous dissipation (SWAN's default 1.2).
        feswell: Swell dissipation factor.
    """

    model_type: ClassVar[str] = "rogers"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("rogers")
    cdsv: float | None = None
    feswell: float | None = None

    def check_version(self, version: SwanVersion) -> None:
        """Refuse SSWELL for a version that does not read it."""
        version.require("SSWELL", path="model_type", fix="leave sswell out")

    def render(self, version: SwanVersion) -> str:
        """The SSWELL line."""
        self.check_version(version)
        pairs = [("cdsv", self.cdsv), ("feswell", self.feswell)]
        return join("SSWELL ROGERS", keyword_values(pairs))


@attrs.frozen(kw_only=True)
class SswellArdhuin:
    """``SSWELL ARDHUIN cdsv``: swell dissipation of Ardhuin et al. (2010).

    Attributes:
        cdsv: Coefficient of the viscous dissipation (SWAN's default 1.2).
    """

    model_type: ClassVar[str] = "ardhuin"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("ardhuin")
    cdsv: float | None = None

    def check_version(self, version: SwanVersion) -> None:
        """Refuse SSWELL for a version that does not read it."""
        version.require("SSWELL", path="model_type", fix="leave sswell out")

    def render(self, version: SwanVersion) -> str:
        """The SSWELL line."""
        self.check_version(version)
        return join("SSWELL ARDHUIN", keyword_values([("cdsv", self.cdsv)]))


@attrs.frozen(kw_only=True)
class SswellZieger:
    """``SSWELL ZIEGER b1``: swell dissipation of Zieger et al. (2015).

    Attributes:
        b1: Non-dimensional proportionality coefficient (SWAN's default 0.00025).
    """

    model_type: ClassVar[str] = "zieger"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("zieger")
    b1: float | None = None

    def check_version(self, version: SwanVersion) -> None:
        """Refuse SSWELL for a version that does not read it."""
        version.require("SSWELL", path="model_type", fix="leave sswell out")

    def render(self, version: SwanVersion) -> str:
        """The SSWELL line."""
        self.check_version(version)
        return join("SSWELL ZIEGER", keyword_values([("b1", self.b1)]))


@attrs.frozen(kw_only=True)
class Negatinp:
    """``NEGATINP rdcoef``: negative wind input (meant for ``SSWELL ZIEGER``).

    Attributes:
        rdcoef: Strength of the negative input, 0 to 1 (SWAN requires it).
    """

    model_type: ClassVar[str] = "negatinp"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("negatinp")
    rdcoef: float = attrs.field(validator=_fraction)

    def check_version(self, version: SwanVersion) -> None:
        """Refuse NEGATINP for a version that does not read it."""
        version.require("NEGATINP", path="model_type", fix="leave negatinp out")

    def render(self, version: SwanVersion) -> str:
        """The NEGATINP line."""
        self.check_version(version)
        return join("NEGATINP", keyword_values([("rdcoef", self.rdcoef)]))


@attrs.frozen(kw_only=True)
class WcappingKomen:
    """``WCAPPING KOMEN``: Komen et al. (1984) whitecapping with its exponents.

    Attributes:
        cds2: Whitecapping rate coefficient (SWAN's default 2.36e-5).
        stpm: Steepness of a Pierson-Moskowitz spectrum (3.02e-3).
        powst: Power of the steepness normalised with ``stpm`` (2).
        delta: Weight of the wave-number term (1).
        powk: Power of the normalised wave number (1).
    """

    model_type: ClassVar[str] = "komen"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("komen")
    cds2: float | None = None
    stpm: float | None = None
    powst: float | None = None
    delta: float | None = None
    powk: float | None = None

    def render(self, version: SwanVersion) -> str:
        """The WCAPPING line."""
        names = ("cds2", "stpm", "powst", "delta", "powk")
        return join("WCAPPING KOMEN", keyword_values((n, getattr(self, n)) for n in names))


@attrs.frozen(kw_only=True)
class WcappingAb:
    """``WCAPPING AB``: saturation-based whitecapping of Alves and Banner (2003).

    Attributes:
        cds2: Proportionality coefficient (SWAN's default 5.0e-5).
        br: Threshold saturation level (1.75e-3).
        current: Add current-induced steepening (SWAN 41.45 and later).
        cds3: Coefficient of the current term (0.8; with ``current`` only).
    """

    model_type: ClassVar[str] = "ab"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("ab")
    cds2: float | None = None
    br: float | None = None
    current: bool = False
    cds3: float | None = None

    def __attrs_post_init__(self) -> None:
        """``cds3`` belongs to the current term."""
        if self.cds3 is not None and not self.current:
            raise ConfigError(
                "cds3 is the coefficient of the current term: set current: true or leave cds3 out",
                path="cds3",
                value=self.cds3,
            )

    def check_version(self, version: SwanVersion) -> None:
        """Refuse the current term for a version that does not read it."""
        if self.current:
            version.require("WCAPPING AB CURRENT", path="current", fix="leave current and cds3 out")

    def render(self, version: SwanVersion) -> str:
        """The WCAPPING line."""
        self.check_version(version)
        current = join("CURRENT", keyword_values([("cds3", self.cds3)])) if self.current else ""
        values = keyword_values([("cds2", self.cds2), ("br", self.br)])
        return join("WCAPPING AB", values, current)


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


_VEGETATION_COLUMNS = ("height", "diamtr", "nstems", "drag")


def _layers(value: float | list[float]) -> list[float]:
    return list(value) if isinstance(value, list) else [value]


@attrs.frozen(kw_only=True)
class Vegetation:
    """``VEGETATION [iveg] <height diamtr nstems drag>``: damping by plants, per layer.

    A number gives one layer; lists give one value per layer (all of the same length).

    Attributes:
        iveg: 1, the original formulation (what SWAN 41.01 computes), or 2, Jacobsen et
            al. (2019) (one layer only; SWAN 41.41 and later).
        height: Plant height per layer (m).
        diamtr: Stem diameter per layer (m).
        drag: Drag coefficient per layer.
        nstems: Stems per square metre per layer.
    """

    model_type: ClassVar[str] = "vegetation"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("vegetation")
    iveg: Literal[1, 2] = 1
    height: float | list[float]
    diamtr: float | list[float]
    drag: float | list[float]
    nstems: int | list[int] = 1

    def __attrs_post_init__(self) -> None:
        """Every quantity has one value per layer; no negative values."""
        columns = {name: _layers(getattr(self, name)) for name in _VEGETATION_COLUMNS}
        counts = {name: len(values) for name, values in columns.items()}
        for name, values in columns.items():
            if counts[name] != counts["height"]:
                raise ConfigError(
                    f"every vegetation quantity needs one value per layer, got {counts}: give "
                    f"{name} {counts['height']} value(s), as height has",
                    path=name,
                )
            if min(values) < (1 if name == "nstems" else 0):
                raise ConfigError(f"{name} must be positive, got {values}", path=name)
        if self.iveg == 2 and counts["height"] > 1:
            raise ConfigError(
                "iveg 2 (Jacobsen et al. 2019) takes one layer only: give single values",
                path="iveg",
            )

    def layers(self) -> list[tuple[float, float, int, float]]:
        """``(height, diamtr, nstems, drag)`` of each layer, lowest first."""
        columns = [_layers(getattr(self, name)) for name in _VEGETATION_COLUMNS]
        return [(h, d, int(n), c) for h, d, n, c in zip(*columns, strict=True)]

    def check_version(self, version: SwanVersion) -> None:
        """Refuse ``iveg: 2`` for a version that does not read ``iveg``."""
        if self.iveg != 1:
            version.require("VEGETATION iveg", path="iveg", fix="leave iveg out (1)")

    def render(self, version: SwanVersion) -> str:
        """The VEGETATION line, one group of four values per layer."""
        self.check_version(version)
        iveg = f"iveg={self.iveg}" if version.knows("VEGETATION iveg") else ""
        groups = [
            keyword_values([("height", h), ("diamtr", d), ("nstems", n), ("drag", c)])
            for h, d, n, c in self.layers()
        ]
        return join("VEGETATION", iveg, *groups)


@attrs.frozen(kw_only=True)
class Mud:
    """``MUD layer rhom viscm``: damping by a fluid mud layer (Ng 2000).

    Attributes:
        layer: Mud layer thickness (m; SWAN's default 0, or a MUDLAYER input grid).
        rhom: Mud density (kg/m3; 1300).
        viscm: Kinematic viscosity of the mud (m2/s; 0.0076).
    """

    model_type: ClassVar[str] = "mud"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("mud")
    layer: float | None = attrs.field(default=None, validator=non_negative)
    rhom: float | None = attrs.field(default=None, validator=positive)
    viscm: float | None = attrs.field(default=None, validator=positive)

    def render(self, version: SwanVersion) -> str:
        """The MUD line."""
        pairs = [("layer", self.layer), ("rhom", self.rhom), ("viscm", self.viscm)]
        return join("MUD", keyword_values(pairs))


@attrs.frozen(kw_only=True)
class Turbulence:
    """``TURBULENCE ctb [CURRENT tbcur]``: dissipation by turbulent viscosity.

    Attributes:
        ctb: Coefficient of the turbulent viscosity (SWAN's default 0.01).
        current: Derive the viscosity from the current (else from a TURBULENCE input grid).
        tbcur: Factor of the current-derived viscosity (0.004; with ``current`` only).
    """

    model_type: ClassVar[str] = "turbulence"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("turbulence")
    ctb: float | None = None
    current: bool = True
    tbcur: float | None = None

    def __attrs_post_init__(self) -> None:
        """``tbcur`` belongs to the current option."""
        if self.tbcur is not None and not self.current:
            raise ConfigError(
                "tbcur applies to the current option: set current: true or leave tbcur out",
                path="tbcur",
                value=self.tbcur,
            )

    def render(self, version: SwanVersion) -> str:
        """The TURBULENCE line."""
        current = join("CURRENT", keyword_values([("tbcur", self.tbcur)])) if self.current else ""
        return join("TURBULENCE", keyword_values([("ctb", self.ctb)]), current)
