"""Lock-up: ``COMPUTE`` (stationary or over the run's period) and ``STOP`` (manual 4.8)."""

from __future__ import annotations

from typing import ClassVar, Literal

import attrs

from rompy.models.swan.components.base import quoted, tag_aliases
from rompy.models.swan.context import DeckContext, Times, swan_time


@attrs.frozen(kw_only=True)
class ComputeStat:
    """``COMPUTE STATIONARY [time]``: one stationary computation (at the period's start)."""

    model_type: ClassVar[str] = "stat"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("stat")

    def render(self, context: DeckContext) -> list[str]:
        """The COMPUTE line."""
        if context.nonstationary:
            return [f"COMPUTE STATIONARY {swan_time(context.period.start)}"]
        return ["COMPUTE"]


@attrs.frozen(kw_only=True)
class HotFile:
    """``HOTFILE 'fname' FREE|UNFORMATTED``: the final state, to start a later run from.

    Attributes:
        fname: The file, relative to the staging dir.
        format: ``free`` or ``unformatted``.
    """

    fname: str
    format: Literal["free", "unformatted"] = "free"

    def render(self) -> str:
        """The HOTFILE line."""
        return f"HOTFILE fname={quoted(self.fname)} {self.format.upper()}"


@attrs.frozen(kw_only=True)
class ComputeNonstat:
    """``COMPUTE NONSTATIONARY tbeg delt UNIT tend``, after an optional stationary start.

    Attributes:
        initstat: First compute a stationary state at the start time.
        times: Start, step and end (the run's period by default).
        hotfile: A hotfile written once the computation ended.
        hottimes: When hotfiles are written: only ``[-1]`` (at the end) is supported.
    """

    model_type: ClassVar[str] = "nonstat"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("nonstat")
    initstat: bool = False
    times: Times = attrs.field(factory=Times)
    hotfile: HotFile | None = None
    hottimes: list[Literal[-1]] = attrs.field(factory=lambda: [-1])

    def render(self, context: DeckContext) -> list[str]:
        """The COMPUTE lines (and the HOTFILE written at the end)."""
        lines = []
        if self.initstat:
            lines.append(f"COMPUTE STATIONARY {swan_time(self.times.begin(context))}")
        lines.append(f"COMPUTE NONSTATIONARY {self.times.render_closed(context)}")
        if self.hotfile is not None:
            lines.append(self.hotfile.render())
        return lines


@attrs.frozen(kw_only=True)
class Lockup:
    """The computation and the end of the deck.

    Attributes:
        compute: A stationary or a non-stationary computation.
    """

    compute: ComputeStat | ComputeNonstat = attrs.field(factory=ComputeStat)

    def render(self, context: DeckContext) -> list[str]:
        """The COMPUTE and STOP lines."""
        return [*self.compute.render(context), "STOP"]
