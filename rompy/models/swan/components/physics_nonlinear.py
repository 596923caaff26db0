"""Non-linear interactions: QUADRUPL, TRIAD in its forms, and the LIMITER (4.5).

SWAN 41.01 writes triads as ``TRIAD [itriad] ...`` (``itriad`` 1 is the LTA, 2 the SPB);
the keyword forms ``TRIAD DCTA|LTA|SPB`` with a ``BIPHASE`` came later and are refused for
41.01, naming the version and the 41.01 spelling where there is one.
"""

from __future__ import annotations

from typing import ClassVar, Literal

import attrs

from rompy import ConfigError
from rompy.models.swan.components.base import join, keyword_values, non_negative, tag_aliases
from rompy.models.swan.versions import SwanVersion


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
class Triad:
    """``TRIAD itriad trfac cutfr a b urcrit urslim``: triads, SWAN 41.01's form.

    ``cutfr`` belongs to ``itriad`` 1 (the LTA), ``a`` and ``b`` to ``itriad`` 2 (the SPB):
    SWAN 41.01 reads them for that method only.

    Attributes:
        itriad: Method: 1, the LTA of Eldeberky (1996), or 2, the SPB of Becq-Girard et al.
            (1999).
        trfac: Proportionality coefficient.
        cutfr: Cut-off frequency over the mean frequency (``itriad`` 1).
        a: First SPB coefficient (``itriad`` 2).
        b: Second SPB coefficient (``itriad`` 2).
        ucrit: The critical Ursell number of the biphase (written ``urcrit``).
        urslim: Ursell number below which triads are left out.
    """

    model_type: ClassVar[str] = "triad"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("triad")
    itriad: Literal[1, 2] | None = None
    trfac: float | None = None
    cutfr: float | None = None
    a: float | None = None
    b: float | None = None
    ucrit: float | None = None
    urslim: float | None = None

    def __attrs_post_init__(self) -> None:
        """Each method's own coefficients only (SWAN stops at the others)."""
        method = self.itriad or 1
        wrong = ("a", "b") if method == 1 else ("cutfr",)
        for name in wrong:
            if getattr(self, name) is not None:
                raise ConfigError(
                    f"{name} does not belong to itriad {method}: cutfr is for itriad 1 (LTA), "
                    f"a and b for itriad 2 (SPB); leave {name} out or change itriad",
                    path=name,
                    value=getattr(self, name),
                )

    def render(self, version: SwanVersion) -> str:
        """The TRIAD line."""
        names = ("itriad", "trfac", "cutfr", "a", "b", "ucrit", "urslim")
        pairs = [(name.replace("ucrit", "urcrit"), getattr(self, name)) for name in names]
        return join("TRIAD", keyword_values(pairs))


@attrs.frozen(kw_only=True)
class Eldeberky:
    """``BIPHASE ELDEBERKY urcrit``: the biphase of Eldeberky (1996).

    Attributes:
        urcrit: The critical Ursell number (SWAN's default 0.63).
    """

    model_type: ClassVar[str] = "eldeberky"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("eldeberky")
    urcrit: float | None = None

    def render(self) -> str:
        """The BIPHASE words."""
        return join("BIPHASE ELDEBERKY", keyword_values([("urcrit", self.urcrit)]))


@attrs.frozen(kw_only=True)
class DeWit:
    """``BIPHASE DEWIT lpar``: the biphase parametrisation of De Wit, spatially filtered.

    Attributes:
        lpar: Averaging length in peak wave lengths (SWAN's default 0: none).
    """

    model_type: ClassVar[str] = "dewit"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("dewit")
    lpar: float | None = attrs.field(default=None, validator=non_negative)

    def render(self) -> str:
        """The BIPHASE words."""
        return join("BIPHASE DEWIT", keyword_values([("lpar", self.lpar)]))


def _keyword_triad(version: SwanVersion, keyword: str, instead: str) -> None:
    version.require(f"TRIAD {keyword}", path="model_type", fix=instead)


