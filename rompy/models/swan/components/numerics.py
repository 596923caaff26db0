"""Propagation and numerics: ``PROP``, ``NUMERIC STOPC`` (manual 4.5.x, 4.6)."""

from __future__ import annotations

from typing import ClassVar

import attrs

from rompy.models.swan.components.base import join, keyword_values, positive, tag_aliases
from rompy.models.swan.context import DeckContext


@attrs.frozen(kw_only=True)
class Bsbt:
    """The first-order BSBT propagation scheme."""

    model_type: ClassVar[str] = "bsbt"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("bsbt")

    def render(self) -> str:
        """``BSBT``."""
        return "BSBT"


@attrs.frozen(kw_only=True)
class Prop:
    """``PROP <scheme>``. Attributes: scheme: the propagation scheme."""

    model_type: ClassVar[str] = "prop"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("prop")
    scheme: Bsbt | None = None

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
class Numeric:
    """``NUMERIC <stop criterion>``. Attributes: stop: the convergence criterion."""

    model_type: ClassVar[str] = "numeric"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("numeric")
    stop: Stopc | None = None

    def render(self, context: DeckContext) -> list[str]:
        """The NUMERIC line (none without a criterion)."""
        return [f"NUMERIC {self.stop.render()}"] if self.stop else []
