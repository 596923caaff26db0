"""The template rendering port."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

import attrs


@attrs.frozen(kw_only=True)
class RenderRequest:
    """Ask for a template tree to be rendered into a staging dir.

    Attributes:
        template: A local folder, a ``package:path`` resource or an fsspec URL.
        context: Template context, at least ``runtime`` and ``config``.
        staging_dir: The folder to produce.
        delete_existing: Replace an existing ``staging_dir``; otherwise it is an error.
    """

    template: str
    context: Mapping[str, Any]
    staging_dir: Path
    delete_existing: bool = False


@attrs.frozen(kw_only=True)
class RenderResult:
    """What was rendered.

    Attributes:
        staging_dir: The folder that now holds the rendered files.
        files: Rendered files, relative to ``staging_dir``, sorted.
    """

    staging_dir: Path
    files: tuple[Path, ...]


class TemplateRenderer(Protocol):
    """Renders template trees atomically into staging dirs."""

    def render(self, request: RenderRequest) -> RenderResult:
        """Render ``request.template`` into ``request.staging_dir``.

        Raises:
            TemplateError: The template is missing, uses an undefined variable or a path
                escapes the staging dir. Nothing is left half-written.
            StagingError: The staging dir exists and ``delete_existing`` is False.
        """
        ...
