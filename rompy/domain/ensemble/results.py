"""What to gather across an ensemble's members once they are done."""

from __future__ import annotations

import attrs

from rompy.domain.errors import ConfigError


def _to_names(value: object) -> tuple[str, ...]:
    """Convert a YAML list of variable names to a tuple of strings."""
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ConfigError(
            f"{value!r} is not a list of variable names; give names such as [hs, tps]",
            path="variables",
            value=value,
        )
    return tuple(value)


@attrs.frozen(kw_only=True)
class ResultsSpec:
    """Gather one output of every done member into one dataset with a ``member`` dimension.

    Attributes:
        output: The name of the output to gather, as the model's output reader names it
            (``app.read_outputs(run)``; SWAN: the TABLE or BLOCK file's stem, ``sites``).
        variables: The variables to keep; empty keeps them all.
        plot: Also write a PNG of the spread across members.
    """

    output: str
    variables: tuple[str, ...] = attrs.field(default=(), converter=_to_names)
    plot: bool = True
