"""How output quantities are written: ``QUANTITY`` (manual 4.7.3).

``QUANTITY HSIGN TPS excv=-9.0`` sets the options that follow the list for every quantity
in it; each ``quantities`` entry is one such line.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar, Literal

import attrs

from rompy import ConfigError
from rompy.models.swan.components.base import continued, keyword_values, quoted, tag_aliases
from rompy.models.swan.context import DeckContext, swan_time
from rompy.models.swan.versions import SwanVersion

OutputQuantity = Literal[
    "hsign", "hswell", "dir", "pdir", "tdir", "tm01", "rtm01", "rtp", "tm02", "fspr", "dspr",
    "vel", "frcoef", "wind", "dissip", "qb", "transp", "force", "ubot", "urms", "wlen",
    "steepness", "dhsign", "drtm01", "leak", "xp", "yp", "dist", "setup", "tps", "tmm10",
    "rtmm10", "depth", "botlev", "watlev", "time", "tsec", "lwavp", "per", "rper", "period",
    "qp", "wlength", "propagat", "propxy", "proptheta", "propsigma", "generat", "genwind",
    "redist", "redquad", "redtriad", "disbot", "dissurf", "diswcap", "disveg", "dismud",
    "radstr", "tmbot", "bfi", "nplants",
    # read by SWAN versions after 41.01 only (refused for 41.01, see versions.py)
    "hsea", "dpm", "dpmsea", "dpmswe", "tpssea", "tpsswe", "aice", "disswell", "disice",
    "partition", "pthsign", "ptrtp", "ptwlen", "ptdir", "ptdspr", "ptwfrac", "ptsteepne",
]  # fmt: skip
"""The output quantities supported (SWAN's names, lower case)."""


def check_known(quantities: Sequence[str], version: SwanVersion, path: str) -> None:
    """Refuse quantities ``version`` does not know (path ``<path>[k]``).

    Raises:
        ConfigError: Naming the quantity, the version and the fix.
    """
    for index, quantity in enumerate(quantities):
        version.require(quantity.upper(), path=f"{path}[{index}]")


@attrs.frozen(kw_only=True)
class Quantity:
    """``QUANTITY < quantities > 'short' 'long' lexp hexp excv ref power fswell fmin fmax``.

    Attributes:
        output: The quantities the options apply to.
        short: Short name (a table's heading).
        long: Long name (a block's heading).
        lexp: Lowest expected value.
        hexp: Highest expected value (sets the decimals of a table).
        excv: Value written where there is none (a dry point).
        power: Power in the definitions of PER, RPER and WLEN.
        ref: Reference time of TSEC.
        fswell: Upper frequency of HSWELL (Hz).
        noswll: Number of swells of watershed partitions (SWAN after 41.01).
        fmin: Lowest frequency of integral parameters (Hz).
        fmax: Highest frequency of integral parameters (Hz).
        coord: Directions and vectors relative to the problem's axes or to a FRAME's.
    """

    model_type: ClassVar[str] = "quantity"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("quantity")
    output: list[OutputQuantity] = attrs.field(validator=attrs.validators.min_len(1))
    short: str | None = None
    long: str | None = None
    lexp: float | None = None
    hexp: float | None = None
    excv: float | None = None
    power: float | None = None
    ref: datetime | None = None
    fswell: float | None = None
    noswll: int | None = None
    fmin: float | None = None
    fmax: float | None = None
    coord: Literal["problemcoord", "frame"] | None = None

    def render(self, context: DeckContext) -> list[str]:
        """The QUANTITY command."""
        names = [f"short={quoted(self.short)}" if self.short else ""]
        names.append(f"long={quoted(self.long)}" if self.long else "")
        ranges = keyword_values([("lexp", self.lexp), ("hexp", self.hexp), ("excv", self.excv)])
        ref = f"ref={swan_time(self.ref)}" if self.ref else ""
        values = [("power", self.power), ("fswell", self.fswell), ("noswll", self.noswll)]
        values += [("fmin", self.fmin), ("fmax", self.fmax)]
        coord = self.coord.upper() if self.coord else ""
        quantities = (quantity.upper() for quantity in self.output)
        return continued(
            "QUANTITY", *quantities, *names, ranges, ref, keyword_values(values), coord
        )

    def check_version(self, version: SwanVersion) -> None:
        """Refuse what ``version`` does not know (paths ``output[k]``, ``noswll``)."""
        check_known(self.output, version, "output")
        if self.noswll is not None:
            version.require("NOSWLL", path="noswll")


@attrs.frozen(kw_only=True)
class Quantities:
    """Several QUANTITY commands, one per entry.

    Attributes:
        quantities: The QUANTITY commands, in order.
    """

    model_type: ClassVar[str] = "quantities"
    model_type_aliases: ClassVar[tuple[str, ...]] = tag_aliases("quantities")
    quantities: list[Quantity] = attrs.field(validator=attrs.validators.min_len(1))

    def render(self, context: DeckContext) -> list[str]:
        """Every QUANTITY command."""
        return [line for quantity in self.quantities for line in quantity.render(context)]

    def check_version(self, version: SwanVersion) -> None:
        """Refuse what ``version`` does not know (paths ``quantities[k]...``)."""
        for index, quantity in enumerate(self.quantities):
            try:
                quantity.check_version(version)
            except ConfigError as error:
                raise error.with_path_prefix(f"quantities[{index}]") from None
