"""Postprocessor specs: what happens to outputs after a run, tagged on ``type``."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import attrs

from rompy.domain.execution.spec import check_positive_timeout


def _to_optional_path(value: Any) -> Path | None:
    return None if value is None else Path(value)


@attrs.frozen(kw_only=True)
class PostprocessSpec:
    """Base class of every postprocessor spec; subclasses set ``type``."""

    type: ClassVar[str] = ""
    requires: ClassVar[tuple[str, ...]] = ()
    """Optional modules the adapter for this class needs (shown by ``rompy plugins``)."""


@attrs.frozen(kw_only=True)
class NoopPostprocess(PostprocessSpec):
    """Do nothing with the outputs, optionally checking that the staging dir has files.

    Attributes:
        validate_outputs: Fail when the staging dir is missing or empty.
        timeout: Accepted for compatibility with the reference rompy's files.
        env_vars: Accepted for compatibility with the reference rompy's files.
        working_dir: Accepted for compatibility with the reference rompy's files.
    """

    type: ClassVar[str] = "noop"
    validate_outputs: bool = True
    timeout: float | None = attrs.field(default=None, validator=check_positive_timeout)
    env_vars: dict[str, str] = attrs.field(factory=dict)
    working_dir: Path | None = attrs.field(default=None, converter=_to_optional_path)