@attrs.frozen(kw_only=True)
class TriadDcta:
    """``TRIAD DCTA trfac p COLL|NONC [BIPHASE ...]``: the distributed collinear triads.

    Attributes:
        trfac: Proportionality coefficient (SWAN's default 4.4).
        p: Shape coefficient of the spectral tail (4/3).
        noncolinear: Non-collinear interactions (``NONC``) instead of collinear.
        biphase: The biphase parametrisation (SWAN's default Eldeberky).
    """

    model_type: ClassVar[str] = "dcta"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("dcta")
    trfac: float | None = None
    p: float | None = None
    noncolinear: bool = False
    biphase: Eldeberky | DeWit | None = None

    def check_version(self, version: SwanVersion) -> None:
        """Refuse DCTA for a version that does not read it."""
        _keyword_triad(version, "DCTA", "41.01 has no DCTA; use model_type triad (LTA or SPB)")

    def render(self, version: SwanVersion) -> str:
        """The TRIAD line."""
        self.check_version(version)
        values = keyword_values([("trfac", self.trfac), ("p", self.p)])
        biphase = self.biphase.render() if self.biphase else ""
        return join("TRIAD DCTA", values, "NONC" if self.noncolinear else "COLL", biphase)


@attrs.frozen(kw_only=True)
class TriadLta:
    """``TRIAD LTA trfac cutfr [BIPHASE ...]``: the lumped triad approximation.

    Attributes:
        trfac: Proportionality coefficient.
        cutfr: Cut-off frequency over the mean frequency.
        biphase: The biphase parametrisation.
    """

    model_type: ClassVar[str] = "lta"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("lta")
    trfac: float | None = None
    cutfr: float | None = None
    biphase: Eldeberky | DeWit | None = None

    def check_version(self, version: SwanVersion) -> None:
        """Refuse the LTA keyword for a version that does not read it."""
        _keyword_triad(version, "LTA", "write it as model_type triad with itriad 1")

    def render(self, version: SwanVersion) -> str:
        """The TRIAD line."""
        self.check_version(version)
        values = keyword_values([("trfac", self.trfac), ("cutfr", self.cutfr)])
        return join("TRIAD LTA", values, self.biphase.render() if self.biphase else "")


@attrs.frozen(kw_only=True)
class TriadSpb:
    """``TRIAD SPB trfac a b [BIPHASE ...]``: the stochastic parametric Boussinesq model.

    Attributes:
        trfac: Proportionality coefficient.
        a: First coefficient.
        b: Second coefficient.
        biphase: The biphase parametrisation.
    """

    model_type: ClassVar[str] = "spb"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("spb")
    trfac: float | None = None
    a: float | None = None
    b: float | None = None
    biphase: Eldeberky | DeWit | None = None

    def check_version(self, version: SwanVersion) -> None:
        """Refuse the SPB keyword for a version that does not read it."""
        _keyword_triad(version, "SPB", "write it as model_type triad with itriad 2")

    def render(self, version: SwanVersion) -> str:
        """The TRIAD line."""
        self.check_version(version)
        values = keyword_values([("trfac", self.trfac), ("a", self.a), ("b", self.b)])
        return join("TRIAD SPB", values, self.biphase.render() if self.biphase else "")


@attrs.frozen(kw_only=True)
class Limiter:
    """``LIMITER ursell qb``: switch the quadruplets off where triads or breaking dominate.

    Attributes:
        ursell: Ursell number above which the quadruplets are left out (SWAN's default 10).
        qb: Fraction of breaking waves above which they are left out (1).
    """

    model_type: ClassVar[str] = "limiter"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("limiter")
    ursell: float | None = None
    qb: float | None = None

    def render(self, version: SwanVersion) -> str:
        """The LIMITER line."""
        return join("LIMITER", keyword_values([("ursell", self.ursell), ("qb", self.qb)]))
