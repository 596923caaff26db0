"""Wave generation: GEN1, GEN2 and GEN3 with its source terms (4.5 of the SWAN manual).

GEN3 takes Komen (SWAN's default here), Janssen, Westhuysen or the ST6 package, either with
coefficients of the user's own (``st6``) or as one of the five calibrated sets
(``st6c1`` ... ``st6c5``) the SWAN manual tabulates. The wind-drag keyword of the older
source terms (``DRAG WU|FIT``) and the ST6 package need later versions than 41.01: the drag
is left out for its default and refused otherwise, ST6 is refused, each naming the version.
"""

from __future__ import annotations

from typing import ClassVar, Literal

import attrs

from rompy import ConfigError
from rompy.models.swan.components.base import join, keyword_values, positive, tag_aliases
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

    def check_version(self, version: SwanVersion) -> None:
        """Refuse a drag formula ``version`` cannot be told."""
        _drag(self.wind_drag, version)

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

    def check_version(self, version: SwanVersion) -> None:
        """Refuse a drag formula ``version`` cannot be told."""
        _drag(self.wind_drag, version)

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

    def check_version(self, version: SwanVersion) -> None:
        """Refuse a drag formula ``version`` cannot be told."""
        _drag(self.wind_drag, version)

    def render(self, version: SwanVersion) -> str:
        """``WESTHUYSEN cds2=... br=...``."""
        values = keyword_values([("cds2", self.cds2), ("br", self.br)])
        return join("WESTHUYSEN", values, _drag(self.wind_drag, version))


@attrs.frozen(kw_only=True)
class St6:
    """ST6 wind input and whitecapping (Rogers et al. 2012), with coefficients of one's own.

    Attributes:
        a1sds: Coefficient of the local dissipation term T1.
        a2sds: Coefficient of the cumulative dissipation term T2.
        p1sds: Power of T1 (SWAN's default 4).
        p2sds: Power of T2 (SWAN's default 4).
        normalization: ``up`` (exceedance normalised by the threshold spectrum, SWAN's
            recommended default) or ``down``.
        wind_drag: ``hwang`` (default), ``fan`` (Fan et al. 2012) or ``ecmwf``.
        tau: Wind stress from vectors (``vectau``, default) or scalars (``scatau``).
        u10: ``u10proxy`` (U10 scaled from the friction velocity) or ``true10``.
        windscaling: The U10PROXY scaling factor.
        cdfac: Drag-coefficient multiplier that counters biased winds (Hwang drag only).
        agrow: Add the Cavaleri and Malanotte-Rizzoli (1981) linear growth term.
        a: The linear growth coefficient (SWAN's default 0.0015).
    """

    model_type: ClassVar[str] = "st6"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("st6")
    preset: ClassVar[dict[str, object]] = {}
    a1sds: float
    a2sds: float
    p1sds: float | None = None
    p2sds: float | None = None
    normalization: Literal["up", "down"] = "up"
    wind_drag: Literal["hwang", "fan", "ecmwf"] = "hwang"
    tau: Literal["vectau", "scatau"] = "vectau"
    u10: Literal["u10proxy", "true10"] = "u10proxy"
    windscaling: float = attrs.field(default=32.0, validator=positive)
    cdfac: float | None = attrs.field(default=None, validator=positive)
    agrow: bool = False
    a: float | None = None

    def __attrs_post_init__(self) -> None:
        """Keep a calibrated set as calibrated; debias only the Hwang drag."""
        for name, fixed in self.preset.items():
            if getattr(self, name) != fixed:
                raise ConfigError(
                    f"{self.model_type} fixes {name} at {fixed!r}; leave {name} out, or use "
                    f"model_type st6 to choose every coefficient",
                    path=name,
                    value=getattr(self, name),
                )
        if self.cdfac is not None and self.wind_drag != "hwang":
            raise ConfigError(
                f"cdfac (DEBIAS) works with the hwang drag only, not {self.wind_drag!r}; "
                "leave cdfac out or use wind_drag: hwang",
                path="cdfac",
                value=self.cdfac,
            )

    def check_version(self, version: SwanVersion) -> None:
        """Refuse ST6 for a version that does not read it."""
        version.require("GEN3 ST6", path="model_type", fix="choose komen, janssen or westhuysen")

    def render(self, version: SwanVersion) -> str:
        """``ST6 a1sds=... a2sds=... UP HWANG VECTAU U10PROXY windscaling=... [AGROW]``."""
        self.check_version(version)
        coefficients = keyword_values(
            [("a1sds", self.a1sds), ("a2sds", self.a2sds), ("p1sds", self.p1sds),
             ("p2sds", self.p2sds)]
        )  # fmt: skip
        u10 = "TRUE10" if self.u10 == "true10" else f"U10PROXY windscaling={self.windscaling!r}"
        debias = f"DEBIAS cdfac={self.cdfac!r}" if self.cdfac is not None else ""
        agrow = join("AGROW", keyword_values([("a", self.a)])) if self.agrow else ""
        words = (self.normalization, self.wind_drag, self.tau)
        return join("ST6", coefficients, *(word.upper() for word in words), u10, debias, agrow)


