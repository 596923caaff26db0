"""What every command needs to know to render: the SWAN version and the run's times."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, ClassVar, Literal

import attrs

from rompy import ConfigError, TimeRange
from rompy.models.swan.versions import SwanVersion

TimeUnit = Literal["sec", "min", "hr", "day"]
"""SWAN's units of time intervals."""

_SECONDS = {"sec": 1, "min": 60, "hr": 3600, "day": 86400}
_ANY_VERSION = SwanVersion(0, 0)


@attrs.frozen(kw_only=True)
class DeckContext:
    """The version the deck is written for and the period it covers.

    Attributes:
        version: The target SWAN version.
        period: The run's period (its interval is the default time step).
        nonstationary: Whether the run is non-stationary (``MODE NONSTATIONARY``).
        staged: What the data layer found about each staged data item, by item name (the
            geometry and times of the input grids it wrote).
    """

    version: SwanVersion
    period: TimeRange
    nonstationary: bool
    staged: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict)


def swan_time(moment: datetime) -> str:
    """A time in SWAN's ISO format (``tfmt=1``): ``20230101.000000``."""
    return moment.strftime("%Y%m%d.%H%M%S")


def swan_interval(interval: timedelta, unit: TimeUnit) -> str:
    """An interval in ``unit``: ``1.0 HR``."""
    return f"{interval.total_seconds() / _SECONDS[unit]!r} {unit.upper()}"


@attrs.frozen(kw_only=True)
class Times:
    """Output or computation times; the run's period fills what is left out.

    Attributes:
        tbeg: First time (default: the period's start).
        delt: Time step (default: the period's interval).
        tend: Last time, for computations (default: the period's end).
        dfmt: Unit the step is written in.
        tfmt: SWAN's time format; only 1 (ISO, ``20230101.000000``) is written.
    """

    model_type: ClassVar[str] = "times"
    model_type_aliases: ClassVar[tuple[str, ...]] = (
        "nonstationary", "NONSTATIONARY", "open", "OPEN", "closed", "CLOSED",
    )  # fmt: skip
    tfmt: Literal[1] = 1
    tbeg: datetime | None = None
    delt: timedelta | None = None
    tend: datetime | None = None
    dfmt: TimeUnit = "hr"

    def begin(self, context: DeckContext) -> datetime:
        """The first time."""
        return self.tbeg or context.period.start

    def step(self, context: DeckContext) -> timedelta:
        """The time step."""
        return self.delt or context.period.interval

    def end(self, context: DeckContext) -> datetime:
        """The last time."""
        return self.tend or context.period.end

    def render_open(self, context: DeckContext) -> str:
        """``tbeg delt UNIT`` (output times)."""
        return f"{swan_time(self.begin(context))} {swan_interval(self.step(context), self.dfmt)}"

    def render_output(self, context: DeckContext) -> str:
        """``OUTPUT tbeg delt UNIT`` of a write command in a non-stationary run; else none."""
        return f"OUTPUT {self.render_open(context)}" if context.nonstationary else ""

    def render_closed(self, context: DeckContext) -> str:
        """``tbeg delt UNIT tend`` (computation times)."""
        return f"{self.render_open(context)} {swan_time(self.end(context))}"

    def check(self, period: TimeRange, path: str, *, closed: bool) -> None:
        """Refuse times outside ``period``.

        When ``closed`` (computation times), the end must follow the start and the time
        step must divide the interval between them.

        Raises:
            ConfigError: Naming ``path`` and the field.
        """
        context = DeckContext(version=_ANY_VERSION, period=period, nonstationary=True)
        begin, end = self.begin(context), self.end(context)
        within(begin, period, f"{path}.tbeg")
        if not closed:
            return
        within(end, period, f"{path}.tend")
        if end <= begin:
            raise ConfigError(
                f"tend {end:%Y-%m-%dT%H:%M:%S} must be after tbeg {begin:%Y-%m-%dT%H:%M:%S}",
                path=f"{path}.tend",
            )
        step = self.step(context)
        if (end - begin) % step:
            raise ConfigError(
                f"the time step {step} does not divide the computed interval {end - begin} "
                "(tbeg to tend); choose a delt that does, or move tend",
                path=f"{path}.delt",
                value=step,
            )

    def moments(self, context: DeckContext) -> list[datetime]:
        """Every time from the first to the last, one step apart."""
        begin, step, end = self.begin(context), self.step(context), self.end(context)
        count = int((end - begin) / step)
        return [begin + index * step for index in range(count + 1)]


def within(moment: datetime, period: TimeRange, path: str) -> None:
    """Refuse a time outside the run's period.

    Raises:
        ConfigError: Naming ``path``, the period and the fix.
    """
    if not period.start <= moment <= period.end:
        raise ConfigError(
            f"{moment:%Y-%m-%dT%H:%M:%S} lies outside the run's period "
            f"({period.start:%Y-%m-%dT%H:%M:%S} to {period.end:%Y-%m-%dT%H:%M:%S}); "
            "move it inside the period or widen the period",
            path=path,
            value=moment,
        )


@attrs.frozen(kw_only=True)
class Delt:
    """A time interval and the unit SWAN reads it in: ``delt SEC|MIN|HR|DAY``.

    Attributes:
        delt: The interval (seconds, ``1h``, ``PT5H``...).
        dfmt: Unit the interval is written in.
    """

    model_type: ClassVar[str] = "delt"
    model_type_aliases: ClassVar[tuple[str, ...]] = ("DELT",)
    delt: timedelta
    dfmt: TimeUnit = "sec"

    def render(self) -> str:
        """``1.0 DAY``."""
        return swan_interval(self.delt, self.dfmt)
