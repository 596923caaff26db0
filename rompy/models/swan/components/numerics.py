"""Propagation and numerics: ``PROP BSBT|GSE``, ``NUMERIC`` (manual 4.5.x, 4.6).

SWAN 41.01 reads the parts of ``NUMERIC`` in a fixed order (STOPC or ACCUR, DIRIMPL,
SIGIMPL, CSIGMA, CTHETA, SETUP) and stops at the first part out of that order, so they are
written in that order, continued over lines (SWAN reads only 120 characters of a line).
"""

from __future__ import annotations

from typing import ClassVar, Literal

import attrs

from rompy.models.swan.components.base import (
    continued,
    join,
    keyword_values,
    positive,
    tag_aliases,
)
from rompy.models.swan.context import DeckContext, Delt


@attrs.frozen(kw_only=True)
class Bsbt:
    """The first-order BSBT propagation scheme."""

    model_type: ClassVar[str] = "bsbt"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("bsbt")

    def render(self) -> str:
        """``BSBT``."""
        return "BSBT"


@attrs.frozen(kw_only=True)
class Gse:
    """``GSE [waveage] SEC|MIN|HR|DAY``: diffusion against the garden-sprinkler effect.

    SWAN adds it to its S&L scheme, the default of non-stationary runs only.

    Attributes:
        waveage: Travel time of the waves over the region, which sets the diffusion
            (SWAN's default: none added).
    """

    model_type: ClassVar[str] = "gse"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("gse")
    waveage: Delt | None = None

    def render(self) -> str:
        """``GSE waveage=1.0 DAY``."""
        return join("GSE", f"waveage={self.waveage.render()}" if self.waveage else "")


@attrs.frozen(kw_only=True)
class Prop:
    """``PROP <scheme>``. Attributes: scheme: the propagation scheme."""

    model_type: ClassVar[str] = "prop"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("prop")
    scheme: Bsbt | Gse | None = None

    def render(self, context: DeckContext) -> list[str]:
        """The PROP line."""
        return [join("PROP", self.scheme.render() if self.scheme else "")]


@attrs.frozen(kw_only=True)
class Stat:
    """Iterations of a stationary computation. Attributes: mxitst: most iterations."""

    model_type: ClassVar[str] = "stat"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("stat")
    mxitst: int | None = attrs.field(default=None, validator=positive)
    alfa: float | None = None

    def render(self) -> str:
        """``STATIONARY mxitst=...``."""
        return join("STATIONARY", keyword_values([("mxitst", self.mxitst), ("alfa", self.alfa)]))


@attrs.frozen(kw_only=True)
class Nonstat:
    """Iterations per time step.

    Attributes:
        mxitns: Most iterations per step; always written, as SWAN 41.01 requires a value
            after ``NONSTATIONARY`` ("No value for variable MXITNS"); 1 is the manual's default.
    """

    model_type: ClassVar[str] = "nonstat"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("nonstat")
    mxitns: int = attrs.field(default=1, validator=positive)

    def render(self) -> str:
        """``NONSTATIONARY mxitns=...``."""
        return join("NONSTATIONARY", keyword_values([("mxitns", self.mxitns)]))


@attrs.frozen(kw_only=True)
class Stopc:
    """``STOPC dabs drel curvat npnts STAT|NONSTAT limiter``: the convergence criterion.

    Attributes:
        dabs: Absolute change of Hs below which a point converged (m).
        drel: Relative change of Hs below which a point converged.
        curvat: Curvature of the iteration curve of Hs below which a point converged.
        npnts: Percentage of wet points that must converge.
        mode: Iteration limits (stationary or per time step).
        limiter: Maximum change per iteration (of the action density).
    """

    model_type: ClassVar[str] = "stopc"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("stopc")
    dabs: float | None = None
    drel: float | None = None
    curvat: float | None = None
    npnts: float | None = None
    mode: Stat | Nonstat | None = None
    limiter: float | None = None

    def render(self) -> str:
        """The STOPC part of NUMERIC."""
        names = ("dabs", "drel", "curvat", "npnts")
        head = keyword_values((name, getattr(self, name)) for name in names)
        mode = self.mode.render() if self.mode else ""
        return join("STOPC", head, mode, keyword_values([("limiter", self.limiter)]))