_C1: dict[str, object] = {
    "a1sds": 4.7e-7, "a2sds": 6.6e-6, "p1sds": 4.0, "p2sds": 4.0, "windscaling": 28.0,
    "agrow": True, "wind_drag": "hwang", "cdfac": None,
}  # fmt: skip
_C3: dict[str, object] = {**_C1, "a1sds": 2.8e-6, "a2sds": 3.5e-5, "windscaling": 32.0}


@attrs.frozen(kw_only=True)
class St6C1(St6):
    """ST6 calibrated set 1 (the SWAN manual's table; Hwang drag, U10PROXY 28)."""

    model_type: ClassVar[str] = "st6c1"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("st6c1")
    preset: ClassVar[dict[str, object]] = _C1
    a1sds: float = 4.7e-7
    a2sds: float = 6.6e-6
    p1sds: float | None = 4.0
    p2sds: float | None = 4.0
    windscaling: float = 28.0
    agrow: bool = True


@attrs.frozen(kw_only=True)
class St6C2(St6C1):
    """ST6 calibrated set 2: set 1 with the Fan et al. (2012) drag."""

    model_type: ClassVar[str] = "st6c2"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("st6c2")
    preset: ClassVar[dict[str, object]] = {**_C1, "wind_drag": "fan"}
    wind_drag: Literal["hwang", "fan", "ecmwf"] = "fan"


@attrs.frozen(kw_only=True)
class St6C3(St6C1):
    """ST6 calibrated set 3: stronger dissipation, U10PROXY 32."""

    model_type: ClassVar[str] = "st6c3"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("st6c3")
    preset: ClassVar[dict[str, object]] = _C3
    a1sds: float = 2.8e-6
    a2sds: float = 3.5e-5
    windscaling: float = 32.0


@attrs.frozen(kw_only=True)
class St6C4(St6C3):
    """ST6 calibrated set 4: set 3 with the drag debiased (cdfac 0.89)."""

    model_type: ClassVar[str] = "st6c4"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("st6c4")
    preset: ClassVar[dict[str, object]] = {**_C3, "cdfac": 0.89}
    cdfac: float | None = 0.89


@attrs.frozen(kw_only=True)
class St6C5(St6C1):
    """ST6 calibrated set 5: strongest dissipation, debiased drag, U10PROXY 35."""

    model_type: ClassVar[str] = "st6c5"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("st6c5")
    preset: ClassVar[dict[str, object]] = {
        **_C1, "a1sds": 6.5e-6, "a2sds": 8.5e-5, "windscaling": 35.0, "cdfac": 0.89,
    }  # fmt: skip
    a1sds: float = 6.5e-6
    a2sds: float = 8.5e-5
    windscaling: float = 35.0
    cdfac: float | None = 0.89


SourceTerms = Komen | Janssen | Westhuysen | St6 | St6C1 | St6C2 | St6C3 | St6C4 | St6C5
"""The source terms GEN3 takes, by ``model_type``."""


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
        source_terms: Komen (SWAN's default), Janssen, Westhuysen or ST6 (own or calibrated).
    """

    model_type: ClassVar[str] = "gen3"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("gen3")
    source_terms: SourceTerms = attrs.field(factory=Komen)

    def check_version(self, version: SwanVersion) -> None:
        """Refuse source terms ``version`` does not read, at ``source_terms``."""
        try:
            self.source_terms.check_version(version)
        except ConfigError as error:
            raise error.with_path_prefix("source_terms") from error

    def render(self, version: SwanVersion) -> str:
        """``GEN3 KOMEN|JANSSEN|WESTHUYSEN|ST6 ...``."""
        return f"GEN3 {self.source_terms.render(version)}"
