"""Initial state: ``INITIAL DEFAULT|ZERO|PAR|HOTSTART`` (manual 4.5.1).

SWAN 41.01 names the wave height of ``INITIAL PAR`` ``hsig`` (``hs=`` is refused there,
unlike in BOUNDSPEC), so the field ``hs`` is written as ``hsig=``.
"""

from __future__ import annotations

from typing import ClassVar, Literal

import attrs

from rompy.models.swan.components.base import (
    keyword_values,
    non_negative,
    positive,
    quoted,
    tag_aliases,
)
from rompy.models.swan.context import DeckContext


@attrs.frozen(kw_only=True)
class Default:
    """``INITIAL DEFAULT``: the initial spectra SWAN derives from the wind."""

    model_type: ClassVar[str] = "default"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("default")

    def render(self) -> str:
        """``DEFAULT``."""
        return "DEFAULT"


@attrs.frozen(kw_only=True)
class Zero:
    """``INITIAL ZERO``: start from no waves."""

    model_type: ClassVar[str] = "zero"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("zero")

    def render(self) -> str:
        """``ZERO``."""
        return "ZERO"


@attrs.frozen(kw_only=True)
class HotSingle:
    """``INITIAL HOTSTART SINGLE 'fname' FREE|UNFORMATTED``: start from a hotfile.

    Attributes:
        fname: The hotfile, relative to the staging dir.
        format: ``free`` or ``unformatted``.
    """

    model_type: ClassVar[str] = "hotsingle"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("hotsingle")
    fname: str
    format: Literal["free", "unformatted"] = "free"

    def render(self) -> str:
        """``HOTSTART SINGLE fname='...' FREE``."""
        return f"HOTSTART SINGLE fname={quoted(self.fname)} {self.format.upper()}"


@attrs.frozen(kw_only=True)
class HotMultiple:
    """``INITIAL HOTSTART MULTIPLE 'fname' FREE|UNFORMATTED``: hotfiles of a parallel run.

    Attributes:
        fname: The hotfile's base name (a parallel SWAN adds each process's number).
        format: ``free`` or ``unformatted``.
    """

    model_type: ClassVar[str] = "hotmultiple"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("hotmultiple")
    fname: str
    format: Literal["free", "unformatted"] = "free"

    def render(self) -> str:
        """``HOTSTART MULTIPLE fname='...' FREE``."""
        return f"HOTSTART MULTIPLE fname={quoted(self.fname)} {self.format.upper()}"


@attrs.frozen(kw_only=True)
class Par:
    """``INITIAL PAR hsig per dir dd``: the same parametric spectrum everywhere.

    Attributes:
        hs: Significant wave height (m).
        per: Period (s), peak or mean as BOUND SHAPESPEC says.
        dir: Mean direction (degrees, in the SET convention).
        dd: Directional spreading (cosine power, or degrees).
    """

    model_type: ClassVar[str] = "par"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("par")
    hs: float = attrs.field(validator=non_negative)
    per: float = attrs.field(validator=positive)
    dir: float
    dd: float | None = attrs.field(default=None, validator=positive)

    def render(self) -> str:
        """``PAR hsig=... per=... dir=... dd=...``."""
        values = [("hsig", self.hs), ("per", self.per), ("dir", self.dir), ("dd", self.dd)]
        return f"PAR {keyword_values(values)}"


@attrs.frozen(kw_only=True)
class Initial:
    """``INITIAL <kind>``.

    Attributes:
        kind: Default, zero, a parametric spectrum or hotstart file(s).
    """

    model_type: ClassVar[str] = "initial"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("initial")
    kind: Default | Zero | Par | HotSingle | HotMultiple = attrs.field(factory=Default)

    def render(self, context: DeckContext) -> list[str]:
        """The INITIAL line."""
        return [f"INITIAL {self.kind.render()}"]
