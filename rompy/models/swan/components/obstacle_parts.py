"""The parts of an ``OBSTACLE`` command: transmission, reflection, freeboard, line (4.5).

SWAN 41.01 reads ``TRANSM``, ``DAM GODA|DANGREMOND``, ``REFL`` with ``RSPEC|RDIFF`` and
``LINE``; the per-frequency transmissions (``TRANS1D``, ``TRANS2D``) and ``FREEBOARD`` came
later and are refused for it, naming the version. The checks SWAN makes while reading are
made at load time: coefficients between 0 and 1, a whole ``pown``, slopes in degrees.
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs

from rompy import ConfigError
from rompy.models.swan.components.base import join, keyword_values, number, tag_aliases
from rompy.models.swan.versions import SwanVersion


def _coefficient(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not 0.0 <= value <= 1.0:
        raise ConfigError(
            f"{attribute.name} must lie between 0 and 1, got {value!r}",
            path=attribute.name,
            value=value,
        )


def _coefficients(values: list[float], name: str) -> None:
    if any(not 0.0 <= value <= 1.0 for value in values):
        raise ConfigError(f"every {name} must lie between 0 and 1, got {values}", path=name)


@attrs.frozen(kw_only=True)
class Transm:
    """``TRANSM trcoef``: a constant transmission coefficient.

    Attributes:
        trcoef: Transmitted over incoming Hs (SWAN's default 0: the obstacle blocks).
    """

    model_type: ClassVar[str] = "transm"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("transm")
    trcoef: float | None = attrs.field(default=None, validator=_coefficient)

    def render(self, version: SwanVersion) -> str:
        """``TRANSM trcoef=...`` (41.01 requires the value: its default 0 is written)."""
        return f"TRANSM trcoef={number(0.0 if self.trcoef is None else self.trcoef)}"


@attrs.frozen(kw_only=True)
class Trans1d:
    """``TRANS1D trcoef ...``: one transmission coefficient per frequency (``msc`` + 1).

    Attributes:
        trcoef: Transmitted over incoming Hs, per frequency.
    """

    model_type: ClassVar[str] = "trans1d"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("trans1d")
    trcoef: list[float]

    def __attrs_post_init__(self) -> None:
        """Coefficients between 0 and 1."""
        _coefficients(self.trcoef, "trcoef")

    def check_version(self, version: SwanVersion) -> None:
        """Refuse TRANS1D for a version that does not read it."""
        version.require("OBSTACLE TRANS1D", path="model_type", fix="use model_type transm")

    def render(self, version: SwanVersion) -> str:
        """The TRANS1D words."""
        self.check_version(version)
        return join("TRANS1D", *(number(value) for value in self.trcoef))


@attrs.frozen(kw_only=True)
class Trans2d:
    """``TRANS2D``: transmission coefficients per direction (rows) and frequency (columns).

    Attributes:
        trcoef: Transmitted over incoming Hs; one row per direction.
    """

    model_type: ClassVar[str] = "trans2d"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("trans2d")
    trcoef: list[list[float]]

    def __attrs_post_init__(self) -> None:
        """Coefficients between 0 and 1, rows of one length."""
        _coefficients([value for row in self.trcoef for value in row], "trcoef")
        if len({len(row) for row in self.trcoef}) > 1:
            raise ConfigError("every row of trcoef needs one value per frequency", path="trcoef")

    def check_version(self, version: SwanVersion) -> None:
        """Refuse TRANS2D for a version that does not read it."""
        version.require("OBSTACLE TRANS2D", path="model_type", fix="use model_type transm")

    def render(self, version: SwanVersion) -> str:
        """``TRANS2D &`` then one continued line per direction."""
        self.check_version(version)
        rows = [" ".join(number(value) for value in row) for row in self.trcoef]
        return " &\n    ".join(["TRANS2D", *rows]) + " &\n   "


@attrs.frozen(kw_only=True)
class Goda:
    """``DAM GODA hgt alpha beta``: transmission over a dam (Goda et al. 1967).

    Attributes:
        hgt: Crest level above the reference level (m; negative when submerged).
        alpha: First coefficient (SWAN's default 2.6).
        beta: Second coefficient (0.15).
    """

    model_type: ClassVar[str] = "goda"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("goda")
    hgt: float
    alpha: float | None = None
    beta: float | None = None

    def render(self, version: SwanVersion) -> str:
        """The DAM words."""
        pairs = [("hgt", self.hgt), ("alpha", self.alpha), ("beta", self.beta)]
        return join("DAM GODA", keyword_values(pairs))


@attrs.frozen(kw_only=True)
class Dangremond:
    """``DAM DANGREMOND hgt slope Bk``: transmission over a dam (d'Angremond et al. 1996).

    Attributes:
        hgt: Crest level above the reference level (m; negative when submerged).
        slope: Slope of the dam (degrees, 0 to 90).
        Bk: Crest width (m).
    """

    model_type: ClassVar[str] = "dangremond"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("dangremond")
    hgt: float
    slope: float
    Bk: float

    def __attrs_post_init__(self) -> None:
        """A slope in degrees."""
        if not 0.0 <= self.slope <= 90.0:
            raise ConfigError(f"slope is in degrees, 0 to 90, got {self.slope!r}", path="slope")

    def render(self, version: SwanVersion) -> str:
        """The DAM words."""
        pairs = [("hgt", self.hgt), ("slope", self.slope), ("Bk", self.Bk)]
        return join("DAM DANGREMOND", keyword_values(pairs))


@attrs.frozen(kw_only=True)
class Refl:
    """``REFL reflc``: reflection. Attributes: reflc: reflected over incoming Hs (1)."""

    model_type: ClassVar[str] = "refl"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("refl")
    reflc: float | None = attrs.field(default=None, validator=_coefficient)

    def render(self) -> str:
        """The REFL words."""
        return join("REFL", keyword_values([("reflc", self.reflc)]))


@attrs.frozen(kw_only=True)
class Rspec:
    """``RSPEC``: specular reflection (SWAN's default)."""

    model_type: ClassVar[str] = "rspec"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("rspec")

    def render(self) -> str:
        """``RSPEC``."""
        return "RSPEC"


@attrs.frozen(kw_only=True)
class Rdiff:
    """``RDIFF pown``: diffuse reflection, spread as ``cos^pown`` about the mirror direction.

    Attributes:
        pown: Width of the spreading, a whole number 0 or more (SWAN's default 1).
    """

    model_type: ClassVar[str] = "rdiff"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("rdiff")
    pown: float | None = None

    def __attrs_post_init__(self) -> None:
        """SWAN takes a whole, non-negative power."""
        if self.pown is not None and (self.pown < 0 or not float(self.pown).is_integer()):
            raise ConfigError(f"pown must be a whole number 0 or more, got {self.pown!r}",
                              path="pown", value=self.pown)  # fmt: skip

    def render(self) -> str:
        """The RDIFF words."""
        pown = None if self.pown is None else int(self.pown)
        return join("RDIFF", keyword_values([("pown", pown)]))


@attrs.frozen(kw_only=True)
class Freeboard:
    """``FREEBOARD hgt gammat gammar [QUAY]``: freeboard-dependent coefficients.

    Attributes:
        hgt: Crest or quay level above the reference level (m).
        gammat: Shape parameter of the transmission's dependency (SWAN's default 1).
        gammar: Shape parameter of the reflection's dependency (1).
        quay: The line is a quay edge (no reflection, full transmission on its shallow side).
    """

    model_type: ClassVar[str] = "freeboard"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("freeboard")
    hgt: float
    gammat: float | None = None
    gammar: float | None = None
    quay: bool = False

    def check_version(self, version: SwanVersion) -> None:
        """Refuse FREEBOARD for a version that does not read it."""
        version.require("OBSTACLE FREEBOARD", path="", fix="leave freeboard out")

    def render(self, version: SwanVersion) -> str:
        """The FREEBOARD words."""
        self.check_version(version)
        pairs = [("hgt", self.hgt), ("gammat", self.gammat), ("gammar", self.gammar)]
        return join("FREEBOARD", keyword_values(pairs), "QUAY" if self.quay else "")


@attrs.frozen(kw_only=True)
class Line:
    """``LINE xp yp ...``: the obstacle's corner points.

    Attributes:
        xp: x (or longitude) of each corner.
        yp: y (or latitude) of each corner.
    """

    model_type: ClassVar[str] = "line"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("line")
    xp: list[float]
    yp: list[float]

    def __attrs_post_init__(self) -> None:
        """At least two corners, as many x as y."""
        if len(self.xp) != len(self.yp) or len(self.xp) < 2:
            raise ConfigError(
                f"an obstacle line needs two or more corners with an x and a y each, got "
                f"{len(self.xp)} x and {len(self.yp)} y",
                path="xp",
            )

    def render(self) -> str:
        """The LINE words."""
        return join(
            "LINE", *(f"{number(x)} {number(y)}" for x, y in zip(self.xp, self.yp, strict=True))
        )


Transmission = Transm | Trans1d | Trans2d | Goda | Dangremond
"""The transmission of an obstacle, by ``model_type``."""
