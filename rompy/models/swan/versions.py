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
}
"""The first version that reads each keyword (for the migration table in the docs)."""

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

    def require(self, keyword: str, path: str) -> None:
        """Refuse ``keyword`` if this version does not read it.

        Raises:
            ConfigError: Naming ``path``, the version and the fix.
        """
        if not self.knows(keyword):
            raise ConfigError(
                f"SWAN {self} does not know {keyword} (a later SWAN does); leave it out or "
                "raise swan_version",
                path=path,
                value=keyword,
            )

    def __str__(self) -> str:
        return f"{self.major}.{self.minor:02d}"
