"""Spectra at output locations: ``SPECOUT 'sname' SPEC1D|SPEC2D ABS|REL 'fname'`` (4.7.3).

The file is SWAN's own spectral format (or NetCDF for a name ending in ``.nc``); a later
run can read it as a boundary (``BOUNDSPEC ... FILE``).
"""

from __future__ import annotations

from typing import ClassVar

import attrs

from rompy.models.swan.components.base import continued, quoted, tag_aliases
from rompy.models.swan.context import DeckContext, Times


@attrs.frozen(kw_only=True)
class Spec1d:
    """One-dimensional (frequency) spectra."""

    model_type: ClassVar[str] = "spec1d"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("spec1d")

    def render(self) -> str:
        """``SPEC1D``."""
        return "SPEC1D"


@attrs.frozen(kw_only=True)
class Spec2d:
    """Two-dimensional (frequency-direction) spectra, SWAN's default."""

    model_type: ClassVar[str] = "spec2d"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("spec2d")

    def render(self) -> str:
        """``SPEC2D``."""
        return "SPEC2D"


@attrs.frozen(kw_only=True)
class Abs:
    """Spectra over absolute frequency (as seen from a fixed point), SWAN's default."""

    model_type: ClassVar[str] = "abs"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("abs")

    def render(self) -> str:
        """``ABS``."""
        return "ABS"


@attrs.frozen(kw_only=True)
class Rel:
    """Spectra over relative frequency (as seen moving with the current)."""

    model_type: ClassVar[str] = "rel"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("rel")

    def render(self) -> str:
        """``REL``."""
        return "REL"


@attrs.frozen(kw_only=True)
class SpecOut:
    """``SPECOUT 'sname' SPEC1D|SPEC2D ABS|REL 'fname' [OUTPUT tbeg delt UNIT]``.

    Attributes:
        sname: The point set (a ``points`` sname).
        dim: 1D or 2D spectra (SWAN's default: 2D).
        freq: Absolute or relative frequency (SWAN's default: absolute).
        fname: The file, relative to the staging dir.
        times: When to write, in a non-stationary run.
    """

    model_type: ClassVar[str] = "specout"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("specout")
    sname: str
    dim: Spec1d | Spec2d | None = None
    freq: Abs | Rel | None = None
    fname: str
    times: Times = attrs.field(factory=Times)

    def render(self, context: DeckContext) -> list[str]:
        """The SPECOUT command."""
        return continued(
            f"SPECOUT {quoted(self.sname)}",
            self.dim.render() if self.dim else "",
            self.freq.render() if self.freq else "",
            quoted(self.fname),
            self.times.render_output(context),
        )
