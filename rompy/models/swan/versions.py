"""Which SWAN version knows which keyword.

A deck is written for one ``swan_version`` (by default the one ``scripts/engines/swan.sh``
builds). Keywords newer than it are left out where SWAN has a default that means the same,
and refused otherwise, naming the version.
"""

from __future__ import annotations

import attrs

from rompy import ConfigError

DEFAULT_VERSION = "41.01"
"""The version the install script builds."""

KEYWORDS_SINCE: dict[str, str] = {
    "DRAG": "41.41",
    "OBSTACLE TRANS1D": "41.10",
    "OBSTACLE TRANS2D": "41.10",
    "GEN3 ST6": "41.20",
    "SSWELL": "41.31",
    "NEGATINP": "41.31",
    "OBSTACLE FREEBOARD": "41.31",
    "SICE": "41.31",
    "VEGETATION iveg": "41.41",
    "OBSTACLE FIG": "41.41",
    "BRAGG": "41.41",
    "SURFBEAT": "41.41",
    "SCAT": "41.41",
    "TRIAD DCTA": "41.45",
    "TRIAD LTA": "41.45",
    "TRIAD SPB": "41.45",
    "WCAPPING AB CURRENT": "41.45",
}
"""The first version rompy writes each keyword for (for the migration table in the docs).

SWAN 41.01's command parser (``swanpre1.ftn`` of the source ``scripts/engines/swan.sh``
builds) reads none of them; that is checked. The later versions are the first release known
to read each: SWAN's release notes (TRANS1D/TRANS2D 41.10, ST6 41.20), rompy-swan's notes
(SCAT 41.41, the TRIAD DCTA/LTA/SPB forms 41.45) and the dated change log of SWAN's parser
for the rest, rounded up to the next release where unsure, so a deck is never written for a
version that may not read it.
"""

LATER_THAN_4101: frozenset[str] = frozenset(
    {
        "NOSWLL", "HSEA", "DPM", "DPMSEA", "DPMSWE", "TPSSEA", "TPSSWE", "AICE", "DISSWELL",
        "DISICE", "PARTITION", "PTHSIGN", "PTRTP", "PTWLEN", "PTDIR", "PTDSPR", "PTWFRAC",
        "PTSTEEPNE",
    }
)  # fmt: skip
"""Keywords of later SWAN versions that 41.01 does not read (checked against its parser,
which takes some of them for another quantity: ``HSEA`` for ``HS``)."""


@attrs.frozen(order=True)
class SwanVersion:
    """A SWAN version such as 41.01 or 41.45, compared by its numbers.

    Attributes:
        major: 41 in 41.45.
        minor: 45 in 41.45.
    """

    major: int
    minor: int

    @classmethod
    def parse(cls, text: str) -> SwanVersion:
        """Read ``41.01``-style text.

        Raises:
            ConfigError: The text is not a version.
        """
        head, _, tail = str(text).strip().partition(".")
        if not (head.isdigit() and tail.isdigit()):
            raise ConfigError(
                f"swan_version must look like 41.01 or 41.45, got {text!r}",
                path="swan_version",
                value=text,
            )
        return cls(int(head), int(tail))

    def knows(self, keyword: str) -> bool:
        """Whether this version reads ``keyword``."""
        if keyword in LATER_THAN_4101:
            return self > SwanVersion(41, 1)
        return self >= SwanVersion.parse(KEYWORDS_SINCE.get(keyword, "0.0"))

    def require(self, keyword: str, *, path: str, fix: str = "leave it out") -> None:
        """Refuse ``keyword`` when this version does not read it.

        Args:
            keyword: A key of :data:`KEYWORDS_SINCE` or of :data:`LATER_THAN_4101`.
            path: The field that asks for the keyword.
            fix: What to do instead (the message ends with it).

        Raises:
            ConfigError: This version does not read the keyword; the message names the
                versions and the fix.
        """
        if not self.knows(keyword):
            since = KEYWORDS_SINCE.get(keyword)
            needs = f"SWAN {since} or later" if since else "a SWAN later than 41.01"
            raise ConfigError(
                f"{keyword} needs {needs}; swan_version is {self}, which does not read it: "
                f"{fix}, or raise swan_version",
                path=path,
            )

    def __str__(self) -> str:
        return f"{self.major}.{self.minor:02d}"
