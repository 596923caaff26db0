"""Lock-up: ``COMPUTE`` (stationary or over the run's period) and ``STOP`` (manual 4.8).

A non-stationary computation with hotfiles at several times is written as consecutive
``COMPUTE NONSTATIONARY`` commands, each ending at a hotfile time and followed by its
``HOTFILE``; those files get the time in their name (``hot_20230101T060000.txt``).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import PurePosixPath
from typing import ClassVar, Literal

import attrs

from rompy import ConfigError, TimeRange
from rompy.models.swan.components.base import quoted, tag_aliases
from rompy.models.swan.context import DeckContext, Times, swan_interval, swan_time
from rompy.models.swan.versions import SwanVersion

_ANY = SwanVersion(0, 0)


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

    def render(self, fname: str | None = None) -> str:
        """The HOTFILE line (for ``fname``, if given, instead of the field)."""
        return f"HOTFILE fname={quoted(fname or self.fname)} {self.format.upper()}"

    def stamped(self, moment: datetime, suffix: str) -> str:
        """The file name with ``moment`` (formatted by ``suffix``) before its extension."""
        path = PurePosixPath(self.fname)
        return str(path.with_name(f"{path.stem}{moment.strftime(suffix)}{path.suffix}"))


@attrs.frozen(kw_only=True)
class ComputeNonstat:
    """``COMPUTE NONSTATIONARY tbeg delt UNIT tend``, after an optional stationary start.

    Attributes:
        initstat: First compute a stationary state at the start time.
        times: Start, step and end (the run's period by default).
        hotfile: Hotfiles to write, at ``hottimes``.
        hottimes: When hotfiles are written: indices of the computed times (``-1`` the
            last) or times among them. With only the last, the hotfile keeps its name.
        suffix: How the time enters the name of each of several hotfiles.
    """

    model_type: ClassVar[str] = "nonstat"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("nonstat")
    initstat: bool = False
    times: Times = attrs.field(factory=Times)
    hotfile: HotFile | None = None
    hottimes: list[int | datetime] = attrs.field(factory=lambda: [-1])
    suffix: str = "_%Y%m%dT%H%M%S"

    def render(self, context: DeckContext) -> list[str]:
        """The COMPUTE lines (and a HOTFILE after each computation that ends at a hottime)."""
        lines = []
        begin = self.times.begin(context)
        if self.initstat:
            lines.append(f"COMPUTE STATIONARY {swan_time(begin)}")
        moments = self.times.moments(context)
        ends = [moments[index] for index in self.hot_indices(moments)]
        single = ends == [moments[-1]]
        for end in ends if ends[-1:] == [moments[-1]] else [*ends, moments[-1]]:
            lines.append(self._compute(begin, end, context))
            if self.hotfile is not None and end in ends:
                name = None if single else self.hotfile.stamped(end, self.suffix)
                lines.append(self.hotfile.render(name))
            begin = end
        return lines

    def _compute(self, begin: datetime, end: datetime, context: DeckContext) -> str:
        step = swan_interval(self.times.step(context), self.times.dfmt)
        return f"COMPUTE NONSTATIONARY {swan_time(begin)} {step} {swan_time(end)}"

    def hot_indices(self, moments: list[datetime]) -> list[int]:
        """The indices of the hotfile times among ``moments``, in order (none without one)."""
        if self.hotfile is None:
            return []
        indices = {self._index(hottime, moments, at) for at, hottime in enumerate(self.hottimes)}
        return sorted(indices)

    def _index(self, hottime: int | datetime, moments: list[datetime], at: int) -> int:
        count = len(moments)
        if isinstance(hottime, datetime):
            index = moments.index(hottime) if hottime in moments else -count - 1
        else:
            index = hottime + count if hottime < 0 else hottime
        if not 0 < index < count:
            raise ConfigError(
                f"hottime {hottime!r} is not one of the computed times after the start "
                f"(indices 1 to {count - 1}, or -1 for the last; times "
                f"{moments[0]:%Y-%m-%dT%H:%M} to {moments[-1]:%Y-%m-%dT%H:%M} every "
                f"{moments[1] - moments[0]})",
                path=f"hottimes[{at}]",
                value=hottime,
            )
        return index

    def check(self, period: TimeRange) -> None:
        """Refuse computed times outside ``period`` and hottimes that are not computed times.

        A time step must also divide the computed interval.

        Raises:
            ConfigError: Naming ``times.tbeg``, ``times.tend``, ``times.delt`` or
                ``hottimes[k]``.
        """
        self.times.check(period, "times", closed=True)
        context = DeckContext(version=_ANY, period=period, nonstationary=True)
        self.hot_indices(self.times.moments(context))


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

    def check(self, period: TimeRange) -> None:
        """Refuse computed times the run's period does not hold (paths ``compute...``)."""
        if isinstance(self.compute, ComputeNonstat):
            try:
                self.compute.check(period)
            except ConfigError as error:
                raise error.with_path_prefix("compute") from None
