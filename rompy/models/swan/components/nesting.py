"""Spectral boundaries from wave spectra: ``boundary: {model_type: boundnest1, ...}``.

rompy-swan's ``boundnest1`` is a spectral boundary data item: spectra at sites (a
wavespectra-readable source) are blended onto points along the computational grid's
boundary by rompy's spectral-boundary handler and written with wavespectra's SWAN writer
(``LONLAT`` locations, ``TIME`` blocks), which the deck reads with
``BOUNDNEST1 NEST 'fname' CLOSED|OPEN``.
"""

from __future__ import annotations

from typing import ClassVar, Literal

import attrs

from rompy import BoundaryWaveStation, ConfigError, DataItem
from rompy.models.swan.components.base import quoted, tag_aliases
from rompy.models.swan.context import DeckContext


def _swan_only(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if value != "swan":
        raise ConfigError(
            f"BOUNDNEST1 reads SWAN's spectral file format; output_format must be swan, "
            f"not {value!r}",
            path="output_format",
            value=value,
        )


@attrs.frozen(kw_only=True)
class Boundnest1(BoundaryWaveStation):
    """``BOUNDNEST1 NEST 'fname' CLOSED|OPEN`` from spectra at sites (tag ``boundnest1``).

    The fields of ``boundary_wave_station`` (source, sel_method, tolerance, buffer,
    spacing, ...) choose the spectra and how they are blended onto the boundary.

    Attributes:
        rectangle: ``closed`` (the boundary goes all round the grid) or ``open``.
    """

    model_type: ClassVar[str] = "boundnest1"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("boundnest1")
    rectangle: Literal["closed", "open"] = "closed"
    output_format: Literal["netcdf", "swan"] = attrs.field(default="swan", validator=_swan_only)

    def default_filename(self, name: str) -> str:
        """``{id or name}.bnd``."""
        return f"{self.id or name}.bnd"

    def data_item(self) -> DataItem:
        """The spectra along the boundary, as the item ``boundary``."""
        return DataItem(name="boundary", spec=self, path="config.boundary")

    def render(self, context: DeckContext) -> list[str]:
        """The BOUNDNEST1 line."""
        fname = self.default_filename("boundary")
        return [f"BOUNDNEST1 NEST {quoted(fname)} {self.rectangle.upper()}"]