@attrs.frozen(kw_only=True)
class Accur:
    """``ACCUR drel dhoval dtoval npnts STAT|NONSTAT limiter``: the older criterion.

    Attributes:
        drel: Relative change of Hs and Tm01 below which a point converged.
        dhoval: Change of Hs, as a fraction of the mean Hs, below which a point converged.
        dtoval: Change of Tm01, as a fraction of the mean Tm01, below which it converged.
        npnts: Percentage of wet points that must converge.
        mode: Iteration limits (stationary or per time step).
        limiter: Maximum change per iteration (of the action density).
    """

    model_type: ClassVar[str] = "accur"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("accur")
    drel: float | None = None
    dhoval: float | None = None
    dtoval: float | None = None
    npnts: float | None = None
    mode: Stat | Nonstat | None = None
    limiter: float | None = None

    def render(self) -> str:
        """The ACCUR part of NUMERIC."""
        names = ("drel", "dhoval", "dtoval", "npnts")
        head = keyword_values((name, getattr(self, name)) for name in names)
        mode = self.mode.render() if self.mode else ""
        return join("ACCUR", head, mode, keyword_values([("limiter", self.limiter)]))


@attrs.frozen(kw_only=True)
class DirImpl:
    """``DIRIMPL cdd``: the scheme of refraction. Attributes: cdd: 0 central, 1 upwind."""

    model_type: ClassVar[str] = "dirimpl"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("dirimpl")
    cdd: float | None = None

    def render(self) -> str:
        """``DIRIMPL cdd=...``."""
        return join("DIRIMPL", keyword_values([("cdd", self.cdd)]))


Verbosity = Literal[0, 1, 2, 3]
"""How much a solver writes to PRINT: 0 nothing, 1 more, 2 most, 3 a summary."""


@attrs.frozen(kw_only=True)
class SigImpl:
    """``SIGIMPL css eps2 outp niter``: the implicit scheme of frequency shifting.

    Attributes:
        css: 0 central, 1 first-order upwind.
        eps2: Relative stopping criterion of the linear solver.
        outp: Solver output to PRINT.
        niter: Most iterations of the linear solver.
    """

    model_type: ClassVar[str] = "sigimpl"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("sigimpl")
    css: float | None = None
    eps2: float | None = None
    outp: Verbosity | None = None
    niter: int | None = attrs.field(default=None, validator=positive)

    def render(self) -> str:
        """``SIGIMPL css=... eps2=... outp=... niter=...``."""
        names = ("css", "eps2", "outp", "niter")
        return join("SIGIMPL", keyword_values((name, getattr(self, name)) for name in names))


@attrs.frozen(kw_only=True)
class CTheta:
    """``CTHETA cfl``: limit the turning rate by a CFL number. Attributes: cfl: the limit."""

    model_type: ClassVar[str] = "ctheta"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("ctheta")
    cfl: float | None = attrs.field(default=None, validator=positive)

    def render(self) -> str:
        """``CTHETA cfl=...``."""
        return join("CTHETA", keyword_values([("cfl", self.cfl)]))


@attrs.frozen(kw_only=True)
class CSigma:
    """``CSIGMA cfl``: limit frequency shifting by a CFL number. Attributes: cfl: the limit."""

    model_type: ClassVar[str] = "csigma"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("csigma")
    cfl: float | None = attrs.field(default=None, validator=positive)

    def render(self) -> str:
        """``CSIGMA cfl=...``."""
        return join("CSIGMA", keyword_values([("cfl", self.cfl)]))


@attrs.frozen(kw_only=True)
class NumSetup:
    """``SETUP eps2 outp niter``: the solver of the wave-induced set-up.

    Attributes:
        eps2: Relative stopping criterion of the solver.
        outp: Solver output to PRINT.
        niter: Most iterations of the solver.
    """

    model_type: ClassVar[str] = "setup"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("setup")
    eps2: float | None = None
    outp: Verbosity | None = None
    niter: int | None = attrs.field(default=None, validator=positive)

    def render(self) -> str:
        """``SETUP eps2=... outp=... niter=...``."""
        names = ("eps2", "outp", "niter")
        return join("SETUP", keyword_values((name, getattr(self, name)) for name in names))


@attrs.frozen(kw_only=True)
class Numeric:
    """``NUMERIC``: convergence and the numerical schemes of refraction and shifting.

    Attributes:
        stop: The convergence criterion (STOPC, or the older ACCUR).
        dirimpl: The scheme of refraction.
        sigimpl: The scheme of frequency shifting.
        ctheta: A limit on the turning rate.
        csigma: A limit on frequency shifting.
        setup: The solver of the wave-induced set-up.
    """

    model_type: ClassVar[str] = "numeric"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("numeric")
    stop: Stopc | Accur | None = None
    dirimpl: DirImpl | None = None
    sigimpl: SigImpl | None = None
    ctheta: CTheta | None = None
    csigma: CSigma | None = None
    setup: NumSetup | None = None

    def render(self, context: DeckContext) -> list[str]:
        """The NUMERIC command, its parts in the order SWAN reads them (none if empty)."""
        parts = (self.stop, self.dirimpl, self.sigimpl, self.csigma, self.ctheta, self.setup)
        given = [part.render() for part in parts if part is not None]
        return continued("NUMERIC", *given) if given else []
