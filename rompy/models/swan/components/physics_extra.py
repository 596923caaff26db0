"""Sea ice, Bragg scattering, set-up, diffraction, surf beat and scattering (4.5).

SETUP and DIFFRACTION are read by SWAN 41.01. SICE, BRAGG, SURFBEAT and SCAT came later and
are refused for 41.01, naming the version; 41.01 stops at each ("Illegal keyword").
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

import attrs

from rompy import ConfigError
from rompy.models.swan.components.base import (
    join,
    keyword_values,
    non_negative,
    quoted,
    tag_aliases,
)
from rompy.models.swan.versions import SwanVersion


def _aice(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not 0.0 <= value <= 1.0:
        raise ConfigError(f"aice is a fraction, 0 to 1, got {value!r}", path="aice", value=value)


def _sice(version: SwanVersion) -> None:
    version.require("SICE", path="model_type", fix="leave sice out")


@attrs.frozen(kw_only=True)
class Sice:
    """``SICE [aice]``: damping by sea ice, with SWAN's default formulation.

    Attributes:
        aice: Ice concentration, 0 to 1 (else from an AICE input grid).
    """

    model_type: ClassVar[str] = "sice"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("sice")
    aice: float | None = attrs.field(default=None, validator=_aice)

    def check_version(self, version: SwanVersion) -> None:
        """Refuse SICE for a version that does not read it."""
        _sice(version)

    def _coefficients(self) -> list[tuple[str, float | None]]:
        return []

    def render(self, version: SwanVersion) -> str:
        """``SICE aice=... [R19|D15|M18|R21B coefficients]``."""
        self.check_version(version)
        method = "" if type(self) is Sice else self.model_type.upper()
        return join("SICE", keyword_values([("aice", self.aice)]), method,
                    keyword_values(self._coefficients()))  # fmt: skip


@attrs.frozen(kw_only=True)
class SiceR19(Sice):
    """``SICE R19 c0 ... c6``: the polynomial fit of Rogers et al. (2019).

    Attributes:
        c0: Coefficient of the zeroth power.
        c1: Coefficient of the first power.
        c2: Coefficient of the second power (SWAN's default 1.06e-3).
        c3: Coefficient of the third power.
        c4: Coefficient of the fourth power (2.3e-2).
        c5: Coefficient of the fifth power.
        c6: Coefficient of the sixth power.
    """

    model_type: ClassVar[str] = "r19"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("r19")
    c0: float | None = None
    c1: float | None = None
    c2: float | None = None
    c3: float | None = None
    c4: float | None = None
    c5: float | None = None
    c6: float | None = None

    def _coefficients(self) -> list[tuple[str, float | None]]:
        return [(f"c{power}", getattr(self, f"c{power}")) for power in range(7)]


@attrs.frozen(kw_only=True)
class SiceD15(Sice):
    """``SICE D15 chf``: Doble et al. (2015). Attributes: chf: proportionality (0.1)."""

    model_type: ClassVar[str] = "d15"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("d15")
    chf: float | None = None

    def _coefficients(self) -> list[tuple[str, float | None]]:
        return [("chf", self.chf)]


@attrs.frozen(kw_only=True)
class SiceM18(SiceD15):
    """``SICE M18 chf``: Meylan et al. (2018). Attributes: chf: proportionality (0.059)."""

    model_type: ClassVar[str] = "m18"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("m18")


@attrs.frozen(kw_only=True)
class SiceR21b(Sice):
    """``SICE R21B chf npf``: Rogers et al. (2021), power law in frequency.

    Attributes:
        chf: Proportionality coefficient (SWAN's default 2.9).
        npf: Power of the frequency (4.5).
    """

    model_type: ClassVar[str] = "r21b"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("r21b")
    chf: float | None = None
    npf: float | None = None

    def _coefficients(self) -> list[tuple[str, float | None]]:
        return [("chf", self.chf), ("npf", self.npf)]


@attrs.frozen(kw_only=True)
class Bragg:
    """``BRAGG ibrag nreg cutoff``: Bragg scattering off bottom ripples.

    Attributes:
        ibrag: Numerical method, 1, 2 or 3 (SWAN's default 1).
        nreg: Number of bottom-spectrum meshes in each direction.
        cutoff: Cut-off of the bottom spectrum, in peak wave numbers (5).
    """

    model_type: ClassVar[str] = "bragg"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("bragg")
    ibrag: Literal[1, 2, 3] | None = None
    nreg: int
    cutoff: float | None = None

    def check_version(self, version: SwanVersion) -> None:
        """Refuse BRAGG for a version that does not read it."""
        version.require("BRAGG", path="model_type", fix="leave bragg out")

    def _source(self) -> str:
        return ""

    def render(self, version: SwanVersion) -> str:
        """``BRAGG ibrag=... nreg=... cutoff=... [FT|FILE ...]``."""
        self.check_version(version)
        pairs = [("ibrag", self.ibrag), ("nreg", self.nreg), ("cutoff", self.cutoff)]
        return join("BRAGG", keyword_values(pairs), self._source())


@attrs.frozen(kw_only=True)
class BraggFt(Bragg):
    """``BRAGG ... FT``: the bottom spectrum from a Fourier transform of the bottom."""

    model_type: ClassVar[str] = "ft"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("ft")

    def _source(self) -> str:
        return "FT"


@attrs.frozen(kw_only=True)
class BraggFile(Bragg):
    """``BRAGG ... FILE 'fname' idla mkx mky dkx dky``: the bottom spectrum from a file.

    Attributes:
        fname: The file of the bottom spectrum.
        idla: Layout of the values in the file (as READINP's).
        mkx: Meshes in the x wave number.
        mky: Meshes in the y wave number (SWAN's default ``mkx``).
        dkx: Mesh size in the x wave number (rad/m).
        dky: Mesh size in the y wave number (``dkx``).
    """

    model_type: ClassVar[str] = "file"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("file")
    fname: str
    idla: Literal[1, 2, 3, 4, 5, 6] | None = None
    mkx: int
    mky: int | None = None
    dkx: float
    dky: float | None = None

    def _source(self) -> str:
        pairs = [("idla", self.idla), ("mkx", self.mkx), ("mky", self.mky),
                 ("dkx", self.dkx), ("dky", self.dky)]  # fmt: skip
        return join(f"FILE fname={quoted(self.fname)}", keyword_values(pairs))


@attrs.frozen(kw_only=True)
class Setup:
    """``SETUP supcor``: wave-induced set-up (cartesian coordinates only).

    Attributes:
        supcor: Constant added to the set-up everywhere (m; SWAN's default 0).
    """

    model_type: ClassVar[str] = "setup"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("setup")
    supcor: float | None = None

    def render(self, version: SwanVersion) -> str:
        """The SETUP line."""
        return join("SETUP", keyword_values([("supcor", self.supcor)]))


@attrs.frozen(kw_only=True)
class Diffraction:
    """``DIFFRACTION idiffr smpar smnum cgmod``: phase-decoupled refraction-diffraction.

    Attributes:
        idiffr: Include diffraction (SWAN's default when the command is given).
        smpar: Smoothing coefficient of the wave field (0).
        smnum: Number of smoothing steps (0).
        cgmod: Adapt the group velocity too, 1 or 0 (1).
    """

    model_type: ClassVar[str] = "diffraction"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("diffraction")
    idiffr: bool | None = None
    smpar: float | None = attrs.field(default=None, validator=non_negative)
    smnum: int | None = attrs.field(default=None, validator=non_negative)
    cgmod: float | None = None

    def render(self, version: SwanVersion) -> str:
        """The DIFFRACTION line."""
        idiffr = None if self.idiffr is None else int(self.idiffr)
        pairs = [("idiffr", idiffr), ("smpar", self.smpar), ("smnum", self.smnum),
                 ("cgmod", self.cgmod)]  # fmt: skip
        return join("DIFFRACTION", keyword_values(pairs))


@attrs.frozen(kw_only=True)
class Surfbeat:
    """``SURFBEAT df nmax emin UNIFORM|LOGARITHMIC``: infragravity waves forced by groups.

    Attributes:
        df: Frequency step of the infragravity spectrum (Hz).
        nmax: Largest number of short-wave frequency pairs.
        emin: Energy threshold below which pairs are left out.
        spacing: Spacing of the infragravity frequencies.
    """

    model_type: ClassVar[str] = "surfbeat"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("surfbeat")
    df: float | None = attrs.field(default=None, validator=non_negative)
    nmax: int | None = attrs.field(default=None, validator=non_negative)
    emin: float | None = None
    spacing: Literal["uniform", "logarithmic"] | None = None

    def check_version(self, version: SwanVersion) -> None:
        """Refuse SURFBEAT for a version that does not read it."""
        version.require("SURFBEAT", path="model_type", fix="leave surfbeat out")

    def render(self, version: SwanVersion) -> str:
        """The SURFBEAT line."""
        self.check_version(version)
        values = keyword_values([("df", self.df), ("nmax", self.nmax), ("emin", self.emin)])
        return join("SURFBEAT", values, self.spacing.upper() if self.spacing else "")


@attrs.frozen(kw_only=True)
class Scat:
    """``SCAT iqcm [GRID rfac] [TRUNC alpha qmax]``: quasi-coherent scattering.

    Attributes:
        iqcm: 0 (off), 1 (scattering by the bottom) or 2 (by bottom and currents).
        rfac: Refinement of the wave-number grid, 1 or more.
        alpha: Truncation of the convolution sum, in peak wave numbers.
        qmax: Largest scattering wave number (1/m).
    """

    model_type: ClassVar[str] = "scat"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("scat")
    iqcm: Literal[0, 1, 2] | None = None
    rfac: float | None = None
    alpha: float | None = None
    qmax: float | None = None

    def __attrs_post_init__(self) -> None:
        """SWAN refuses a coarser grid."""
        if self.rfac is not None and self.rfac < 1.0:
            raise ConfigError(f"rfac must be 1 or more, got {self.rfac!r}", path="rfac")

    def check_version(self, version: SwanVersion) -> None:
        """Refuse SCAT for a version that does not read it."""
        version.require("SCAT", path="model_type", fix="leave scat out")

    def render(self, version: SwanVersion) -> str:
        """The SCAT line."""
        self.check_version(version)
        grid = join("GRID", keyword_values([("rfac", self.rfac)])) if self.rfac else ""
        limits = keyword_values([("alpha", self.alpha), ("qmax", self.qmax)])
        return join("SCAT", keyword_values([("iqcm", self.iqcm)]), grid,
                    join("TRUNC", limits) if limits else "")  # fmt: skip
